"""The timeline rule against a brute-force model: random publish sequences, random effective dates, any instant."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from service.domain.timeline import Released, effective_instant, in_effect, timeline, windows

BASE = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def at(day: int) -> dt.datetime:
    return BASE + dt.timedelta(days=day)


@st.composite
def histories(draw: st.DrawFn) -> list[Released]:
    """Versions 1..n published on increasing days, each effective on some day (before, at or after publication)."""
    count = draw(st.integers(min_value=0, max_value=8))
    published = sorted(draw(st.lists(st.integers(0, 60), min_size=count, max_size=count, unique=True)))
    return [
        Released(number=n, published_at=at(day), effective_at=at(draw(st.integers(-30, 90))))
        for n, day in enumerate(published, start=1)
    ]


def model(versions: list[Released], moment: dt.datetime, known_at: dt.datetime | None) -> int | None:
    """Replay history: walk the versions in publication order; each, once known, owns every instant from its
    effective instant on. The owner of `moment` is the answer."""
    owner: dict[dt.datetime, int] = {}
    instants = sorted({v.effective_at for v in versions} | {moment})
    for version in sorted(versions, key=lambda v: v.published_at):
        if known_at is not None and version.published_at > known_at:
            break
        for instant in instants:
            if instant >= version.effective_at:
                owner[instant] = version.number
    return owner.get(moment)


@given(histories(), st.integers(-40, 120), st.one_of(st.none(), st.integers(-5, 70)))
def test_in_effect_agrees_with_replaying_history(versions: list[Released], day: int, known: int | None) -> None:
    known_at = None if known is None else at(known)
    found = in_effect(versions, at(day), known_at)
    assert (None if found is None else found.number) == model(versions, at(day), known_at)


@given(histories(), st.integers(-40, 120))
def test_the_timeline_at_an_instant_partitions_the_versions(versions: list[Released], day: int) -> None:
    now = at(day)
    line = timeline(versions, now)
    current = in_effect(versions, now)
    assert line.current == (None if current is None else current.number)
    upcoming = [w.number for w in line.upcoming]
    parts = [*([line.current] if line.current else []), *upcoming, *line.superseded]
    assert sorted(parts) == sorted(v.number for v in versions)
    # Every upcoming version is the one in effect at its start; no superseded version is ever in effect again.
    for window in line.upcoming:
        assert window.start > now
        assert in_effect(versions, window.start).number == window.number  # type: ignore[union-attr]
    for number in line.superseded:
        for later in range(day, 121):
            found = in_effect(versions, at(later))
            assert found is None or found.number != number


@given(histories())
def test_windows_never_overlap(versions: list[Released]) -> None:
    spans = [w for w in windows(versions) if not w.empty]
    for day in range(-40, 121):
        assert sum(w.contains(at(day)) for w in spans) <= 1


def test_a_scheduled_change_then_a_rollback_that_cancels_it() -> None:
    v1 = Released(1, at(0), at(0))
    v2 = Released(2, at(10), at(100))  # published on day 10, effective on day 100
    v3 = Released(3, at(20), at(20))  # day 20: a copy of v1, effective at once
    history = [v1, v2, v3]
    assert in_effect(history, at(15)).number == 1  # type: ignore[union-attr]
    assert in_effect(history, at(50)).number == 3  # type: ignore[union-attr]
    assert in_effect(history, at(200)).number == 3  # type: ignore[union-attr]  # v2 never takes effect
    assert in_effect(history, at(200), known_at=at(15)).number == 2  # type: ignore[union-attr]  # as then scheduled
    assert timeline([v1, v2], at(15)).upcoming[0].number == 2  # before v3 existed, v2 was scheduled
    assert timeline(history, at(25)).superseded == [1, 2]


def test_back_dated_history_can_be_recorded() -> None:
    v1 = Released(1, at(50), at(50))
    v2 = Released(2, at(60), at(-300))  # published later, effective long before: it owns the past from then on
    history = [v1, v2]
    assert in_effect(history, at(-100)).number == 2  # type: ignore[union-attr]
    assert in_effect(history, at(55)).number == 2  # type: ignore[union-attr]
    assert in_effect(history, at(55), known_at=at(55)).number == 1  # type: ignore[union-attr]
    assert in_effect(history, at(-100), known_at=at(55)) is None


def test_the_effective_instant_is_the_dates_start_in_utc_or_the_publication() -> None:
    published = dt.datetime(2026, 12, 3, 9, 30, tzinfo=dt.UTC)
    assert effective_instant(dt.date(2027, 1, 1), published) == dt.datetime(2027, 1, 1, tzinfo=dt.UTC)
    assert effective_instant(None, published) == published
