"""Signed download links (pure): what a link binds, how long it lives, and which hits of a search get one."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
from urllib.parse import parse_qs, urlsplit

import pytest

from service.domain.model import Principal, Role
from service.search import links, tokens
from service.search.base import SearchHit, SearchQuery, SearchResult
from service.search.links import DownloadGrant, InvalidLink
from service.search.tokens import SearchGrant
from service.usecases import search as usecase
from service.usecases.search import Searcher, SearchParams

SECRET = b"s" * 32
NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
CONTENT = "http://canon.test/v1/assets/deck/content"


def params_of(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def test_a_link_verifies_for_its_asset_and_version_until_it_expires() -> None:
    exp = links.expiry(NOW)
    url = links.signed_url(SECRET, CONTENT, "deck", 3, exp)
    assert url.startswith(f"{CONTENT}?version=3&expires={exp}&signature=")
    assert links.verify([SECRET], "deck", params_of(url), now=NOW) == DownloadGrant(slug="deck", version=3, exp=exp)
    assert links.verify([SECRET], "deck", params_of(url), now=NOW + dt.timedelta(minutes=14)).version == 3
    with pytest.raises(InvalidLink, match="expired at 2026-11-23T12:15:00"):
        links.verify([SECRET], "deck", params_of(url), now=NOW + dt.timedelta(minutes=15))


def test_a_link_is_bound_to_slug_version_expiry_and_secret() -> None:
    exp = links.expiry(NOW)
    params = params_of(links.signed_url(SECRET, CONTENT, "deck", 3, exp))
    with pytest.raises(InvalidLink, match="signature"):
        links.verify([SECRET], "other-deck", params, now=NOW)
    with pytest.raises(InvalidLink, match="signature"):
        links.verify([SECRET], "deck", {**params, "version": ["2"]}, now=NOW)
    with pytest.raises(InvalidLink, match="signature"):
        links.verify([SECRET], "deck", {**params, "expires": [str(exp - 60)]}, now=NOW)
    with pytest.raises(InvalidLink, match="signature"):
        links.verify([b"t" * 32], "deck", params, now=NOW)


def test_search_token_signatures_are_never_link_signatures() -> None:
    """The same secret signs both, under different contexts: an HMAC of the link's fields without the link's context
    (what a confused signer would produce) does not verify."""
    exp = links.expiry(NOW)
    bare = hmac.new(SECRET, f"asset\ndeck\n3\n{exp}".encode(), hashlib.sha256).digest()
    forged = base64.urlsafe_b64encode(bare).decode().rstrip("=")
    params = {"version": ["3"], "expires": [str(exp)], "signature": [forged]}
    with pytest.raises(InvalidLink, match="signature"):
        links.verify([SECRET], "deck", params, now=NOW)
    token = tokens.mint(SECRET, SearchGrant(exp=exp))
    with pytest.raises(InvalidLink, match="signature"):
        links.verify([SECRET], "deck", {**params, "signature": [token.rsplit(".", 1)[1]]}, now=NOW)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"expires": ["1795435500"]},
        {"version": ["3"], "expires": ["1795435500"]},
        {"version": ["3", "4"], "expires": ["1795435500"], "signature": ["x" * 43]},
        {"version": ["three"], "expires": ["1795435500"], "signature": ["x" * 43]},
        {"version": ["٣"], "expires": ["1795435500"], "signature": ["x" * 43]},  # an Arabic-Indic digit
        {"version": ["3"], "expires": ["-1"], "signature": ["x" * 43]},
        {"version": ["3"], "expires": ["9" * 400], "signature": ["x" * 43]},
        {"version": ["3"], "expires": ["1795435500"], "signature": ["é" * 43]},
        {"version": ["3"], "expires": ["1795435500"], "signature": [""]},
    ],
)
def test_malformed_links_are_invalid_not_errors(params: dict[str, list[str]]) -> None:
    with pytest.raises(InvalidLink):
        links.verify([SECRET], "deck", params, now=NOW)


def test_links_live_at_most_fifteen_minutes_and_never_past_a_limit() -> None:
    assert links.expiry(NOW) == int((NOW + dt.timedelta(minutes=15)).timestamp())
    assert links.expiry(NOW, NOW + dt.timedelta(minutes=2)) == int((NOW + dt.timedelta(minutes=2)).timestamp())
    assert links.expiry(NOW, NOW + dt.timedelta(hours=1)) == int((NOW + dt.timedelta(minutes=15)).timestamp())
    # A link claiming a longer life than Canon gives is refused even with a valid signature (a leaked secret aside,
    # only a bug could make one).
    far = int((NOW + dt.timedelta(hours=1)).timestamp())
    with pytest.raises(InvalidLink, match="expiry"):
        links.verify([SECRET], "deck", params_of(links.signed_url(SECRET, CONTENT, "deck", 3, far)), now=NOW)


class _Index:
    """A `SearchIndex` stand-in that answers every search with the same hits."""

    name = "fixed"

    def __init__(self, hits: list[SearchHit]) -> None:
        self.hits = hits

    async def search(self, query: SearchQuery, *, now: dt.datetime | None = None) -> SearchResult:
        return SearchResult(hits=self.hits, total=len(self.hits))


def _hit(slug: str, kind: str = "asset", status: str = "published", **fields: object) -> SearchHit:
    url = f"http://canon.test/v1/{kind}s/{slug}"
    pin = "" if status == "published" else "?version=2"
    values: dict[str, object] = {"content_url": f"{url}/content{pin}" if kind == "asset" else None, **fields}
    return SearchHit(
        kind=kind,
        slug=slug,
        title=slug,
        version=1 if status == "published" else 2,
        status=status,
        snippet="",
        score=0.0,
        api_url=url + pin,
        **values,  # type: ignore[arg-type]
    )


async def test_only_released_unexpired_asset_hits_get_links_no_longer_than_the_token() -> None:
    hits = [
        _hit("deck"),
        _hit("deck", status="draft"),
        _hit("old", expires_at=NOW - dt.timedelta(seconds=1)),
        _hit("lead", kind="definition"),
        _hit("fileless", content_url=None),
    ]
    token_expiry = NOW + dt.timedelta(minutes=5)
    grant = SearchGrant(exp=int(token_expiry.timestamp()))
    page = await usecase.search(
        _Index(hits),  # type: ignore[arg-type]
        Searcher(grant=grant),
        SearchParams(),
        link_key=SECRET,
        now=NOW,
    )
    deck, draft, old, lead, fileless = page.hits
    assert deck.content_url is not None
    assert links.verify([SECRET], "deck", params_of(deck.content_url), now=NOW).exp == int(token_expiry.timestamp())
    assert draft.content_url == "http://canon.test/v1/assets/deck/content?version=2"
    assert old.content_url == "http://canon.test/v1/assets/old/content"
    assert (lead.content_url, fileless.content_url) == (None, None)

    reader = Principal(subject="portal", name="portal", role=Role.reader)
    by_key = await usecase.search(
        _Index(hits[:1]), Searcher(principal=reader), SearchParams(), link_key=SECRET, now=NOW
    )  # type: ignore[arg-type]
    assert by_key.hits[0].content_url is not None
    assert links.verify([SECRET], "deck", params_of(by_key.hits[0].content_url), now=NOW).exp == links.expiry(NOW)
