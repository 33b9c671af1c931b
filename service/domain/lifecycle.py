"""Version lifecycle rules: draft -> in_review -> approved -> published -> superseded. Pure functions, no I/O."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from uuid import UUID

import msgspec

from service.domain.errors import Conflict, FieldError, Forbidden, Invalid
from service.domain.model import SUBMITTED_STATUSES, Principal, Role, VersionStatus


def require_role(principal: Principal, role: Role) -> None:
    if not principal.can(role):
        raise Forbidden(f"this needs the {role.value} role; {principal.subject!r} has {principal.role.value}")


def ensure_editable(status: str, number: int) -> None:
    """Only a draft may change; everything past draft is immutable."""
    if status != VersionStatus.draft:
        raise Conflict(f"version {number} is {status}; only a draft can be edited")


def review_teams(own_required: Collection[str], in_effect_required: Collection[str] | None) -> list[str]:
    """The teams whose approval a version needs: its own required teams and those of the version in effect when
    it is submitted, so no team can be dropped, nor the list changed, without the teams now in charge agreeing."""
    teams = sorted(set(own_required) | set(in_effect_required or ()))
    if not teams:
        raise Invalid(
            "a version needs the approval of at least one team",
            [FieldError("/required_teams", "name at least one team whose approval this entry needs")],
        )
    return teams


def review_status(required_teams: Collection[str], approved_teams: Iterable[str]) -> VersionStatus:
    """`approved` once every required team has signed off, otherwise `in_review`."""
    missing = set(required_teams) - set(approved_teams)
    return VersionStatus.in_review if missing else VersionStatus.approved


def missing_approvals(required_teams: Collection[str], approved_teams: Iterable[str]) -> list[str]:
    return sorted(set(required_teams) - set(approved_teams))


def check_submit(status: str, number: int, not_ready: str | None = None) -> None:
    """Only a draft goes to review, and only once its content is complete: `not_ready` is why it is not (the kind's
    `unpublishable` rule, the one publishing applies too), or None."""
    if status != VersionStatus.draft:
        raise Conflict(f"version {number} is {status}; only a draft can be submitted for review")
    if not_ready is not None:
        raise Conflict(f"version {number} cannot be submitted for review yet: {not_ready}")


class Approval(msgspec.Struct, frozen=True):
    """An approval already given: for which team, by whom."""

    team: str
    approver_id: UUID | None


def check_approval(
    *,
    principal: Principal,
    status: str,
    number: int,
    contributors: Collection[UUID],
    review_teams: Collection[str],
    approvals: Collection[Approval],
    team: str | None,
) -> str:
    """Validate an approval and return the team it counts for.

    Only people approve, each for a team of their own that the version needs and that has not yet signed; nobody
    approves a version they wrote or edited; one person's approval counts for one team per version. A person in
    several pending teams names the one they approve for.
    """
    require_role(principal, Role.approver)
    if not principal.is_person or principal.id is None:
        raise Forbidden(f"{principal.subject!r} is a service; only people approve")
    if status not in SUBMITTED_STATUSES:
        raise Conflict(f"version {number} is {status}; only a version in review can be approved")
    if principal.id in contributors:
        raise Forbidden(f"{principal.subject!r} wrote or edited version {number}, so cannot approve it")
    done = {a.team for a in approvals}
    mine = [a.team for a in approvals if a.approver_id == principal.id]
    if mine:
        raise Conflict(f"{principal.subject!r} already approved version {number} for team {mine[0]!r}")
    if team is not None:
        if team not in principal.teams:
            raise Forbidden(f"{principal.subject!r} is not in team {team!r}")
        candidates = [team]
    else:
        candidates = [t for t in principal.teams if t in review_teams]
    reviewing = [t for t in candidates if t in review_teams]
    if not reviewing:
        raise Forbidden(
            f"{_teams_of(principal)} not among the teams whose approval version {number} needs "
            f"({', '.join(review_teams)})"
        )
    pending = [t for t in reviewing if t not in done]
    if not pending:
        raise Conflict(f"team {reviewing[0]!r} has already approved version {number}")
    if len(pending) > 1:
        raise Invalid(
            f"{principal.subject!r} is in several teams still to approve; say which one this approval is for",
            [FieldError("/team", f"one of {', '.join(pending)}")],
        )
    return pending[0]


def _teams_of(principal: Principal) -> str:
    if not principal.teams:
        return f"{principal.subject!r} belongs to no team, so is"
    return f"the teams of {principal.subject!r} ({', '.join(principal.teams)}) are"


def check_reject(principal: Principal, status: str, number: int, review_teams: Collection[str]) -> None:
    """A person of one of the reviewing teams may send a version back; others have no say in its review."""
    require_role(principal, Role.approver)
    if not principal.is_person:
        raise Forbidden(f"{principal.subject!r} is a service; only people review")
    if status not in SUBMITTED_STATUSES:
        raise Conflict(f"version {number} is {status}; only a version in review can be rejected")
    if not principal.in_any(review_teams):
        raise Forbidden(
            f"{_teams_of(principal)} not among the teams whose approval version {number} needs "
            f"({', '.join(review_teams)})"
        )


def check_publish(
    *,
    principal: Principal,
    status: str,
    number: int,
    review_teams: Collection[str],
    approved_teams: Iterable[str],
    owners_in_charge: Collection[str],
) -> None:
    """An approved version is published by an editor of a team owning the version in effect (or an admin)."""
    require_role(principal, Role.editor)
    if not principal.can(Role.admin) and not principal.in_any(owners_in_charge):
        raise Forbidden(
            f"only an editor of an owning team ({', '.join(owners_in_charge)}) or an admin can publish; "
            f"{principal.subject!r} is in {', '.join(principal.teams) or 'no team'}"
        )
    if status == VersionStatus.in_review:
        missing = missing_approvals(review_teams, approved_teams)
        raise Conflict(f"version {number} still needs approval from: {', '.join(missing)}")
    if status != VersionStatus.approved:
        raise Conflict(f"version {number} is {status}; only an approved version can be published")
    missing = missing_approvals(review_teams, approved_teams)
    if missing or not review_teams:
        raise Conflict(f"version {number} still needs approval from: {', '.join(missing) or 'any team'}")


def check_retire(retired: bool, slug: str) -> None:
    if retired:
        raise Conflict(f"{slug!r} is already retired")


def check_restore(retired: bool, slug: str) -> None:
    if not retired:
        raise Conflict(f"{slug!r} is not retired")


def check_new_version(open_version: int | None, slug: str) -> None:
    if open_version is not None:
        raise Conflict(f"{slug!r} already has version {open_version} in progress; publish or edit that one first")
