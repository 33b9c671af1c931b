"""Chat-ready deliveries: the words of each event, and the Slack and Teams bodies checked against the documented
structure of each format (Slack Block Kit: a text object holds 1 to 3,000 characters, a message at most 50 blocks, a
context block at most 10 elements, `&`, `<`, `>` escaped; a Teams message: `type: message`, attachments whose
`contentType` is application/vnd.microsoft.card.adaptive and whose `content` is an Adaptive Card with `type`,
`version` and a body of elements with their required fields), including user text that tries to format, break or
mention."""

from __future__ import annotations

import json
import re
from typing import Any

import jsonschema
import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from service.webhooks.formats import render, slack_message, teams_message
from service.webhooks.messages import ChatMessage, describe, join_words

URL = "https://canon.example.com/v1/definitions/mql?version=3"

PUBLISHED: dict[str, Any] = {
    "type": "definition.published",
    "timestamp": "2026-12-01T09:00:00+00:00",
    "data": {
        "id": "36e15ee8-8e3e-4d20-8de6-ad6fd56daaac",
        "kind": "definition",
        "slug": "mql",
        "version": 3,
        "title": "MQL",
        "url": URL,
        "actor": {"type": "person", "subject": "ana@example.com", "name": "Ana Ruiz"},
        "status": "published",
        "previous_version": 2,
        "approvals": [
            {"team": "sales", "by": "bob@example.com", "name": "Bob Lee"},
            {"team": "marketing", "by": "cy@example.com", "name": "Cy Moss"},
        ],
        "summary": "lead_score ≥ 60 (was ≥ 50)",
        "effective_at": "2027-01-01T00:00:00+00:00",
    },
}

# --- the documented structures, as JSON Schemas ---------------------------------------------------------------------

_SLACK_TEXT = {
    "type": "object",
    "required": ["type", "text"],
    "properties": {
        "type": {"enum": ["mrkdwn", "plain_text"]},
        "text": {"type": "string", "minLength": 1, "maxLength": 3000},
        "verbatim": {"type": "boolean"},
        "emoji": {"type": "boolean"},
    },
    "additionalProperties": False,
}
SLACK_MESSAGE = {
    "type": "object",
    "required": ["text", "blocks"],
    "properties": {
        "text": {"type": "string", "minLength": 1, "maxLength": 40000},
        "blocks": {
            "type": "array",
            "minItems": 1,
            "maxItems": 50,
            "items": {
                "oneOf": [
                    {
                        "type": "object",
                        "required": ["type", "text"],
                        "properties": {"type": {"const": "section"}, "text": _SLACK_TEXT},
                        "additionalProperties": False,
                    },
                    {
                        "type": "object",
                        "required": ["type", "elements"],
                        "properties": {
                            "type": {"const": "context"},
                            "elements": {"type": "array", "minItems": 1, "maxItems": 10, "items": _SLACK_TEXT},
                        },
                        "additionalProperties": False,
                    },
                ]
            },
        },
        "unfurl_links": {"type": "boolean"},
        "unfurl_media": {"type": "boolean"},
    },
    "additionalProperties": False,
}
_CARD_ELEMENT = {
    "oneOf": [
        {
            "type": "object",
            "required": ["type", "text"],
            "properties": {
                "type": {"const": "TextBlock"},
                "text": {"type": "string", "minLength": 1},
                "wrap": {"type": "boolean"},
                "weight": {"enum": ["Default", "Lighter", "Bolder"]},
                "size": {"enum": ["Default", "Small", "Medium", "Large", "ExtraLarge"]},
            },
            "additionalProperties": False,
        },
        {
            "type": "object",
            "required": ["type", "facts"],
            "properties": {
                "type": {"const": "FactSet"},
                "facts": {
                    "type": "array",
                    "minItems": 1,
                    "items": {
                        "type": "object",
                        "required": ["title", "value"],
                        "properties": {"title": {"type": "string"}, "value": {"type": "string"}},
                        "additionalProperties": False,
                    },
                },
            },
            "additionalProperties": False,
        },
    ]
}
TEAMS_MESSAGE = {
    "type": "object",
    "required": ["type", "attachments"],
    "properties": {
        "type": {"const": "message"},
        "attachments": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["contentType", "content"],
                "properties": {
                    "contentType": {"const": "application/vnd.microsoft.card.adaptive"},
                    "contentUrl": {"type": "null"},
                    "content": {
                        "type": "object",
                        "required": ["type", "version", "body"],
                        "properties": {
                            "$schema": {"const": "http://adaptivecards.io/schemas/adaptive-card.json"},
                            "type": {"const": "AdaptiveCard"},
                            "version": {"type": "string", "pattern": r"^1\.[0-5]$"},
                            "body": {"type": "array", "minItems": 1, "items": _CARD_ELEMENT},
                            "actions": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "required": ["type", "url"],
                                    "properties": {
                                        "type": {"const": "Action.OpenUrl"},
                                        "title": {"type": "string"},
                                        "url": {"type": "string", "pattern": "^https?://"},
                                    },
                                    "additionalProperties": False,
                                },
                            },
                            "msteams": {"type": "object"},
                        },
                        "additionalProperties": False,
                    },
                },
                "additionalProperties": False,
            },
        },
    },
    "additionalProperties": False,
}


def slack_of(envelope: dict[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(render("slack", json.dumps(envelope).encode()))
    jsonschema.validate(body, SLACK_MESSAGE)
    return body


def teams_of(envelope: dict[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = json.loads(render("teams", json.dumps(envelope).encode()))
    jsonschema.validate(body, TEAMS_MESSAGE)
    return body


def slack_texts(body: dict[str, Any]) -> list[str]:
    texts = [body["text"]]
    for block in body["blocks"]:
        texts += [block["text"]["text"]] if "text" in block else [e["text"] for e in block["elements"]]
    return texts


def card_texts(body: dict[str, Any]) -> list[str]:
    card = body["attachments"][0]["content"]
    texts = []
    for element in card["body"]:
        if element["type"] == "TextBlock":
            texts.append(element["text"])
        else:
            texts += [f"{fact['title']}: {fact['value']}" for fact in element["facts"]]
    return texts


def with_data(**data: Any) -> dict[str, Any]:
    return {**PUBLISHED, "data": {**PUBLISHED["data"], **data}}


# --- words ----------------------------------------------------------------------------------------------------------


def test_a_publication_in_words() -> None:
    message = describe(PUBLISHED)
    assert message.sentence == (
        "MQL v3 published by Ana Ruiz; approved by sales (Bob Lee) and marketing (Cy Moss); "
        "lead_score ≥ 60 (was ≥ 50); in effect from 1 Jan 2027"
    )
    assert message.subject == "MQL v3"
    assert message.url == URL
    assert message.facts == [("Entry", "definition mql"), ("Event", "definition.published")]


@pytest.mark.parametrize(
    ("event_type", "data", "sentence"),
    [
        ("definition.created", {}, "MQL v3 created by Ana Ruiz as a draft"),
        ("definition.submitted", {}, "MQL v3 submitted for review by Ana Ruiz; lead_score ≥ 60 (was ≥ 50)"),
        (
            "definition.approved",
            {"review": {"outcome": "approved", "by": "bob", "team": "sales", "missing_teams": ["marketing"]}},
            "MQL v3 approved for sales by Ana Ruiz; still awaiting marketing; lead_score ≥ 60 (was ≥ 50)",
        ),
        (
            "definition.approved",
            {"review": {"outcome": "approved", "by": "bob", "team": "sales", "comment": "Fine."}},
            "MQL v3 approved for sales by Ana Ruiz; approved by every team it needs; “Fine.”; "
            "lead_score ≥ 60 (was ≥ 50)",
        ),
        (
            "definition.rejected",
            {"review": {"outcome": "rejected", "by": "bob", "team": "sales", "comment": "Why 60?"}},
            "MQL v3 sent back to draft by Ana Ruiz (sales); “Why 60?”; lead_score ≥ 60 (was ≥ 50)",
        ),
        (
            "definition.effective",
            {"backdated": True, "approvals": None},
            "MQL v3 is now in effect; replacing v2; lead_score ≥ 60 (was ≥ 50); in effect from 1 Jan 2027 (backdated)",
        ),
        (
            "definition.review_requested",
            {
                "review_request": {
                    "team": "sales",
                    "pending_teams": ["marketing", "sales"],
                    "requested_at": "2026-12-01T09:00:00Z",
                    "due_at": "2026-12-03T09:00:00Z",
                }
            },
            "MQL v3 awaits review by sales; review due by 3 Dec 2026; also awaiting marketing; "
            "lead_score ≥ 60 (was ≥ 50)",
        ),
        ("definition.retired", {}, "MQL v3 retired by Ana Ruiz"),
        ("asset.expiring", {}, "MQL v3 expires soon"),
        (
            "definition.updated",
            {"changes": ["review_window_seconds"]},
            "MQL v3 updated by Ana Ruiz; changed: review_window_seconds",
        ),
        ("definition.something_new", {}, "MQL v3 something new by Ana Ruiz"),
    ],
)
def test_each_action_in_words(event_type: str, data: dict[str, Any], sentence: str) -> None:
    envelope = {**with_data(**data), "type": event_type}
    if event_type != "definition.published":
        envelope["data"].pop("approvals", None)
    assert describe(envelope).sentence == sentence


def test_webhook_events_in_words() -> None:
    test = describe({"type": "webhook.test", "data": {"id": "x", "message": "A test event from Canon."}})
    assert test.sentence == "Test from Canon; A test event from Canon."
    disabled = describe({"type": "webhook.disabled", "data": {"url": "https://x.example/h", "reason": "410 Gone"}})
    assert disabled.sentence == "Canon stopped sending to an endpoint; endpoint: https://x.example/h; reason: 410 Gone"


def test_a_relative_link_is_no_link() -> None:
    assert describe(with_data(url="/v1/definitions/mql?version=3")).url is None
    assert describe(with_data(url="javascript:alert(1)")).url is None


def test_join_words() -> None:
    assert join_words([]) == ""
    assert join_words(["a"]) == "a"
    assert join_words(["a", "b", "c"]) == "a, b and c"
    assert join_words([str(n) for n in range(25)], limit=3) == "0, 1, 2 and 22 more"


# --- Slack ----------------------------------------------------------------------------------------------------------


def test_slack_message_structure_and_words() -> None:
    body = slack_of(PUBLISHED)
    assert body["text"] == (
        "MQL v3 published by Ana Ruiz; approved by sales (Bob Lee) and marketing (Cy Moss); "
        "lead_score ≥ 60 (was ≥ 50); in effect from 1 Jan 2027"
    )
    headline, details, context = body["blocks"]
    assert headline["text"] == {"type": "mrkdwn", "text": f"*<{URL}|MQL v3>* published by Ana Ruiz", "verbatim": True}
    assert details["text"]["text"] == (
        "• approved by sales (Bob Lee) and marketing (Cy Moss)\n"
        "• lead_score ≥ 60 (was ≥ 50)\n"
        "• in effect from 1 Jan 2027"
    )
    assert [e["text"] for e in context["elements"]] == [
        "Entry: *definition mql*",
        "Event: *definition.published*",
        f"<{URL}|Open in Canon>",
    ]
    assert body["unfurl_links"] is False


def test_slack_escapes_user_text_so_it_cannot_link_or_mention() -> None:
    hostile = "<!channel> & <@U024BE7LH> <https://evil.example|click> @here @everyone"
    body = slack_of(with_data(title=hostile, summary="score > 5 & < 9", actor={"name": "@channel <b>"}))
    for text in slack_texts(body):
        # The only `<` left open the links Canon writes itself.
        assert re.findall(r"<(?!https://canon\.example\.com/)", text) == [], text
        assert "<!" not in text
        assert "<@" not in text
        assert not re.search(r"(?<![\w@])@(here|channel|everyone)", text), text
    headline = body["blocks"][0]["text"]["text"]
    assert headline.startswith(
        f"*<{URL}|&lt;!channel&gt; &amp; &lt;@\u2060U024BE7LH&gt; &lt;https://evil.example|click&gt; @\u2060here"
    )
    assert "@\u2060here" in headline
    assert "score &gt; 5 &amp; &lt; 9" in body["blocks"][1]["text"]["text"]
    assert all(b["text"]["verbatim"] for b in body["blocks"] if "text" in b)


def test_slack_link_url_cannot_end_the_link_early() -> None:
    body = slack_of(with_data(url="https://canon.example.com/v1/definitions/a?x=1&y=2|3>4"))
    headline = body["blocks"][0]["text"]["text"]
    assert headline.startswith("*<https://canon.example.com/v1/definitions/a?x=1&amp;y=2%7C3%3E4|MQL v3>*")


def test_slack_without_a_link_names_the_entry_plainly() -> None:
    body = slack_of(with_data(url="/v1/definitions/mql?version=3"))
    assert body["blocks"][0]["text"]["text"] == "*MQL v3* published by Ana Ruiz"
    assert all("Open in Canon" not in text for text in slack_texts(body))


def test_slack_stays_within_block_kit_limits_for_huge_text() -> None:
    body = slack_of(with_data(title="&" * 5000, summary="<" * 5000, approvals=[{"team": "t" * 3000, "name": "n"}] * 40))
    for text in slack_texts(body):
        assert len(text) <= 3000
        assert not re.search(r"&(?!amp;|lt;|gt;)", text)  # no escape cut in half


# --- Teams ----------------------------------------------------------------------------------------------------------


def test_teams_message_structure_and_words() -> None:
    body = teams_of(PUBLISHED)
    [attachment] = body["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert (card["type"], card["version"]) == ("AdaptiveCard", "1.4")
    assert card["body"][0] == {
        "type": "TextBlock",
        "text": "MQL v3 published by Ana Ruiz",
        "wrap": True,
        "weight": "Bolder",
        "size": "Medium",
    }
    assert [b["text"] for b in card["body"][1:4]] == [
        "approved by sales (Bob Lee) and marketing (Cy Moss)",
        r"lead\_score ≥ 60 (was ≥ 50)",  # Markdown's `_` escaped: Teams shows lead_score
        "in effect from 1 Jan 2027",
    ]
    assert card["body"][4]["facts"] == [
        {"title": "Entry", "value": "definition mql"},
        {"title": "Event", "value": "definition.published"},
    ]
    assert card["actions"] == [{"type": "Action.OpenUrl", "title": "Open in Canon", "url": URL}]


def test_teams_escapes_markdown_templates_and_mentions() -> None:
    hostile = "[click](https://evil.example) **bold** <at>Bob</at> {{DATE(2027-01-01T00:00:00Z, SHORT)}} # h"
    body = teams_of(with_data(title=hostile, summary="- a list item", actor={"name": "_Ana_"}))
    headline = body["attachments"][0]["content"]["body"][0]["text"]
    assert headline == (
        r"\[click\](https://evil.example) \*\*bold\*\* \<at\>Bob\</at\> \{\{DATE(2027-01-01T00:00:00Z, SHORT)\}\} "
        r"\# h v3 published by \_Ana\_"
    )
    assert r"\- a list item" in card_texts(body)
    for text in card_texts(body):
        assert not re.search(r"(?<!\\)[\[\]<>{}*_`#~]", text), text


def test_teams_without_a_link_has_no_action() -> None:
    body = teams_of(with_data(url="/v1/definitions/mql"))
    assert "actions" not in body["attachments"][0]["content"]


# --- rendering ------------------------------------------------------------------------------------------------------


def test_standard_is_the_stored_envelope_byte_for_byte() -> None:
    payload = b'{"data": {"id": 1}, "type": "definition.published", "timestamp": "2026-12-01T09:00:00+00:00"}'
    assert render("standard", payload) is payload


def test_messages_with_nothing_to_say_still_fit_the_formats() -> None:
    slack_of({"type": "definition.published", "data": {}})
    teams_of({"type": "definition.published", "data": {}})
    slack_of({"type": "webhook.test", "data": {"message": ""}})


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=30),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=20,
)
FIELDS = st.sampled_from(
    [
        "title",
        "slug",
        "version",
        "url",
        "actor",
        "summary",
        "approvals",
        "review",
        "review_request",
        "effective_at",
        "changes",
        "stale_dependents",
        "previous_version",
        "backdated",
        "acknowledgements_due",
        "message",
        "reason",
    ]
)
TYPES = st.sampled_from(
    [
        "definition.published",
        "message.approved",
        "asset.effective",
        "definition.review_requested",
        "webhook.test",
        "webhook.disabled",
        "definition.acknowledgement_overdue",
        "x",
    ]
)


@settings(max_examples=300, deadline=None)  # a busy machine is no failure
@given(TYPES, st.dictionaries(FIELDS, JSON_VALUES, max_size=8), st.text(max_size=40))
def test_any_event_data_renders_to_valid_chat_messages(event_type: str, data: dict[str, Any], text: str) -> None:
    envelope = {"type": event_type, "timestamp": "2026-12-01T09:00:00Z", "data": {**data, "title": text}}
    for text_ in slack_texts(slack_of(envelope)):
        assert re.findall(r"<(?!https?://)", text_) == []
    teams_of(envelope)


@given(st.text(max_size=200))
def test_any_user_text_stays_literal(text: str) -> None:
    message = ChatMessage(subject=text, headline=f"{text} published", details=[text], facts=[("Entry", text)], url=None)
    slack = slack_message(message)
    jsonschema.validate(slack, SLACK_MESSAGE)
    for block in slack["blocks"]:
        for text_ in [block["text"]["text"]] if "text" in block else [e["text"] for e in block["elements"]]:
            assert "<" not in text_
            assert not re.search(r"&(?!amp;|lt;|gt;)", text_)
    teams = teams_message(message)
    jsonschema.validate(teams, TEAMS_MESSAGE)
    assert msgspec.json.decode(msgspec.json.encode(teams)) == teams
