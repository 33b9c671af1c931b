"""When a citation is stale, and when it becomes so: the rule, held to every history of a cited entry's version in
effect; and search documents carry the stale citations to Meilisearch and back unchanged."""

from __future__ import annotations

import msgspec
from hypothesis import given
from hypothesis import strategies as st

from service.domain.citations import becomes_stale, is_stale
from service.domain.events import StaleCitation
from service.search import meili_requests as req
from service.search.base import SearchDocument


def test_a_citation_is_stale_once_a_newer_version_is_in_effect() -> None:
    assert not is_stale(1, None)  # nothing in effect: nothing replaced it
    assert not is_stale(2, 2)
    assert not is_stale(3, 2)  # a scheduled version, not in effect yet
    assert is_stale(1, 2)


def test_it_becomes_stale_when_the_version_in_effect_passes_it() -> None:
    assert becomes_stale(1, 1, 2)
    assert becomes_stale(1, None, 2)  # cited while only scheduled, then replaced before it took effect
    assert becomes_stale(3, 2, 4)  # a scheduled version cancelled by a later one
    assert not becomes_stale(1, 2, 3)  # stale already
    assert not becomes_stale(2, 1, 2)  # now in effect: fresh
    assert not becomes_stale(3, 1, 2)  # still to come


@given(st.integers(1, 20), st.lists(st.integers(1, 20), min_size=1, max_size=12))
def test_each_citation_is_announced_at_most_once_as_the_version_in_effect_moves_on(
    cited: int, steps: list[int]
) -> None:
    """Versions take effect in the order they are numbered (a newer one is published later): however the version in
    effect moves forward, a citation becomes stale once, exactly when it is first passed."""
    moments = sorted(set(steps))
    previous: int | None = None
    announced = 0
    for current in moments:
        announced += becomes_stale(cited, previous, current)
        previous = current
    assert announced == (1 if moments[-1] > cited else 0)


def test_meilisearch_documents_keep_stale_citations_and_hits_return_them() -> None:
    behind = [StaleCitation("definition", "mql", 1, 3), StaleCitation("message", "pitch", 2, 4)]
    doc = SearchDocument(kind="message", slug="why", version=2, title="Why", stale_citations=behind)
    body = req.document(doc)
    assert body["stale_citations"] == [
        {"kind": "definition", "slug": "mql", "cited_version": 1, "current_version": 3},
        {"kind": "message", "slug": "pitch", "cited_version": 2, "current_version": 4},
    ]
    assert "stale_citations" in req.RETRIEVE
    assert "stale_citations" not in req.INDEX_SETTINGS["searchableAttributes"]
    response = req.response_decoder.decode(
        msgspec.json.encode({"hits": [{key: body[key] for key in req.RETRIEVE if key in body}]})
    )
    assert req.hit(response.hits[0], scored=False).stale_citations == behind
    bare = req.response_decoder.decode(b'{"hits": [{"kind": "message", "slug": "old", "title": "Old", "version": 1}]}')
    assert req.hit(bare.hits[0], scored=False).stale_citations == []  # documents indexed before they had any
