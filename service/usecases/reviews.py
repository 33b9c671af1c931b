"""The review queue (`GET /v1/reviews`) and the reminders of reviews left pending past their window."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping

import msgspec

from service.domain import reviews as rules
from service.domain.change_summary import summarize
from service.domain.cursors import decode_cursor, encode_cursor
from service.domain.errors import FieldError, Invalid
from service.domain.events import ReviewRequest
from service.domain.model import Actor, Principal, VersionStatus
from service.store import entries
from service.store import reviews as requests
from service.store.database import Pool, transaction
from service.usecases.entries import EntryContext, log_change, summary_of
from service.usecases.expiry import WORKER

BATCH = 200


class ReviewItem(msgspec.Struct, frozen=True):
    """A version awaiting the approval of one of the queried teams."""

    kind: str
    slug: str
    version: int
    title: str
    url: str  # the version, for the reviewer
    submitted_by: Actor
    submitted_at: dt.datetime
    pending_teams: list[str]  # every team still to approve
    due_at: dt.datetime  # the end of the review window
    overdue: bool
    changes: list[str]  # the fields in which it differs from the version in effect (every field of a first version)
    summary: str  # the same in one line people read ("first version" for the first)


class ReviewPage(msgspec.Struct, frozen=True):
    items: list[ReviewItem]
    next_cursor: str | None


def _after(cursor: str | None) -> tuple[dt.datetime, uuid.UUID, int] | None:
    """The keyset a cursor of this queue holds: (request time, entry id, version number)."""
    if not cursor:
        return None
    at, entry_id, number = decode_cursor(cursor, 3)
    try:
        if not isinstance(at, str) or not isinstance(entry_id, str) or not isinstance(number, int):
            raise ValueError(cursor)
        moment = dt.datetime.fromisoformat(at)
        if moment.tzinfo is None or not 1 <= number <= 1_000_000:
            raise ValueError(cursor)
        return moment, uuid.UUID(entry_id), number
    except ValueError:
        raise Invalid(
            "the cursor is not one this service issued", [FieldError("cursor", "malformed cursor", "query")]
        ) from None


async def queue(
    pool: Pool,
    contexts: Mapping[str, EntryContext],
    principal: Principal,
    *,
    team: str | None,
    cursor: str | None,
    limit: int,
    default_window_seconds: float,
) -> ReviewPage:
    """Every version awaiting approval by the caller's teams (or `team`), across kinds, oldest request first."""
    teams = rules.queue_teams(principal, team)
    after = _after(cursor)
    if not teams:
        return ReviewPage(items=[], next_cursor=None)
    async with pool.acquire() as conn:
        rows = await requests.queue(
            conn, teams, after=after, limit=limit + 1, default_window_seconds=default_window_seconds
        )
    items = []
    for row in rows[:limit]:
        window = dt.timedelta(seconds=row.window_seconds)
        change = summarize(row.in_effect, row.version)
        items.append(
            ReviewItem(
                kind=row.kind,
                slug=row.slug,
                version=row.number,
                title=str(row.version.get("title", "")),
                url=contexts[row.kind].url(row.slug, row.number),
                submitted_by=Actor(type=row.requested_by_type, subject=row.requested_by, name=row.requested_by_name),
                submitted_at=row.requested_at,
                pending_teams=row.pending_teams,
                due_at=row.requested_at + window,
                overdue=rules.is_overdue(row.requested_at, row.now, window),
                changes=change.fields,
                summary=change.summary,
            )
        )
    next_cursor = None
    if len(rows) > limit:
        last = rows[limit - 1]
        next_cursor = encode_cursor(last.requested_at.isoformat(), str(last.entry_id), last.number)
    return ReviewPage(items=items, next_cursor=next_cursor)


async def send_overdue(pool: Pool, contexts: Mapping[str, EntryContext], default_window_seconds: float) -> int:
    """`<kind>.review_overdue` for every team whose review has been pending one more window than was announced:
    once per window and team however many workers run (the request row records the windows announced). A worker
    that was down for several windows announces the latest once. Returns how many were sent by this call."""
    async with pool.acquire() as conn:
        due = await requests.due_overdue(conn, default_window_seconds=default_window_seconds, limit=BATCH)
    sent = 0
    for item in due:
        window = dt.timedelta(seconds=item.window_seconds)
        windows = rules.windows_passed(item.requested_at, item.now, window)
        ctx = contexts[item.kind]
        async with transaction(pool) as conn:
            if not await requests.claim_overdue(conn, item.entry_id, item.number, item.team, windows):
                continue
            entry = await entries.find_entry(conn, item.kind, item.slug)
            version = await entries.get_version(conn, entry, item.number)
            in_effect = (
                None if entry.current_version is None else await entries.get_version(conn, entry, entry.current_version)
            )
            request = ReviewRequest(
                team=item.team,
                pending_teams=item.pending_teams,
                requested_at=item.requested_at,
                due_at=item.requested_at + window,
                windows_overdue=windows,
            )
            await log_change(
                conn,
                ctx,
                WORKER,
                entry,
                "review_overdue",
                version=item.number,
                about=version,
                status=VersionStatus(version.status),
                summary=summary_of(in_effect, version),
                review_request=request,
            )
            sent += 1
    return sent
