"""Version lifecycle rules: draft -> in_review -> approved -> published -> superseded. Pure functions, no I/O."""

from __future__ import annotations

from collections.abc import Collection, Iterable

from service.domain.errors import Conflict, Forbidden
from service.domain.model import Principal, Role


def require_role(principal: Principal, role: Role) -> None:
    if not principal.can(role):
        raise Forbidden(f"this needs the {role.value} role; the key {principal.name!r} has {principal.role.value}")


def ensure_editable(status: str, number: int) -> None:
    """Only a draft may change; everything past draft is immutable."""
    if status != "draft":
        raise Conflict(f"version {number} is {status}; only a draft can be edited")


def review_status(required_teams: Collection[str], approved_teams: Iterable[str]) -> str:
    """`approved` once every required team has signed off, otherwise `in_review`."""
    missing = set(required_teams) - set(approved_teams)
    return "in_review" if missing else "approved"


def missing_approvals(required_teams: Collection[str], approved_teams: Iterable[str]) -> list[str]:
    return sorted(set(required_teams) - set(approved_teams))


def status_after_submit(status: str, number: int, required_teams: Collection[str]) -> str:
    if status != "draft":
        raise Conflict(f"version {number} is {status}; only a draft can be submitted for review")
    return review_status(required_teams, ())


def check_approval(
    *,
    principal: Principal,
    status: str,
    number: int,
    is_author: bool,
    required_teams: Collection[str],
    approved_teams: Collection[str],
) -> str:
    """Validate an approval and return the team it counts for.

    One approval per required team; an approver approves for its own team; the author's approval never counts.
    """
    require_role(principal, Role.approver)
    if status not in ("in_review", "approved"):
        raise Conflict(f"version {number} is {status}; only a version in review can be approved")
    team = _reviewing_team(principal, required_teams)
    if is_author:
        raise Forbidden("the author of a version cannot approve it")
    if team in approved_teams:
        raise Conflict(f"team {team!r} has already approved version {number}")
    return team


def check_reject(principal: Principal, status: str, number: int, required_teams: Collection[str]) -> None:
    """A reviewer of one of the required teams may send a version back; others have no say in its review."""
    require_role(principal, Role.approver)
    _reviewing_team(principal, required_teams)
    if status not in ("in_review", "approved"):
        raise Conflict(f"version {number} is {status}; only a version in review can be rejected")


def _reviewing_team(principal: Principal, required_teams: Collection[str]) -> str:
    """The caller's team, which must be one whose approval the entry needs."""
    team = principal.team
    if team is None:
        raise Forbidden(f"the key {principal.name!r} belongs to no team, so it cannot review for one")
    if team not in required_teams:
        raise Forbidden(
            f"team {team!r} is not among the teams whose approval this entry needs ({', '.join(required_teams)})"
        )
    return team


def check_publish(status: str, number: int, required_teams: Collection[str], approved_teams: Iterable[str]) -> None:
    if status == "in_review":
        missing = missing_approvals(required_teams, approved_teams)
        raise Conflict(f"version {number} still needs approval from: {', '.join(missing)}")
    if status != "approved":
        raise Conflict(f"version {number} is {status}; only an approved version can be published")
    missing = missing_approvals(required_teams, approved_teams)
    if missing:
        raise Conflict(f"version {number} still needs approval from: {', '.join(missing)}")


def check_retire(retired: bool, slug: str) -> None:
    if retired:
        raise Conflict(f"{slug!r} is already retired")


def check_restore(retired: bool, slug: str) -> None:
    if not retired:
        raise Conflict(f"{slug!r} is not retired")


def check_new_version(open_version: int | None, slug: str) -> None:
    if open_version is not None:
        raise Conflict(f"{slug!r} already has version {open_version} in progress; publish or edit that one first")
