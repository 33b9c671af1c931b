"""Snippets of the PostgreSQL search backend: up to two passages of a hit's text around the words of the query,
those words in <mark>, everything else HTML-escaped.

PostgreSQL names the words to mark (every vocabulary word whose stem is one of the query's terms, or begins with a
prefix term: "cycle", "cycles" for `cycl`), so the text itself is never parsed or stemmed at search time: that was
`ts_headline`, which parsed every word of every hit on each search (decision 26). Words are split and folded (lower
case, accents dropped) as the vocabulary splits and folds them.
"""

from __future__ import annotations

import functools
import html
import re
import unicodedata
from collections.abc import Iterator, Sequence
from typing import Any

from service.search.base import MARK_CLOSE, MARK_OPEN

PASSAGES = 2
LEAD_CHARS = 60  # of text kept before a passage's first marked word
PASSAGE_CHARS = 240  # a passage's length, about 30 words; also the length of a snippet with nothing to mark
_SPACES = re.compile(r"\s+")
_SPACING = re.compile(r"\s{2,}|[^\S ]")  # what becomes one space: single spaces are left alone, which is faster
_OPEN, _CLOSE = "\ue000", "\ue001"  # placeholders for the marks (private-use characters)


def snippet(text: str, words: Sequence[str]) -> str:
    """`text` cut down to the passages around `words` (folded: lower case, no accents), marked; without any of
    them, its beginning."""
    pattern = _pattern(tuple(words)) if words else None
    if _OPEN in text or _CLOSE in text:  # the placeholders must not come from the text
        text = text.replace(_OPEN, "").replace(_CLOSE, "")
    found = list(_first_matches(text, pattern)) if pattern else []
    if not found:
        return _escaped(text[: _word_end(text, PASSAGE_CHARS)])
    return " … ".join(_passage(text, found, start, end) for start, end in _passages(text, found))


def _first_matches(text: str, pattern: re.Pattern[str]) -> Iterator[tuple[int, int]]:
    """(start, end) of each of the words in `text`, as far as the passages can show: the scan stops at the first
    match past the last passage's reach."""
    folded = text.lower()  # one character for one (checked), so positions stay those of `text`
    if len(folded) != len(text):
        folded = text.translate(_FOLD)
    elif not folded.isascii():
        folded = _NON_ASCII.sub(_fold_char, folded)
    reach: int | None = None
    passages = 0
    for match in pattern.finditer(folded):
        start = match.start()
        if start and folded[start - 1].isalnum():
            continue  # inside a longer word
        if reach is None or start >= reach:
            passages += 1
            if passages > PASSAGES:
                return
            reach = start + PASSAGE_CHARS - LEAD_CHARS
        yield match.span()


@functools.lru_cache(maxsize=512)
def _pattern(words: tuple[str, ...]) -> re.Pattern[str] | None:
    """The words as one regular expression, factored like a trie ("sla", "slack", "slate" as `sla(?:ck|te)?`):
    Python tries every alternative at every position, and a query's prefix term can name a hundred words.
    The end must be a word's end; the start is checked by the caller (a look-behind would slow every position)."""
    trie: dict[str, Any] = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}
    body = _alternatives(trie)
    return re.compile(f"{body}(?![^\\W_])") if body else None


def _alternatives(node: dict[str, Any]) -> str:
    branches = [re.escape(char) + _alternatives(child) for char, child in sorted(node.items()) if char]
    if not branches:
        return ""
    joined = branches[0] if len(branches) == 1 else f"(?:{'|'.join(branches)})"
    if "" in node:  # a word ends here: what follows is optional
        return f"(?:{joined})?"
    return joined


class _FoldTable(dict[int, int]):
    """`str.translate` table: each character to its lower-case, unaccented form where that is one character
    (as `canon_fold` folds words), else itself. Filled as characters are met."""

    def __missing__(self, code: int) -> int:
        lowered = chr(code).lower()
        base = "".join(c for c in unicodedata.normalize("NFKD", lowered) if not unicodedata.combining(c))
        folded = ord(base) if len(base) == 1 else ord(lowered) if len(lowered) == 1 else code
        self[code] = folded
        return folded


_FOLD = _FoldTable()
_NON_ASCII = re.compile(r"[^\x00-\x7f\u2000-\u206f]")  # general punctuation ("…") needs no folding


def _fold_char(match: re.Match[str]) -> str:
    return chr(_FOLD[ord(match.group())])


def _passages(text: str, found: list[tuple[int, int]]) -> Iterator[tuple[int, int]]:
    """(start, end) of each passage: from a little before a match not yet shown, cut at whole words."""
    shown_until = 0
    for first, last in found:
        if first < shown_until:
            continue
        start = _word_start(text, max(shown_until, first - LEAD_CHARS), first)
        end = max(_word_end(text, start + PASSAGE_CHARS), last)
        shown_until = end
        yield start, end


def _passage(text: str, found: list[tuple[int, int]], start: int, end: int) -> str:
    """The passage with its words between placeholders, escaped in one go, the placeholders then made marks."""
    parts: list[str] = []
    at = start
    for first, last in found:
        if first < start or last > end:
            continue
        parts += [text[at:first], _OPEN, text[first:last], _CLOSE]
        at = last
    parts.append(text[at:end])
    return _escaped("".join(parts)).replace(_OPEN, MARK_OPEN).replace(_CLOSE, MARK_CLOSE).strip()


def _word_start(text: str, at: int, limit: int) -> int:
    """`at`, moved forward past a word it falls inside (never beyond `limit`)."""
    if at == 0 or text[at - 1].isspace():
        return at
    space = _SPACES.search(text, at, limit)
    return space.end() if space else at


def _word_end(text: str, at: int) -> int:
    """`at`, moved back to the end of the last whole word before it (or the end of `text`)."""
    if at >= len(text):
        return len(text)
    if text[at].isspace():
        return at
    cut = max(text.rfind(" ", 0, at), text.rfind("\n", 0, at))
    return cut if cut > 0 else at


def _escaped(text: str) -> str:
    return html.escape(_SPACING.sub(" ", text), quote=False)
