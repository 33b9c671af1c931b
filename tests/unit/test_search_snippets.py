"""Snippets of the PostgreSQL search backend, cut and marked in Python from the words PostgreSQL names."""

from __future__ import annotations

import html
import re

from hypothesis import given
from hypothesis import strategies as st

from service.search.snippets import LEAD_CHARS, PASSAGE_CHARS, PASSAGES, snippet

FILLER = " ".join(f"word{n}" for n in range(200))  # ~1,600 characters without a match


def marked(text: str) -> list[str]:
    return re.findall(r"<mark>(.*?)</mark>", text)


def test_whole_words_are_marked_whatever_their_case() -> None:
    result = snippet("Cycles and the sales cycle; recycle bins.", ["cycle", "cycles"])
    assert marked(result) == ["Cycles", "cycle"]  # not the "cycle" inside "recycle"
    assert result == "<mark>Cycles</mark> and the sales <mark>cycle</mark>; recycle bins."


def test_the_longest_word_wins_where_one_word_begins_another() -> None:
    assert marked(snippet("slack and slate and sla", ["sla", "slack", "slate"])) == ["slack", "slate", "sla"]


def test_accented_text_matches_folded_words_and_keeps_its_accents() -> None:
    result = snippet("Le rôle du champion, QUALIFIÉ.", ["role", "qualifie"])
    assert marked(result) == ["rôle", "QUALIFIÉ"]


def test_text_is_escaped_and_cannot_forge_marks() -> None:
    result = snippet("audit <security> logs & <mark>fake</mark> \ue000x\ue001", ["audit", "logs"])
    assert marked(result) == ["audit", "logs"]
    assert "&lt;security&gt;" in result
    assert "&amp;" in result
    assert "&lt;mark&gt;fake&lt;/mark&gt;" in result


def test_without_a_match_the_snippet_is_the_beginning_cut_at_a_word() -> None:
    result = snippet(FILLER, ["absent"])
    assert FILLER.startswith(result)
    assert len(result) <= PASSAGE_CHARS
    assert FILLER[len(result)] == " "  # ends with a whole word
    assert snippet(FILLER, []) == result


def test_a_match_deep_in_the_text_is_shown_with_a_little_before_it() -> None:
    text = f"{FILLER} the pipeline review {FILLER}"
    result = snippet(text, ["pipeline"])
    assert marked(result) == ["pipeline"]
    before = result.split("<mark>")[0]
    assert 0 < len(before) <= LEAD_CHARS
    assert text.index(before.strip()) > 0
    assert not result.startswith("word0 ")


def test_far_apart_matches_give_two_passages_and_no_more() -> None:
    text = f"alpha {FILLER} beta {FILLER} gamma {FILLER}"
    result = snippet(text, ["alpha", "beta", "gamma"])
    assert marked(result) == ["alpha", "beta"]
    assert result.count(" … ") == PASSAGES - 1


def test_whitespace_runs_become_single_spaces() -> None:
    assert snippet("a\n\n  pipeline\tb", ["pipeline"]) == "a <mark>pipeline</mark> b"


@given(
    st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x2FF) | st.sampled_from(["é", "ß", "İ", "…", "\n"])),
    st.lists(st.text(alphabet="abcdeé", min_size=1, max_size=4), max_size=5),
)
def test_any_text_gives_escaped_marked_text(text: str, words: list[str]) -> None:
    result = snippet(text, words)
    unmarked = result.replace("<mark>", "").replace("</mark>", "")
    assert "<" not in unmarked
    assert ">" not in unmarked
    for word in marked(result):
        assert word
        assert re.fullmatch(r"[^\W_]+", html.unescape(word))
