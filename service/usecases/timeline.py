"""Scheduled versions take effect: the worker brings every entry whose timeline moved on in step with it."""

from __future__ import annotations

from collections.abc import Mapping

from service.store import entries
from service.store import timeline as timelines
from service.usecases.entries import EntryContext, log_taking_effect, settle
from service.usecases.expiry import WORKER

BATCH = 100


async def activate_due(contexts: Mapping[str, EntryContext]) -> int:
    """Make current every scheduled version whose instant has come (also long after it, e.g. after a restart);
    return how many entries changed. Safe with several workers: each entry is settled under its row lock."""
    any_context = next(iter(contexts.values()))
    async with any_context.pool.acquire() as conn:
        due = await timelines.due(conn, limit=BATCH)
    changed = 0
    for item in due:
        ctx = contexts[item.kind]
        async with ctx.writing(item.slug) as conn:
            entry = await entries.lock_entry(conn, ctx.spec.name, item.slug)
            previous = entry.current_version
            entry = await settle(conn, entry)
            if entry.current_version != previous:
                await log_taking_effect(conn, ctx, WORKER, entry, previous)
                changed += 1
    return changed
