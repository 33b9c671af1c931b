"""Acknowledgements: who may acknowledge a version, and who has, per addressed team. Pure functions, no I/O."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence

import msgspec

from service.domain.errors import Conflict, Forbidden
from service.domain.lifecycle import require_role
from service.domain.model import Principal, Role, VersionStatus


def addressed_teams(principal: Principal, acknowledge_teams: Collection[str]) -> list[str]:
    """Those of the caller's teams a version is addressed to."""
    return sorted(set(principal.teams) & set(acknowledge_teams))


def check_acknowledgement(
    *,
    principal: Principal,
    number: int,
    status: str,
    acknowledge_teams: Collection[str],
    in_effect: bool,
    retired: bool,
    expired: bool,
) -> list[str]:
    """Validate an acknowledgement and return the caller's teams it is addressed to.

    Only people acknowledge (a service cannot read and agree); the version must name one of their teams, and be the
    one in effect: a draft or a review may still change, a scheduled version is not in effect yet, a superseded one
    no longer is.
    """
    if not principal.is_person or principal.id is None:
        raise Forbidden(f"{principal.subject!r} is a service; only people acknowledge a version")
    if not acknowledge_teams:
        raise Forbidden(f"version {number} is addressed to no team, so there is nothing to acknowledge")
    mine = addressed_teams(principal, acknowledge_teams)
    if not mine:
        teams = ", ".join(principal.teams) or "no team"
        raise Forbidden(
            f"version {number} is addressed to {', '.join(sorted(acknowledge_teams))}; "
            f"{principal.subject!r} is in {teams}"
        )
    if retired:
        raise Conflict("the entry is retired: nothing of it is in effect to acknowledge")
    if not in_effect:
        raise Conflict(
            f"version {number} is not in effect ({_why_not(status)}); only the version in effect is acknowledged"
        )
    if expired:
        raise Conflict(f"version {number} has expired; an expired version is not acknowledged")
    return mine


def _why_not(status: str) -> str:
    if status == VersionStatus.published:
        return "it is scheduled and takes effect later"
    if status == VersionStatus.superseded:
        return "a later version replaced it"
    return f"it is {status.replace('_', ' ')}, not published"


def check_status_reader(principal: Principal) -> None:
    """Who has and has not acknowledged is for editors and up (team leads, owners), not for every reader."""
    require_role(principal, Role.editor)


def check_own_list(principal: Principal) -> None:
    if not principal.is_person or principal.id is None:
        raise Forbidden(f"{principal.subject!r} is a service; only people have versions to acknowledge")


class Member(msgspec.Struct, frozen=True):
    """A person of one or more addressed teams, and when they acknowledged the version (None: not yet)."""

    subject: str
    name: str
    teams: list[str]
    acknowledged_at: dt.datetime | None


class AcknowledgedBy(msgspec.Struct, frozen=True):
    subject: str
    name: str
    acknowledged_at: dt.datetime


class PendingPerson(msgspec.Struct, frozen=True):
    subject: str
    name: str


class TeamAcknowledgements(msgspec.Struct, frozen=True):
    """One addressed team: its active members now, who of them has acknowledged, and who has not."""

    team: str
    members: int
    acknowledged: int
    pending: int
    rate: float | None  # acknowledged / members, None for a team with no members
    acknowledged_by: list[AcknowledgedBy]
    not_acknowledged: list[PendingPerson]


class Tally(msgspec.Struct, frozen=True):
    """Everyone addressed (each person once, whatever number of addressed teams they are in)."""

    members: int
    acknowledged: int
    pending: int
    rate: float | None
    teams: list[TeamAcknowledgements]


def rate(done: int, total: int) -> float | None:
    return None if total == 0 else round(done / total, 4)


def tally(acknowledge_teams: Sequence[str], members: Sequence[Member]) -> Tally:
    """Counts and rates per addressed team and overall, people listed by subject."""
    ordered = sorted(members, key=lambda m: m.subject)
    teams = []
    for team in acknowledge_teams:
        inside = [m for m in ordered if team in m.teams]
        done = [AcknowledgedBy(m.subject, m.name, m.acknowledged_at) for m in inside if m.acknowledged_at is not None]
        waiting = [PendingPerson(m.subject, m.name) for m in inside if m.acknowledged_at is None]
        teams.append(
            TeamAcknowledgements(
                team=team,
                members=len(inside),
                acknowledged=len(done),
                pending=len(waiting),
                rate=rate(len(done), len(inside)),
                acknowledged_by=done,
                not_acknowledged=waiting,
            )
        )
    addressed = [m for m in ordered if set(m.teams) & set(acknowledge_teams)]
    done_overall = sum(1 for m in addressed if m.acknowledged_at is not None)
    return Tally(
        members=len(addressed),
        acknowledged=done_overall,
        pending=len(addressed) - done_overall,
        rate=rate(done_overall, len(addressed)),
        teams=teams,
    )


def in_effect_since(effective_from: dt.datetime, published_at: dt.datetime) -> dt.datetime:
    """When a version became the one in effect: its effective instant, or its publication if it was back-dated."""
    return max(effective_from, published_at)


def acknowledgement_due(since: dt.datetime, window: dt.timedelta) -> dt.datetime:
    return since + window
