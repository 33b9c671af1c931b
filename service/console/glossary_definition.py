"""A definition's page: the version in effect in plain language (criteria as readable rules), what is scheduled next,
the timeline (two versions chosen there open their diff: both side by side and the criteria rule by rule), a "try it"
form evaluating a record against the criteria rule by rule, the messages and assets citing it (stale or not), and
how far each addressed team has acknowledged it. Every read is a use case of the API, with the person's rights."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any, Final

import msgspec
from litestar import get, post
from litestar.params import QueryParameter
from litestar.response import Template

from service.api.deps import AllServices, Caller, SlugPath
from service.api.problems import domain_error_handler
from service.api.schemas import Definition as DefinitionOut
from service.api.schemas import DefinitionVersion
from service.console.render import HttpRequest, page
from service.console.rules import RuleLine, readable
from service.domain.errors import DomainError, Forbidden, NotFound
from service.domain.kinds import DEFINITION
from service.domain.model import Principal
from service.domain.operations import Evaluate
from service.usecases import acknowledgements, reads
from service.usecases.acknowledgements import AcknowledgementStatus
from service.wiring import Services

_TIMELINE_SIZE: Final = 100
_RECORD_CHARS: Final = 100_000  # a record pasted into "try it"

VersionQuery = Annotated[int | None, QueryParameter(ge=1, le=1_000_000)]
FromQuery = Annotated[int | None, QueryParameter(name="from", ge=1, le=1_000_000)]
ToQuery = Annotated[int | None, QueryParameter(name="to", ge=1, le=1_000_000)]

_ENTRY = msgspec.json.Decoder(DefinitionOut)
_VERSION = msgspec.json.Decoder(DefinitionVersion)
_RECORD = msgspec.json.Decoder(dict[str, Any])

# The fields a version is reviewed for, as people name them, in the order the diff shows them.
FIELDS: Final = (
    ("title", "Title"),
    ("summary", "Summary"),
    ("body", "Description"),
    ("aliases", "Also called"),
    ("examples", "Examples"),
    ("related", "Related"),
    ("tags", "Tags"),
    ("owners", "Owned by"),
    ("required_teams", "Must approve"),
    ("acknowledge_teams", "Must acknowledge"),
    ("effective_date", "Takes effect on"),
    ("criteria", "Qualification rules"),
)


@dataclass(frozen=True)
class Trial:
    """The "try it" form as sent back: the record typed, and its outcome or what was wrong with it."""

    record: str
    result: reads.EvaluationResult | None = None
    error: str | None = None  # about the record field itself
    refused: str | None = None  # the use case's refusal (retired, no criteria, ...)


@get("/glossary/{slug:str}")
async def definition(
    request: HttpRequest, services: AllServices, principal: Caller, slug: SlugPath, version: VersionQuery = None
) -> Template:
    """A definition in plain language: the version in effect (or `version`) and everything around it."""
    return await _definition_page(request, services, principal, slug, version, trial=None)


@post("/glossary/{slug:str}/try", status_code=200)
async def try_record(
    request: HttpRequest, services: AllServices, principal: Caller, slug: SlugPath, version: VersionQuery = None
) -> Template:
    """Evaluate the record of the "try it" form against the criteria of the version shown: the page again, with
    each rule's outcome, or the fault at the record field (422) or the refusal in words (its status)."""
    form = await request.form()
    raw = form.get("record")
    text = raw if isinstance(raw, str) else ""
    trial, status = await _evaluate(request, services, principal, slug, version, text)
    return await _definition_page(request, services, principal, slug, version, trial=trial, status=status)


async def _evaluate(
    request: HttpRequest, services: Services, principal: Principal, slug: str, version: int | None, text: str
) -> tuple[Trial, int]:
    if not text.strip():
        return Trial(text, error='Type a record: a JSON object such as {"score": 72}.'), 422
    if len(text) > _RECORD_CHARS:
        return Trial(text, error=f"The record is longer than {_RECORD_CHARS:,} characters."), 422
    try:
        record = _RECORD.decode(text)
        asked = msgspec.convert({"record": record, "version": version}, Evaluate)
    except msgspec.ValidationError:
        return Trial(text, error='The record must be a JSON object: {"field": value, ...}.'), 422
    except msgspec.DecodeError as exc:
        return Trial(text, error=f"The record is not valid JSON: {exc}."), 422
    context = services.entry_contexts[DEFINITION.name]
    try:
        result = await reads.evaluate(context, principal, slug, asked.version, asked.record)
    except DomainError as exc:
        return Trial(text, refused=exc.detail), _status_of(request, exc)
    return Trial(text, result=result), 200


def _status_of(request: HttpRequest, exc: DomainError) -> int:
    """The status the API answers this refusal with (its one table of domain errors)."""
    return domain_error_handler(request, exc).status_code or 400


async def _definition_page(
    request: HttpRequest,
    services: Services,
    principal: Principal,
    slug: str,
    version: int | None,
    *,
    trial: Trial | None,
    status: int = 200,
) -> Template:
    context = services.entry_contexts[DEFINITION.name]
    versions = await reads.version_page(context, principal, slug, cursor=None, limit=_TIMELINE_SIZE)
    timeline = [_VERSION.decode(item) for item in versions.items]
    entry = await _entry(services, principal, slug, version, timeline)
    shown = entry.version
    criteria = msgspec.to_builtins(shown.content.criteria) if shown.content.criteria is not None else None
    dependents = await reads.dependents(context, principal, slug)
    progress, progress_hidden = await _progress(services, principal, slug, shown)
    return page(
        request,
        "definition.html",
        status,
        entry=entry,
        version=shown,
        viewing=version,
        rules=None if criteria is None else readable(criteria),
        timeline=timeline,
        more_versions=versions.next_cursor is not None,
        diff_from=_compared_with(entry, timeline),
        diff_to=shown.number,
        dependents=dependents,
        progress=progress,
        progress_hidden=progress_hidden,
        trial=trial,
        outcome_words=_outcome_words(criteria, trial),
        sample=msgspec.json.format(msgspec.json.encode(sample_record(criteria)), indent=2).decode(),
    )


def _compared_with(entry: DefinitionOut, timeline: list[DefinitionVersion]) -> int | None:
    """The version the diff form offers to compare the one shown with: the version in effect, else the one before
    (else the one after)."""
    shown = entry.version.number
    if entry.current_version is not None and entry.current_version != shown:
        return entry.current_version
    older = [item.number for item in timeline if item.number < shown]
    newer = [item.number for item in timeline if item.number > shown]
    return max(older) if older else min(newer) if newer else None


async def _entry(
    services: Services, principal: Principal, slug: str, version: int | None, timeline: list[DefinitionVersion]
) -> DefinitionOut:
    """`version`, else the version in effect, else (nothing in effect yet) the newest version the person may see."""
    context = services.entry_contexts[DEFINITION.name]
    try:
        view = await reads.entry(context, principal, slug, version=version, as_of=None)
    except NotFound:
        if version is not None or not timeline:
            raise
        view = await reads.entry(context, principal, slug, version=timeline[0].number, as_of=None)
    return _ENTRY.decode(view.body)


async def _progress(
    services: Services, principal: Principal, slug: str, version: DefinitionVersion
) -> tuple[AcknowledgementStatus | None, bool]:
    """Who of the addressed teams has acknowledged the version shown (None when no team is addressed), and whether
    the person may not see it (editors and up do)."""
    if not version.acknowledge_teams:
        return None, False
    window = dt.timedelta(seconds=services.settings.acknowledgement_window_seconds)
    try:
        found = await acknowledgements.status(
            services.entry_contexts[DEFINITION.name], principal, slug, version.number, window
        )
    except Forbidden:
        return None, True
    return found, False


def _outcome_words(criteria: object, trial: Trial | None) -> dict[str, RuleLine]:
    """Each evaluated rule (by its JSON Pointer) in the words the rules above are shown in."""
    if trial is None or trial.result is None:
        return {}
    return {outcome.path: readable(_rule_at(criteria, outcome.path)) for outcome in trial.result.outcomes}


def _rule_at(tree: object, pointer: str) -> object:
    node = tree
    for part in pointer.split("/")[1:]:
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


def sample_record(criteria: object) -> dict[str, Any]:
    """A record to start "try it" from: each field the criteria compare, with a value the rule names."""
    record: dict[str, Any] = {}
    for field, value in _comparisons(criteria):
        *parents, last = field.split(".")
        target = record
        for part in parents:
            nested = target.setdefault(part, {})
            if not isinstance(nested, dict):
                break
            target = nested
        else:
            target.setdefault(last, value)
    return record


def _comparisons(rule: object) -> list[tuple[str, object]]:
    if isinstance(rule, list):
        return [found for member in rule for found in _comparisons(member)]
    if not isinstance(rule, dict):
        return []
    group = next((rule[key] for key in ("all", "any", "not") if key in rule), None)
    if group is not None:
        return _comparisons(group)
    field = rule.get("field")
    if not isinstance(field, str) or not all(field.split(".")):
        return []
    return [(field, _example(rule.get("op"), rule.get("value")))]


def _example(op: object, value: object) -> object:
    """A value that meets a comparison, where one is easy to name (else null, for the person to fill in)."""
    if op == "exists":
        return "yes" if value is not False else None
    if op in ("ne", "not_in", "within"):
        return None
    if isinstance(value, list):
        return value[0] if value else None
    return value


# --- the diff of two versions ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldRow:
    """One reviewed field of both versions, side by side."""

    name: str
    label: str
    before: object
    after: object
    changed: bool


@get("/glossary/{slug:str}/diff")
async def definition_diff(
    request: HttpRequest,
    services: AllServices,
    principal: Caller,
    slug: SlugPath,
    from_version: FromQuery = None,
    to_version: ToQuery = None,
) -> Template:
    """Two versions side by side, the changed fields marked, the criteria rule by rule and the description line by
    line (the diff use case of `GET /v1/definitions/{slug}/diff`)."""
    context = services.entry_contexts[DEFINITION.name]
    found = await reads.diff(
        context,
        principal,
        slug,
        reads.VersionChoice(from_version, None, "from"),
        reads.VersionChoice(to_version, None, "to"),
    )
    before, after = [
        _ENTRY.decode((await reads.entry(context, principal, slug, version=number, as_of=None)).body)
        for number in (found.from_version, found.to_version)
    ]
    changed = {change.field for change in found.changes}
    old, new = _reviewed(before.version), _reviewed(after.version)
    rows = [FieldRow(name, label, old.get(name), new.get(name), name in changed) for name, label in FIELDS]
    return page(
        request,
        "definition_diff.html",
        entry=after,
        before=before.version,
        after=after.version,
        rows=rows,
        diff=found,
        before_rules=_rules(old.get("criteria")),
        after_rules=_rules(new.get("criteria")),
    )


def _reviewed(version: DefinitionVersion) -> dict[str, Any]:
    fields = {
        "title": version.title,
        "tags": version.tags,
        "owners": version.owners,
        "required_teams": version.required_teams,
        "acknowledge_teams": version.acknowledge_teams,
    }
    content: dict[str, Any] = msgspec.to_builtins(version.content)
    return {**content, **fields}


def _rules(criteria: object) -> RuleLine | None:
    return None if criteria is None else readable(criteria)


ROUTES = [definition, try_record, definition_diff]
