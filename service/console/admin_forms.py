"""The admin section's forms: a posted form read into the dict of an API body, checked field by field against the
very Struct the API decodes (so every faulty field is named at once, not only the first), and the API's field errors
(JSON Pointers such as `/delivery/timezone` or `/teams/2`) put back at the form field they came from, in words."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final
from uuid import UUID

import msgspec
from litestar.exceptions import NotFoundException

from service.console.form_checks import StructT, convert_checked
from service.console.render import HttpRequest
from service.domain.errors import FieldError, Invalid

# Control characters other than tab and line breaks: no field of Canon's takes them (PostgreSQL refuses NUL).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_LIST_SEPARATORS = re.compile(r"[,\n\r]+")
_LENGTH = re.compile(r"^Expected `(?P<what>str|array)` of length (?P<op>>=|<=) (?P<n>\d+)$")
_ENUM = re.compile(r"^Invalid (?:enum )?value (?P<value>.*)$")
_REGEX = re.compile(r"^Expected `str` matching regex ")
_MISSING = re.compile(r"^Object missing required field `(?P<name>[^`]*)`$")
MAX_FIELD_CHARS: Final = 10_000  # a form field longer than any of Canon's fields is cut here before it is checked


@dataclass
class FormErrors:
    """What is wrong with a posted form: messages per form field (in the order found), and about the whole form."""

    fields: dict[str, list[str]] = field(default_factory=dict)
    form: list[str] = field(default_factory=list)

    def add(self, name: str, message: str) -> None:
        found = self.fields.setdefault(name, [])
        if message not in found:
            found.append(message)

    def __bool__(self) -> bool:
        return bool(self.fields or self.form)


@dataclass(frozen=True)
class Form:
    """A posted form's text fields (the first value of each name; files and repeated names ignored)."""

    values: dict[str, str]

    def text(self, name: str) -> str:
        return self.values.get(name, "").strip()

    def has(self, name: str) -> bool:
        return name in self.values

    def items(self, name: str) -> list[str]:
        """A list typed as text: one item per comma or line, blanks dropped."""
        return [part.strip() for part in _LIST_SEPARATORS.split(self.values.get(name, "")) if part.strip()]

    def optional(self, name: str) -> str | None:
        return self.text(name) or None


async def read_form(request: HttpRequest, errors: FormErrors) -> Form:
    """The posted form's text fields; a field with control characters is refused at that field."""
    posted = await request.form()
    values: dict[str, str] = {}
    for name, posted_value in posted.items():
        if name in values or not isinstance(posted_value, str):
            continue
        value = posted_value[:MAX_FIELD_CHARS]
        if _CONTROL.search(value):  # refused, and shown again without them
            errors.add(name, "contains control characters; type plain text")
            value = _CONTROL.sub("", value)
        values[name] = value
    return Form(values)


def plain_or_404(text: str) -> str:
    """A name from a page's path (a person's subject): one with control characters names nobody, so it is a 404
    here rather than the database's refusal of NUL further down."""
    if _CONTROL.search(text):
        raise NotFoundException("there is nobody with such a name")
    return text


def plain_query(text: str | None, name: str) -> str | None:
    """A query parameter that reaches the database: control characters refused (422, at the parameter)."""
    if text is not None and _CONTROL.search(text):
        raise Invalid("control characters are not allowed", [FieldError(name, "contains control characters", "query")])
    return text


def uuid_or_404(text: str) -> UUID:
    """An id from a page's path: a malformed one names nothing there is, so it is a 404 (a console page, not the
    router's bare answer to a path whose typed parameter does not parse)."""
    try:
        return UUID(text)
    except ValueError:
        raise NotFoundException(f"there is nothing at {text!r}") from None


def checked(
    struct: type[StructT], body: Mapping[str, Any], errors: FormErrors, at: Mapping[str, str]
) -> StructT | None:
    """`body` as the Struct `struct` (what the API decodes from its JSON), or None with each field's fault added to
    `errors` at its form field (`at` maps API pointers to form fields, see `place`)."""
    types = {info.name: info.type for info in msgspec.structs.fields(struct)}
    fields = [(f"/{name}", value, types[name]) for name, value in body.items()]
    found = convert_checked(struct, body, fields, faulty=bool(errors))
    if not isinstance(found, list):
        return found
    for fault in found:
        place(errors, fault.error, at, value=fault.value)
    return None


def place(errors: FormErrors, error: FieldError, at: Mapping[str, str], *, value: object = None) -> None:
    """One API field error at its form field: `at` maps a pointer (or its first part, `/teams` for `/teams/2`) to
    the form field's name; a pointer it does not map is about the whole form."""
    parts = error.pointer.split("/")
    name = at.get(error.pointer) or at.get("/".join(parts[:3])) or at.get("/".join(parts[:2]))
    message = in_words(error.detail, name or "")
    item = _item(parts, value)
    if item is not None:
        message = f"“{item}”: {message}"
    if name is None:
        errors.form.append(message)
    else:
        errors.add(name, message)


def place_all(errors: FormErrors, found: Iterable[FieldError], at: Mapping[str, str]) -> None:
    for error in found:
        place(errors, error, at)


def _item(parts: list[str], value: object) -> str | None:
    """The offending item of a list field (`/teams/2`), to quote it back."""
    if len(parts) == 3 and parts[2].isdigit() and isinstance(value, list):
        index = int(parts[2])
        if index < len(value):
            return str(value[index])[:80]
    return None


# What a field's pattern asks for, in words (msgspec says only "matching regex ...").
_PATTERNS: Final = {
    "subject": "no spaces, and not starting with a colon (an email address works)",
    "name": "must not be blank",
    "teams": "lower-case letters, digits, hyphens and underscores, starting with a letter or digit",
    "team": "lower-case letters, digits, hyphens and underscores, starting with a letter or digit",
    "tags": "no commas, and not starting with a space",
    "slugs": "lower-case letters, digits and inner hyphens",
    "at": "a time as HH:MM (24-hour)",
    "timezone": "an IANA time zone name such as Europe/Berlin or UTC",
}


def in_words(detail: str, name: str) -> str:
    """msgspec's terse complaint as a sentence a person can act on."""
    length = _LENGTH.match(detail)
    if length is not None:
        n = int(length["n"])
        unit = ("character" if length["what"] == "str" else "item") + ("" if n == 1 else "s")
        if length["op"] == ">=" and length["what"] == "str" and n == 1:
            return "required"
        return f"{'at least' if length['op'] == '>=' else 'at most'} {n} {unit}"
    if _REGEX.match(detail):
        return _PATTERNS.get(name, "not in the expected form")
    enum = _ENUM.match(detail)
    if enum is not None:
        return f"{enum['value']} is not one of the choices"
    missing = _MISSING.match(detail)
    if missing is not None:
        return f"{missing['name']} is required"
    return detail
