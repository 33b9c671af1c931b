"""The bodies Canon sends in each subscription format: `standard` (the Standard Webhooks envelope, as stored),
`slack` (a Slack incoming-webhook message: `text` plus Block Kit `blocks`) and `teams` (a Microsoft Teams message,
for a Workflows "when a Teams webhook request is received" flow or an incoming webhook, with one Adaptive Card).

Pure code: `render(format, payload)` turns the stored envelope into the bytes to sign and send. The chat formats say
the event in words (`messages.describe`) and escape every piece of user text for their markup, so titles, names,
comments and rule values can neither format the message, nor break its JSON, nor mention anyone:

- Slack: `&`, `<` and `>` become `&amp;`, `&lt;`, `&gt;` (the only three Slack decodes), so `<!channel>`, `<@U123>`
  or a `<url|label>` link cannot be written; text objects are `verbatim`, so Slack adds no links or mentions of its
  own; and a word joiner follows every `@` that starts a word, so a plain `@channel` or `@here` stays text. Texts
  stay within Block Kit's limits (a text object holds 1 to 3,000 characters, a message 50 blocks, a context block 10
  elements); the top-level `text` is the notification's fallback.
- Teams: Adaptive Card TextBlocks and facts take Markdown, no HTML; Markdown's punctuation is backslash-escaped, so
  user text cannot become a link, emphasis or heading, `{{` cannot start a DATE/TIME function, and `<at>` is text
  (a Teams mention needs an entity in `msteams.entities`, which Canon never sends).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from typing import Any, Final
from urllib.parse import quote

import msgspec

from service.webhooks.messages import ChatMessage, describe

__all__ = ["WebhookFormat", "render", "slack_message", "teams_message"]


class WebhookFormat(enum.StrEnum):
    """What each delivery's body is: `standard`, the Standard Webhooks envelope; `slack`, a Slack incoming-webhook
    message (`text` and Block Kit `blocks`); `teams`, a Microsoft Teams message with an Adaptive Card. Every format
    is signed the same way (docs/webhooks.md)."""

    standard = "standard"
    slack = "slack"
    teams = "teams"


SLACK_TEXT_MAX: Final = 3000  # characters in one Block Kit text object (and our fallback `text`)
SLACK_BLOCKS_MAX: Final = 50
SLACK_CONTEXT_ELEMENTS_MAX: Final = 10
ADAPTIVE_CARD_VERSION: Final = "1.4"  # what Teams renders in channels (Workflows too)
ADAPTIVE_CARD_TYPE: Final = "application/vnd.microsoft.card.adaptive"
ADAPTIVE_CARD_SCHEMA: Final = "http://adaptivecards.io/schemas/adaptive-card.json"
TEAMS_TEXT_MAX: Final = 2000  # Canon's own bound per TextBlock: a card stays far below Teams' 28 KB

_encoder = msgspec.json.Encoder()
_SLACK_ESCAPES: Final = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_MENTION = re.compile(r"(?<![\w@])@(?=\w)")
_WORD_JOINER: Final = "\u2060"
_MARKDOWN_SPECIALS: Final = frozenset("\\`*_~[]#<>{}")
_LIST_MARKER = re.compile(r"^(\s*)([-+]|\d+\.)(?=\s)")


def render(format: str, payload: bytes) -> bytes:
    """The body to sign and send for a delivery whose stored Standard Webhooks envelope is `payload`. `standard`
    (and any format this code does not know) sends the envelope unchanged, byte for byte."""
    build = _BUILDERS.get(format)
    if build is None:
        return payload
    return _encoder.encode(build(describe(msgspec.json.decode(payload))))


# --- Slack ----------------------------------------------------------------------------------------------------------


def slack_message(message: ChatMessage) -> dict[str, Any]:
    """A Slack incoming-webhook message: `text` (what notifications show) and `blocks` (what the channel shows)."""
    title = _slack_within(message.subject, SLACK_TEXT_MAX // 2)
    subject = f"<{_slack_url(message.url)}|{title}>" if message.url else title
    rest = message.headline[len(message.subject) :] if message.headline.startswith(message.subject) else ""
    headline = f"*{subject}*{_slack_within(rest, SLACK_TEXT_MAX // 2 - 4)}"
    blocks: list[dict[str, Any]] = [_slack_section(headline)]
    if message.details:
        lines = [f"• {_slack(detail)}" for detail in message.details]
        blocks.append(_slack_section(_slack_lines(lines)))
    facts = [_slack_mrkdwn(f"{_slack(name)}: *{_slack(value)}*") for name, value in message.facts]
    if message.url:
        facts.append(_slack_mrkdwn(f"<{_slack_url(message.url)}|Open in Canon>"))
    if facts:
        blocks.append({"type": "context", "elements": facts[:SLACK_CONTEXT_ELEMENTS_MAX]})
    return {
        "text": _slack_within(message.sentence, SLACK_TEXT_MAX) if message.sentence.strip() else "Canon",
        "blocks": blocks[:SLACK_BLOCKS_MAX],
        "unfurl_links": False,
        "unfurl_media": False,
    }


def _slack_section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": _slack_mrkdwn(text)}


def _slack_mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text if text.strip() else "-", "verbatim": True}  # never blank: Slack refuses it


def _slack(text: str) -> str:
    """User text made inert in Slack mrkdwn: `@word` kept from mentioning, the three control characters escaped."""
    return "".join(_SLACK_ESCAPES.get(char, char) for char in _MENTION.sub("@" + _WORD_JOINER, text))


def _slack_within(text: str, limit: int) -> str:
    """`_slack(text)`, cut (with `…`) so it has at most `limit` characters without splitting an escape."""
    escaped = _slack(text)
    if len(escaped) <= limit:
        return escaped
    pieces: list[str] = []
    size = 0
    for char in _MENTION.sub("@" + _WORD_JOINER, text):
        piece = _SLACK_ESCAPES.get(char, char)
        if size + len(piece) > limit - 1:
            break
        pieces.append(piece)
        size += len(piece)
    return "".join(pieces) + "…"


def _slack_lines(lines: list[str]) -> str:
    """Lines joined within one text object's limit; those that do not fit are counted instead."""
    kept: list[str] = []
    size = 0
    for index, given in enumerate(lines):
        line = given if len(given) <= SLACK_TEXT_MAX - 40 else given[: SLACK_TEXT_MAX - 41] + "…"
        if size + len(line) + 1 > SLACK_TEXT_MAX - 40:
            kept.append(f"… and {len(lines) - index} more")
            break
        kept.append(line)
        size += len(line) + 1
    return "\n".join(kept)


def _slack_url(url: str) -> str:
    """A URL inside `<url|label>`: `|` and `>` would end it, `&` and `<` are Slack's escapes."""
    return quote(url, safe=":/?#[]@!$&'()*+,;=%~-._").replace("&", "&amp;")


# --- Microsoft Teams --------------------------------------------------------------------------------------------------


def teams_message(message: ChatMessage) -> dict[str, Any]:
    """A Teams message with one Adaptive Card attachment (`type: message`, `attachments[0].contentType`
    application/vnd.microsoft.card.adaptive, `content` the card: `type: AdaptiveCard`, `version`, `body`)."""
    body: list[dict[str, Any]] = [
        _text_block(message.headline, weight="Bolder", size="Medium"),
    ]
    body += [_text_block(detail) for detail in message.details]
    if message.facts:
        body.append(
            {
                "type": "FactSet",
                "facts": [{"title": _markdown(name), "value": _markdown(value)} for name, value in message.facts],
            }
        )
    card: dict[str, Any] = {
        "$schema": ADAPTIVE_CARD_SCHEMA,
        "type": "AdaptiveCard",
        "version": ADAPTIVE_CARD_VERSION,
        "body": body,
        "msteams": {"width": "Full"},
    }
    if message.url:
        card["actions"] = [{"type": "Action.OpenUrl", "title": "Open in Canon", "url": message.url}]
    return {
        "type": "message",
        "attachments": [{"contentType": ADAPTIVE_CARD_TYPE, "contentUrl": None, "content": card}],
    }


def _text_block(text: str, **style: str) -> dict[str, Any]:
    shown = _markdown(_cut(text, TEAMS_TEXT_MAX)) if text.strip() else "-"
    return {"type": "TextBlock", "text": shown, "wrap": True, **style}


def _markdown(text: str) -> str:
    """User text made literal in Adaptive Card Markdown: the characters that open a construct (emphasis, code, link,
    heading, quote, HTML, a DATE/TIME function) backslash-escaped, and a list marker at its start too."""
    escaped = "".join(f"\\{char}" if char in _MARKDOWN_SPECIALS else char for char in text)
    return _LIST_MARKER.sub(_escaped_marker, escaped, count=1)


def _escaped_marker(found: re.Match[str]) -> str:
    marker = found[2]
    return found[1] + (f"{marker[:-1]}\\." if marker.endswith(".") else f"\\{marker}")


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


_BUILDERS: Final[dict[str, Callable[[ChatMessage], dict[str, Any]]]] = {
    WebhookFormat.slack: slack_message,
    WebhookFormat.teams: teams_message,
}
