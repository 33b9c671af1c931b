"""Version statuses as SQL text, built from `VersionStatus`: a statement names a status through these constants,
never by a literal of its own, so the code and the SQL cannot disagree on a status or on what a group holds.

They are written into the statement rather than passed as parameters: the partial indexes on `versions` (the one
open version of an entry, the scheduled ones) are used only when the planner sees the status itself, also in the
generic plan of a prepared statement. Only these constants are ever put into SQL text this way, no caller's value.
"""

from __future__ import annotations

from collections.abc import Collection

from service.domain.model import OPEN_STATUSES, RELEASED_STATUSES, SUBMITTED_STATUSES, VersionStatus


def _literal(status: VersionStatus) -> str:
    return f"'{status.value}'"


def _one_of(statuses: Collection[VersionStatus]) -> str:
    """A parenthesised list for `IN`, in the lifecycle's order."""
    return "(" + ", ".join(_literal(s) for s in VersionStatus if s in statuses) + ")"


DRAFT = _literal(VersionStatus.draft)
PUBLISHED = _literal(VersionStatus.published)
SUPERSEDED = _literal(VersionStatus.superseded)
OPEN = _one_of(OPEN_STATUSES)
SUBMITTED = _one_of(SUBMITTED_STATUSES)
RELEASED = _one_of(RELEASED_STATUSES)
