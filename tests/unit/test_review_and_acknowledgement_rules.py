"""The rules of review queues and acknowledgements, without I/O: windows, whose queue, who may acknowledge, tallies."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from service.domain import acknowledgements, reviews
from service.domain.acknowledgements import Member
from service.domain.errors import Conflict, Forbidden
from service.domain.model import Principal, PrincipalType, Role

T0 = dt.datetime(2027, 1, 4, 9, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)


def person(role: Role = Role.reader, *teams: str, subject: str = "ana@example.com") -> Principal:
    return Principal(subject=subject, name="Ana", role=role, type=PrincipalType.person, teams=teams, id=uuid.uuid4())


def service(role: Role = Role.admin, *teams: str) -> Principal:
    return Principal(subject="service:crm", name="crm", role=role, teams=teams, id=uuid.uuid4())


def test_the_review_window_is_the_entrys_own_else_the_setting() -> None:
    assert reviews.review_window(None, 172_800.0) == dt.timedelta(hours=48)
    assert reviews.review_window(3600, 172_800.0) == HOUR


@pytest.mark.parametrize(
    ("elapsed", "windows"),
    [(-HOUR, 0), (dt.timedelta(0), 0), (HOUR * 47.9, 0), (HOUR * 48, 1), (HOUR * 95, 1), (HOUR * 96, 2)],
)
def test_a_review_is_overdue_once_a_whole_window_has_passed(elapsed: dt.timedelta, windows: int) -> None:
    window = dt.timedelta(hours=48)
    assert reviews.windows_passed(T0, T0 + elapsed, window) == windows
    assert reviews.is_overdue(T0, T0 + elapsed, window) == (windows >= 1)


def test_the_queue_is_of_the_callers_own_teams_and_an_admin_may_name_any() -> None:
    assert reviews.queue_teams(person(Role.approver, "sales", "marketing"), None) == ["marketing", "sales"]
    assert reviews.queue_teams(person(Role.approver, "sales", "marketing"), "sales") == ["sales"]
    assert reviews.queue_teams(person(Role.admin), "legal") == ["legal"]
    assert reviews.queue_teams(service(Role.admin), "legal") == ["legal"]
    assert reviews.queue_teams(service(Role.editor, "revops"), None) == ["revops"]
    with pytest.raises(Forbidden, match="only admins read another team's queue"):
        reviews.queue_teams(person(Role.approver, "sales"), "legal")
    with pytest.raises(Forbidden, match="editor role"):
        reviews.queue_teams(person(Role.reader, "sales"), None)


def test_an_entrys_review_window_is_set_by_an_owning_editor_or_an_admin() -> None:
    reviews.check_review_window_change(person(Role.editor, "sales"), ["marketing", "sales"])
    reviews.check_review_window_change(service(Role.admin), ["marketing"])
    with pytest.raises(Forbidden, match="owning team"):
        reviews.check_review_window_change(person(Role.approver, "legal"), ["marketing"])
    with pytest.raises(Forbidden, match="editor role"):
        reviews.check_review_window_change(person(Role.reader, "marketing"), ["marketing"])


def _check(principal: Principal, **overrides: object) -> list[str]:
    given: dict[str, object] = {
        "principal": principal,
        "number": 3,
        "status": "published",
        "acknowledge_teams": ["sales", "support"],
        "in_effect": True,
        "retired": False,
        "expired": False,
    }
    given.update(overrides)
    return acknowledgements.check_acknowledgement(**given)  # type: ignore[arg-type]


def test_people_of_an_addressed_team_acknowledge_the_version_in_effect() -> None:
    assert _check(person(Role.reader, "sales", "marketing")) == ["sales"]
    assert _check(person(Role.reader, "support", "sales")) == ["sales", "support"]


def test_a_service_never_acknowledges() -> None:
    with pytest.raises(Forbidden, match="is a service; only people acknowledge"):
        _check(service(Role.admin, "sales"))


def test_a_version_not_addressed_to_the_callers_teams_is_403_naming_both() -> None:
    with pytest.raises(Forbidden, match=r"addressed to sales, support; 'ana@example\.com' is in marketing"):
        _check(person(Role.reader, "marketing"))
    with pytest.raises(Forbidden, match="addressed to no team"):
        _check(person(Role.reader, "sales"), acknowledge_teams=[])


@pytest.mark.parametrize(
    ("overrides", "reason"),
    [
        ({"in_effect": False, "status": "draft"}, "not in effect \\(it is draft, not published\\)"),
        ({"in_effect": False, "status": "in_review"}, "it is in review, not published"),
        ({"in_effect": False, "status": "published"}, "scheduled and takes effect later"),
        ({"in_effect": False, "status": "superseded"}, "a later version replaced it"),
        ({"retired": True}, "retired"),
        ({"expired": True}, "expired"),
    ],
)
def test_a_version_not_in_effect_is_409_saying_why(overrides: dict[str, object], reason: str) -> None:
    with pytest.raises(Conflict, match=reason):
        _check(person(Role.reader, "sales"), **overrides)


def test_the_tally_counts_each_team_and_each_person_once() -> None:
    at = T0 + HOUR
    members = [
        Member("bo@x", "Bo", ["sales"], at),
        Member("al@x", "Al", ["sales", "support"], None),
        Member("cy@x", "Cy", ["support"], at),
        Member("di@x", "Di", ["support"], at),
    ]
    tally = acknowledgements.tally(["sales", "support", "legal"], members)
    assert (tally.members, tally.acknowledged, tally.pending, tally.rate) == (4, 3, 1, 0.75)
    sales, support, legal = tally.teams
    assert (sales.team, sales.members, sales.acknowledged, sales.pending, sales.rate) == ("sales", 2, 1, 1, 0.5)
    assert [p.subject for p in sales.acknowledged_by] == ["bo@x"]
    assert [p.subject for p in sales.not_acknowledged] == ["al@x"]
    assert (support.members, support.acknowledged, support.rate) == (3, 2, 0.6667)
    assert [p.subject for p in support.acknowledged_by] == ["cy@x", "di@x"]
    assert (legal.members, legal.acknowledged, legal.pending, legal.rate) == (0, 0, 0, None)
    assert acknowledgements.tally(["sales"], []).rate is None


def test_a_version_is_in_effect_from_its_instant_or_its_publication_if_back_dated() -> None:
    assert acknowledgements.in_effect_since(T0, T0 + HOUR) == T0 + HOUR  # back-dated: from its publication
    assert acknowledgements.in_effect_since(T0 + HOUR, T0) == T0 + HOUR  # scheduled: from its instant
    assert acknowledgements.acknowledgement_due(T0, dt.timedelta(days=5)) == T0 + dt.timedelta(days=5)
