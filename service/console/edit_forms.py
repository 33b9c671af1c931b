"""The console's edit forms, without I/O: how the typed text of a form (its fields: `edit_fields`) becomes the body the
API takes (`DefinitionCreate`, `MessageVersionCreate`, `AssetContentPatch`, ...), checked with those same Structs, and
how every complaint, the Structs' or the use case's (a JSON Pointer into that body), lands at its form field in words.

A form has three modes: `create` (an entry and its first draft), `version` (a new draft of an entry) and `draft` (a
draft edited in place). The text people type is mapped to the body and nothing more: lists are comma-separated or one
per line, criteria are JSON, an empty optional field is absent (the API's default) or null; every rule is the API's.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

import msgspec

from service.api.guards import MAX_JSON_DEPTH, nested_deeper_than
from service.console.edit_fields import EditKind, FormField, Mode
from service.console.form_checks import convert_checked
from service.domain.errors import FieldError

_OMIT: Final = object()  # an empty field the body leaves out: the API's default applies


# --- what a stored version shows in its form ------------------------------------------------------------------------


def values_of(kind: EditKind, mode: Mode, version: Mapping[str, Any]) -> dict[str, str]:
    """The form's text for a version (its builtins, as the API answers it): the fields a new version or the draft's
    form starts from."""
    content = version.get("content") or {}
    shown: dict[str, str] = {}
    for f in kind.fields(mode):
        value = content.get(f.name) if f.content else version.get(f.name)
        shown[f.name] = _text(f, value)
    return shown


def _text(f: FormField, value: Any) -> str:
    if value is None:
        return ""
    if f.widget == "list":
        return ", ".join(str(item) for item in value)
    if f.widget == "lines":
        return "\n".join(str(item) for item in value)
    if f.widget == "references":
        return "\n".join(
            f"{ref.get('kind', 'definition')}:{ref['slug']}" + (f"@{ref['version']}" if ref.get("version") else "")
            for ref in value
        )
    if f.widget == "json":
        return msgspec.json.format(msgspec.json.encode(value), indent=2).decode()
    return str(value)


# --- from the typed text to the API's body --------------------------------------------------------------------------


@dataclass
class Parsed:
    """A form's body as the API would receive it, or why some fields could not become one."""

    values: dict[str, str]  # as typed: shown again, escaped, when the form comes back
    body: dict[str, Any]
    errors: list[FieldError]
    items: dict[str, list[str]]  # the text of each item of list fields, to name the one a complaint is about


class _Unreadable(Exception):
    """Text that does not become a value at all (criteria that are not JSON, a citation line of another shape)."""


def form_values(kind: EditKind, mode: Mode, form: Mapping[str, Any]) -> dict[str, str]:
    """The text of each of the form's fields (a missing or non-text field is empty), line ends as `\n`."""
    found: dict[str, str] = {}
    for f in kind.fields(mode):
        raw = form.get(f.name)
        text = raw if isinstance(raw, str) else ""
        found[f.name] = text.replace("\r\n", "\n").replace("\r", "\n")
    return found


def parse(kind: EditKind, mode: Mode, form: Mapping[str, Any]) -> Parsed:
    """The body of the API request the form stands for; text that cannot be a value is an error at its field."""
    values = form_values(kind, mode, form)
    types = _field_types(kind, mode)
    body: dict[str, Any] = {}
    content: dict[str, Any] = {}
    errors: list[FieldError] = []
    items: dict[str, list[str]] = {}
    for f in kind.fields(mode):
        pointer = _pointer_of(f, mode)
        try:
            value = _value(f, values[f.name], types[f.name], items)
        except _Unreadable as exc:
            errors.append(FieldError(pointer, str(exc)))
            continue
        if value is _OMIT:
            continue
        if _has_nul(value):
            errors.append(FieldError(pointer, "text must not contain the NUL character (U+0000)"))
            continue
        (content if f.content and mode != "draft" else body)[f.name] = value
    if mode != "draft" and any(f.content for f in kind.fields(mode)):
        body["content"] = content
    return Parsed(values=values, body=body, errors=errors, items=items)


def _pointer_of(f: FormField, mode: Mode) -> str:
    return f"/content/{f.name}" if f.content and mode != "draft" else f"/{f.name}"


@dataclass(frozen=True)
class _Target:
    """A field's type in the body of one mode, and what an empty field means there."""

    type: Any
    nullable: bool
    default: Any


def _field_types(kind: EditKind, mode: Mode) -> dict[str, _Target]:
    key = (kind.name, mode)
    found = _TARGETS.get(key)
    if found is None:
        outer = {info.name: info for info in msgspec.structs.fields(kind.body_type(mode))}
        inner = {info.name: info for info in msgspec.structs.fields(kind.spec.input_type)}
        found = {}
        for f in kind.fields(mode):
            info = inner[f.name] if f.content and mode != "draft" else outer[f.name]
            # What an empty field stands for is the content's default, whichever the mode (a patch has none).
            defaults = inner[f.name] if f.content else info
            default = defaults.default if defaults.default is not msgspec.NODEFAULT else None
            found[f.name] = _Target(info.type, _accepts_none(info.type), default)
        _TARGETS[key] = found
    return found


_TARGETS: dict[tuple[str, Mode], dict[str, _Target]] = {}


def _accepts_none(annotation: Any) -> bool:
    try:
        msgspec.convert(None, annotation)
    except msgspec.ValidationError:
        return False
    return True


_SPLIT_LIST = re.compile(r"[,\n]")
_REFERENCE = re.compile(r"^(?:(?P<kind>[a-z]+):)?(?P<slug>[^\s@:]+)(?:@(?P<version>\d{1,9}))?$")


def _value(f: FormField, text: str, target: _Target, items: dict[str, list[str]]) -> Any:
    """What the body holds for the field's text; `_OMIT` for an empty field whose default the API should apply."""
    if f.widget in ("list", "lines", "references"):
        parts = _SPLIT_LIST.split(text) if f.widget == "list" else text.split("\n")
        found = [part.strip() for part in parts if part.strip()]
        items[f.name] = found
        if not found and f.empty_is_default and target.nullable:
            return _OMIT  # absent: the owners (create), the version based on (new version)
        return [_reference(line) for line in found] if f.widget == "references" else found
    stripped = text.strip()
    if f.widget == "json":
        return None if not stripped else _json(stripped)
    if f.widget not in ("textarea", "long"):
        text = stripped  # a single line: spaces around it are no part of it
    if stripped or f.required:
        return text
    if target.nullable:
        return None
    # The content's default ("en", "other", ""), said outright so a draft's field is set to it, not left as it was.
    return target.default if isinstance(target.default, str) else _OMIT


def _reference(line: str) -> dict[str, Any]:
    match = _REFERENCE.match(line)
    if match is None:
        raise _Unreadable(f"“{line}” is not a citation: write kind:slug or kind:slug@version, e.g. definition:mql@3")
    reference: dict[str, Any] = {"slug": match["slug"]}
    if match["kind"]:
        reference["kind"] = match["kind"]
    if match["version"]:
        reference["version"] = int(match["version"])
    return reference


def _json(text: str) -> Any:
    encoded = text.encode()
    if nested_deeper_than(encoded, MAX_JSON_DEPTH):
        raise _Unreadable(f"the JSON is nested deeper than {MAX_JSON_DEPTH} levels")
    try:
        return msgspec.json.decode(encoded)
    except msgspec.DecodeError as exc:
        raise _Unreadable(_json_problem(encoded, str(exc))) from None


_AT_BYTE = re.compile(r"^JSON is malformed: (?P<what>.*) \(byte (?P<byte>\d+)\)$")


def _json_problem(encoded: bytes, message: str) -> str:
    """msgspec's complaint about JSON text, with its place as a line and column."""
    match = _AT_BYTE.match(message)
    if match is None:  # "Input data was truncated"
        where, what = len(encoded), "it ends before every bracket, brace and quote is closed"
    else:
        where, what = int(match["byte"]), match["what"]
    before = encoded[:where].decode(errors="ignore")
    line = before.count("\n") + 1
    column = len(before) - (before.rfind("\n") + 1) + 1
    return f"not valid JSON: {what} at line {line}, column {column}"


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    if isinstance(value, dict):
        return any(_has_nul(key) or _has_nul(item) for key, item in value.items())
    return False


def check(kind: EditKind, mode: Mode, parsed: Parsed) -> msgspec.Struct | None:
    """The body as the API's request Struct, checked as the API checks it (strictly); each field is checked on its
    own first, so every field in error is named at once, not only the first. None when something is wrong (then
    `parsed.errors` says what). Fields whose text could not be read are missing from the body: the others are still
    checked, so one mistake does not hide the rest."""
    types = _field_types(kind, mode)
    fields = []
    for f in kind.fields(mode):
        value = (parsed.body.get("content", {}) if f.content and mode != "draft" else parsed.body).get(f.name, _OMIT)
        if value is not _OMIT:
            fields.append((_pointer_of(f, mode), value, types[f.name].type))
    found = convert_checked(kind.body_type(mode), parsed.body, fields, faulty=bool(parsed.errors))
    if not isinstance(found, list):
        return found
    parsed.errors.extend(fault.error for fault in found)
    return None


# --- the API's complaints at their fields, in words ----------------------------------------------------------------


@dataclass
class Placed:
    """Complaints by form field (`by_field`), and those about no field of the form (`general`)."""

    by_field: dict[str, list[str]]
    general: list[str]


def place(kind: EditKind, mode: Mode, errors: list[FieldError], items: Mapping[str, list[str]]) -> Placed:
    """Each error (a JSON Pointer into the body, as the API reports it) at the form field it is about."""
    fields = {f.name: f for f in kind.fields(mode)}
    placed = Placed(by_field={}, general=[])
    for error in errors:
        tokens = [token.replace("~1", "/").replace("~0", "~") for token in error.pointer.split("/")[1:]]
        if tokens[:1] == ["content"]:
            tokens = tokens[1:]
        f = fields.get(tokens[0]) if tokens else None
        if f is None:
            placed.general.append(f"{error.pointer}: {error.detail}" if error.pointer else error.detail)
            continue
        placed.by_field.setdefault(f.name, []).append(_said(f, tokens[1:], error.detail, items.get(f.name, [])))
    return placed


def _said(f: FormField, rest: list[str], detail: str, items: list[str]) -> str:
    words = in_words(detail, f)
    if f.widget == "json":
        return f"at {'/' + '/'.join(rest)}: {words}" if rest else words
    if rest and rest[0].isdigit() and int(rest[0]) < len(items):
        return f"“{items[int(rest[0])]}”: {words}"
    return words


def _length(match: re.Match[str], f: FormField) -> str:
    n, unit = int(match["n"]), "character" if match["what"] == "str" else "item"
    if match["op"] == "<=":
        return f"at most {n:,} {unit}{'s' * (n != 1)}"
    if n == 1:
        return "required" if unit == "character" else "name at least one"
    return f"name at least {n} {unit}s"


def _enum(match: re.Match[str], f: FormField) -> str:
    if f.widget == "references":
        return "the kind is definition, message or asset"
    return f"choose one of: {', '.join(f.choices)}" if f.choices else "not one of the accepted values"


# msgspec's phrasings of a broken constraint, and how to say each to a person.
_PHRASES: Final[list[tuple[re.Pattern[str], Callable[[re.Match[str], FormField], str]]]] = [
    (
        re.compile(r"^Expected `str` matching regex"),
        lambda _, f: f"use {f.pattern}" if f.pattern else "this is not in the expected form",
    ),
    (re.compile(r"^Object missing required field"), lambda _, f: "required"),
    (re.compile(r"^Invalid RFC3339 encoded date$"), lambda _, f: "not a date: use YYYY-MM-DD"),
    (re.compile(r"^Invalid RFC3339 encoded datetime"), lambda _, f: "not a time: use e.g. 2027-01-31T00:00:00Z"),
    (re.compile(r"^Invalid enum value"), _enum),
    (re.compile(r"^Expected `(?P<what>str|array|object)` of length (?P<op>[<>]=) (?P<n>\d+)"), _length),
    (
        re.compile(r"^Expected `int` (?P<op>[<>]=) (?P<n>\d+)"),
        lambda m, f: f"must be {'at least' if m['op'] == '>=' else 'at most'} {int(m['n']):,}",
    ),
]


def in_words(detail: str, f: FormField) -> str:
    """msgspec's phrasing of a constraint (`Expected `str` matching regex '...'`) as people say it; the use cases'
    own details are words already and pass as they are."""
    for phrase, words in _PHRASES:
        match = phrase.match(detail)
        if match is not None:
            return words(match, f)
    return detail
