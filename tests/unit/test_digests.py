"""Digest periods on a wall clock (daylight saving neither skips nor doubles a period) and one period's changes
collapsed per entry, and what a digest says in a chat."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import zoneinfo
from typing import Any

import jsonschema
import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.domain import digests
from service.domain.digests import DigestSchedule, Every, Weekday, collapse, next_end
from service.domain.errors import Invalid
from service.domain.events import DigestData
from service.webhooks.formats import render
from service.webhooks.messages import describe
from tests.unit.test_webhook_formats import SLACK_MESSAGE, TEAMS_MESSAGE

BERLIN = "Europe/Berlin"
UTC = dt.UTC


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def ends(schedule: DigestSchedule, start: dt.datetime, count: int) -> list[dt.datetime]:
    found = []
    for _ in range(count):
        start = next_end(schedule, start)
        found.append(start)
    return found


def local(instant: dt.datetime, zone: str) -> str:
    return instant.astimezone(zoneinfo.ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M %Z")


def test_a_daily_digest_ends_at_nine_local_time_across_spring_forward_and_fall_back() -> None:
    daily = DigestSchedule(every=Every.day, at="09:00", timezone=BERLIN)
    spring = ends(daily, at("2027-03-26T12:00:00+00:00"), 4)
    assert [local(e, BERLIN) for e in spring] == [
        "2027-03-27 09:00 CET",
        "2027-03-28 09:00 CEST",
        "2027-03-29 09:00 CEST",
        "2027-03-30 09:00 CEST",
    ]
    assert [b - a for a, b in itertools.pairwise(spring)] == [
        dt.timedelta(hours=23),
        dt.timedelta(hours=24),
        dt.timedelta(hours=24),
    ]
    autumn = ends(daily, at("2027-10-30T12:00:00+00:00"), 2)
    assert [local(e, BERLIN) for e in autumn] == ["2027-10-31 09:00 CET", "2027-11-01 09:00 CET"]
    assert autumn[0] - at("2027-10-30T07:00:00+00:00") == dt.timedelta(hours=25)


def test_a_time_the_clock_skips_is_taken_as_far_past_the_change_and_a_repeated_one_the_first_time() -> None:
    skipped = DigestSchedule(every=Every.day, at="02:30", timezone=BERLIN)
    assert [local(e, BERLIN) for e in ends(skipped, at("2027-03-27T12:00:00+00:00"), 2)] == [
        "2027-03-28 03:30 CEST",
        "2027-03-29 02:30 CEST",
    ]
    repeated = DigestSchedule(every=Every.day, at="02:30", timezone=BERLIN)
    first, second = ends(repeated, at("2027-10-30T12:00:00+00:00"), 2)
    assert first == at("2027-10-31T00:30:00+00:00")  # 02:30 CEST, not 02:30 CET an hour later
    assert local(second, BERLIN) == "2027-11-01 02:30 CET"


def test_hourly_periods_are_one_hour_each_through_both_changes() -> None:
    hourly = DigestSchedule(every=Every.hour, at="00:15", timezone=BERLIN)
    for start in ("2027-03-27T22:00:00+00:00", "2027-10-30T22:00:00+00:00"):
        found = ends(hourly, at(start), 8)
        assert found[0] == at(start) + dt.timedelta(minutes=15)
        assert {b - a for a, b in itertools.pairwise(found)} == {dt.timedelta(hours=1)}
    # A zone half an hour off UTC: minute 15 on its clock is minute 45 on UTC's.
    kolkata = DigestSchedule(every=Every.hour, at="09:15", timezone="Asia/Kolkata")
    assert next_end(kolkata, at("2027-01-01T00:00:00+00:00")) == at("2027-01-01T00:45:00+00:00")


def test_a_weekly_digest_ends_on_its_weekday() -> None:
    weekly = DigestSchedule(every=Every.week, at="17:30", timezone="America/New_York", on=Weekday.friday)
    found = ends(weekly, at("2027-03-01T00:00:00+00:00"), 3)
    assert [local(e, "America/New_York") for e in found] == [
        "2027-03-05 17:30 EST",
        "2027-03-12 17:30 EST",
        "2027-03-19 17:30 EDT",  # US clocks went forward on 14 March: a 167-hour week
    ]
    assert found[2] - found[1] == dt.timedelta(hours=167)
    assert all(e.astimezone(zoneinfo.ZoneInfo("America/New_York")).weekday() == 4 for e in found)


def test_an_end_exactly_at_the_instant_given_is_not_the_next_one() -> None:
    daily = DigestSchedule(every=Every.day, at="09:00", timezone="UTC")
    assert next_end(daily, at("2027-01-01T09:00:00+00:00")) == at("2027-01-02T09:00:00+00:00")
    assert next_end(daily, at("2027-01-01T08:59:59.999999+00:00")) == at("2027-01-01T09:00:00+00:00")


ZONES = st.sampled_from(
    [
        "Europe/Berlin",
        "America/New_York",
        "Australia/Lord_Howe",
        "Asia/Kolkata",
        "UTC",
        "America/Santiago",
        "Pacific/Chatham",
        "Europe/London",
    ]
)


@settings(max_examples=60, deadline=None)
@given(
    zone=ZONES,
    hour=st.integers(0, 23),
    minute=st.integers(0, 59),
    start=st.datetimes(min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2030, 1, 1), timezones=st.just(UTC)),
)
def test_every_local_day_has_exactly_one_daily_end(zone: str, hour: int, minute: int, start: dt.datetime) -> None:
    daily = DigestSchedule(every=Every.day, at=f"{hour:02}:{minute:02}", timezone=zone)
    found = ends(daily, start, 400)
    tz = zoneinfo.ZoneInfo(zone)
    days = [e.astimezone(tz).date() for e in found]
    assert days == [days[0] + dt.timedelta(days=n) for n in range(len(days))]  # none skipped, none twice
    assert all(b > a for a, b in itertools.pairwise(found))
    assert found[0] > start


@settings(max_examples=40, deadline=None)
@given(
    zone=ZONES,
    minute=st.integers(0, 59),
    start=st.datetimes(min_value=dt.datetime(2020, 1, 1), max_value=dt.datetime(2030, 1, 1), timezones=st.just(UTC)),
)
def test_hourly_ends_are_an_hour_apart_wherever_the_clock_allows(zone: str, minute: int, start: dt.datetime) -> None:
    hourly = DigestSchedule(every=Every.hour, at=f"00:{minute:02}", timezone=zone)
    found = ends(hourly, start, 30)
    gaps = {b - a for a, b in itertools.pairwise(found)}
    # A zone whose clock moves by half an hour (Lord Howe) has one 30- or 90-minute period a change; others none.
    assert gaps <= {dt.timedelta(hours=1), dt.timedelta(minutes=30), dt.timedelta(minutes=90)}
    assert all(e.astimezone(zoneinfo.ZoneInfo(zone)).minute == minute for e in found)


def test_an_unknown_time_zone_is_refused_at_its_field() -> None:
    for name in ("Mars/Olympus", "Europe/Berlin/", "../etc/passwd"):
        with pytest.raises(Invalid) as refused:
            digests.check(DigestSchedule(every=Every.day, timezone=name))
        assert [e.pointer for e in refused.value.errors] == ["/delivery/timezone"]


def test_the_schedule_decodes_as_the_api_takes_it() -> None:
    decoded = msgspec.json.decode(
        b'{"mode": "digest", "every": "day", "at": "09:00", "timezone": "Europe/Berlin"}', type=digests.Delivery
    )
    assert decoded == DigestSchedule(every=Every.day, at="09:00", timezone=BERLIN)
    assert msgspec.json.decode(b'{"mode": "each"}', type=digests.Delivery) == digests.EachEvent()
    for bad in (
        b'{"mode": "digest", "every": "month"}',
        b'{"mode": "digest", "every": "day", "at": "9:00"}',
        b'{"mode": "digest", "every": "day", "at": "24:00"}',
        b'{"mode": "digest", "every": "day", "cron": "* * *"}',
        b'{"mode": "weekly"}',
        b'{"every": "day"}',
    ):
        with pytest.raises(msgspec.ValidationError):
            msgspec.json.decode(bad, type=digests.Delivery)


# --- collapsing ------------------------------------------------------------------------------------------------------

T0 = at("2027-01-04T08:00:00+00:00")


def event(kind: str, slug: str, action: str, minute: int, **data: Any) -> tuple[str, dt.datetime, dict[str, Any]]:
    body = {"kind": kind, "slug": slug, "title": data.pop("title", slug.upper()), "url": f"/v1/{kind}s/{slug}"}
    body |= {"actor": {"type": "person", "subject": "ana", "name": "Ana Ruiz"}} | data
    return f"{kind}.{action}", T0 + dt.timedelta(minutes=minute), body


def test_five_draft_edits_are_one_line_and_a_publish_shows_the_final_state() -> None:
    changes = [event("definition", "mql", "created", 0, version=1, status="draft")]
    changes += [event("definition", "mql", "draft_updated", n, version=1, status="draft") for n in range(1, 6)]
    changes += [event("message", "pitch", "published", 6, version=2, status="published", summary="tone")]
    changes += [event("definition", "mql", "submitted", 7, version=1, status="in_review")]
    changes += [
        event(
            "definition",
            "mql",
            "published",
            8,
            version=1,
            status="published",
            summary="first version",
            title="Marketing Qualified Lead",
        )
    ]
    mql, pitch = collapse(changes)
    assert (mql.kind, mql.slug, mql.events, mql.version, mql.status) == ("definition", "mql", 8, 1, "published")
    assert mql.title == "Marketing Qualified Lead"  # as the last event says
    assert [(line.type, line.count) for line in mql.lines] == [
        ("definition.created", 1),
        ("definition.draft_updated", 5),
        ("definition.submitted", 1),
        ("definition.published", 1),
    ]
    edits = mql.lines[1]
    assert (edits.first_at, edits.last_at) == (T0 + dt.timedelta(minutes=1), T0 + dt.timedelta(minutes=5))
    assert mql.lines[-1].summary == "first version"
    assert (pitch.slug, pitch.events, [line.type for line in pitch.lines]) == ("pitch", 1, ["message.published"])


def test_two_publishes_in_a_row_stay_two_lines_and_a_long_history_is_counted() -> None:
    twice = collapse([event("definition", "sql", "published", n, version=n + 1, status="published") for n in range(2)])
    assert [(line.count, line.version) for line in twice[0].lines] == [(1, 1), (1, 2)]
    churn = [
        event("definition", "lead", action, n, version=1) for n, action in enumerate(["draft_updated", "rejected"] * 15)
    ]
    (lead,) = collapse(churn)
    assert len(lead.lines) == digests.LINES_PER_ENTRY
    assert lead.omitted_lines == 30 - digests.LINES_PER_ENTRY
    assert lead.lines[-1].type == "definition.rejected"


def digest_envelope(entries: int = 2) -> dict[str, Any]:
    changes = [
        event("definition", f"d{n}", "draft_updated", n, version=1, title=f"<!channel> D{n} & *bold*")
        for n in range(entries)
    ]
    changes += [event("definition", "d0", "draft_updated", 30, version=1, title="<!channel> D0 & *bold*")] * 4
    data = {
        "id": "7d1e6c1e-4a53-4a53-8a53-4a534a534a53",
        "period": {
            "start": "2027-01-03T08:00:00+00:00",
            "end": "2027-01-04T08:00:00+00:00",
            "timezone": BERLIN,
            "every": "day",
        },
        "events": len(changes),
        "entries": msgspec.to_builtins(collapse(changes)),
    }
    msgspec.convert(data, DigestData, strict=False)  # what receivers are promised
    return {"type": "webhook.digest", "timestamp": "2027-01-04T08:00:01+00:00", "data": data}


def test_a_digest_in_words() -> None:
    message = describe(digest_envelope())
    assert message.headline == "Canon digest: 6 changes to 2 entries"
    assert message.details[0] == "<!channel> D0 & *bold* (definition d0): draft updated 5 times by Ana Ruiz"
    assert ("Period", "3 Jan 2027 09:00 to 4 Jan 2027 09:00 (Europe/Berlin)") in message.facts


def test_a_big_digest_fits_slack_and_teams() -> None:
    envelope = digest_envelope(entries=400)
    body = msgspec.json.encode(envelope)
    slack = json.loads(render("slack", body))
    jsonschema.validate(slack, SLACK_MESSAGE)
    assert "&lt;!channel&gt;" in json.dumps(slack)
    assert "<!channel>" not in json.dumps(slack)
    teams = json.loads(render("teams", body))
    jsonschema.validate(teams, TEAMS_MESSAGE)
    assert "and 385 more entries" in json.dumps(slack) + json.dumps(teams)
