"""Batch evaluation: many records against several definitions, each at the version in effect at one instant."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec

from service.domain import criteria
from service.domain.errors import Conflict, FieldError, Gone, Invalid
from service.domain.kinds import DEFINITION
from service.domain.model import RELEASED_STATUSES, Principal
from service.store import entries
from service.usecases.entries import EntryContext, version_in_effect


class DefinitionUsed(msgspec.Struct, frozen=True):
    slug: str
    version: int


class RecordEvaluation(msgspec.Struct, frozen=True, omit_defaults=True):
    slug: str
    version: int
    matched: bool
    outcomes: list[criteria.RuleOutcome] | None = None  # on request


class RecordResult(msgspec.Struct, frozen=True):
    """One record: the definitions it meets, and each evaluation."""

    index: int
    matches: list[str]
    evaluations: list[RecordEvaluation]


class BatchResult(msgspec.Struct, frozen=True):
    definitions: list[DefinitionUsed]
    results: list[RecordResult]


async def evaluate_batch(
    ctx: EntryContext,
    principal: Principal,
    slugs: list[str],
    records: list[dict[str, Any]],
    *,
    as_of: dt.datetime | None,
    known_at: dt.datetime | None,
    outcomes: bool,
) -> BatchResult:
    """Each record against the criteria of each definition's version in effect at `as_of` (default: now) as
    recorded at `known_at`. Every definition is resolved before any record is evaluated: one unknown, retired or
    criteria-less definition refuses the whole batch, naming it."""
    del principal  # every role may evaluate released definitions
    trees = await _criteria_of(ctx, slugs, as_of, known_at)
    results = []
    now = as_of or dt.datetime.now(dt.UTC)  # `within` counts back from here
    for index, record in enumerate(records):
        evaluations = []
        for used, tree in trees:
            found = criteria.evaluate_valid(tree, record, now)
            evaluations.append(
                RecordEvaluation(
                    slug=used.slug,
                    version=used.version,
                    matched=found.matched,
                    outcomes=found.outcomes if outcomes else None,
                )
            )
        matches = [e.slug for e in evaluations if e.matched]
        results.append(RecordResult(index=index, matches=matches, evaluations=evaluations))
    return BatchResult(definitions=[used for used, _ in trees], results=results)


async def _criteria_of(
    ctx: EntryContext, slugs: list[str], as_of: dt.datetime | None, known_at: dt.datetime | None
) -> list[tuple[DefinitionUsed, object]]:
    found: list[tuple[DefinitionUsed, object]] = []
    errors: list[FieldError] = []
    seen: set[str] = set()
    async with ctx.pool.acquire() as conn:
        for position, slug in enumerate(slugs):
            if slug in seen:
                continue  # named twice: evaluated once
            seen.add(slug)
            pointer = f"/definitions/{position}"
            entry = await entries.find_entry_or_none(conn, DEFINITION.name, slug)
            if entry is None:
                errors.append(FieldError(pointer, f"no definition {slug!r}"))
                continue
            if entry.retired_at is not None and entry.retired_at < (as_of or dt.datetime.now(dt.UTC)):
                raise Gone(f"definition {slug!r} was retired at {entry.retired_at.isoformat()}; give an earlier as_of")
            number = await version_in_effect(conn, entry, as_of, known_at)
            if number is None:
                errors.append(FieldError(pointer, f"{slug!r} has no published version in effect then"))
                continue
            version = await entries.get_version(conn, entry, number)
            if version.status not in RELEASED_STATUSES or version.content.get("criteria") is None:
                raise Conflict(f"version {number} of {slug!r} has no criteria to evaluate")
            found.append((DefinitionUsed(slug=slug, version=number), version.content["criteria"]))
    if errors:
        raise Invalid("some definitions cannot be evaluated", errors)
    return found
