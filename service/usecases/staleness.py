"""Citations falling behind: when the version in effect of an entry changes, the entries citing it learn of it.

Called in the transaction that changed it (a publication taking effect at once, or the worker settling a scheduled
version at its instant), so the notices commit with the change or not at all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from service.domain.citations import becomes_stale
from service.domain.events import EntryEventData, StaleCitation, concerned_teams
from service.domain.kinds import KINDS
from service.domain.model import Actor, Principal, VersionStatus
from service.store import citations, events
from service.store.database import Connection
from service.store.entries import EntryRecord

if TYPE_CHECKING:
    from service.usecases.entries import EntryContext


async def touch_citers(conn: Connection, ctx: EntryContext, cited: EntryRecord) -> None:
    """`cited`'s timeline changed: every entry with a version citing it gets a new revision (what it reads, now or as
    of a date, names the version of `cited` in effect then: new ETags, cached views dropped)."""
    for kind, slug in await citations.touch_citing(conn, cited.kind, cited.slug):
        ctx.views.invalidate(kind, slug)  # this process at once; the others when the row's notification reaches them


async def follow_new_version(
    conn: Connection, ctx: EntryContext, principal: Principal, cited: EntryRecord, previous: int | None
) -> int:
    """`cited`'s version in effect moved from `previous` to its `current_version`: every entry citing any of its
    versions gets a new revision (its reads show the version now in effect: new ETags, cached views dropped), and
    each live entry whose version in effect cites a version that has just fallen behind gets one
    `<kind>.citation_stale` event, about that version of it, for its owners' subscriptions. Return how many."""
    await touch_citers(conn, ctx, cited)
    current = cited.current_version
    if current is None:
        return 0
    found = await citations.newly_stale(conn, cited.kind, cited.slug, previous=previous, current=current)
    announced = 0
    for row in found:
        if not becomes_stale(row.cited_version, previous, current):
            continue  # the SQL chose by the same rule; kept here, where the rule is read
        data = EntryEventData(
            id=row.id,
            kind=row.kind,
            slug=row.slug,
            version=row.version,
            title=row.title,
            url=f"{ctx.base_url}{KINDS[row.kind].path}/{row.slug}?version={row.version}",
            actor=Actor.of(principal),
            status=VersionStatus.published,
            tags=row.tags,
            teams=concerned_teams(row.owners, row.required_teams, row.review_teams, row.acknowledge_teams),
            stale_citations=[StaleCitation(cited.kind, cited.slug, row.cited_version, current)],
        )
        await events.append(
            conn,
            event_type=f"{row.kind}.citation_stale",
            kind=row.kind,
            entry_id=row.id,
            slug=row.slug,
            version=row.version,
            data=data,
        )
        announced += 1
    return announced
