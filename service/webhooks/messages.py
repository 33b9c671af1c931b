"""What an event says to a person: the words of a chat message, before any chat's own markup (`formats.py`).

`describe` reads a Standard Webhooks envelope as stored for delivery (`{"type", "timestamp", "data"}`, JSON builtins)
and says it in words: a headline ("Marketing Qualified Lead v3 published by Ana Ruiz"), details ("approved by sales
(Bob Lee) and marketing (Cy Moss)", the change summary, "in effect from 1 Jan 2027"), facts and the entry's link.
Pure code; it never raises, whatever the envelope holds: a message is better than a delivery that cannot be sent.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from typing import Final
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec

from service.domain.change_summary import day_words

__all__ = ["ChatMessage", "describe", "join_words"]


class ChatMessage(msgspec.Struct, frozen=True):
    """A message in plain words (no markup: each format escapes it its own way).

    `subject` is what the headline is about (linked to `url` where a format can), `headline` the whole first line
    (it starts with `subject`), `details` the further lines, `facts` short name/value pairs, and `url` an absolute
    http(s) link to the entry, or None when the event has none (a relative `url`: `CANON_PUBLIC_URL` is unset)."""

    subject: str
    headline: str
    details: list[str]
    facts: list[tuple[str, str]]
    url: str | None

    @property
    def sentence(self) -> str:
        """Everything on one line: "MQL v3 published by Ana Ruiz; approved by ...; lead_score ≥ 60 (was ≥ 50)"."""
        return "; ".join([self.headline, *self.details])


_Data = Mapping[str, object]


def describe(envelope: object) -> ChatMessage:
    """The message for one event envelope."""
    event = envelope if isinstance(envelope, Mapping) else {}
    event_type = _text(event.get("type")) or "event"
    data: _Data = _mapping(event.get("data"))
    if event_type == "webhook.test":
        return _message("Test from Canon", "", [_text(data.get("message"))], [("Event", event_type)], None)
    if event_type == "webhook.disabled":
        endpoint = _text(data.get("url"))
        return _message(
            "Canon stopped sending to an endpoint",
            "",
            [f"endpoint: {endpoint}", f"reason: {_text(data.get('reason'))}"],
            [("Event", event_type)],
            None,
        )
    if event_type == "webhook.digest":
        return _digest_message(data)
    return _entry_message(event_type, data)


DIGEST_ENTRIES_SHOWN: Final = 15  # lines a chat message shows; the rest are counted


def _digest_message(data: _Data) -> ChatMessage:
    """A headline ("Canon digest: 12 changes to 4 entries") and a line per entry ("MQL (definition mql): draft
    updated 5 times, published v3 by Ana Ruiz")."""
    entries = [_mapping(entry) for entry in _list(data.get("entries"))]
    count = data.get("events")
    changes = count if isinstance(count, int) and not isinstance(count, bool) else len(entries)
    period = _mapping(data.get("period"))
    lines = [_digest_line(entry) for entry in entries[:DIGEST_ENTRIES_SHOWN]]
    if len(entries) > DIGEST_ENTRIES_SHOWN:
        lines.append(f"and {len(entries) - DIGEST_ENTRIES_SHOWN} more entries")
    words = f"{changes} change{'s' if changes != 1 else ''} to {len(entries)} entr{'ies' if len(entries) != 1 else 'y'}"
    facts = [("Period", _period_words(period)), ("Event", "webhook.digest")]
    return ChatMessage(subject="Canon digest", headline=f"Canon digest: {words}", details=lines, facts=facts, url=None)


def _digest_line(entry: _Data) -> str:
    title = _text(entry.get("title")) or _text(entry.get("slug"))
    name = f"{title} ({_text(entry.get('kind'))} {_text(entry.get('slug'))})".strip()
    said = []
    for line in (_mapping(item) for item in _list(entry.get("lines"))):
        action = _text(line.get("type")).rpartition(".")[2].replace("_", " ") or "changed"
        version = line.get("version")
        if action in {"published", "effective", "approved", "rejected", "submitted"} and isinstance(version, int):
            action += f" v{version}"
        times = line.get("count")
        if isinstance(times, int) and not isinstance(times, bool) and times > 1:
            action += f" {times} times"
        said.append(action + _by(_text(line.get("actor"))))
    omitted = entry.get("omitted_lines")
    if isinstance(omitted, int) and not isinstance(omitted, bool) and omitted > 0:
        said.insert(0, f"{omitted} earlier changes")
    return f"{name}: {', '.join(said)}" if said else name


def _period_words(period: _Data) -> str:
    """`3 Dec 2026 09:00 to 4 Dec 2026 09:00 (Europe/Berlin)` on the digest's own clock (UTC if it has none)."""
    name = _text(period.get("timezone")) or "UTC"
    try:
        zone: dt.tzinfo = ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        zone, name = dt.UTC, "UTC"

    def moment(value: object) -> str:
        try:
            instant = dt.datetime.fromisoformat(_text(value))
        except ValueError:
            return _text(value)
        local = instant.astimezone(zone) if instant.tzinfo is not None else instant
        return f"{day_words(local.date())} {local:%H:%M}"

    return f"{moment(period.get('start'))} to {moment(period.get('end'))} ({name})"


def _entry_message(event_type: str, data: _Data) -> ChatMessage:
    kind, _, action = event_type.partition(".")
    title = _text(data.get("title")) or _text(data.get("slug")) or kind
    version = data.get("version")
    subject = f"{title} v{version}" if isinstance(version, int) and not isinstance(version, bool) else title
    who = _text(_mapping(data.get("actor")).get("name")) or _text(_mapping(data.get("actor")).get("subject"))
    words, details = _ACTIONS.get(action, _other)(data, who, action)
    summary = _text(data.get("summary"))
    if summary and action in _SUMMARISED:
        details.append(summary)
    details.extend(_timing(data, action))
    facts = [("Entry", f"{kind} {_text(data.get('slug'))}".strip()), ("Event", event_type)]
    return _message(subject, words, details, facts, _link(data.get("url")))


def _message(
    subject: str, words: str, details: list[str], facts: list[tuple[str, str]], url: str | None
) -> ChatMessage:
    headline = f"{subject} {words}".strip()
    return ChatMessage(subject=subject, headline=headline, details=[d for d in details if d], facts=facts, url=url)


# --- each action in words -------------------------------------------------------------------------------------------

_Said = tuple[str, list[str]]


def _by(who: str) -> str:
    return f" by {who}" if who else ""


def _created(data: _Data, who: str, action: str) -> _Said:
    return f"created{_by(who)} as a draft", []


def _updated(data: _Data, who: str, action: str) -> _Said:
    changed = _strings(data.get("changes"))
    return f"updated{_by(who)}", [f"changed: {', '.join(changed)}"] if changed else []


def _draft_updated(data: _Data, who: str, action: str) -> _Said:
    changed = _strings(data.get("changes"))
    return f"draft edited{_by(who)}", [f"changed: {', '.join(changed)}"] if changed else []


def _submitted(data: _Data, who: str, action: str) -> _Said:
    return f"submitted for review{_by(who)}", []


def _review_requested(data: _Data, who: str, action: str) -> _Said:
    request = _mapping(data.get("review_request"))
    team = _text(request.get("team"))
    details = [f"review due by {_day(request.get('due_at'))}"] if request.get("due_at") else []
    pending = [t for t in _strings(request.get("pending_teams")) if t != team]
    if pending:
        details.append(f"also awaiting {join_words(pending)}")
    return f"awaits review by {team or 'a team'}", details


def _review_overdue(data: _Data, who: str, action: str) -> _Said:
    request = _mapping(data.get("review_request"))
    details = [f"review was due by {_day(request.get('due_at'))}"] if request.get("due_at") else []
    return f"review by {_text(request.get('team')) or 'a team'} is overdue", details


def _approved(data: _Data, who: str, action: str) -> _Said:
    review = _mapping(data.get("review"))
    team = _text(review.get("team"))
    missing = _strings(review.get("missing_teams"))
    details = [f"still awaiting {join_words(missing)}" if missing else "approved by every team it needs"]
    details.extend(_comment(review))
    return f"approved{f' for {team}' if team else ''}{_by(who)}", details


def _rejected(data: _Data, who: str, action: str) -> _Said:
    review = _mapping(data.get("review"))
    team = _text(review.get("team"))
    return f"sent back to draft{_by(who)}{f' ({team})' if team else ''}", _comment(review)


def _published(data: _Data, who: str, action: str) -> _Said:
    details = []
    approvals = [_mapping(a) for a in _list(data.get("approvals"))]
    if approvals:
        details.append("approved by " + join_words([_approval(a) for a in approvals]))
    stale = _list(data.get("stale_dependents"))
    if stale:
        details.append(f"{len(stale)} {'entry cites' if len(stale) == 1 else 'entries cite'} an older version")
    return f"published{_by(who)}", details


def _effective(data: _Data, who: str, action: str) -> _Said:
    previous = data.get("previous_version")
    return "is now in effect", [f"replacing v{previous}"] if isinstance(previous, int) else []


def _acknowledgement_overdue(data: _Data, who: str, action: str) -> _Said:
    due = _mapping(data.get("acknowledgements_due"))
    people = [_mapping(p) for p in _list(due.get("people"))]
    names = [_text(p.get("name")) or _text(p.get("subject")) for p in people]
    details = [f"not yet acknowledged by {join_words(names, limit=10)}"] if names else []
    return f"awaits acknowledgement from {join_words(_strings(due.get('teams'))) or 'its teams'}", details


def _simple(words: str) -> Callable[[_Data, str, str], _Said]:
    def said(data: _Data, who: str, action: str) -> _Said:
        return words.format(by=_by(who)), []

    return said


def _other(data: _Data, who: str, action: str) -> _Said:
    return f"{action.replace('_', ' ')}{_by(who)}", []


_ACTIONS: Final[dict[str, Callable[[_Data, str, str], _Said]]] = {
    "created": _created,
    "updated": _updated,
    "draft_updated": _draft_updated,
    "submitted": _submitted,
    "review_requested": _review_requested,
    "review_overdue": _review_overdue,
    "approved": _approved,
    "rejected": _rejected,
    "published": _published,
    "effective": _effective,
    "acknowledgement_overdue": _acknowledgement_overdue,
    "citation_stale": _simple("cites a version no longer in effect"),
    "retired": _simple("retired{by}"),
    "restored": _simple("restored{by}"),
    "expiring": _simple("expires soon"),
    "expired": _simple("has expired"),
}
# Events whose summary (the change against the version in effect) is worth a line.
_SUMMARISED: Final = frozenset({"submitted", "review_requested", "approved", "rejected", "published", "effective"})


def _timing(data: _Data, action: str) -> list[str]:
    if action not in {"published", "effective"} or not data.get("effective_at"):
        return []
    day = _day(data.get("effective_at"))
    return [f"in effect from {day}" + (" (backdated)" if data.get("backdated") is True else "")]


def _approval(approval: _Data) -> str:
    team = _text(approval.get("team"))
    name = _text(approval.get("name")) or _text(approval.get("by"))
    return f"{team} ({name})" if team and name else team or name


def _comment(review: _Data) -> list[str]:
    comment = _text(review.get("comment"))
    return [f"“{comment}”"] if comment else []


# --- small readers that never raise -------------------------------------------------------------------------------


def join_words(items: Sequence[str], *, limit: int = 20) -> str:
    """`a`, `a and b`, `a, b and c`; past `limit` items, `a, b, ... and 7 more`."""
    shown = [item for item in items if item]
    if len(shown) > limit:
        return f"{', '.join(shown[:limit])} and {len(shown) - limit} more"
    if len(shown) <= 1:
        return "".join(shown)
    return f"{', '.join(shown[:-1])} and {shown[-1]}"


def _mapping(value: object) -> _Data:
    return value if isinstance(value, Mapping) else {}


def _list(value: object) -> list[object]:
    return list(value) if isinstance(value, list | tuple) else []


def _strings(value: object) -> list[str]:
    return [_text(item) for item in _list(value) if _text(item)]


def _text(value: object) -> str:
    """A value as one line of text ("" for nothing)."""
    if value is None or isinstance(value, Mapping | list | tuple):
        return ""
    return " ".join(str(value).split())


def _day(value: object) -> str:
    """`1 Jan 2027` for an RFC 3339 instant or a date (in UTC); the text itself if it is neither."""
    text = _text(value)
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return text
    if moment.tzinfo is not None:
        moment = moment.astimezone(dt.UTC)
    return day_words(moment.date())


def _link(value: object) -> str | None:
    """The entry's URL if it is an absolute http(s) URL a chat can open."""
    url = _text(value)
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme in {"http", "https"} and parts.netloc else None
