"""Editing, one step at a time: roll back to an earlier version, submit a draft for review, publish an approved
version, upload an asset draft's file, retire and restore; and the panel of the steps the signed-in person may take
from where an entry stands, on its editing page and (HTMX) on the entry's own page. Each step is a form with the CSRF
token and the ETag it was shown at, calling the use case the API calls, then a redirect to the entry's page."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Final

import msgspec
from litestar import MediaType, Response, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import NotFoundException
from litestar.response import Redirect, Template

from service.api.deps import AllServices, Caller, SlugPath, VersionPath
from service.console import security
from service.console.edit_common import (
    VERSION_ROWS,
    VERSIONS_SHOWN,
    KindPath,
    context_of,
    done,
    entry_of,
    forget_done,
    hub_of,
    if_match_of,
    kind_of,
    latest,
    newest_for_editor,
    open_version_refused,
    reason_of,
    refused,
    status_of,
)
from service.console.edit_fields import EditKind
from service.console.render import HttpRequest, is_partial, page
from service.domain import lifecycle
from service.domain.concurrency import etag
from service.domain.errors import DomainError, FieldError, Invalid
from service.domain.kinds import ASSET
from service.domain.model import OPEN_STATUSES, RELEASED_STATUSES, Principal, Role, VersionStatus
from service.store.entry_views import EntryView
from service.usecases import assets, reads
from service.usecases import entries as writes
from service.usecases.entries import EntryContext

# An asset's file comes as a form: CANON_ASSET_MAX_BYTES' default (the use case applies the setting) and the form
# around the file. The body is spooled to a temporary file as it arrives (Litestar's multipart parser), never held.
_UPLOAD_LIMIT: Final = 512 * 1024 * 1024 + 1024 * 1024
_UPLOAD_CHUNK: Final = 1024 * 1024


# --- roll back --------------------------------------------------------------------------------------------------------


async def _rollback_page(
    request: HttpRequest,
    ctx: EntryContext,
    principal: Principal,
    edit: EditKind,
    slug: str,
    *,
    status: int = 200,
    error: str | None = None,
    refusal: str | None = None,
) -> Template:
    view = await latest(ctx, principal, slug)
    entry = entry_of(edit, view)
    if refusal is None:
        blocked = open_version_refused(request, edit, slug, entry, "roll back")
        if blocked is not None:
            return blocked
    listed = await reads.version_page(ctx, principal, slug, cursor=None, limit=VERSIONS_SHOWN)
    released = [VERSION_ROWS.decode(item) for item in listed.items]
    choices = [v for v in released if v.status in RELEASED_STATUSES and v.number != entry.current_version]
    return page(
        request,
        "edit_rollback.html",
        status,
        edit=edit,
        entry=entry,
        choices=choices,
        error=error,
        refusal=refusal,
        if_match=etag(view.revision),
        hub=hub_of(edit, slug),
        action=f"{security.PATH}/edit/{edit.name}/{slug}/rollback",
        active=edit.section,
    )


@get("/edit/{kind:str}/{slug:str}/rollback")
async def rollback_form(
    request: HttpRequest, services: AllServices, principal: Caller, kind: KindPath, slug: SlugPath
) -> Template:
    """Choose an earlier version to bring back: a new draft copied from it, reviewed like any other."""
    edit = kind_of(kind)
    lifecycle.require_role(principal, Role.editor)
    return await _rollback_page(request, context_of(services, edit), principal, edit, slug)


@post("/edit/{kind:str}/{slug:str}/rollback", status_code=303, media_type=MediaType.HTML)
async def roll_back(
    request: HttpRequest, services: AllServices, principal: Caller, kind: KindPath, slug: SlugPath
) -> Any:
    edit = kind_of(kind)
    ctx = context_of(services, edit)
    posted = await request.form()
    chosen = posted.get("from_version")
    body = {"from_version": int(chosen) if isinstance(chosen, str) and chosen.isdigit() else chosen}
    try:
        data = msgspec.convert(body, edit.requests.new_version, strict=True)
        if data.from_version is None:
            raise Invalid("choose a version", [FieldError("/from_version", "choose the version to roll back to")])
        view = await writes.new_version(ctx, principal, slug, if_match_of(posted.get("if_match")), data)
    except msgspec.ValidationError:
        return await _rollback_page(request, ctx, principal, edit, slug, status=422, error="choose one of the versions")
    except Invalid as exc:
        error = "; ".join(e.detail for e in exc.errors) or exc.detail
        return await _rollback_page(request, ctx, principal, edit, slug, status=422, error=error)
    except DomainError as exc:
        status = status_of(request, exc)
        return await _rollback_page(request, ctx, principal, edit, slug, status=status, refusal=reason_of(exc))
    return done(request, edit, view, "rolled_back", entry_of(edit, view).version.number, data.from_version)


# --- one-step actions -------------------------------------------------------------------------------------------------


async def _act(
    request: HttpRequest,
    services: AllServices,
    kind: str,
    slug: str,
    doing: str,
    what: str,
    call: Callable[[EntryContext, str | None], Awaitable[EntryView]],
) -> Any:
    edit = kind_of(kind)
    if_match = if_match_of((await request.form()).get("if_match"))
    try:
        view = await call(context_of(services, edit), if_match)
    except DomainError as exc:
        return refused(request, edit, slug, doing, exc)
    entry = entry_of(edit, view)
    return done(request, edit, view, what, entry.version.number)


@post("/edit/{kind:str}/{slug:str}/versions/{number:int}/submit", status_code=303, media_type=MediaType.HTML)
async def submit(
    request: HttpRequest, services: AllServices, principal: Caller, kind: KindPath, slug: SlugPath, number: VersionPath
) -> Any:
    async def call(ctx: EntryContext, if_match: str | None) -> EntryView:
        return await writes.submit(ctx, principal, slug, number, if_match)

    return await _act(request, services, kind, slug, f"submit version {number} for review", "submitted", call)


@post("/edit/{kind:str}/{slug:str}/versions/{number:int}/publish", status_code=303, media_type=MediaType.HTML)
async def publish(
    request: HttpRequest, services: AllServices, principal: Caller, kind: KindPath, slug: SlugPath, number: VersionPath
) -> Any:
    async def call(ctx: EntryContext, if_match: str | None) -> EntryView:
        return await writes.publish(ctx, principal, slug, number, if_match)

    return await _act(request, services, kind, slug, f"publish version {number}", "published", call)


@post("/edit/{kind:str}/{slug:str}/retire", status_code=303, media_type=MediaType.HTML)
async def retire(request: HttpRequest, services: AllServices, principal: Caller, kind: KindPath, slug: SlugPath) -> Any:
    async def call(ctx: EntryContext, if_match: str | None) -> EntryView:
        return await writes.retire(ctx, principal, slug, if_match)

    return await _act(request, services, kind, slug, "retire it", "retired", call)


@post("/edit/{kind:str}/{slug:str}/restore", status_code=303, media_type=MediaType.HTML)
async def restore(
    request: HttpRequest, services: AllServices, principal: Caller, kind: KindPath, slug: SlugPath
) -> Any:
    async def call(ctx: EntryContext, if_match: str | None) -> EntryView:
        return await writes.restore(ctx, principal, slug, if_match)

    return await _act(request, services, kind, slug, "restore it", "restored", call)


@post(
    "/edit/{kind:str}/{slug:str}/versions/{number:int}/file",
    status_code=303,
    media_type=MediaType.HTML,
    request_max_body_size=_UPLOAD_LIMIT,
)
async def upload_file(
    request: HttpRequest,
    services: AllServices,
    principal: Caller,
    kind: KindPath,
    slug: SlugPath,
    number: VersionPath,
) -> Any:
    """An asset draft's file, from a file field: stored through the API's upload use case (type checked against
    the bytes, size limited, the draft's ETag required). (`{kind}`, not `assets`, in the path: Litestar's router
    takes a literal segment over a parameter and does not come back, so it would hide the other kinds' routes.)"""
    edit = kind_of(kind)
    if edit.spec is not ASSET:
        raise NotFoundException(f"only assets have a file; {kind} do not")
    posted = await request.form()
    doing = f"upload the file of version {number}"
    try:
        file = posted.get("file")
        if not isinstance(file, UploadFile) or not file.filename:
            missing = Invalid("choose a file to upload", [FieldError("/file", "choose a file")])
            return refused(request, edit, slug, doing, missing)
        view = await assets.upload(
            services.assets,
            principal,
            slug,
            number,
            if_match_of(posted.get("if_match")),
            content_type=file.content_type,
            file_name=file.filename,
            declared_size=None,
            chunks=_chunks(file),
        )
    except DomainError as exc:
        return refused(request, edit, slug, doing, exc)
    finally:
        for _, value in posted.multi_items():
            if isinstance(value, UploadFile):
                await value.close()  # its spooled temporary file
    return done(request, edit, view, "uploaded", number)


async def _chunks(file: UploadFile) -> AsyncIterator[bytes]:
    await file.seek(0)
    while chunk := await file.read(_UPLOAD_CHUNK):
        yield chunk


# --- the entry's state and what may be done next ------------------------------------------------------------------


@dataclass(frozen=True)
class Panel:
    """An entry with its newest version, and the steps the signed-in person may take from here."""

    edit: EditKind
    entry: Any  # the entry with its newest version (the open one, if any)
    if_match: str  # the ETag the panel was rendered at: actions taken from it are refused (412) once it is stale
    can_edit: bool
    can_retire: bool
    open: bool
    not_ready: str | None  # why the draft cannot go to review yet (the kind's rule), if so

    @property
    def step(self) -> str:
        return str(self.entry.version.status)


async def _panel(services: AllServices, principal: Principal, edit: EditKind, slug: str) -> Panel:
    view, entry = await newest_for_editor(services, principal, edit, slug)
    version = entry.version
    not_ready = None
    if version.status == VersionStatus.draft:
        not_ready = edit.spec.unpublishable(msgspec.to_builtins(version.content))
    return Panel(
        edit=edit,
        entry=entry,
        if_match=etag(view.revision),
        can_edit=principal.can(Role.editor),
        can_retire=principal.can(Role.admin),
        open=version.status in OPEN_STATUSES,
        not_ready=not_ready,
    )


@get("/edit/{kind:str}/{slug:str}/versions")
async def entry_versions(
    request: HttpRequest, services: AllServices, principal: Caller, kind: KindPath, slug: SlugPath
) -> Template:
    """An entry as its editors work on it: the state of its newest version, what may be done next, every version."""
    edit = kind_of(kind)
    panel = await _panel(services, principal, edit, slug)
    listed = await reads.version_page(context_of(services, edit), principal, slug, cursor=None, limit=VERSIONS_SHOWN)
    result = page(
        request,
        "edit_entry.html",
        edit=edit,
        panel=panel,
        entry=panel.entry,
        versions=[VERSION_ROWS.decode(item) for item in listed.items],
        more_versions=listed.next_cursor is not None,
        active=edit.section,
    )
    forget_done(result)
    return result


@get("/edit/{kind:str}/{slug:str}/actions", media_type=MediaType.HTML)
async def entry_actions(
    request: HttpRequest, services: AllServices, principal: Caller, kind: KindPath, slug: SlugPath
) -> Response[Any]:
    """The panel of what may be done next, for an entry's page to swap in (HTMX); a page of its own otherwise."""
    edit = kind_of(kind)
    if not is_partial(request):
        return Redirect(hub_of(edit, slug), status_code=303)
    result = page(request, "_edit_actions.html", panel=await _panel(services, principal, edit, slug))
    result.headers["Vary"] = "HX-Request"
    forget_done(result)  # the entry's page has shown it by now
    return result


ROUTES = [
    rollback_form,
    roll_back,
    submit,
    publish,
    upload_file,
    retire,
    restore,
    entry_versions,
    entry_actions,
]
