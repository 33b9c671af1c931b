"""The lifecycle rules, without I/O: who may do what to a version in which state."""

from __future__ import annotations

from uuid import uuid4

import pytest

from service.domain import lifecycle
from service.domain.errors import Conflict, Forbidden
from service.domain.model import Principal, Role

SALES_APPROVER = Principal(name="sam", role=Role.approver, team="sales", key_id=uuid4())
REQUIRED = ["marketing", "sales"]


def approve(principal: Principal = SALES_APPROVER, **overrides: object) -> str:
    arguments: dict[str, object] = {
        "principal": principal,
        "status": "in_review",
        "number": 3,
        "is_author": False,
        "required_teams": REQUIRED,
        "approved_teams": [],
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
        approve(approved_teams=["sales"])


def test_the_author_cannot_approve_their_own_version() -> None:
    with pytest.raises(Forbidden, match="author"):
        approve(is_author=True)


def test_a_team_that_is_not_required_cannot_approve() -> None:
    legal = Principal(name="lee", role=Role.approver, team="legal")
    with pytest.raises(Forbidden, match="team 'legal' is not among"):
        approve(legal)


def test_a_key_without_a_team_cannot_approve() -> None:
    admin = Principal(name="root", role=Role.admin)
    with pytest.raises(Forbidden, match="belongs to no team"):
        approve(admin)


def test_an_editor_cannot_approve() -> None:
    editor = Principal(name="ed", role=Role.editor, team="sales")
    with pytest.raises(Forbidden, match="approver role"):
        approve(editor)


def test_review_status_is_approved_only_when_every_required_team_signed_off() -> None:
    assert lifecycle.review_status(REQUIRED, ["sales"]) == "in_review"
    assert lifecycle.review_status(REQUIRED, ["sales", "marketing"]) == "approved"
    assert lifecycle.review_status([], []) == "approved"
    assert lifecycle.missing_approvals(REQUIRED, ["sales"]) == ["marketing"]


def test_submit_goes_to_review_or_straight_to_approved_without_required_teams() -> None:
    assert lifecycle.status_after_submit("draft", 1, REQUIRED) == "in_review"
    assert lifecycle.status_after_submit("draft", 1, []) == "approved"
    with pytest.raises(Conflict, match="only a draft can be submitted"):
        lifecycle.status_after_submit("in_review", 1, REQUIRED)


def test_publish_needs_every_approval() -> None:
    lifecycle.check_publish("approved", 2, REQUIRED, ["sales", "marketing"])
    with pytest.raises(Conflict, match="still needs approval from: marketing"):
        lifecycle.check_publish("in_review", 2, REQUIRED, ["sales"])
    with pytest.raises(Conflict, match="only an approved version can be published"):
        lifecycle.check_publish("draft", 2, REQUIRED, [])
    # Required teams can grow after approval: publishing re-checks.
    with pytest.raises(Conflict, match="still needs approval from: legal"):
        lifecycle.check_publish("approved", 2, [*REQUIRED, "legal"], REQUIRED)


def test_only_drafts_are_editable() -> None:
    lifecycle.ensure_editable("draft", 1)
    for status in ("in_review", "approved", "published", "superseded"):
        with pytest.raises(Conflict, match="only a draft can be edited"):
            lifecycle.ensure_editable(status, 1)


def test_reject_needs_an_approver_of_a_required_team_and_a_version_in_review() -> None:
    lifecycle.check_reject(SALES_APPROVER, "approved", 1, REQUIRED)
    with pytest.raises(Conflict):
        lifecycle.check_reject(SALES_APPROVER, "draft", 1, REQUIRED)
    with pytest.raises(Forbidden, match="approver role"):
        lifecycle.check_reject(Principal(name="r", role=Role.reader), "in_review", 1, REQUIRED)
    with pytest.raises(Forbidden, match="team 'legal' is not among"):
        lifecycle.check_reject(Principal(name="l", role=Role.approver, team="legal"), "in_review", 1, REQUIRED)


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
    assert not Principal(name="r", role=Role.reader).sees_unreleased()
