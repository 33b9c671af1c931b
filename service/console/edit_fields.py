"""The console's edit forms, declared: the fields each kind's form shows in each mode (`create` an entry and its
first draft, `version` a new draft, `draft` edited in place), each named as the API names it, with the words that
explain it; and each kind as the console edits it (`EditKind`: its path segment, the API's request types, its page)."""

from __future__ import annotations

import dataclasses
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal

import msgspec

from service.domain.kinds import ASSET, DEFINITION, MESSAGE, KindSpec, MessageType
from service.domain.operations import ASSET_INPUT, DEFINITION_INPUT, MESSAGE_INPUT, KindInput

Mode = Literal["create", "version", "draft"]
Widget = Literal["text", "textarea", "long", "list", "lines", "references", "json", "date", "select"]
ALL_MODES: Final[frozenset[Mode]] = frozenset(("create", "version", "draft"))


@dataclass(frozen=True)
class FormField:
    """One field of a form: its name is the API's (in the body, or in the version's `content`)."""

    name: str
    label: str
    widget: Widget = "text"
    hint: str = ""
    pattern: str = ""  # what the API's pattern for it asks, in words
    required: bool = False
    content: bool = False
    modes: frozenset[Mode] = ALL_MODES
    hints: Mapping[str, str] = field(default_factory=dict)  # a mode's own hint
    choices: tuple[str, ...] = ()
    empty_is_default: bool = False  # empty: left out, so the API's default applies (where the mode has one)

    def hint_for(self, mode: Mode) -> str:
        return self.hints.get(mode, self.hint)


_TEAMS = "team names of lower-case letters, digits, - and _ (e.g. marketing)"
_SLUG = "lower-case letters, digits and inner hyphens (e.g. mql)"

SLUG = FormField(
    "slug",
    "Slug",
    hint="Its permanent name in links and the API: lower-case letters, digits and inner hyphens, e.g. mql.",
    pattern=_SLUG,
    required=True,
    modes=frozenset(("create",)),
)
VERSION_FIELDS: Final = (
    FormField("title", "Title", pattern="some text, not only spaces", required=True),
    FormField("tags", "Tags", "list", hint="Comma-separated, e.g. funnel, pipeline.", pattern="no commas"),
    FormField(
        "owners",
        "Owning teams",
        "list",
        hint="Comma-separated team names, e.g. marketing, sales: their editors publish its versions.",
        pattern=_TEAMS,
        required=True,
    ),
    FormField(
        "required_teams",
        "Teams that approve each version",
        "list",
        hint="Comma-separated team names.",
        pattern=_TEAMS,
        hints={
            "create": "Comma-separated team names. Empty: the owning teams.",
            "version": "Comma-separated team names. Empty: as in the version it is based on.",
            "draft": "Comma-separated team names; at least one.",
        },
        empty_is_default=True,
    ),
    FormField(
        "acknowledge_teams",
        "Teams asked to acknowledge",
        "list",
        hint="Comma-separated team names whose people confirm they have read each version once it is in effect. "
        "Empty: nobody is asked.",
        pattern=_TEAMS,
    ),
)
_REFERENCES = FormField(
    "references",
    "Cites",
    "references",
    hint="One entry per line: kind:slug (the version in effect) or kind:slug@version, e.g. definition:mql@3.",
    content=True,
)
DEFINITION_FIELDS: Final = (
    FormField("summary", "Summary", "textarea", hint="One or two sentences.", content=True),
    FormField("body", "Body", "long", hint="The whole definition; a blank line starts a paragraph.", content=True),
    FormField("aliases", "Also called", "lines", hint="One name per line, e.g. MQL.", content=True),
    FormField("examples", "Examples", "lines", hint="One per line.", content=True),
    FormField(
        "related",
        "Related definitions",
        "list",
        hint="Comma-separated slugs, e.g. sql, sal.",
        pattern=_SLUG,
        content=True,
    ),
    FormField(
        "effective_date",
        "Takes effect on",
        "date",
        hint="Optional. Empty: when it is published; a later date schedules it.",
        hints={
            "version": "Optional. Empty: when it is published; a later date schedules it; an earlier one (such as "
            "the date copied from the version it is based on) backdates it."
        },
        content=True,
    ),
    FormField(
        "criteria",
        "Criteria (JSON)",
        "json",
        hint='A rule tree, e.g. {"all": [{"field": "score", "op": "gte", "value": 60}]}. Empty: no criteria.',
        content=True,
    ),
)
MESSAGE_FIELDS: Final = (
    FormField("message_type", "Type", "select", content=True, choices=typing.get_args(MessageType)),
    FormField("body", "Wording", "long", hint="The approved wording.", content=True),
    FormField("audience", "Audience", hint="Optional, e.g. CFO.", content=True),
    FormField("segment", "Segment", hint="Optional, e.g. enterprise.", content=True),
    FormField("channel", "Channel", hint="Optional, e.g. email.", content=True),
    FormField(
        "locale",
        "Locale",
        hint="A language tag, e.g. en or de-DE. Empty: en.",
        pattern="a language tag such as en, en-US or de-DE",
        content=True,
    ),
    _REFERENCES,
)
_ASSET_CONTENT = frozenset[Mode](("create", "draft"))  # a new version copies the file and what describes it
ASSET_FIELDS: Final = (
    FormField("description", "Description", "textarea", content=True, modes=_ASSET_CONTENT),
    FormField(
        "file_name",
        "File name",
        hint="Optional: the name the file is downloaded as.",
        pattern="no slashes or control characters",
        content=True,
        modes=_ASSET_CONTENT,
    ),
    FormField(
        "expires_at",
        "Expires at",
        hint="Optional: a time with its offset, e.g. 2027-01-31T00:00:00Z.",
        content=True,
        modes=_ASSET_CONTENT,
    ),
    dataclasses.replace(_REFERENCES, modes=_ASSET_CONTENT),
)


@dataclass(frozen=True)
class EditKind:
    """A kind as the console edits it: its path segment, the API's types and rules, its form and its entry page."""

    name: str  # "definitions": the path segment
    spec: KindSpec
    requests: KindInput[Any, Any, Any]
    content_fields: tuple[FormField, ...]
    page: str  # the entry's page, with {slug}
    section: str  # the console section it belongs to (the header's current link)
    page_shows_drafts: bool = False  # its page shows the newest version while none is in effect

    def fields(self, mode: Mode) -> list[FormField]:
        every = ((SLUG,) if mode == "create" else ()) + VERSION_FIELDS + self.content_fields
        return [f for f in every if mode in f.modes]

    def entry_page(self, slug: str) -> str:
        return self.page.format(slug=slug)

    def body_type(self, mode: Mode) -> type[msgspec.Struct]:
        requests = self.requests
        return requests.create if mode == "create" else requests.new_version if mode == "version" else requests.edit

    @property
    def label(self) -> str:
        return self.spec.name


EDIT_KINDS: Final = {
    kind.name: kind
    for kind in (
        EditKind(
            "definitions",
            DEFINITION,
            DEFINITION_INPUT,
            DEFINITION_FIELDS,
            "/console/glossary/{slug}",
            "glossary",
            page_shows_drafts=True,
        ),
        EditKind("messages", MESSAGE, MESSAGE_INPUT, MESSAGE_FIELDS, "/console/library/messages/{slug}", "library"),
        EditKind("assets", ASSET, ASSET_INPUT, ASSET_FIELDS, "/console/library/assets/{slug}", "library"),
    )
}
