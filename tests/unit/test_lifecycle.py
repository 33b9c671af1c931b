"""The lifecycle rules, without I/O: who may do what to a version in which state."""

from __future__ import annotations

from uuid import uuid4

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.domain import lifecycle
from service.domain.errors import Conflict, Forbidden, Invalid
from service.domain.lifecycle import Approval
from service.domain.model import Principal, PrincipalType, Role


def person(subject: str, role: Role = Role.approver, *teams: str) -> Principal:
    return Principal(subject=subject, name=subject, role=role, type=PrincipalType.person, teams=teams, id=uuid4())


SALES_APPROVER = person("sam@x", Role.approver, "sales")
REQUIRED = ["marketing", "sales"]


def approve(principal: Principal = SALES_APPROVER, **overrides: object) -> str:
    arguments: dict[str, object] = {
        "principal": principal,
        "status": "in_review",
        "number": 3,
        "contributors": set(),
        "review_teams": REQUIRED,
        "approvals": [],
        "team": None,
    }
    arguments.update(overrides)
    return lifecycle.check_approval(**arguments)  # type: ignore[arg-type]


def test_an_approval_counts_for_the_approvers_team() -> None:
    assert approve() == "sales"


@pytest.mark.parametrize("status", ["draft", "published", "superseded"])
def test_only_a_version_in_review_can_be_approved(status: str) -> None:
    with pytest.raises(Conflict, match=f"version 3 is {status}"):
        approve(status=status)


def test_a_second_approval_from_the_same_team_is_refused() -> None:
    with pytest.raises(Conflict, match="team 'sales' has already approved version 3"):
        approve(approvals=[Approval(team="sales", approver_id=uuid4())])


def test_the_author_or_an_editor_cannot_approve_the_version() -> None:
    assert SALES_APPROVER.id is not None
    with pytest.raises(Forbidden, match="wrote or edited version 3"):
        approve(contributors={SALES_APPROVER.id})


def test_one_persons_approval_counts_for_one_team_only() -> None:
    both = person("bo@x", Role.approver, "sales", "marketing")
    assert both.id is not None
    with pytest.raises(Conflict, match="already approved version 3 for team 'sales'"):
        approve(both, approvals=[Approval(team="sales", approver_id=both.id)])


def test_a_person_in_several_pending_teams_names_the_team() -> None:
    both = person("bo@x", Role.approver, "sales", "marketing")
    with pytest.raises(Invalid, match="several teams"):
        approve(both)
    assert approve(both, team="marketing") == "marketing"
    with pytest.raises(Forbidden, match="not in team 'legal'"):
        approve(both, team="legal")


def test_a_service_never_approves_whatever_its_role() -> None:
    service = Principal(subject="service:crm", name="crm", role=Role.admin, teams=("sales",), id=uuid4())
    with pytest.raises(Forbidden, match="only people approve"):
        approve(service)


def test_a_team_that_is_not_required_cannot_approve() -> None:
    with pytest.raises(Forbidden, match=r"\(legal\) are not among"):
        approve(person("lee@x", Role.approver, "legal"))


def test_a_person_without_a_team_cannot_approve() -> None:
    with pytest.raises(Forbidden, match="belongs to no team"):
        approve(person("root@x", Role.admin))


def test_an_editor_cannot_approve() -> None:
    with pytest.raises(Forbidden, match="approver role"):
        approve(person("ed@x", Role.editor, "sales"))


def test_review_status_is_approved_only_when_every_required_team_signed_off() -> None:
    assert lifecycle.review_status(REQUIRED, ["sales"]) == "in_review"
    assert lifecycle.review_status(REQUIRED, ["sales", "marketing"]) == "approved"
    assert lifecycle.missing_approvals(REQUIRED, ["sales"]) == ["marketing"]


def test_the_reviewing_teams_are_the_union_with_those_in_charge() -> None:
    assert lifecycle.review_teams(["legal"], ["marketing", "sales"]) == ["legal", "marketing", "sales"]
    assert lifecycle.review_teams(["sales"], None) == ["sales"]
    with pytest.raises(Invalid, match="at least one team"):
        lifecycle.review_teams([], None)


@given(
    st.lists(st.sampled_from(["legal", "marketing", "sales", "product"])),
    st.lists(st.sampled_from(["legal", "marketing", "sales", "product"]), min_size=1),
)
def test_no_team_in_charge_is_ever_dropped_from_a_review(own: list[str], in_charge: list[str]) -> None:
    teams = lifecycle.review_teams(own, in_charge)
    assert set(in_charge) <= set(teams)
    assert set(own) <= set(teams)


def test_submit_needs_a_draft() -> None:
    lifecycle.check_submit("draft", 1)
    with pytest.raises(Conflict, match="only a draft can be submitted"):
        lifecycle.check_submit("in_review", 1)


def publish(principal: Principal, status: str, approved: list[str], owners: list[str] | None = None) -> None:
    lifecycle.check_publish(
        principal=principal,
        status=status,
        number=2,
        review_teams=REQUIRED,
        approved_teams=approved,
        owners_in_charge=owners or ["marketing"],
    )


def test_publish_needs_every_approval() -> None:
    editor = person("ed@x", Role.editor, "marketing")
    publish(editor, "approved", ["sales", "marketing"])
    with pytest.raises(Conflict, match="still needs approval from: marketing"):
        publish(editor, "in_review", ["sales"])
    with pytest.raises(Conflict, match="only an approved version can be published"):
        publish(editor, "draft", [])


def test_only_an_editor_of_an_owning_team_or_an_admin_publishes() -> None:
    with pytest.raises(Forbidden, match="owning team"):
        publish(person("ed@x", Role.editor, "legal"), "approved", REQUIRED)
    publish(Principal(subject="ops", name="ops", role=Role.admin), "approved", REQUIRED)


def test_only_drafts_are_editable() -> None:
    lifecycle.ensure_editable("draft", 1)
    for status in ("in_review", "approved", "published", "superseded"):
        with pytest.raises(Conflict, match="only a draft can be edited"):
            lifecycle.ensure_editable(status, 1)


def test_reject_needs_a_person_of_a_reviewing_team_and_a_version_in_review() -> None:
    lifecycle.check_reject(SALES_APPROVER, "approved", 1, REQUIRED)
    with pytest.raises(Conflict):
        lifecycle.check_reject(SALES_APPROVER, "draft", 1, REQUIRED)
    with pytest.raises(Forbidden, match="approver role"):
        lifecycle.check_reject(person("r@x", Role.reader), "in_review", 1, REQUIRED)
    with pytest.raises(Forbidden, match=r"\(legal\) are not among"):
        lifecycle.check_reject(person("l@x", Role.approver, "legal"), "in_review", 1, REQUIRED)


def test_retire_restore_and_new_versions_check_the_current_state() -> None:
    with pytest.raises(Conflict, match="already retired"):
        lifecycle.check_retire(True, "mql")
    with pytest.raises(Conflict, match="is not retired"):
        lifecycle.check_restore(False, "mql")
    with pytest.raises(Conflict, match="already has version 4 in progress"):
        lifecycle.check_new_version(4, "mql")
    lifecycle.check_new_version(None, "mql")


def test_roles_are_cumulative() -> None:
    assert Role.admin.includes(Role.approver)
    assert Role.approver.includes(Role.editor)
    assert Role.editor.includes(Role.reader)
    assert not Role.reader.includes(Role.editor)
    assert not Principal(subject="r", name="r", role=Role.reader).sees_unreleased()
