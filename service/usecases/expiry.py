"""Expiry notices: `asset.expiring` a configurable time before an asset's current version expires, `asset.expired`
when it does. Each notice is sent once per version, whatever the number of workers."""

from __future__ import annotations

import datetime as dt

from service.domain.model import Principal, Role, VersionStatus
from service.store import assets as asset_store
from service.store import entries
from service.usecases.entries import EntryContext, log_change

WORKER = Principal(subject="canon-worker", name="Canon worker", role=Role.admin, credential="worker")
BATCH = 200


async def send_due_notices(ctx: EntryContext, warn_before: dt.timedelta) -> int:
    """Emit every notice that has come due; return how many were sent by this call."""
    async with ctx.pool.acquire() as conn:
        due = await asset_store.due_expiry_notices(conn, ctx.spec.name, warn_before, BATCH)
    sent = 0
    for notice in due:
        async with ctx.writing(notice.slug) as conn:
            if not await asset_store.claim_notice(conn, notice.entry_id, notice.number, notice.notice):
                continue
            entry = await entries.find_entry(conn, ctx.spec.name, notice.slug)
            await log_change(
                conn, ctx, WORKER, entry, notice.notice, version=notice.number, status=VersionStatus.published
            )
            sent += 1
    return sent
