"""Admin: people (add, change name, role and teams, deactivate) and API keys (list, issue and show the secret once,
revoke). Each page calls the use case its API endpoint calls (`service/api/people.py`, `service/api/keys.py`), so the
same role check refuses anyone but an admin, with the API's status and reason."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Any, Final
from urllib.parse import quote

from litestar import get, post
from litestar.params import FromPath, QueryParameter
from litestar.response import Redirect, Template

from service.api.deps import AllServices, Caller, Keys
from service.console.admin_forms import (
    FormErrors,
    checked,
    place_all,
    plain_or_404,
    plain_query,
    read_form,
    uuid_or_404,
)
from service.console.render import CursorQuery, HttpRequest, page
from service.domain import lifecycle
from service.domain.errors import Conflict, Invalid
from service.domain.model import Principal, Role
from service.domain.operations import KeyCreate, PersonCreate, PersonUpdate
from service.usecases import keys, people, reads

PAGE_SIZE: Final = 100
ADMIN: Final = "/console/admin"
ROLES: Final = [role.value for role in Role]
TeamQuery = Annotated[str | None, QueryParameter(max_length=64)]
SubjectQuery = Annotated[str | None, QueryParameter(max_length=254)]

PERSON_FIELDS: Final = {"/subject": "subject", "/name": "name", "/role": "role", "/teams": "teams", "/active": "active"}
KEY_FIELDS: Final = {"/name": "name", "/person": "person", "/role": "role", "/team": "team", "/expires_at": "expires"}


class Done(StrEnum):
    """What the page a form redirects to says was done (a fixed sentence each: nothing typed is echoed from a URL)."""

    added = "added"
    saved = "saved"
    deactivated = "deactivated"
    reactivated = "reactivated"
    revoked = "revoked"


NOTICES: Final = {
    Done.added: "The person was added. Issue them a key so they can sign in.",
    Done.saved: "Saved.",
    Done.deactivated: "Deactivated: every key and session of this person stops working at once.",
    Done.reactivated: "Reactivated: their keys that are not revoked or expired work again.",
    Done.revoked: "The key was revoked: it no longer works, and sessions opened with it have ended.",
}
DoneQuery = Annotated[Done | None, QueryParameter()]


def notice(done: Done | None) -> str | None:
    return None if done is None else NOTICES[done]


def admin_only(principal: Principal) -> None:
    """The role check every admin use case starts with, for the pages that show a blank form before calling one."""
    lifecycle.require_role(principal, Role.admin)


# --- people ---------------------------------------------------------------------------------------------------------


@get(["/admin", "/admin/people"])
async def people_page(
    request: HttpRequest,
    services: AllServices,
    principal: Caller,
    team: TeamQuery = None,
    cursor: CursorQuery = None,
    done: DoneQuery = None,
) -> Template:
    """Everyone who may sign in or hold a key: name, subject, role, teams, whether active; and the form to add one."""
    return await _people(request, services, principal, team=team, cursor=cursor, done=done)


async def _people(
    request: HttpRequest,
    services: AllServices,
    principal: Principal,
    *,
    team: str | None = None,
    cursor: str | None = None,
    done: Done | None = None,
    form: dict[str, str] | None = None,
    errors: FormErrors | None = None,
    status: int = 200,
) -> Template:
    chosen = plain_query((team or "").strip() or None, "team")
    found = await people.page(services.pool, principal, team=chosen, cursor=cursor, limit=PAGE_SIZE)
    return page(
        request,
        "admin_people.html",
        status,
        active="admin",
        tab="people",
        items=found.items,
        next_cursor=found.next_cursor,
        team=chosen,
        roles=ROLES,
        notice=notice(done),
        form=form or {"role": Role.reader.value},
        errors=errors or FormErrors(),
    )


@post("/admin/people", status_code=303)
async def add_person(request: HttpRequest, services: AllServices, principal: Caller) -> Template | Redirect:
    """Add a person (`POST /v1/people`); each fault is shown at its field and the form keeps what was typed."""
    admin_only(principal)
    errors = FormErrors()
    form = await read_form(request, errors)
    body = {"subject": form.text("subject"), "name": form.text("name"), "role": form.text("role") or "reader"}
    body["teams"] = form.items("teams")  # type: ignore[assignment]
    data = checked(PersonCreate, body, errors, PERSON_FIELDS)
    status = 422
    if data is not None:
        try:
            created = await people.create(services.pool, principal, data)
        except Invalid as exc:
            _place(errors, exc, PERSON_FIELDS)
        except Conflict as exc:  # the subject is taken
            errors.add("subject", exc.detail)
            status = 409
        else:
            return Redirect(f"{ADMIN}/people/{_quoted(created.subject)}?done=added", status_code=303)
    return await _people(request, services, principal, form=form.values, errors=errors, status=status)


@get("/admin/people/{subject:path}")
async def person_page(
    request: HttpRequest, services: AllServices, principal: Caller, subject: FromPath[str], done: DoneQuery = None
) -> Template:
    """A person: their details, the form to change name, role and teams, and (de)activation."""
    return await _person(request, services, principal, plain_or_404(subject.removeprefix("/")), done=done)


async def _person(
    request: HttpRequest,
    services: AllServices,
    principal: Principal,
    subject: str,
    *,
    done: Done | None = None,
    form: dict[str, str] | None = None,
    errors: FormErrors | None = None,
    status: int = 200,
) -> Template:
    person = await people.get(services.pool, principal, subject)
    return page(
        request,
        "admin_person.html",
        status,
        active="admin",
        tab="people",
        person=person,
        quoted=_quoted(person.subject),
        roles=ROLES,
        notice=notice(done),
        form=form or {"name": person.name, "role": person.role, "teams": ", ".join(person.teams)},
        errors=errors or FormErrors(),
    )


@post("/admin/people/{subject:path}", status_code=303)
async def change_person(
    request: HttpRequest, services: AllServices, principal: Caller, key_resolver: Keys, subject: FromPath[str]
) -> Template | Redirect:
    """Change what the form sends of a person's name, role and teams, or (de)activate them (`PATCH /v1/people/...`)."""
    admin_only(principal)
    subject = plain_or_404(subject.removeprefix("/"))
    errors = FormErrors()
    form = await read_form(request, errors)
    body: dict[str, Any] = {}
    for name in ("name", "role"):
        if form.has(name):
            body[name] = form.text(name)
    if form.has("teams"):
        body["teams"] = form.items("teams")
    if form.has("active"):
        body["active"] = form.text("active") == "true"
    data = checked(PersonUpdate, body, errors, PERSON_FIELDS)
    if data is not None:
        try:
            updated = await people.update(services.pool, principal, subject, data)
        except Invalid as exc:
            _place(errors, exc, PERSON_FIELDS)
        else:
            key_resolver.forget()  # as the API does: this process at once
            done = Done.saved if "active" not in body else (Done.reactivated if updated.active else Done.deactivated)
            return Redirect(f"{ADMIN}/people/{_quoted(updated.subject)}?done={done.value}", status_code=303)
    return await _person(request, services, principal, subject, form=form.values, errors=errors, status=422)


# --- keys -----------------------------------------------------------------------------------------------------------


@get("/admin/keys")
async def keys_page(
    request: HttpRequest,
    services: AllServices,
    principal: Caller,
    cursor: CursorQuery = None,
    person: SubjectQuery = None,
    done: DoneQuery = None,
) -> Template:
    """Every API key (never a secret): whose, its role, when created, last used and expiring, whether revoked; the
    form to issue one (`?person=` fills in whose)."""
    wanted = plain_query(person, "person")
    form = {"person": wanted.strip()} if wanted else {}
    return await _keys(request, services, principal, cursor=cursor, done=done, form=form)


async def _keys(
    request: HttpRequest,
    services: AllServices,
    principal: Principal,
    *,
    cursor: str | None = None,
    done: Done | None = None,
    form: dict[str, str] | None = None,
    errors: FormErrors | None = None,
    status: int = 200,
) -> Template:
    found = await reads.key_page(services.pool, principal, cursor=cursor, limit=PAGE_SIZE)
    everyone = await people.page(services.pool, principal, team=None, cursor=None, limit=PAGE_SIZE)
    return page(
        request,
        "admin_keys.html",
        status,
        active="admin",
        tab="keys",
        items=found.items,
        next_cursor=found.next_cursor,
        people=[person for person in everyone.items if person.active],
        roles=[role for role in ROLES if role != Role.approver.value],  # services never approve
        now=dt.datetime.now(dt.UTC),
        notice=notice(done),
        form=form or {},
        errors=errors or FormErrors(),
    )


@post("/admin/keys", status_code=201)
async def issue_key(request: HttpRequest, services: AllServices, principal: Caller) -> Template:
    """Issue a key (`POST /v1/keys`) and show its secret on this response only: never in a URL or a redirect, and
    the response may not be stored (`Cache-Control: no-store`). Faults are shown at their fields."""
    admin_only(principal)
    errors = FormErrors()
    form = await read_form(request, errors)
    body: dict[str, Any] = {"name": form.text("name")}
    for name in ("person", "role", "team"):
        if form.optional(name):
            body[name] = form.text(name)
    if form.optional("expires"):
        try:
            day = dt.date.fromisoformat(form.text("expires"))
            body["expires_at"] = dt.datetime.combine(day, dt.time(), dt.UTC)
        except ValueError:
            errors.add("expires", "a date such as 2027-01-31")
    data = checked(KeyCreate, body, errors, KEY_FIELDS)
    status = 422
    if data is not None:
        try:
            issued = await keys.create(services.pool, principal, data)
        except Invalid as exc:
            _place(errors, exc, KEY_FIELDS)
        except Conflict as exc:  # a key of that name exists, or the person is deactivated
            errors.form.append(exc.detail)
            status = 409
        else:
            shown = page(request, "admin_key_issued.html", 201, active="admin", tab="keys", issued=issued)
            shown.headers["Cache-Control"] = "no-store"
            return shown
    return await _keys(request, services, principal, form=form.values, errors=errors, status=status)


@post("/admin/keys/{key_id:str}/revoke", status_code=303)
async def revoke_key(principal: Caller, services: AllServices, key_resolver: Keys, key_id: FromPath[str]) -> Redirect:
    """Revoke a key (`DELETE /v1/keys/{id}`): it stops working, and the sessions it opened end."""
    await keys.revoke(services.pool, principal, uuid_or_404(key_id))
    key_resolver.forget()
    return Redirect(f"{ADMIN}/keys?done={Done.revoked.value}", status_code=303)


# --- shared ---------------------------------------------------------------------------------------------------------


def _place(errors: FormErrors, exc: Invalid, at: dict[str, str]) -> None:
    if exc.errors:
        place_all(errors, exc.errors, at)
    else:
        errors.form.append(exc.detail)


def _quoted(subject: str) -> str:
    return quote(subject, safe="@")


ROUTES = [people_page, add_person, person_page, change_person, keys_page, issue_key, revoke_key]
