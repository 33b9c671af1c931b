"""Batch evaluation: many records against several definitions, each at the version in effect at one instant."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
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


class _Criteria(msgspec.Struct, frozen=True):
    """A definition's criteria, ready to evaluate many records."""

    used: DefinitionUsed
    tree: object
    matches: criteria.Matcher


def _evaluate_record(
    index: int, record: dict[str, Any], prepared: list[_Criteria], now: dt.datetime, outcomes: bool
) -> RecordResult:
    evaluations = []
    for each in prepared:
        used = each.used
        if outcomes:
            found = criteria.evaluate_valid(each.tree, record, now)
            evaluation = RecordEvaluation(used.slug, used.version, found.matched, found.outcomes)
        else:
            evaluation = RecordEvaluation(used.slug, used.version, each.matches(record, now))
        evaluations.append(evaluation)
    return RecordResult(index=index, matches=[e.slug for e in evaluations if e.matched], evaluations=evaluations)


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
    now = as_of or dt.datetime.now(dt.UTC)  # `within` counts back from here
    results = [_evaluate_record(index, record, trees, now, outcomes) for index, record in enumerate(records)]
    return BatchResult(definitions=[each.used for each in trees], results=results)


class LineError(msgspec.Struct, frozen=True):
    """A line of an NDJSON stream that could not be evaluated; the stream goes on with the next."""

    index: int
    error: str


MAX_LINE_BYTES = 1_048_576
_encoder = msgspec.json.Encoder()
_record = msgspec.json.Decoder(dict[str, Any])


async def evaluate_stream(
    ctx: EntryContext,
    slugs: list[str],
    lines: AsyncIterator[bytes],
    *,
    as_of: dt.datetime | None,
    known_at: dt.datetime | None,
    outcomes: bool,
) -> AsyncIterator[bytes]:
    """NDJSON in, NDJSON out, in constant memory: one result (or `LineError`) per non-empty input line, in order.
    The definitions are resolved before anything is read, so their faults are a problem+json, not a stream."""
    trees = await _criteria_of(ctx, slugs, as_of, known_at)
    now = as_of or dt.datetime.now(dt.UTC)

    async def results() -> AsyncIterator[bytes]:
        index = 0
        async for line in _lines(lines):
            if line is None:
                yield _encoder.encode(LineError(index, f"line longer than {MAX_LINE_BYTES} bytes")) + b"\n"
            else:
                try:
                    record = _record.decode(line)
                except msgspec.DecodeError as exc:
                    yield _encoder.encode(LineError(index, f"not a JSON object: {exc}")) + b"\n"
                else:
                    yield _encoder.encode(_evaluate_record(index, record, trees, now, outcomes)) + b"\n"
            index += 1

    return results()


async def _lines(chunks: AsyncIterator[bytes]) -> AsyncIterator[bytes | None]:
    """Non-blank lines of a byte stream; None for a line over `MAX_LINE_BYTES` (skipped, never buffered whole)."""
    pending = b""
    skipping = False
    async for chunk in chunks:
        pending += chunk
        while (end := pending.find(b"\n")) >= 0:
            line, pending = pending[:end], pending[end + 1 :]
            if skipping:
                skipping = False
            elif line.strip():
                yield line
        if len(pending) > MAX_LINE_BYTES and not skipping:
            yield None
            skipping = True
        if skipping:
            pending = b""
    if pending.strip() and not skipping:
        yield pending


async def _criteria_of(
    ctx: EntryContext, slugs: list[str], as_of: dt.datetime | None, known_at: dt.datetime | None
) -> list[_Criteria]:
    found: list[_Criteria] = []
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
            tree = version.content["criteria"]
            used = DefinitionUsed(slug=slug, version=number)
            found.append(_Criteria(used=used, tree=tree, matches=criteria.compile_matcher(tree)))
    if errors:
        raise Invalid("some definitions cannot be evaluated", errors)
    return found
