"""Fixtures and helpers for messages, assets and citations: apps whose blobs live in a local directory of the test's
own or in a moto S3 bucket, and the common steps of a message's or an asset's life through HTTP."""

from __future__ import annotations

import asyncio
import hashlib
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import httpx
import msgspec
import pytest
from litestar.testing import AsyncTestClient

from service.api.schemas import entry_out
from service.app import create_app
from service.config import Settings
from service.domain.kinds import ASSET, MESSAGE, KindSpec
from tests.blob_fixtures import REGION, empty_bucket
from tests.support import Api

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

MessageOut = entry_out(MESSAGE)
AssetOut = entry_out(ASSET)

# A small but real PDF (header, one object, trailer): what the magic-byte check and a PDF reader expect.
PDF = (
    b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)
PDF_V2 = PDF.replace(b"%%EOF", b"% second edition\n%%EOF")


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- apps -----------------------------------------------------------------------------------------------------------


@asynccontextmanager
async def running_client(settings: Settings) -> AsyncIterator[AsyncTestClient[Any]]:
    """An admin client of an app started with `settings` (the `client` fixture, for settings of a test's own)."""
    app = create_app(settings)
    async with AsyncTestClient(app=app, base_url="http://canon.test") as test_client:
        test_client.headers["Authorization"] = f"Bearer {settings.bootstrap_admin_key}"
        yield test_client


@pytest.fixture
def local_settings(settings: Settings, tmp_path: Path) -> Settings:
    """The test settings with the local blob store under a temporary data directory."""
    assert settings.s3_bucket is None
    return msgspec.structs.replace(settings, data_dir=tmp_path / "data", blob_dir=None)


@pytest.fixture
async def local_client(local_settings: Settings) -> AsyncIterator[AsyncTestClient[Any]]:
    async with running_client(local_settings) as test_client:
        yield test_client


def blob_root(settings: Settings) -> Path:
    """The local store's root directory for these settings."""
    return settings.blob_dir or settings.data_dir / "blobs"


def stored_blobs(settings: Settings) -> list[str]:
    """The SHA-256 of the bytes of every blob file in the local store (under either key layout), sorted: identical
    bytes stored twice show twice."""
    files = (path for path in (blob_root(settings) / "blobs").rglob("*") if path.is_file())
    return sorted(hashlib.sha256(path.read_bytes()).hexdigest() for path in files)


def temp_files(settings: Settings) -> list[str]:
    """Files left in the local store's temporary directory (uploads in progress or abandoned)."""
    return sorted(path.name for path in (blob_root(settings) / "tmp").rglob("*") if path.is_file())


@pytest.fixture
def s3_bucket(moto_url: str, moto_client: S3Client) -> Iterator[str]:
    """A fresh bucket on the session's moto server, emptied and removed afterwards."""
    bucket = f"canon-api-{uuid.uuid4().hex[:16]}"
    moto_client.create_bucket(Bucket=bucket)
    yield bucket
    empty_bucket(moto_client, bucket)
    moto_client.delete_bucket(Bucket=bucket)


@pytest.fixture
def s3_settings(settings: Settings, tmp_path: Path, moto_url: str, s3_bucket: str) -> Settings:
    return msgspec.structs.replace(
        settings, data_dir=tmp_path / "data", s3_bucket=s3_bucket, s3_endpoint_url=moto_url, s3_region=REGION
    )


@pytest.fixture
async def s3_client(s3_settings: Settings) -> AsyncIterator[AsyncTestClient[Any]]:
    async with running_client(s3_settings) as test_client:
        yield test_client


# --- bodies and decoding --------------------------------------------------------------------------------------------


def message_body(slug: str = "why-canon", **content: Any) -> dict[str, Any]:
    return {
        "slug": slug,
        "title": "Why Canon",
        "tags": ["pitch"],
        "owners": ["marketing"],
        "content": {
            "message_type": "value_proposition",
            "body": "One definition of a lead, shared by sales and marketing.\n",
            "audience": "RevOps leaders",
            "segment": "mid-market",
            "channel": "email",
            "locale": "en-US",
            **content,
        },
    }


def asset_body(slug: str = "pricing-deck", **content: Any) -> dict[str, Any]:
    return {
        "slug": slug,
        "title": "Pricing deck",
        "tags": ["collateral"],
        "owners": ["marketing"],
        "content": {"description": "Pricing for 2026", "file_name": "pricing.pdf", **content},
    }


def decoded_as(response: httpx.Response, spec: KindSpec) -> Any:
    """The body strictly decoded as an entry of that kind (the PostgreSQL-rendered JSON must match the Struct)."""
    assert response.headers["content-type"].startswith("application/json"), response.text
    return msgspec.json.decode(response.content, type=entry_out(spec))


def decoded_message(response: httpx.Response) -> Any:
    return decoded_as(response, MESSAGE)


def decoded_asset(response: httpx.Response) -> Any:
    return decoded_as(response, ASSET)


# --- steps ----------------------------------------------------------------------------------------------------------


async def author(api: Api) -> dict[str, str]:
    return await api.key("editor", "revops", "author")


async def create_entry(api: Api, plural: str, body: dict[str, Any]) -> httpx.Response:
    response = await api.client.post(f"/v1/{plural}", json=body, headers=await author(api))
    assert response.status_code == 201, response.text
    return response


async def etag_of(client: AsyncTestClient[Any], plural: str, slug: str) -> str:
    """The entry's current ETag as the admin reads it (every representation of an entry shares it)."""
    response = await client.get(f"/v1/{plural}/{slug}", params={"version": 1})
    assert response.status_code == 200, response.text
    return response.headers["ETag"]


async def publish_entry(
    api: Api, plural: str, slug: str, number: int = 1, teams: tuple[str, ...] = ("marketing",)
) -> httpx.Response:
    """Submit, approve for every team, publish; return the publish response."""
    editor = await author(api)
    path = f"/v1/{plural}/{slug}/versions/{number}"
    response = await api.client.post(f"{path}/submit", headers=editor)
    assert response.status_code == 200, response.text
    for team in teams:
        response = await api.client.post(f"{path}/approve", json={}, headers=await api.key("approver", team))
        assert response.status_code == 200, response.text
    response = await api.client.post(f"{path}/publish", headers=await api.publisher())
    assert response.status_code == 200, response.text
    return response


async def upload(
    api: Api,
    slug: str,
    number: int = 1,
    data: bytes = PDF,
    *,
    content_type: str | None = "application/pdf",
    file_name: str | None = None,
    if_match: str | None = "current",
    headers: dict[str, str] | None = None,
) -> httpx.Response:
    """PUT a file to an asset version as the author; `if_match="current"` sends the entry's current ETag."""
    sent = {**await author(api), **(headers or {})}
    if content_type is not None:
        sent["Content-Type"] = content_type
    if if_match == "current":
        sent["If-Match"] = await etag_of(api.client, "assets", slug)
    elif if_match is not None:
        sent["If-Match"] = if_match
    params = {"file_name": file_name} if file_name is not None else None
    return await api.client.put(
        f"/v1/assets/{slug}/versions/{number}/content", content=data, headers=sent, params=params
    )


async def published_asset(api: Api, slug: str = "pricing-deck", data: bytes = PDF, **content: Any) -> httpx.Response:
    """An asset created, given `data` as its file and published; returns the publish response."""
    await create_entry(api, "assets", asset_body(slug, **content))
    response = await upload(api, slug, 1, data)
    assert response.status_code == 200, response.text
    return await publish_entry(api, "assets", slug)


# --- running code inside the app ------------------------------------------------------------------------------------

T = TypeVar("T")


async def in_app(client: AsyncTestClient[Any], function: Callable[..., Awaitable[T]], *args: Any) -> T:
    """Await `function(*args)` on the app's own event loop (the test client runs the app in a thread of its own,
    and the app's pool and contexts belong to that loop)."""
    return await asyncio.to_thread(client.blocking_portal.call, function, *args)


def services(client: AsyncTestClient[Any]) -> Any:
    """The running app's `Services` (pool, blob store, contexts): use them through `in_app`."""
    return client.app.state.services


@dataclass
class RawResponse:
    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""
    chunks_read: int = 0


async def put_chunks(
    client: AsyncTestClient[Any], path: str, headers: dict[str, str], chunks: list[bytes]
) -> RawResponse:
    """PUT a body as a chunked stream with no Content-Length, straight to the app's ASGI interface (the test client
    sends bodies whole), counting how many chunks the app read before it answered."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "PUT",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [
            (b"host", b"canon.test"),
            (b"transfer-encoding", b"chunked"),
            *((k.lower().encode(), v.encode()) for k, v in headers.items()),
        ],
        "client": ("testclient", 50000),
        "server": ("canon.test", 80),
        "extensions": {},
    }
    result = RawResponse()

    async def receive() -> dict[str, Any]:
        if result.chunks_read >= len(chunks):
            return {"type": "http.disconnect"}
        result.chunks_read += 1
        return {
            "type": "http.request",
            "body": chunks[result.chunks_read - 1],
            "more_body": result.chunks_read < len(chunks),
        }

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            result.status = message["status"]
            result.headers = {k.decode().lower(): v.decode() for k, v in message["headers"]}
        elif message["type"] == "http.response.body":
            result.body += message.get("body", b"")

    await in_app(client, client.app, scope, receive, send)
    return result
