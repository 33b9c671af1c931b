"""Signed download links in search hits: a portal's browser holding only a search token takes a hit's `content_url`
and fetches the file with no Authorization header. Each link names one version of one asset and expires within 15
minutes (never after the token); what it serves is checked again when it is followed."""

from __future__ import annotations

import contextlib
import datetime as dt
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import msgspec
import pytest
from litestar.testing import AsyncTestClient

from service.config import Settings
from service.search import links
from service.search.sync import SearchSync
from service.usecases.search import SearchHit, SearchPage
from service.worker import drain
from tests.asset_fixtures import (
    PDF,
    PDF_V2,
    asset_body,
    author,
    create_entry,
    in_app,
    publish_entry,
    published_asset,
    services,
    upload,
)
from tests.support import Api, full_problem

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

BASE = "http://canon.test"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Search answers straight after a sync, never from a cache trusted for 0.1 s."""
    return msgspec.structs.replace(settings, search_cache_recheck_seconds=0.0)


@pytest.fixture
async def api(local_client: AsyncTestClient[Any]) -> Api:
    return Api(local_client)


async def synced(client: AsyncTestClient[Any]) -> None:
    found = services(client)
    await in_app(client, drain, found.pool, SearchSync(found.search, found.settings.public_url))


async def search(client: AsyncTestClient[Any], headers: dict[str, str], **params: Any) -> SearchPage:
    response = await client.get("/v1/search", params=params, headers=headers)
    assert response.status_code == 200, response.text
    return msgspec.json.decode(response.content, type=SearchPage)


async def token(client: AsyncTestClient[Any], **body: Any) -> tuple[dict[str, str], dt.datetime]:
    """A search token minted with a reader's key: its header and its expiry."""
    minted = await client.post("/v1/search/tokens", json=body, headers=await Api(client).key("reader"))
    assert minted.status_code == 201, minted.text
    issued = minted.json()
    return {"Authorization": f"Bearer {issued['token']}"}, dt.datetime.fromisoformat(issued["expires_at"])


def only(page: SearchPage, slug: str) -> SearchHit:
    [hit] = [hit for hit in page.hits if hit.slug == slug]
    return hit


def query_of(url: str) -> dict[str, str]:
    return {name: value for name, [value] in parse_qs(urlsplit(url).query).items()}


@contextlib.contextmanager
def without_credentials(client: AsyncTestClient[Any]) -> Iterator[None]:
    """Requests as a browser following a link sends them: no Authorization header at all."""
    saved = client.headers.pop("Authorization", None)
    try:
        yield
    finally:
        if saved is not None:
            client.headers["Authorization"] = saved


async def follow(client: AsyncTestClient[Any], url: str, method: str = "GET", **options: Any) -> httpx.Response:
    """`url` (absolute, as a hit gives it) requested with no credential."""
    parts = urlsplit(url)
    assert f"{parts.scheme}://{parts.netloc}" == BASE
    with without_credentials(client):
        return await client.request(method, f"{parts.path}?{parts.query}", **options)


def link(client: AsyncTestClient[Any], slug: str, version: int, exp: int, secret: bytes | None = None) -> str:
    """A link signed by hand (with the app's own secret unless another is given)."""
    key = services(client).search_token_keys.signing if secret is None else secret
    return links.signed_url(key, f"{BASE}/v1/assets/{slug}/content", slug, version, exp)


def soon() -> int:
    return int(time.time()) + 300


# --- the portal's path ----------------------------------------------------------------------------------------------


async def test_a_search_tokens_hit_downloads_the_file_with_no_header(api: Api) -> None:
    client = api.client
    await published_asset(api, "pricing-deck", PDF)
    await synced(client)
    bearer, token_expiry = await token(client)

    hit = only(await search(client, bearer, q="pricing"), "pricing-deck")
    assert hit.content_url is not None
    assert hit.content_url.startswith(f"{BASE}/v1/assets/pricing-deck/content?")
    query = query_of(hit.content_url)
    assert set(query) == {"version", "expires", "signature"}
    assert query["version"] == "1"
    expires = dt.datetime.fromtimestamp(int(query["expires"]), dt.UTC)
    assert expires <= token_expiry
    assert expires - dt.datetime.now(dt.UTC) <= links.MAX_TTL

    fetched = await follow(client, hit.content_url)
    assert fetched.status_code == 200, fetched.text
    assert fetched.content == PDF
    assert fetched.headers["Content-Type"] == "application/pdf"
    head = await follow(client, hit.content_url, "HEAD")
    assert (head.status_code, head.content, head.headers["Content-Length"]) == (200, b"", str(len(PDF)))
    part = await follow(client, hit.content_url, headers={"Range": "bytes=0-3"})
    assert (part.status_code, part.content) == (206, b"%PDF")
    # The token itself still opens nothing but search, and the plain URL still needs a key.
    full_problem(await client.get("/v1/assets/pricing-deck/content", headers=bearer), 401)
    with without_credentials(client):
        full_problem(await client.get("/v1/assets/pricing-deck/content"), 401)


async def test_a_link_lives_no_longer_than_the_token_that_found_it(api: Api) -> None:
    client = api.client
    await published_asset(api, "pricing-deck", PDF)
    await synced(client)
    bearer, token_expiry = await token(client, ttl_seconds=60)
    hit = only(await search(client, bearer, q="pricing"), "pricing-deck")
    assert hit.content_url is not None
    assert int(query_of(hit.content_url)["expires"]) == int(token_expiry.timestamp())


async def test_hits_found_with_an_api_key_carry_links_too_but_drafts_keep_the_plain_url(api: Api) -> None:
    client = api.client
    editor = await author(api)
    await published_asset(api, "pricing-deck", PDF)
    started = await client.post("/v1/assets/pricing-deck/versions", json={}, headers=editor)
    assert started.status_code == 201, started.text
    assert (await upload(api, "pricing-deck", 2, PDF_V2)).status_code == 200
    await published_asset(
        api, "old-prices", PDF, expires_at=(dt.datetime.now(dt.UTC) - dt.timedelta(hours=1)).isoformat()
    )
    await synced(client)

    read = only(await search(client, await api.key("reader"), q="pricing"), "pricing-deck")
    assert read.content_url is not None
    assert query_of(read.content_url)["version"] == "1"
    assert (await follow(client, read.content_url)).content == PDF

    hits = (await search(client, editor, q="pricing", include_drafts="true")).hits
    by_version = {(hit.slug, hit.version): hit.content_url for hit in hits}
    assert "signature=" in (by_version[("pricing-deck", 1)] or "")
    assert by_version[("pricing-deck", 2)] == f"{BASE}/v1/assets/pricing-deck/content?version=2"
    assert by_version[("old-prices", 1)] == f"{BASE}/v1/assets/old-prices/content"  # expired: no link


async def test_the_link_works_with_files_in_s3(
    s3_client: AsyncTestClient[Any], s3_bucket: str, moto_client: S3Client
) -> None:
    api = Api(s3_client)
    await published_asset(api, "pricing-deck", PDF)
    await synced(s3_client)
    bearer, _ = await token(s3_client)
    hit = only(await search(s3_client, bearer, q="pricing"), "pricing-deck")
    assert hit.content_url is not None
    redirected = await follow(s3_client, hit.content_url, follow_redirects=False)
    assert redirected.status_code == 307, redirected.text
    assert s3_bucket in redirected.headers["Location"]
    async with httpx.AsyncClient() as http:
        fetched = await http.get(redirected.headers["Location"])
    assert (fetched.status_code, fetched.content) == (200, PDF)


# --- links that must not work ---------------------------------------------------------------------------------------


async def test_altered_foreign_and_malformed_links_are_401(api: Api) -> None:
    client = api.client
    await published_asset(api, "pricing-deck", PDF)
    await published_asset(api, "security-deck", PDF_V2)
    good = link(client, "pricing-deck", 1, soon())
    assert (await follow(client, good)).status_code == 200
    query = query_of(good)
    signature = query["signature"]
    altered = signature[:-1] + ("B" if signature.endswith("A") else "A")
    path = f"{BASE}/v1/assets/pricing-deck/content"

    def variant(**changes: Any) -> str:
        return f"{path}?{urlencode({**query, **changes}, doseq=True)}"

    forged = [
        variant(signature=altered),
        variant(expires=str(int(query["expires"]) + 60)),  # a longer life
        variant(version="2"),
        good.replace("/pricing-deck/", "/security-deck/"),  # another asset, same signature
        link(client, "pricing-deck", 1, soon(), secret=b"another secret"),
        variant(signature="é" * 43),
        variant(signature=signature + "="),
        variant(signature=[signature, signature]),
        variant(expires="soon"),
        variant(expires="9" * 40),
        variant(version="0"),
        f"{path}?version=1&expires={query['expires']}",  # no signature
        f"{path}?signature={signature}",  # no expiry, no version
    ]
    for url in forged:
        for method in ("GET", "HEAD"):
            response = await follow(client, url, method)
            assert response.status_code == 401, (url, response.status_code, response.text)
            if method == "GET":
                full_problem(response, 401, "unauthorized")


async def test_an_expired_link_is_401_saying_so(api: Api) -> None:
    client = api.client
    await published_asset(api, "pricing-deck", PDF)
    expired = link(client, "pricing-deck", 1, int(time.time()) - 1)
    problem = full_problem(await follow(client, expired), 401, "unauthorized")
    assert "expired" in (problem.detail or "")
    # A link valid far longer than links are made is not one Canon made, whatever it claims.
    assert (await follow(client, link(client, "pricing-deck", 1, int(time.time()) + 3600))).status_code == 401


async def test_a_link_to_a_version_never_released_is_404(api: Api) -> None:
    client = api.client
    await published_asset(api, "pricing-deck", PDF)
    started = await client.post("/v1/assets/pricing-deck/versions", json={}, headers=await author(api))
    assert started.status_code == 201, started.text
    assert (await upload(api, "pricing-deck", 2, PDF_V2)).status_code == 200
    full_problem(await follow(client, link(client, "pricing-deck", 2, soon())), 404)
    full_problem(await follow(client, link(client, "pricing-deck", 9, soon())), 404)
    full_problem(await follow(client, link(client, "unknown", 1, soon())), 404)


async def test_a_link_stops_serving_once_its_version_is_superseded(api: Api) -> None:
    client = api.client
    await published_asset(api, "pricing-deck", PDF)
    first = link(client, "pricing-deck", 1, soon())
    assert (await follow(client, first)).content == PDF
    started = await client.post("/v1/assets/pricing-deck/versions", json={}, headers=await author(api))
    assert started.status_code == 201, started.text
    assert (await upload(api, "pricing-deck", 2, PDF_V2)).status_code == 200
    await publish_entry(api, "assets", "pricing-deck", 2)
    gone = full_problem(await follow(client, first), 410)
    assert "no longer the one in effect" in (gone.detail or "")
    assert (await follow(client, link(client, "pricing-deck", 2, soon()))).content == PDF_V2


async def test_a_link_stops_serving_once_its_asset_is_retired_or_expired(api: Api) -> None:
    client = api.client
    await published_asset(api, "pricing-deck", PDF)
    current = link(client, "pricing-deck", 1, soon())
    assert (await follow(client, current)).status_code == 200
    retired = await client.post("/v1/assets/pricing-deck/retire")
    assert retired.status_code == 200, retired.text
    assert "retired" in (full_problem(await follow(client, current), 410).detail or "")

    past = (dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)).isoformat()
    await published_asset(api, "old-prices", PDF_V2, expires_at=past)
    assert "expired" in (full_problem(await follow(client, link(client, "old-prices", 1, soon())), 410).detail or "")


async def test_a_link_serves_its_own_version_only(api: Api) -> None:
    client = api.client
    await published_asset(api, "pricing-deck", PDF)
    good = link(client, "pricing-deck", 1, soon())
    for extra in ("as_of=2020-01-01", "known_at=2020-01-01"):
        full_problem(await follow(client, f"{good}&{extra}"), 422)
    assert (await follow(client, f"{good}&colour=red")).status_code == 400  # unknown parameters stay refused


async def test_a_search_token_sent_to_the_content_route_is_refused(api: Api) -> None:
    client = api.client
    await create_entry(api, "assets", asset_body())
    bearer, _ = await token(client)
    with without_credentials(client):
        full_problem(await client.get("/v1/assets/pricing-deck/content", headers=bearer), 401)
