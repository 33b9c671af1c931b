"""The console's edit forms without I/O: typed text becomes the API's request body and is checked by the API's
Structs; every complaint, a JSON Pointer into that body, lands at its form field in words."""

from __future__ import annotations

import datetime as dt
from typing import Any

import msgspec

from service.console.edit_fields import EDIT_KINDS
from service.console.edit_forms import check, in_words, parse, place, values_of
from service.domain.errors import FieldError
from service.domain.operations import DefinitionContentPatch, DefinitionCreate, MessageVersionCreate

DEFINITIONS = EDIT_KINDS["definitions"]
MESSAGES = EDIT_KINDS["messages"]
ASSETS = EDIT_KINDS["assets"]


def test_lists_become_arrays_and_empty_optional_fields_take_the_apis_defaults() -> None:
    form = {
        "slug": "mql",
        "title": "  Marketing Qualified Lead ",
        "owners": "marketing,\nsales, ,",
        "tags": "",
        "required_teams": "",
        "aliases": "MQL\r\n\r\nmarketing lead\r\n",
        "body": "First.\r\n\r\nSecond.",
        "effective_date": "2030-01-31",
        "criteria": '{"all": [{"field": "score", "op": "gte", "value": 60}]}',
    }
    parsed = parse(DEFINITIONS, "create", form)
    created = check(DEFINITIONS, "create", parsed)
    assert isinstance(created, DefinitionCreate), parsed.errors
    assert created.title == "Marketing Qualified Lead"
    assert created.owners == ["marketing", "sales"]
    assert created.tags == []
    assert created.required_teams is None  # absent: the owners, as the API decides
    assert created.content.aliases == ["MQL", "marketing lead"]
    assert created.content.body == "First.\n\nSecond."
    assert created.content.effective_date == dt.date(2030, 1, 31)
    assert created.content.criteria == {"all": [{"field": "score", "op": "gte", "value": 60}]}


def test_a_draft_form_sets_every_field_so_an_emptied_one_is_cleared() -> None:
    form = {"title": "T", "owners": "marketing", "required_teams": "marketing", "summary": "", "criteria": " "}
    parsed = parse(DEFINITIONS, "draft", form)
    patch = check(DEFINITIONS, "draft", parsed)
    assert isinstance(patch, DefinitionContentPatch), parsed.errors
    assert (patch.summary, patch.criteria, patch.effective_date, patch.aliases) == ("", None, None, [])


def test_a_message_version_takes_the_contents_defaults_for_empty_fields() -> None:
    form = {"title": "Pitch", "owners": "marketing", "message_type": "talk_track", "locale": "", "audience": " "}
    parsed = parse(MESSAGES, "version", {**form, "references": "definition:mql@3\nmessage:tagline\nsql"})
    version = check(MESSAGES, "version", parsed)
    assert isinstance(version, MessageVersionCreate), parsed.errors
    assert version.content is not None
    assert (version.content.locale, version.content.audience) == ("en", None)
    assert [(r.kind, r.slug, r.version) for r in version.content.references] == [
        ("definition", "mql", 3),
        ("message", "tagline", None),
        ("definition", "sql", None),
    ]


def test_a_new_asset_version_copies_its_file_and_content() -> None:
    parsed = parse(ASSETS, "version", {"title": "Deck", "owners": "marketing", "description": "ignored"})
    assert "content" not in parsed.body
    assert check(ASSETS, "version", parsed) is not None


def test_criteria_that_are_not_json_are_refused_at_their_place() -> None:
    broken = parse(DEFINITIONS, "create", {"criteria": '{\n  "all": [\n    {"field": 1 2}\n  ]\n}'})
    assert FieldError("/content/criteria", "not valid JSON: expected ',' or '}' at line 3, column 17") in broken.errors
    cut = parse(DEFINITIONS, "create", {"criteria": '{"all": ['})
    assert cut.errors[0].detail.startswith("not valid JSON: it ends before every bracket")
    deep = parse(DEFINITIONS, "create", {"criteria": "[" * 65 + "]" * 65})
    assert deep.errors[0].detail == "the JSON is nested deeper than 64 levels"


def test_every_field_in_error_is_named_at_once() -> None:
    form = {"slug": "Bad Slug", "title": "", "owners": "ok, Not OK", "criteria": "{", "effective_date": "soon"}
    parsed = parse(DEFINITIONS, "create", form)
    assert check(DEFINITIONS, "create", parsed) is None
    placed = place(DEFINITIONS, "create", parsed.errors, parsed.items)
    assert placed.by_field == {
        "slug": ["use lower-case letters, digits and inner hyphens (e.g. mql)"],
        "title": ["required"],
        "owners": ["“Not OK”: use team names of lower-case letters, digits, - and _ (e.g. marketing)"],
        "criteria": ["not valid JSON: it ends before every bracket, brace and quote is closed at line 1, column 2"],
        "effective_date": ["not a date: use YYYY-MM-DD"],
    }
    assert placed.general == []


def test_the_use_cases_pointers_land_at_their_fields() -> None:
    parsed = parse(MESSAGES, "create", {"references": "definition:mql\ndefinition:nope"})
    errors = [
        FieldError("/content/references/1", "no definition 'nope'"),
        FieldError("/title", "Expected `str` of length <= 200"),
        FieldError("", "give either from_version or content"),
        FieldError("/content/unknown", "odd"),
    ]
    placed = place(MESSAGES, "create", errors, parsed.items)
    assert placed.by_field == {
        "references": ["“definition:nope”: no definition 'nope'"],
        "title": ["at most 200 characters"],
    }
    assert placed.general == ["give either from_version or content", "/content/unknown: odd"]
    criteria = place(DEFINITIONS, "draft", [FieldError("/criteria/all/0/op", "unknown operator 'near'")], {})
    assert criteria.by_field == {"criteria": ["at /all/0/op: unknown operator 'near'"]}


def test_nul_characters_are_refused_at_their_field() -> None:
    parsed = parse(DEFINITIONS, "create", {"body": "a\x00b", "criteria": '{"x": "\\u0000"}'})
    assert {error.pointer for error in parsed.errors} == {"/content/body", "/content/criteria"}


def test_a_citation_line_of_another_shape_is_named() -> None:
    parsed = parse(MESSAGES, "create", {"references": "definition:mql\nsee the MQL page"})
    assert parsed.errors == [
        FieldError(
            "/content/references",
            "“see the MQL page” is not a citation: write kind:slug or kind:slug@version, e.g. definition:mql@3",
        )
    ]


def test_a_versions_text_reads_back_as_the_same_version() -> None:
    version: dict[str, Any] = {
        "title": "MQL",
        "tags": ["funnel", "b2b"],
        "owners": ["marketing"],
        "required_teams": ["marketing", "sales"],
        "acknowledge_teams": [],
        "content": {
            "summary": "s",
            "body": "b",
            "aliases": ["MQL", "lead, marketing"],
            "examples": [],
            "related": ["sql"],
            "effective_date": "2030-01-01",
            "criteria": {"all": [{"field": "score", "op": "gte", "value": 60}]},
        },
    }
    shown = values_of(DEFINITIONS, "draft", version)
    assert shown["aliases"] == "MQL\nlead, marketing"
    patch = check(DEFINITIONS, "draft", parse(DEFINITIONS, "draft", shown))
    assert patch is not None
    again = msgspec.to_builtins(patch)
    assert {name: again[name] for name in version["content"]} == version["content"]
    assert {name: again[name] for name in ("title", "tags", "owners", "required_teams")} == {
        name: version[name] for name in ("title", "tags", "owners", "required_teams")
    }


def test_msgspecs_phrasing_is_said_in_words() -> None:
    field = DEFINITIONS.fields("create")[0]
    assert in_words("Expected `array` of length >= 1", field) == "name at least one"
    assert in_words("Expected `array` of length <= 20", field) == "at most 20 items"
    assert in_words("Expected `int` <= 1000000", field) == "must be at most 1,000,000"
    assert in_words("Object missing required field `slug`", field) == "required"
    assert in_words("version 2 is approved", field) == "version 2 is approved"  # a use case's words stay
