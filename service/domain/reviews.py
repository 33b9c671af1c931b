"""Review requests: whose queue a version waits in, when a review is overdue, who may set an entry's review window.

Pure functions; the clock is passed in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from service.domain.errors import Forbidden
from service.domain.lifecycle import require_role
from service.domain.model import Principal, Role


def review_window(entry_seconds: int | None, default_seconds: float) -> dt.timedelta:
    """How long a team has to review a version of this entry: the entry's own window, else the setting."""
    return dt.timedelta(seconds=entry_seconds if entry_seconds is not None else default_seconds)


def windows_passed(requested_at: dt.datetime, now: dt.datetime, window: dt.timedelta) -> int:
    """How many whole review windows have passed since the review was requested (0: not overdue yet)."""
    if now <= requested_at:
        return 0
    return (now - requested_at) // window


def is_overdue(requested_at: dt.datetime, now: dt.datetime, window: dt.timedelta) -> bool:
    """A review is overdue once a whole window has passed without the approval."""
    return windows_passed(requested_at, now, window) >= 1


def queue_teams(principal: Principal, team: str | None) -> list[str]:
    """The teams whose review queue the caller reads: their own, or `team` (one of their own, or any for an admin).

    Readers see nothing unreleased, so they have no queue; a team of someone else's is refused rather than silently
    answered with an empty list, so a mistyped team is noticed."""
    require_role(principal, Role.editor)
    if team is None:
        return sorted(set(principal.teams))
    if team in principal.teams or principal.can(Role.admin):
        return [team]
    mine = ", ".join(principal.teams) or "no team"
    raise Forbidden(
        f"{principal.subject!r} is not in team {team!r} (their teams: {mine}); only admins read another team's queue"
    )


def check_review_window_change(principal: Principal, owners: Collection[str]) -> None:
    """An entry's review window is set by an editor of a team owning it (its listed version's owners) or an admin:
    it is how fast its owners want reviews, not content, so it is not reviewed itself."""
    require_role(principal, Role.editor)
    if not principal.can(Role.admin) and not principal.in_any(owners):
        raise Forbidden(
            f"only an editor of an owning team ({', '.join(owners)}) or an admin sets the review window; "
            f"{principal.subject!r} is in {', '.join(principal.teams) or 'no team'}"
        )
