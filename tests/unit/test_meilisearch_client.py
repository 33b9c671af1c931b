"""The Meilisearch backend's requests and how it reads the answers, against an `httpx.MockTransport` that plays a
small Meilisearch (indexes, asynchronous tasks, scripted search answers). Behaviour against a real server is the
shared suite's job (`tests/integration/test_search_behaviour.py`, with `CANON_TEST_MEILISEARCH_URL`)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any, cast

import httpx
import pytest

from service.config import Settings
from service.search import meili_requests as req
from service.search import meilisearch as backend
from service.search.base import SearchDocument, SearchError, SearchIndex, SearchQuery, SearchResult
from service.search.meili_client import MeilisearchError
from service.search.meilisearch import MeilisearchIndex
from service.wiring import build_search_index

NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
NOW_MS = 1_795_435_200_000


@dataclass
class FakeMeili:
    """Enough of Meilisearch for the client: indexes, tasks that finish as told, scripted search answers."""

    indexes: set[str] = field(default_factory=set)
    requests: list[httpx.Request] = field(default_factory=list)
    tasks: dict[int, dict[str, Any]] = field(default_factory=dict)
    fail: Callable[[httpx.Request], dict[str, str] | None] = lambda _request: None
    search_answer: dict[str, Any] = field(default_factory=lambda: {"hits": [], "estimatedTotalHits": 0})
    fail_search: dict[str, str] | None = None  # answered (403) to searches instead of `search_answer`
    task_status: str = "succeeded"

    def calls(self) -> list[str]:
        """Every request but task polls, as `METHOD path?query`."""
        return [
            f"{r.method} {r.url.path}" + (f"?{r.url.query.decode()}" if r.url.query else "")
            for r in self.requests
            if not r.url.path.startswith("/tasks/")
        ]

    def bodies(self, method: str, path: str) -> list[Any]:
        return [json.loads(r.content) for r in self.requests if r.method == method and r.url.path == path]

    def _task(self, request: httpx.Request, kind: str, index: str | None, effect: Callable[[], None]) -> httpx.Response:
        uid = len(self.tasks) + 1
        error = self.fail(request)
        task = {"uid": uid, "indexUid": index, "status": self.task_status, "type": kind, "error": None}
        if error is not None:
            task.update(status="failed", error={"message": error["message"], "code": error["code"], "type": "invalid"})
        else:
            effect()
        self.tasks[uid] = task
        return httpx.Response(202, json={"taskUid": uid, "indexUid": index, "status": "enqueued", "type": kind})

    def handle(self, request: httpx.Request) -> httpx.Response:  # noqa: PLR0911  # one route per return
        self.requests.append(request)
        path, method = request.url.path, request.method
        parts = path.strip("/").split("/")
        if path == "/health":
            return httpx.Response(200, json={"status": "available"})
        if parts[0] == "tasks":
            return httpx.Response(200, json=self.tasks[int(parts[1])])
        if path == "/indexes" and method == "POST":
            uid = json.loads(request.content)["uid"]
            return self._task(request, "indexCreation", uid, lambda: self.indexes.add(uid))
        if path == "/swap-indexes":
            return self._task(request, "indexSwap", None, lambda: None)
        if self.fail_search is not None and path.endswith("search"):
            return httpx.Response(403, json=self.fail_search)
        if path == "/multi-search":
            if any(q["indexUid"] not in self.indexes for q in json.loads(request.content)["queries"]):
                return httpx.Response(400, json={"message": "Index not found.", "code": "index_not_found"})
            return httpx.Response(200, json=self.search_answer)
        index = parts[1]
        if index not in self.indexes:
            return httpx.Response(404, json={"message": f"Index `{index}` not found.", "code": "index_not_found"})
        if len(parts) == 2 and method == "GET":
            return httpx.Response(200, json={"uid": index, "primaryKey": "id"})
        if len(parts) == 2 and method == "DELETE":
            return self._task(request, "indexDeletion", index, lambda: self.indexes.discard(index))
        if parts[2] == "search":
            return httpx.Response(200, json=self.search_answer)
        return self._task(request, "/".join(parts[2:]), index, lambda: None)


@pytest.fixture
def meili() -> FakeMeili:
    return FakeMeili()


FUNNEL = b"funnel".hex()  # how Meilisearch stores and filters the tag "funnel"


@pytest.fixture
async def index(meili: FakeMeili) -> AsyncIterator[MeilisearchIndex]:
    created = MeilisearchIndex(
        "http://meili.test:7700/", "master-key", task_timeout=2.0, transport=httpx.MockTransport(meili.handle)
    )
    yield created
    await created.close()


def document(slug: str = "mql", **overrides: Any) -> SearchDocument:
    values: dict[str, Any] = {
        "kind": "definition",
        "slug": slug,
        "version": 2,
        "title": "Marketing Qualified Lead",
        "aliases": ["MQL"],
        "summary": "A lead worth a \u2983sales\u2984 call",
        "tags": ["funnel"],
        "teams": ["marketing"],
        "api_url": f"http://canon.test/v1/definitions/{slug}?version=2",
        **overrides,
    }
    return SearchDocument(**values)


# --- writes ---------------------------------------------------------------------------------------------------------


async def test_the_first_write_creates_and_configures_the_index_then_waits_for_its_task(
    index: MeilisearchIndex, meili: FakeMeili
) -> None:
    expires = dt.datetime(2027, 1, 31, tzinfo=dt.UTC)
    await index.upsert([document(), document("sql", kind="asset", status="draft", expires_at=expires)])
    await index.upsert([document()])

    assert meili.calls() == [
        "GET /indexes/canon_entries",
        "POST /indexes",
        "PATCH /indexes/canon_entries/settings",
        "POST /indexes/canon_entries/documents?primaryKey=id",
        "POST /indexes/canon_entries/documents?primaryKey=id",
    ]
    assert meili.bodies("POST", "/indexes") == [{"uid": "canon_entries", "primaryKey": "id"}]
    [settings] = meili.bodies("PATCH", "/indexes/canon_entries/settings")
    assert settings["searchableAttributes"] == ["title", "aliases", "summary", "body", "extracted_text"]
    assert settings["filterableAttributes"] == [
        "kind",
        "tag_keys",
        "teams",
        "status",
        "expires_ms",
        "message_type",
        "locale_key",
        "audience_key",
        "segment_key",
    ]
    assert settings["rankingRules"][:2] == ["words", "attribute"]
    assert settings["typoTolerance"]["minWordSizeForTypos"] == {"oneTypo": 4, "twoTypos": 8}
    assert settings["pagination"] == {"maxTotalHits": 1000}
    first, second = meili.bodies("POST", "/indexes/canon_entries/documents")[0]
    assert first["id"] == "definition__mql__published"
    assert first["sort_title"] == "marketing qualified lead"
    assert first["summary"] == "A lead worth a sales call"  # a document cannot forge a highlight
    assert first["expires_ms"] == req.NEVER_MS
    assert first["aliases"] == ["MQL"]
    assert (first["tags"], first["tag_keys"]) == (["funnel"], [FUNNEL])
    assert (first["message_type"], first["locale_key"], first["audience_key"], first["segment_key"]) == (None,) * 4
    assert (second["id"], second["expires_at"], second["expires_ms"]) == (
        "asset__sql__draft",
        "2027-01-31T00:00:00Z",
        1_801_353_600_000,
    )
    polled = [r.url.path for r in meili.requests if r.url.path.startswith("/tasks/")]
    assert polled == ["/tasks/1", "/tasks/2", "/tasks/3", "/tasks/4"]  # every task waited for


async def test_requests_carry_the_api_key(index: MeilisearchIndex, meili: FakeMeili) -> None:
    await index.upsert([document()])
    assert {r.headers["Authorization"] for r in meili.requests} == {"Bearer master-key"}
    assert {r.url.host for r in meili.requests} == {"meili.test"}

    anonymous = MeilisearchIndex("http://meili.test:7700", transport=httpx.MockTransport(meili.handle))
    await anonymous.check()
    await anonymous.close()
    assert "Authorization" not in meili.requests[-1].headers


async def test_delete_removes_both_layers_or_the_ones_named(index: MeilisearchIndex, meili: FakeMeili) -> None:
    await index.delete("asset", "deck")
    await index.delete("asset", "deck", layers=["draft"])
    assert meili.bodies("POST", "/indexes/canon_entries/documents/delete-batch") == [
        ["asset__deck__published", "asset__deck__draft"],
        ["asset__deck__draft"],
    ]


async def test_synonym_groups_become_multi_way_synonyms(index: MeilisearchIndex, meili: FakeMeili) -> None:
    await index.set_synonyms([["Marketing Qualified Lead", "MQL"], ["MQL", "marketing-qualified"], ["alone"]])
    assert meili.bodies("PUT", "/indexes/canon_entries/settings/synonyms") == [
        {
            "marketing qualified lead": ["mql"],
            "mql": ["marketing qualified lead", "marketing-qualified"],
            "marketing-qualified": ["mql"],
        }
    ]


async def test_a_failed_task_is_an_error_naming_it(index: MeilisearchIndex, meili: FakeMeili) -> None:
    await index.prepare()

    def refuse_documents(request: httpx.Request) -> dict[str, str] | None:
        if request.url.path.endswith("/documents"):
            return {"message": "The `id` field is invalid.", "code": "invalid_document_id"}
        return None

    meili.fail = refuse_documents
    with pytest.raises(MeilisearchError) as caught:
        await index.upsert([document()])
    assert caught.value.code == "invalid_document_id"
    assert "task 3 (documents on index canon_entries) failed: The `id` field is invalid." in str(caught.value)
    assert isinstance(caught.value, SearchError)


async def test_a_task_that_never_finishes_times_out(meili: FakeMeili) -> None:
    slow = MeilisearchIndex("http://meili.test", task_timeout=0.05, transport=httpx.MockTransport(meili.handle))
    meili.task_status = "processing"
    with pytest.raises(MeilisearchError, match=r"task 1 did not finish within 0.05 s \(still processing\)"):
        await slow.upsert([document()])
    await slow.close()


async def test_refusals_and_unreachable_servers_are_search_errors(meili: FakeMeili) -> None:
    def unauthorised(_request: httpx.Request) -> httpx.Response:
        return httpx.Response(403, json={"message": "The provided API key is invalid.", "code": "invalid_api_key"})

    def unreachable(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    refused = MeilisearchIndex("http://meili.test", "wrong", transport=httpx.MockTransport(unauthorised))
    with pytest.raises(MeilisearchError) as caught:
        await refused.search(SearchQuery(q="mql"))
    assert (caught.value.status, caught.value.code) == (403, "invalid_api_key")
    assert "The provided API key is invalid." in str(caught.value)

    down = MeilisearchIndex("http://meili.test", transport=httpx.MockTransport(unreachable))
    with pytest.raises(MeilisearchError, match=r"cannot reach Meilisearch at http://meili\.test: ConnectError"):
        await down.check()
    for client in (refused, down):
        await client.close()


# --- search ---------------------------------------------------------------------------------------------------------


def _raw_hit(slug: str, **overrides: Any) -> dict[str, Any]:
    return {
        "kind": "definition",
        "slug": slug,
        "title": slug.upper(),
        "version": 3,
        "version_status": "published",
        "api_url": f"http://canon.test/v1/definitions/{slug}?version=3",
        "content_url": None,
        "tags": ["funnel"],
        "teams": ["marketing"],
        "expires_at": None,
        **overrides,
    }


async def test_a_query_becomes_one_search_request(index: MeilisearchIndex, meili: FakeMeili) -> None:
    meili.indexes.add("canon_entries")
    query = SearchQuery(
        q='"qualified lead" -draft marketi',
        kinds=["definition", "asset"],
        tags=['say "hi"\\', "Public"],
        teams=["sales"],
        restrict_tags=["public"],
        limit=5,
        offset=10,
        facets=["kind", "tags"],
    )
    await index.search(query, now=NOW)

    [body] = meili.bodies("POST", "/indexes/canon_entries/search")
    assert body["q"] == '"qualified lead" -draft marketi'
    quoting = b'say "hi"\\'.hex()
    assert body["filter"] == [
        'status IN ["published"]',
        f"expires_ms > {NOW_MS}",
        'kind IN ["definition", "asset"]',
        f'tag_keys IN ["{quoting}", "{b"Public".hex()}"]',
        'teams IN ["sales"]',
        f'tag_keys IN ["{b"public".hex()}"]',  # exact: Meilisearch would match "Public" to a filter on "public"
    ]
    assert (body["offset"], body["limit"], body["facets"]) == (10, 6, ["kind", "tag_keys"])  # one more: a next page?
    assert body["matchingStrategy"] == "all"
    assert body["sort"] == ["sort_title:asc", "kind:asc", "slug:asc", "status:desc"]
    assert body["attributesToHighlight"] == body["attributesToCrop"] == ["summary", "body", "extracted_text"]
    assert (body["highlightPreTag"], body["highlightPostTag"], body["showRankingScore"]) == ("\u2983", "\u2984", True)
    assert "extracted_text" not in body["attributesToRetrieve"]


async def test_messages_are_filtered_by_type_as_it_is_and_by_exact_keys_of_their_labels(
    index: MeilisearchIndex, meili: FakeMeili
) -> None:
    await index.upsert(
        [document("pitch", kind="message", message_type="talk_track", locale="de", audience="CFOs", segment="SMB")]
    )
    [[pitch]] = meili.bodies("POST", "/indexes/canon_entries/documents")
    assert (pitch["message_type"], pitch["locale"], pitch["audience"], pitch["segment"]) == (
        "talk_track",
        "de",
        "CFOs",
        "SMB",
    )
    assert (pitch["locale_key"], pitch["audience_key"], pitch["segment_key"]) == (
        b"de".hex(),
        b"CFOs".hex(),
        b"SMB".hex(),
    )
    query = SearchQuery(
        message_types=["talk_track", "positioning"],
        locales=["de"],
        audiences=["CFOs"],
        segments=["SMB", "smb"],
        facets=["message_type", "locale", "audience", "segment"],
    )
    await index.search(query, now=NOW)
    [body] = meili.bodies("POST", "/indexes/canon_entries/search")
    assert body["filter"][2:] == [
        'message_type IN ["talk_track", "positioning"]',
        f'locale_key IN ["{b"de".hex()}"]',
        f'audience_key IN ["{b"CFOs".hex()}"]',
        f'segment_key IN ["{b"SMB".hex()}", "{b"smb".hex()}"]',  # exact: Meilisearch alone would match either
    ]
    assert body["facets"] == ["message_type", "locale_key", "audience_key", "segment_key"]


def test_message_facet_counts_are_read_back_as_their_values() -> None:
    distribution = {
        "message_type": {"talk_track": 2},
        "locale_key": {b"en-US".hex(): 3},
        "segment_key": {b"SMB".hex(): 1, b"smb".hex(): 4},
    }
    assert req.facet_counts(distribution, ["message_type", "locale", "audience", "segment"]) == {
        "message_type": {"talk_track": 2},
        "locale": {"en-US": 3},
        "audience": {},
        "segment": {"SMB": 1, "smb": 4},
    }


async def test_editors_with_drafts_see_both_layers_and_expired_documents(
    index: MeilisearchIndex, meili: FakeMeili
) -> None:
    meili.indexes.add("canon_entries")
    await index.search(SearchQuery(q="", include_drafts=True), now=NOW)
    [body] = meili.bodies("POST", "/indexes/canon_entries/search")
    assert body["filter"] == ['status IN ["published", "draft"]']
    assert body["q"] == ""
    assert "facets" not in body


async def test_hits_facets_and_paging_are_read_from_the_answer(index: MeilisearchIndex, meili: FakeMeili) -> None:
    meili.indexes.add("canon_entries")
    meili.search_answer = {
        "hits": [
            _raw_hit(
                "mql",
                _rankingScore=0.9876543,
                _formatted={
                    "summary": "A <b>\u2983qualified\u2984</b> \u2983lead\u2984 & more",
                    "body": "",
                    "extracted_text": "…slides about \u2983leads\u2984…",
                },
            ),
            _raw_hit(
                "deck",
                kind="asset",
                version_status="draft",
                content_url="http://canon.test/v1/assets/deck/content?version=3",
                expires_at="2027-01-31T00:00:00Z",
                _rankingScore=0.5,
                _formatted={"summary": "No match here", "body": "Nor here", "extracted_text": ""},
            ),
            _raw_hit("sql"),  # the one asked for beyond the page: another page follows
        ],
        "estimatedTotalHits": 7,
        "facetDistribution": {"kind": {"definition": 5, "asset": 2}, "tag_keys": {FUNNEL: 6, b"Funnel".hex(): 1}},
    }

    query = SearchQuery(q="qualifed lead", limit=2, offset=2, facets=["kind", "teams", "tags"])
    result = await index.search(query, now=NOW)

    mql, deck = result.hits
    assert mql.snippet == (
        "A &lt;b&gt;<mark>qualified</mark>&lt;/b&gt; <mark>lead</mark> &amp; more … …slides about <mark>leads</mark>…"
    )
    assert (mql.score, mql.status, mql.version, mql.api_url) == (
        0.987654,
        "published",
        3,
        "http://canon.test/v1/definitions/mql?version=3",
    )
    assert deck.snippet == "No match here"
    assert (deck.status, deck.content_url, deck.expires_at) == (
        "draft",
        "http://canon.test/v1/assets/deck/content?version=3",
        dt.datetime(2027, 1, 31, tzinfo=dt.UTC),
    )
    assert result.total == 7
    assert result.next_offset == 4
    assert result.facets == {"kind": {"definition": 5, "asset": 2}, "teams": {}, "tags": {"funnel": 6, "Funnel": 1}}


async def test_a_total_estimated_too_high_does_not_promise_a_next_page(
    index: MeilisearchIndex, meili: FakeMeili
) -> None:
    meili.indexes.add("canon_entries")
    meili.search_answer = {"hits": [_raw_hit("mql"), _raw_hit("sql")], "estimatedTotalHits": 40}
    result = await index.search(SearchQuery(q="lead", limit=2))
    assert (len(result.hits), result.total, result.next_offset) == (2, 40, None)
    meili.search_answer = {"hits": [_raw_hit("mql"), _raw_hit("sql"), _raw_hit("lead")], "estimatedTotalHits": 2}
    result = await index.search(SearchQuery(q="lead", limit=2))
    assert ([hit.slug for hit in result.hits], result.total, result.next_offset) == (["mql", "sql"], 3, 2)


async def test_before_the_first_write_a_search_finds_nothing_and_changes_nothing(
    index: MeilisearchIndex, meili: FakeMeili
) -> None:
    result = await index.search(SearchQuery(q="lead", facets=["kind", "tags"]))
    assert (result.hits, result.total, result.next_offset, result.facets) == ([], 0, None, {"kind": {}, "tags": {}})
    assert await index.search(SearchQuery(q="a OR b")) == SearchResult(hits=[], total=0)
    await index.check()
    assert meili.calls() == [
        "POST /indexes/canon_entries/search",
        "POST /multi-search",
        "GET /health",
        "POST /indexes/canon_entries/search",
    ]


async def test_the_last_page_has_no_next_offset(index: MeilisearchIndex, meili: FakeMeili) -> None:
    meili.indexes.add("canon_entries")
    meili.search_answer = {"hits": [_raw_hit("mql")], "estimatedTotalHits": 3}
    result = await index.search(SearchQuery(q="", offset=2, limit=5))
    assert (result.total, result.next_offset) == (3, None)
    assert result.hits[0].score == 0.0  # a listing is not ranked


async def test_or_becomes_a_federated_search_over_every_combination(index: MeilisearchIndex, meili: FakeMeili) -> None:
    meili.indexes.add("canon_entries")
    meili.search_answer = {
        "hits": [_raw_hit("mql", _federation={"indexUid": "canon_entries", "weightedRankingScore": 0.75})],
        "estimatedTotalHits": 1,
        "facetDistribution": {"tag_keys": {FUNNEL: 1}},
    }
    query = SearchQuery(q="mql OR sql pipeline", limit=10, offset=0, facets=["tags"])

    result = await index.search(query, now=NOW)

    [body] = meili.bodies("POST", "/multi-search")
    assert body["federation"] == {
        "offset": 0,
        "limit": 11,
        "facetsByIndex": {"canon_entries": ["tag_keys"]},
        "mergeFacets": {},
    }
    assert [q["q"] for q in body["queries"]] == ["mql pipeline", "sql pipeline"]
    for part in body["queries"]:
        assert part["indexUid"] == "canon_entries"
        assert "limit" not in part
        assert "offset" not in part
        assert "facets" not in part
    assert (result.hits[0].score, result.total, result.facets) == (0.75, 1, {"tags": {"funnel": 1}})


async def test_a_malformed_answer_is_a_search_error(index: MeilisearchIndex, meili: FakeMeili) -> None:
    meili.indexes.add("canon_entries")
    meili.search_answer = {"hits": [{"slug": "no kind"}]}
    with pytest.raises(MeilisearchError, match="something unexpected"):
        await index.search(SearchQuery(q="mql"))


async def test_check_asks_for_health_and_tries_the_key_on_a_search(index: MeilisearchIndex, meili: FakeMeili) -> None:
    meili.indexes.add("canon_entries")
    await index.check()
    assert meili.calls() == ["GET /health", "POST /indexes/canon_entries/search"]
    assert meili.bodies("POST", "/indexes/canon_entries/search") == [{"q": "", "limit": 0}]

    meili.fail_search = {"message": "The provided API key is invalid.", "code": "invalid_api_key"}
    with pytest.raises(MeilisearchError, match="invalid_api_key"):
        await index.check()

    def sick(_request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"status": "unavailable"})

    unwell = MeilisearchIndex("http://meili.test", transport=httpx.MockTransport(sick))
    with pytest.raises(MeilisearchError, match="is not available"):
        await unwell.check()
    await unwell.close()


# --- reindex --------------------------------------------------------------------------------------------------------


async def _documents(count: int) -> AsyncIterator[SearchDocument]:
    for n in range(count):
        yield document(f"entry-{n}")


@pytest.fixture
def small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(backend, "BATCH_DOCUMENTS", 2)


async def test_reindex_builds_a_fresh_index_and_swaps_it_in(
    index: MeilisearchIndex, meili: FakeMeili, small_batches: None
) -> None:
    count = await index.reindex(_documents(5), [["Marketing Qualified Lead", "MQL"]])

    assert count == 5
    calls = meili.calls()
    fresh = meili.bodies("POST", "/indexes")[0]["uid"]
    assert fresh.startswith("canon_entries_")
    assert calls == [
        f"GET /indexes/{fresh}",
        "POST /indexes",
        f"PATCH /indexes/{fresh}/settings",
        f"POST /indexes/{fresh}/documents?primaryKey=id",
        f"POST /indexes/{fresh}/documents?primaryKey=id",
        f"POST /indexes/{fresh}/documents?primaryKey=id",
        "GET /indexes/canon_entries",
        "POST /indexes",  # the live index did not exist yet: a swap needs both
        "POST /swap-indexes",
        f"DELETE /indexes/{fresh}",
    ]
    settings = meili.bodies("PATCH", f"/indexes/{fresh}/settings")[0]
    assert settings["synonyms"] == {"marketing qualified lead": ["mql"], "mql": ["marketing qualified lead"]}
    assert [len(batch) for batch in meili.bodies("POST", f"/indexes/{fresh}/documents")] == [2, 2, 1]
    assert meili.bodies("POST", "/swap-indexes") == [[{"indexes": ["canon_entries", fresh]}]]
    assert {task["status"] for task in meili.tasks.values()} == {"succeeded"}
    assert len([r for r in meili.requests if r.url.path.startswith("/tasks/")]) == len(meili.tasks)


async def test_a_failed_reindex_reports_every_failed_task_and_leaves_the_live_index(
    index: MeilisearchIndex, meili: FakeMeili, small_batches: None
) -> None:
    def refuse_some(request: httpx.Request) -> dict[str, str] | None:
        if request.url.path.endswith("/documents"):
            slugs = [doc["slug"] for doc in json.loads(request.content)]
            if "entry-0" in slugs or "entry-4" in slugs:
                return {"message": f"bad batch {slugs}", "code": "invalid_document_fields"}
        return None

    meili.fail = refuse_some
    with pytest.raises(MeilisearchError) as caught:
        await index.reindex(_documents(5), [])

    message = str(caught.value)
    assert message.startswith("2 Meilisearch task(s) failed: ")
    assert "bad batch ['entry-0', 'entry-1']" in message
    assert "bad batch ['entry-4']" in message
    fresh = meili.bodies("POST", "/indexes")[0]["uid"]
    assert not any(call.startswith("POST /swap-indexes") for call in meili.calls())
    assert meili.calls()[-1] == f"DELETE /indexes/{fresh}"
    assert fresh not in meili.indexes


# --- pure pieces ----------------------------------------------------------------------------------------------------


def test_document_ids_match_the_protocols() -> None:
    doc = document("win-loss", kind="message", status="draft")
    assert req.doc_id(doc.kind, doc.slug, doc.status) == doc.doc_id
    assert req.document(doc)["id"] == doc.doc_id


@pytest.mark.parametrize(
    ("q", "texts"),
    [
        ("", []),
        ("   ", []),
        ("qualified lead", ["qualified lead"]),
        ('"marketing qualified" -churn -"closed lost"', ['"marketing qualified" -churn -"closed lost"']),
        ("a OR b c OR d", ["a c", "a d", "b c", "b d"]),
        ("e-mail", ['"e mail"']),
    ],
)
def test_the_query_language_in_meilisearch_syntax(q: str, texts: list[str]) -> None:
    assert req.query_texts(q) == texts


def test_past_meilisearchs_ten_words_exclusions_come_first() -> None:
    long = 'one two three four five six seven eight nine ten eleven -draft -"closed lost" twelve'
    assert req.query_texts(long) == [
        '-draft -"closed lost" one two three four five six seven eight nine ten eleven twelve'
    ]
    assert req.query_texts("pipeline -draft review") == ["pipeline -draft review"]  # short: as typed


def test_or_expansion_is_capped() -> None:
    assert len(req.query_texts("a OR b c OR d e OR f g OR h i OR j")) == req.MAX_COMBINATIONS


async def test_the_backend_is_chosen_by_settings() -> None:
    chosen = build_search_index(cast("Any", None), Settings(meilisearch_url="http://m:7700", meilisearch_api_key="k"))
    assert isinstance(chosen, MeilisearchIndex)
    assert isinstance(chosen, SearchIndex)
    assert (chosen.client.url, chosen.index_uid) == ("http://m:7700", "canon_entries")
    await chosen.close()
    named = build_search_index(
        cast("Any", None),
        Settings.from_env({"CANON_MEILISEARCH_URL": "http://m:7700", "CANON_MEILISEARCH_INDEX": "staging-canon"}),
    )
    assert isinstance(named, MeilisearchIndex)
    assert named.index_uid == "staging-canon"
    await named.close()
