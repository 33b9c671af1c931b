"""Editing: create an entry, start a new version, edit the draft. Each form posts, with its CSRF token, to a
handler that calls the use case the API calls with the API's request Struct (`edit_forms` maps the form to it), then
redirects to the entry's page with a word on what happened. A refusal comes back as the form, every complaint at its
field and what was typed kept, with the status the API would answer.

The section's other pages are in `edit_actions` (roll back, submit, publish, upload, retire, restore, and the panel
of what may be done next that an entry's page loads through `_entry_actions.html`); what they share in
`edit_common`. `ROUTES` gathers them all for the console's router."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import msgspec
from litestar import MediaType, get, post
from litestar.response import Template

from service.api.deps import AllServices, Caller, SlugPath, VersionPath
from service.console import edit_actions, security
from service.console.edit_common import (
    KindPath,
    context_of,
    done,
    entry_of,
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
from service.console.edit_fields import EditKind, Mode
from service.console.edit_forms import Parsed, Placed, check, parse, place, values_of
from service.console.render import HttpRequest, page
from service.domain import lifecycle
from service.domain.concurrency import etag
from service.domain.errors import DomainError, Invalid
from service.domain.model import Role
from service.store.entry_views import EntryView
from service.usecases import entries as writes
from service.usecases import reads

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
    then: Callable[[EntryView], Any],
) -> Any:
    """Parse the posted form, check it as the API checks its body, write it; or the form again with every complaint
    at its field (422) or the use case's refusal (its status)."""
    posted = await request.form()
    parsed: Parsed = parse(edit, form.mode, posted)
    data = check(edit, form.mode, parsed)
    if_match = if_match_of(posted.get("if_match"))
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
        return _form_page(request, edit, kept, parsed.values, status=status_of(request, exc), refusal=reason_of(exc))
    return then(view)


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
    edit = kind_of(kind)
    lifecycle.require_role(principal, Role.editor)
    defaults = {"content": msgspec.to_builtins(edit.spec.input_type())}
    return _form_page(request, edit, _create_form(edit), values_of(edit, "create", defaults))


@post("/edit/{kind:str}/new", status_code=303, media_type=MediaType.HTML)
async def create_entry(request: HttpRequest, services: AllServices, principal: Caller, kind: KindPath) -> Any:
    edit = kind_of(kind)
    ctx = context_of(services, edit)

    async def write(data: msgspec.Struct, _if_match: str | None) -> EntryView:
        return await writes.create(ctx, principal, data)  # type: ignore[arg-type]  # the kind's EntryCreate

    return await _submitted(
        request, edit, _create_form(edit), write, lambda view: done(request, edit, view, "created", 1)
    )


def _version_form(edit: EditKind, slug: str, based_on: Any, if_match: str) -> _Form:
    copied = " The file and its description are copied: change them in the draft." if edit.name == "assets" else ""
    return _Form(
        mode="version",
        heading=f"New version of {based_on.title}",
        action=f"{security.PATH}/edit/{edit.name}/{slug}/versions/new",
        cancel=hub_of(edit, slug),
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
    edit = kind_of(kind)
    view, entry = await newest_for_editor(services, principal, edit, slug)
    refusal = open_version_refused(request, edit, slug, entry, "start a new version")
    if refusal is not None:
        return refusal
    form = _version_form(edit, slug, entry.version, etag(view.revision))
    return _form_page(request, edit, form, values_of(edit, "version", msgspec.to_builtins(entry.version)))


@post("/edit/{kind:str}/{slug:str}/versions/new", status_code=303, media_type=MediaType.HTML)
async def create_version(
    request: HttpRequest, services: AllServices, principal: Caller, kind: KindPath, slug: SlugPath
) -> Any:
    edit = kind_of(kind)
    ctx = context_of(services, edit)
    entry = entry_of(edit, await latest(ctx, principal, slug))

    async def write(data: msgspec.Struct, if_match: str | None) -> EntryView:
        return await writes.new_version(ctx, principal, slug, if_match, data)  # type: ignore[arg-type]

    def drafted(view: EntryView) -> Any:
        return done(request, edit, view, "drafted", entry_of(edit, view).version.number)

    return await _submitted(request, edit, _version_form(edit, slug, entry.version, ""), write, drafted)


def _draft_form(edit: EditKind, slug: str, version: Any, if_match: str) -> _Form:
    return _Form(
        mode="draft",
        heading=f"Edit draft version {version.number} of {version.title}",
        action=f"{security.PATH}/edit/{edit.name}/{slug}/versions/{version.number}",
        cancel=hub_of(edit, slug),
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
    edit = kind_of(kind)
    lifecycle.require_role(principal, Role.editor)
    view = await reads.entry(context_of(services, edit), principal, slug, version=number, as_of=None)
    version = entry_of(edit, view).version
    try:
        lifecycle.ensure_editable(version.status, number)
    except DomainError as exc:
        return refused(request, edit, slug, f"edit version {number}", exc)
    form = _draft_form(edit, slug, version, etag(view.revision))
    return _form_page(request, edit, form, values_of(edit, "draft", msgspec.to_builtins(version)))


@post("/edit/{kind:str}/{slug:str}/versions/{number:int}", status_code=303, media_type=MediaType.HTML)
async def save_draft(
    request: HttpRequest, services: AllServices, principal: Caller, kind: KindPath, slug: SlugPath, number: VersionPath
) -> Any:
    edit = kind_of(kind)
    ctx = context_of(services, edit)
    version = entry_of(edit, await reads.entry(ctx, principal, slug, version=number, as_of=None)).version

    async def write(data: msgspec.Struct, if_match: str | None) -> EntryView:
        return await writes.edit_draft(ctx, principal, slug, number, if_match, data)

    return await _submitted(
        request,
        edit,
        _draft_form(edit, slug, version, ""),
        write,
        lambda view: done(request, edit, view, "saved", number),
    )


ROUTES = [
    new_entry,
    create_entry,
    new_version_form,
    create_version,
    draft_form,
    save_draft,
    *edit_actions.ROUTES,
]
