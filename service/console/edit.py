"""Editing: create an entry, start a new version or roll back to an earlier one, edit the draft, submit it for review,
publish it once approved, retire and restore. Each form posts, with its CSRF token, to a handler that calls the use
case the API calls with the API's request Struct (`edit_forms` maps the form to it), then redirects to the entry's
page with a word on what happened (a short-lived cookie `_edit_flash.html` reads). A refusal comes back as the form,
every complaint at its field, or as a page with the use case's reason, with the status the API would answer.

An entry's page (the glossary's, the library's) shows what the signed-in person may do next through
`_entry_actions.html`, which loads this section's panel (`/console/edit/{kind}/{slug}/actions`) with HTMX, or links
to the same panel on a page of its own without JavaScript: the panel needs the entry's open version, which those
pages do not read."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Final

import msgspec
from litestar import MediaType, Response, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from service.api.deps import AllServices, Caller, SlugPath, VersionPath
from service.api.problems import domain_error_handler
from service.api.schemas import entry_out
from service.console import security
from service.console.edit_forms import EDIT_KINDS, EditKind, Mode, Parsed, Placed, check, parse, place, values_of
from service.console.render import HttpRequest, is_partial, page
from service.domain import lifecycle
from service.domain.concurrency import etag
from service.domain.errors import DomainError, FieldError, Invalid, PreconditionFailed
from service.domain.kinds import ASSET
from service.domain.model import OPEN_STATUSES, RELEASED_STATUSES, Principal, Role, VersionStatus
from service.store.entry_views import EntryView
from service.usecases import assets, reads
from service.usecases import entries as writes
from service.usecases.entries import EntryContext

DONE_COOKIE: Final = "canon_console_done"  # `<kind>:<slug>:<what>:<version>:<from>`, read by _edit_flash.html
_DONE_SECONDS: Final = 60  # long enough to reach the next page; the panel forgets it as soon as it is shown
_VERSIONS_SHOWN: Final = 100
# An asset's file comes as a form: CANON_ASSET_MAX_BYTES' default (the use case applies the setting) and the form
# around the file. The body is spooled to a temporary file as it arrives (Litestar's multipart parser), never held.
_UPLOAD_LIMIT: Final = 512 * 1024 * 1024 + 1024 * 1024
_UPLOAD_CHUNK: Final = 1024 * 1024
_STALE: Final = (
    "This entry changed since your page was loaded (someone edited, reviewed or published it). Reload the page to see "
    "it as it is now, then try again."
)
KindPath = FromPath[str]  # definitions, messages or assets
_DECODERS: Final = {name: msgspec.json.Decoder(entry_out(kind.spec)) for name, kind in EDIT_KINDS.items()}


class _Numbered(msgspec.Struct):
    number: int
    status: str
    title: str


_VERSION_ROWS: Final = msgspec.json.Decoder(_Numbered)


def _kind(name: str) -> EditKind:
    found = EDIT_KINDS.get(name)
    if found is None:
        raise NotFoundException(f"the console edits definitions, messages and assets; there are no {name!r}")
    return found


def _context(services: AllServices, edit: EditKind) -> EntryContext:
    return services.entry_contexts[edit.spec.name]


def _hub(edit: EditKind, slug: str) -> str:
    return f"{security.PATH}/edit/{edit.name}/{slug}/versions"


def _entry(edit: EditKind, view: EntryView) -> Any:
    """The rendered entry as the API's response Struct (`Definition`, `Message`, `Asset`)."""
    return _DECODERS[edit.name].decode(view.body)


async def _latest(ctx: EntryContext, principal: Principal, slug: str) -> EntryView:
    """The entry with its newest version: the open one if any (the entry's read shows the version in effect)."""
    newest = await reads.version_page(ctx, principal, slug, cursor=None, limit=1)
    if not newest.items:
        raise NotFoundException(f"{slug!r} has no version this person may see")
    return await reads.entry(ctx, principal, slug, version=_VERSION_ROWS.decode(newest.items[0]).number, as_of=None)


# --- what happened, and what was refused ----------------------------------------------------------------------------


def _done(request: HttpRequest, edit: EditKind, view: EntryView, what: str, number: int, based_on: int = 0) -> Any:
    """303 to the entry's page (its editing page while no version is in effect, where the entry's page shows only
    what is), carrying what happened to the next page."""
    entry = _entry(edit, view)
    shown = entry.current_version is not None or edit.page_shows_drafts
    target = edit.entry_page(entry.slug) if shown else _hub(edit, entry.slug)
    response: Response[Any] = Redirect(target, status_code=303)
    response.set_cookie(
        DONE_COOKIE,
        f"{edit.name}:{entry.slug}:{what}:{number}:{based_on or ''}",
        path=security.PATH,
        max_age=_DONE_SECONDS,
        httponly=True,
        secure=security.is_secure(request),
        samesite="lax",
    )
    return response


def _forget_done(response: Response[Any]) -> None:
    response.delete_cookie(DONE_COOKIE, path=security.PATH)


def _status_of(request: HttpRequest, exc: DomainError) -> int:
    """The status the API answers for this refusal (one table decides both)."""
    return domain_error_handler(request, exc).status_code or 400


def _reason(exc: DomainError) -> str:
    return _STALE if isinstance(exc, PreconditionFailed) else exc.detail


def _refused(request: HttpRequest, edit: EditKind, slug: str, doing: str, exc: DomainError) -> Template:
    """A refused action as a page: what was tried, why not (the use case's words), the API's status."""
    details = (
        [f"{e.pointer.lstrip('/') or 'request'}: {e.detail}" for e in exc.errors] if isinstance(exc, Invalid) else []
    )
    return page(
        request,
        "edit_refused.html",
        _status_of(request, exc),
        edit=edit,
        slug=slug,
        doing=doing,
        reason=_reason(exc),
        details=details,
        hub=_hub(edit, slug),
        active=edit.section,
    )


# --- forms ---------------------------------------------------------------------------------------------------------
# Their handlers answer a page or a redirect: `media_type` says the page is HTML, as a `Template` alone would.


@dataclass(frozen=True)
class _Form:
    """What a form page shows besides its fields."""

    mode: Mode
    heading: str
    action: str
    cancel: str
    back: str  # the cancel link's words
    submit: str
    intro: str = ""
    if_match: str = ""


def _form_page(
    request: HttpRequest,
    edit: EditKind,
    form: _Form,
    values: dict[str, str],
    *,
    status: int = 200,
    placed: Placed | None = None,
    refusal: str | None = None,
) -> Template:
    shown = placed or Placed(by_field={}, general=[])
    fields = [(f, f.hint_for(form.mode)) for f in edit.fields(form.mode)]
    groups = [
        (legend, members)
        for legend, members in (
            ("The entry", [(f, hint) for f, hint in fields if f.name == "slug"]),
            ("This version", [(f, hint) for f, hint in fields if not f.content and f.name != "slug"]),
            ("What it says", [(f, hint) for f, hint in fields if f.content]),
        )
        if members
    ]
    return page(
        request,
        "edit_form.html",
        status,
        edit=edit,
        form=form,
        fields=fields,
        groups=groups,
        values=values,
        errors=shown.by_field,
        general=shown.general,
        refusal=refusal,
        active=edit.section,
    )


async def _submitted(
    request: HttpRequest,
    edit: EditKind,
    form: _Form,
    write: Callable[[msgspec.Struct, str | None], Awaitable[EntryView]],
    done: Callable[[EntryView], Any],
) -> Any:
    """Parse the posted form, check it as the API checks its body, write it; or the form again with every complaint
    at its field (422) or the use case's refusal (its status)."""
    posted = await request.form()
    parsed: Parsed = parse(edit, form.mode, posted)
    data = check(edit, form.mode, parsed)
    if_match = _if_match(posted.get("if_match"))
    kept = dataclasses.replace(form, if_match=if_match or "")
    if data is None:
        placed = place(edit, form.mode, parsed.errors, parsed.items)
        return _form_page(request, edit, kept, parsed.values, status=422, placed=placed)
    try:
        view = await write(data, if_match)
    except Invalid as exc:
        placed = place(edit, form.mode, exc.errors, parsed.items)
        if not exc.errors:
            placed.general.append(exc.detail)
        return _form_page(request, edit, kept, parsed.values, status=422, placed=placed)
    except DomainError as exc:
        return _form_page(request, edit, kept, parsed.values, status=_status_of(request, exc), refusal=_reason(exc))
    return done(view)


def _if_match(value: object) -> str | None:
    """The ETag the form was rendered with (a hidden field), as the write's If-Match."""
    return value if isinstance(value, str) and 0 < len(value) <= 40 else None


def _create_form(edit: EditKind) -> _Form:
    return _Form(
        mode="create",
        heading=f"New {edit.label}",
        action=f"{security.PATH}/edit/{edit.name}/new",
        cancel=f"{security.PATH}/{edit.section}",
        back=edit.section.capitalize(),
        submit=f"Create the {edit.label}",
        intro="It starts as a draft (version 1): nobody but editors sees it until it is approved and published.",
    )


@get("/edit/{kind:str}/new")
async def new_entry(request: HttpRequest, principal: Caller, kind: KindPath) -> Template:
    """The form for a new entry and its first draft."""
    edit = _kind(kind)
    lifecycle.require_role(principal, Role.editor)
    defaults = {"content": msgspec.to_builtins(edit.spec.input_type())}
    return _form_page(request, edit, _create_form(edit), values_of(edit, "create", defaults))


@post("/edit/{kind:str}/new", status_code=303, media_type=MediaType.HTML)
async def create_entry(request: HttpRequest, services: AllServices, principal: Caller, kind: KindPath) -> Any:
    edit = _kind(kind)
    ctx = _context(services, edit)

    async def write(data: msgspec.Struct, _if_match: str | None) -> EntryView:
        return await writes.create(ctx, principal, data)  # type: ignore[arg-type]  # the kind's EntryCreate

    return await _submitted(
        request, edit, _create_form(edit), write, lambda view: _done(request, edit, view, "created", 1)
    )


def _version_form(edit: EditKind, slug: str, based_on: Any, if_match: str) -> _Form:
    copied = " The file and its description are copied: change them in the draft." if edit.name == "assets" else ""
    return _Form(
        mode="version",
        heading=f"New version of {based_on.title}",
        action=f"{security.PATH}/edit/{edit.name}/{slug}/versions/new",
        cancel=_hub(edit, slug),
        back=f"{based_on.title}: versions",
        submit="Start the new version",
        intro=f"It starts from version {based_on.number} and stays a draft until it is approved and published.{copied}",
        if_match=if_match,
    )


@get("/edit/{kind:str}/{slug:str}/versions/new")
async def new_version_form(
    request: HttpRequest, services: AllServices, principal: Caller, kind: KindPath, slug: SlugPath
) -> Template:
    """A new version's form, filled in from the newest version."""
    edit = _kind(kind)
    lifecycle.require_role(principal, Role.editor)
    view = await _latest(_context(services, edit), principal, slug)
    entry = _entry(edit, view)
    if entry.version.status in OPEN_STATUSES:
        try:
            lifecycle.check_new_version(entry.version.number, slug)
        except DomainError as exc:
            return _refused(request, edit, slug, "start a new version", exc)
    form = _version_form(edit, slug, entry.version, etag(view.revision))
    return _form_page(request, edit, form, values_of(edit, "version", msgspec.to_builtins(entry.version)))


@post("/edit/{kind:str}/{slug:str}/versions/new", status_code=303, media_type=MediaType.HTML)
async def create_version(
    request: HttpRequest, services: AllServices, principal: Caller, kind: KindPath, slug: SlugPath
) -> Any:
    edit = _kind(kind)
    ctx = _context(services, edit)
    entry = _entry(edit, await _latest(ctx, principal, slug))

    async def write(data: msgspec.Struct, if_match: str | None) -> EntryView:
        return await writes.new_version(ctx, principal, slug, if_match, data)  # type: ignore[arg-type]

    def done(view: EntryView) -> Any:
        return _done(request, edit, view, "drafted", _entry(edit, view).version.number)

    return await _submitted(request, edit, _version_form(edit, slug, entry.version, ""), write, done)


def _draft_form(edit: EditKind, slug: str, version: Any, if_match: str) -> _Form:
    return _Form(
        mode="draft",
        heading=f"Edit draft version {version.number} of {version.title}",
        action=f"{security.PATH}/edit/{edit.name}/{slug}/versions/{version.number}",
        cancel=_hub(edit, slug),
        back=f"{version.title}: versions",
        submit="Save the draft",
        intro="Saving keeps it a draft; submit it for review from the entry's page when it is ready.",
        if_match=if_match,
    )


@get("/edit/{kind:str}/{slug:str}/versions/{number:int}")
async def draft_form(
    request: HttpRequest, services: AllServices, principal: Caller, kind: KindPath, slug: SlugPath, number: VersionPath
) -> Template:
    """The draft's form, filled in with what it says now."""
    edit = _kind(kind)
    lifecycle.require_role(principal, Role.editor)
    view = await reads.entry(_context(services, edit), principal, slug, version=number, as_of=None)
    version = _entry(edit, view).version
    try:
        lifecycle.ensure_editable(version.status, number)
    except DomainError as exc:
        return _refused(request, edit, slug, f"edit version {number}", exc)
    form = _draft_form(edit, slug, version, etag(view.revision))
    return _form_page(request, edit, form, values_of(edit, "draft", msgspec.to_builtins(version)))


@post("/edit/{kind:str}/{slug:str}/versions/{number:int}", status_code=303, media_type=MediaType.HTML)
async def save_draft(
    request: HttpRequest, services: AllServices, principal: Caller, kind: KindPath, slug: SlugPath, number: VersionPath
) -> Any:
    edit = _kind(kind)
    ctx = _context(services, edit)
    version = _entry(edit, await reads.entry(ctx, principal, slug, version=number, as_of=None)).version

    async def write(data: msgspec.Struct, if_match: str | None) -> EntryView:
        return await writes.edit_draft(ctx, principal, slug, number, if_match, data)

    return await _submitted(
        request,
        edit,
        _draft_form(edit, slug, version, ""),
        write,
        lambda view: _done(request, edit, view, "saved", number),
    )


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
    view = await _latest(ctx, principal, slug)
    entry = _entry(edit, view)
    if entry.version.status in OPEN_STATUSES and refusal is None:
        try:
            lifecycle.check_new_version(entry.version.number, slug)
        except DomainError as exc:
            return _refused(request, edit, slug, "roll back", exc)
    listed = await reads.version_page(ctx, principal, slug, cursor=None, limit=_VERSIONS_SHOWN)
    released = [_VERSION_ROWS.decode(item) for item in listed.items]
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
        hub=_hub(edit, slug),
        action=f"{security.PATH}/edit/{edit.name}/{slug}/rollback",
        active=edit.section,
    )


@get("/edit/{kind:str}/{slug:str}/rollback")
async def rollback_form(
    request: HttpRequest, services: AllServices, principal: Caller, kind: KindPath, slug: SlugPath
) -> Template:
    """Choose an earlier version to bring back: a new draft copied from it, reviewed like any other."""
    edit = _kind(kind)
    lifecycle.require_role(principal, Role.editor)
    return await _rollback_page(request, _context(services, edit), principal, edit, slug)


@post("/edit/{kind:str}/{slug:str}/rollback", status_code=303, media_type=MediaType.HTML)
async def roll_back(
    request: HttpRequest, services: AllServices, principal: Caller, kind: KindPath, slug: SlugPath
) -> Any:
    edit = _kind(kind)
    ctx = _context(services, edit)
    posted = await request.form()
    chosen = posted.get("from_version")
    body = {"from_version": int(chosen) if isinstance(chosen, str) and chosen.isdigit() else chosen}
    try:
        data = msgspec.convert(body, edit.requests.new_version, strict=True)
        if data.from_version is None:
            raise Invalid("choose a version", [FieldError("/from_version", "choose the version to roll back to")])
        view = await writes.new_version(ctx, principal, slug, _if_match(posted.get("if_match")), data)
    except msgspec.ValidationError:
        return await _rollback_page(request, ctx, principal, edit, slug, status=422, error="choose one of the versions")
    except Invalid as exc:
        error = "; ".join(e.detail for e in exc.errors) or exc.detail
        return await _rollback_page(request, ctx, principal, edit, slug, status=422, error=error)
    except DomainError as exc:
        status = _status_of(request, exc)
        return await _rollback_page(request, ctx, principal, edit, slug, status=status, refusal=_reason(exc))
    return _done(request, edit, view, "rolled_back", _entry(edit, view).version.number, data.from_version)


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
    edit = _kind(kind)
    if_match = _if_match((await request.form()).get("if_match"))
    try:
        view = await call(_context(services, edit), if_match)
    except DomainError as exc:
        return _refused(request, edit, slug, doing, exc)
    entry = _entry(edit, view)
    return _done(request, edit, view, what, entry.version.number)


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
    edit = _kind(kind)
    if edit.spec is not ASSET:
        raise NotFoundException(f"only assets have a file; {kind} do not")
    posted = await request.form()
    doing = f"upload the file of version {number}"
    try:
        file = posted.get("file")
        if not isinstance(file, UploadFile) or not file.filename:
            missing = Invalid("choose a file to upload", [FieldError("/file", "choose a file")])
            return _refused(request, edit, slug, doing, missing)
        view = await assets.upload(
            services.assets,
            principal,
            slug,
            number,
            _if_match(posted.get("if_match")),
            content_type=file.content_type,
            file_name=file.filename,
            declared_size=None,
            chunks=_chunks(file),
        )
    except DomainError as exc:
        return _refused(request, edit, slug, doing, exc)
    finally:
        for _, value in posted.multi_items():
            if isinstance(value, UploadFile):
                await value.close()  # its spooled temporary file
    return _done(request, edit, view, "uploaded", number)


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
    lifecycle.require_role(principal, Role.editor)
    view = await _latest(_context(services, edit), principal, slug)
    entry = _entry(edit, view)
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
    edit = _kind(kind)
    panel = await _panel(services, principal, edit, slug)
    listed = await reads.version_page(_context(services, edit), principal, slug, cursor=None, limit=_VERSIONS_SHOWN)
    result = page(
        request,
        "edit_entry.html",
        edit=edit,
        panel=panel,
        entry=panel.entry,
        versions=[_VERSION_ROWS.decode(item) for item in listed.items],
        more_versions=listed.next_cursor is not None,
        active=edit.section,
    )
    _forget_done(result)
    return result


@get("/edit/{kind:str}/{slug:str}/actions", media_type=MediaType.HTML)
async def entry_actions(
    request: HttpRequest, services: AllServices, principal: Caller, kind: KindPath, slug: SlugPath
) -> Response[Any]:
    """The panel of what may be done next, for an entry's page to swap in (HTMX); a page of its own otherwise."""
    edit = _kind(kind)
    if not is_partial(request):
        return Redirect(_hub(edit, slug), status_code=303)
    result = page(request, "_edit_actions.html", panel=await _panel(services, principal, edit, slug))
    result.headers["Vary"] = "HX-Request"
    _forget_done(result)  # the entry's page has shown it by now
    return result


ROUTES = [
    new_entry,
    create_entry,
    new_version_form,
    create_version,
    draft_form,
    save_draft,
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
