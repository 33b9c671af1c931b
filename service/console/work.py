"""My work: the caller's review queue (approve, reject with a comment), the versions they must acknowledge, their
drafts. Each list and each action is the API's use case with the person as principal (`GET /v1/reviews`,
`GET /v1/me/acknowledgements`, `GET /v1/{kind}s?status=draft`, approve, reject, acknowledge), so a refusal is the
API's, shown in its words with its status; a done action comes back to the page with a line saying what was done."""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Annotated, Any, Final

import msgspec
from litestar import Response, get, post
from litestar.params import QueryParameter
from litestar.response import Redirect, Template

from service.api.deps import AllServices, Caller, SlugPath, VersionPath
from service.api.problems import body_error, domain_error_handler
from service.api.schemas import EntrySummaryOut
from service.console.render import HttpRequest, page
from service.domain.errors import DomainError, Forbidden, Invalid, NotFound
from service.domain.kinds import DEFINITION, KINDS
from service.domain.model import Principal
from service.domain.operations import Approve, Reject
from service.usecases import acknowledgements, reads, reviews
from service.usecases import entries as writes
from service.usecases.acknowledgements import OutstandingPage
from service.usecases.entries import EntryContext
from service.usecases.reviews import ReviewPage
from service.wiring import Services

PATH: Final = "/console/work"
_LIST_SIZE: Final = 100
_DRAFTS_SIZE: Final = 200  # entries with a draft, per kind, before keeping the person's own

_SUMMARY = msgspec.json.Decoder(EntrySummaryOut)


class Done(StrEnum):
    """What the person just did, for the line the page opens with after the redirect."""

    approved = "approved"
    rejected = "rejected"
    acknowledged = "acknowledged"


DoneQuery = Annotated[Done | None, QueryParameter()]
KindQuery = Annotated[str | None, QueryParameter(max_length=20)]
SlugQuery = Annotated[str | None, QueryParameter(max_length=100)]
NumberQuery = Annotated[int | None, QueryParameter(ge=1, le=1_000_000)]


@dataclass(frozen=True)
class Failure:
    """An action on one item that was refused or invalid: shown at that item, with what the person typed."""

    action: str  # approve, reject, acknowledge
    kind: str
    slug: str
    version: int
    detail: str
    at: str | None = None  # the form field at fault (comment, team), if any
    values: dict[str, str] = field(default_factory=dict)

    def about(self, action: str, kind: str, slug: str, version: int) -> bool:
        return (self.action, self.kind, self.slug, self.version) == (action, kind, slug, version)


@dataclass(frozen=True)
class Draft:
    kind: str
    slug: str
    title: str
    number: int
    status: str
    url: str
    updated_at: dt.datetime


@get("/work")
async def my_work(
    request: HttpRequest,
    services: AllServices,
    principal: Caller,
    done: DoneQuery = None,
    kind: KindQuery = None,
    slug: SlugQuery = None,
    version: NumberQuery = None,
) -> Template:
    """The person's reviews, acknowledgements and drafts; after an action, a line saying what was done."""
    message = None
    if done is not None and kind in KINDS and slug and version:
        message = f"You {done.value} version {version} of {kind} {slug}."
    return await _work_page(request, services, principal, message=message)


@post("/work/reviews/{kind:str}/{slug:str}/{number:int}/approve", status_code=303)
async def approve(
    request: HttpRequest, services: AllServices, principal: Caller, kind: SlugPath, slug: SlugPath, number: VersionPath
) -> Response[Any]:
    """Approve the version for the person's team (the one they chose when several of theirs are still to approve)."""
    context = _context(services, kind)
    values = await _form(request, "comment", "team")
    try:
        data = msgspec.convert({"comment": values["comment"] or None, "team": values["team"] or None}, Approve)
    except msgspec.ValidationError as exc:
        return await _refused(request, services, principal, _invalid("approve", kind, slug, number, exc, values))
    try:
        await writes.approve(context, principal, slug, number, None, data.comment, data.team)
    except DomainError as exc:
        return await _refused(request, services, principal, _failure("approve", kind, slug, number, exc, values), exc)
    return _back(Done.approved, kind, slug, number)


@post("/work/reviews/{kind:str}/{slug:str}/{number:int}/reject", status_code=303)
async def reject(
    request: HttpRequest, services: AllServices, principal: Caller, kind: SlugPath, slug: SlugPath, number: VersionPath
) -> Response[Any]:
    """Send the version back to its authors with a comment saying why (the comment is required)."""
    context = _context(services, kind)
    values = await _form(request, "comment")
    try:
        data = msgspec.convert({"comment": values["comment"]}, Reject)
    except msgspec.ValidationError as exc:
        failure = _invalid("reject", kind, slug, number, exc, values)
        if not values["comment"].strip():
            failure = Failure("reject", kind, slug, number, "Say why you reject it: the authors read this.", "comment")
        return await _refused(request, services, principal, failure)
    try:
        await writes.reject(context, principal, slug, number, None, data.comment)
    except DomainError as exc:
        return await _refused(request, services, principal, _failure("reject", kind, slug, number, exc, values), exc)
    return _back(Done.rejected, kind, slug, number)


@post("/work/acknowledgements/{kind:str}/{slug:str}/{number:int}", status_code=303)
async def acknowledge(
    request: HttpRequest, services: AllServices, principal: Caller, kind: SlugPath, slug: SlugPath, number: VersionPath
) -> Response[Any]:
    """Acknowledge the version in effect for oneself (once; a repeat changes nothing)."""
    context = _context(services, kind)
    try:
        await acknowledgements.acknowledge(context, principal, slug, number)
    except DomainError as exc:
        return await _refused(request, services, principal, _failure("acknowledge", kind, slug, number, exc, {}), exc)
    return _back(Done.acknowledged, kind, slug, number)


def _context(services: Services, kind: str) -> EntryContext:
    found = services.entry_contexts.get(kind)
    if found is None:
        raise NotFound(f"there is no kind of entry called {kind!r}")
    return found


async def _form(request: HttpRequest, *names: str) -> dict[str, str]:
    form = await request.form()
    values = {name: form.get(name) for name in names}
    return {name: value if isinstance(value, str) else "" for name, value in values.items()}


def _invalid(
    action: str, kind: str, slug: str, number: int, exc: msgspec.ValidationError, values: dict[str, str]
) -> Failure:
    fault = body_error(exc)
    name = fault.pointer.lstrip("/") or None
    label = {"comment": "The comment", "team": "The team"}.get(name or "", "The form")
    return Failure(action, kind, slug, number, f"{label}: {fault.detail}", name, values)


def _failure(action: str, kind: str, slug: str, number: int, exc: DomainError, values: dict[str, str]) -> Failure:
    at = None
    if isinstance(exc, Invalid) and exc.errors:  # e.g. a person in several teams still to approve names one
        at = exc.errors[0].pointer.lstrip("/") or None
    return Failure(action, kind, slug, number, exc.detail, at, values)


async def _refused(
    request: HttpRequest,
    services: Services,
    principal: Principal,
    failure: Failure,
    exc: DomainError | None = None,
) -> Template:
    """The page again, the refusal at its item, with the status the API answers it with (422 for a form fault)."""
    status = 422 if exc is None else domain_error_handler(request, exc).status_code or 400
    return await _work_page(request, services, principal, failure=failure, status=status)


def _back(done: Done, kind: str, slug: str, number: int) -> Redirect:
    return Redirect(f"{PATH}?done={done.value}&kind={kind}&slug={slug}&version={number}", status_code=303)


async def _work_page(
    request: HttpRequest,
    services: Services,
    principal: Principal,
    *,
    message: str | None = None,
    failure: Failure | None = None,
    status: int = 200,
) -> Template:
    # Three independent reads: side by side, each on a connection of its own.
    (queue, queue_refused), (owed, owed_refused), (drafts, drafts_refused) = await asyncio.gather(
        _queue(services, principal), _owed(services, principal), _drafts(services, principal)
    )
    return page(
        request,
        "work.html",
        status,
        message=message,
        failure=failure,
        queue=queue,
        queue_refused=queue_refused,
        owed=owed,
        owed_refused=owed_refused,
        drafts=drafts,
        drafts_refused=drafts_refused,
        my_teams=set(principal.teams),
        entry_url=entry_url,
    )


async def _queue(services: Services, principal: Principal) -> tuple[ReviewPage | None, str | None]:
    try:
        found = await reviews.queue(
            services.pool,
            services.entry_contexts,
            principal,
            team=None,
            cursor=None,
            limit=_LIST_SIZE,
            default_window_seconds=services.settings.review_window_seconds,
        )
    except Forbidden as exc:
        return None, exc.detail
    return found, None


async def _owed(services: Services, principal: Principal) -> tuple[OutstandingPage | None, str | None]:
    try:
        found = await acknowledgements.outstanding(
            services.pool,
            services.entry_contexts,
            principal,
            cursor=None,
            limit=_LIST_SIZE,
            window=dt.timedelta(seconds=services.settings.acknowledgement_window_seconds),
        )
    except Forbidden as exc:
        return None, exc.detail
    return found, None


async def _drafts(services: Services, principal: Principal) -> tuple[list[Draft], str | None]:
    """Entries with a draft, of every kind, that the person created or that one of their teams owns or must approve
    (the listing of `GET /v1/{kind}s?status=draft`, which is for editors and up)."""
    found: list[Draft] = []
    for name in KINDS:
        try:
            listed = await reads.entry_page(
                services.entry_contexts[name],
                principal,
                status="draft",
                tag=None,
                team=None,
                prefix=None,
                cursor=None,
                limit=_DRAFTS_SIZE,
            )
        except Forbidden as exc:
            return [], exc.detail
        for body in listed.items:
            item = _SUMMARY.decode(body)
            teams = {*item.owners, *item.required_teams}
            if item.open_version is None or not (item.created_by == principal.subject or principal.in_any(teams)):
                continue
            number = item.open_version.number
            found.append(
                Draft(
                    item.kind,
                    item.slug,
                    item.title,
                    number,
                    item.open_version.status,
                    entry_url(item.kind, item.slug, number),
                    item.updated_at,
                )
            )
    found.sort(key=lambda draft: draft.updated_at, reverse=True)
    return found, None


def entry_url(kind: str, slug: str, version: int | None = None) -> str:
    """The console page of an entry (a definition's in the glossary, a message's or an asset's in the library)."""
    query = "" if version is None else f"?version={version}"
    if kind == DEFINITION.name:
        return f"/console/glossary/{slug}{query}"
    return f"/console/library/{KINDS[kind].plural}/{slug}{query}"


ROUTES = [my_work, approve, reject, acknowledge]
