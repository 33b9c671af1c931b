"""What the editing section's pages share: the kind named in the path, the entry with its newest version, the
redirect that says what happened (a short-lived cookie `_edit_flash.html` reads on the next page), and refusals in the
use case's words with the status the API answers."""

from __future__ import annotations

from typing import Any, Final

import msgspec
from litestar import Response
from litestar.exceptions import NotFoundException
from litestar.params import FromPath
from litestar.response import Redirect, Template

from service.api.deps import AllServices
from service.api.problems import domain_error_handler
from service.api.schemas import entry_out
from service.console import security
from service.console.edit_fields import EDIT_KINDS, EditKind
from service.console.render import HttpRequest, page
from service.domain import lifecycle
from service.domain.errors import DomainError, Invalid, PreconditionFailed
from service.domain.model import OPEN_STATUSES, Principal, Role
from service.store.entry_views import EntryView
from service.usecases import reads
from service.usecases.entries import EntryContext

DONE_COOKIE: Final = "canon_console_done"  # `<kind>:<slug>:<what>:<version>:<from>`, read by _edit_flash.html
_DONE_SECONDS: Final = 60  # long enough to reach the next page; the panel forgets it as soon as it is shown
VERSIONS_SHOWN: Final = 100
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


VERSION_ROWS: Final = msgspec.json.Decoder(_Numbered)


def kind_of(name: str) -> EditKind:
    found = EDIT_KINDS.get(name)
    if found is None:
        raise NotFoundException(f"the console edits definitions, messages and assets; there are no {name!r}")
    return found


def context_of(services: AllServices, edit: EditKind) -> EntryContext:
    return services.entry_contexts[edit.spec.name]


def hub_of(edit: EditKind, slug: str) -> str:
    return f"{security.PATH}/edit/{edit.name}/{slug}/versions"


def entry_of(edit: EditKind, view: EntryView) -> Any:
    """The rendered entry as the API's response Struct (`Definition`, `Message`, `Asset`)."""
    return _DECODERS[edit.name].decode(view.body)


async def latest(ctx: EntryContext, principal: Principal, slug: str) -> EntryView:
    """The entry with its newest version: the open one if any (the entry's read shows the version in effect)."""
    newest = await reads.version_page(ctx, principal, slug, cursor=None, limit=1)
    if not newest.items:
        raise NotFoundException(f"{slug!r} has no version this person may see")
    return await reads.entry(ctx, principal, slug, version=VERSION_ROWS.decode(newest.items[0]).number, as_of=None)


async def newest_for_editor(
    services: AllServices, principal: Principal, edit: EditKind, slug: str
) -> tuple[EntryView, Any]:
    """The entry with its newest version as an editor starts from it (the editor role checked first), and that entry
    as the API's Struct (`entry_of`)."""
    lifecycle.require_role(principal, Role.editor)
    view = await latest(context_of(services, edit), principal, slug)
    return view, entry_of(edit, view)


# --- what happened, and what was refused ----------------------------------------------------------------------------


def done(
    request: HttpRequest, edit: EditKind, view: EntryView, what: str, number: int, based_on: int = 0
) -> Response[Any]:
    """303 to the entry's page (its editing page while no version is in effect, where the entry's page shows only
    what is), carrying what happened to the next page."""
    entry = entry_of(edit, view)
    shown = entry.current_version is not None or edit.page_shows_drafts
    target = edit.entry_page(entry.slug) if shown else hub_of(edit, entry.slug)
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


def forget_done(response: Response[Any]) -> None:
    response.delete_cookie(DONE_COOKIE, path=security.PATH)


def status_of(request: HttpRequest, exc: DomainError) -> int:
    """The status the API answers for this refusal (one table decides both)."""
    return domain_error_handler(request, exc).status_code or 400


def reason_of(exc: DomainError) -> str:
    return _STALE if isinstance(exc, PreconditionFailed) else exc.detail


def refused(request: HttpRequest, edit: EditKind, slug: str, doing: str, exc: DomainError) -> Template:
    """A refused action as a page: what was tried, why not (the use case's words), the API's status."""
    details = (
        [f"{e.pointer.lstrip('/') or 'request'}: {e.detail}" for e in exc.errors] if isinstance(exc, Invalid) else []
    )
    return page(
        request,
        "edit_refused.html",
        status_of(request, exc),
        edit=edit,
        slug=slug,
        doing=doing,
        reason=reason_of(exc),
        details=details,
        hub=hub_of(edit, slug),
        active=edit.section,
    )


def open_version_refused(request: HttpRequest, edit: EditKind, slug: str, entry: Any, doing: str) -> Template | None:
    """The refusal page when the entry's newest version is still open and so blocks `doing` (a new version, or a roll
    back, which starts one); None when nothing blocks it."""
    if entry.version.status not in OPEN_STATUSES:
        return None
    try:
        lifecycle.check_new_version(entry.version.number, slug)
    except DomainError as exc:
        return refused(request, edit, slug, doing, exc)
    return None


def if_match_of(value: object) -> str | None:
    """The ETag the form was rendered with (a hidden field), as the write's If-Match."""
    return value if isinstance(value, str) and 0 < len(value) <= 40 else None
