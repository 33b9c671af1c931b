"""The API docs' scripts and styles, served by Canon itself: the docs pages work offline and behind networks that
block public CDNs, and show the versions pinned here rather than whatever a CDN serves today.

The files are in service/api/static/, listed in its manifest.json with the npm package, version and tarball
integrity each came from and the SHA-256 of the bytes served. The vendored ones are stored gzip-compressed (a
quarter of their size in the repository, the wheel and the image) and sent as they are to any browser (all accept
gzip), decompressed only for a client that does not accept it. Every name carries a version, so responses are cached
for a year. To move to a newer release: `npm pack <package>@<version>`, `gzip -9n -c <file> > static/<name>.gz`
under a new name, and update manifest.json (tests/integration/test_docs_assets.py checks the hashes).
"""

from __future__ import annotations

import functools
import gzip
from pathlib import Path
from typing import Any

import msgspec
from litestar import Request, Response, Router, get
from litestar.exceptions import NotFoundException
from litestar.openapi.plugins import OpenAPIRenderPlugin, ScalarRenderPlugin
from litestar.params import FromPath

from service.api.openapi_document import JsonDocument, SwaggerDocument

STATIC = Path(__file__).parent / "static"
ASSETS_PATH = "/static"  # under the OpenAPI path (/schema), which is public: see PUBLIC_PATHS in service/api/deps.py
CACHE_CONTROL = "public, max-age=31536000, immutable"
# Litestar's pages link a favicon on a CDN by default; an empty data URL keeps browsers from asking anyone.
NO_FAVICON = "<link rel='icon' href='data:,'>"
# Scalar asks its own servers for fonts and sends telemetry unless told not to; its agent is a hosted service.
SCALAR_OPTIONS = {"withDefaultFonts": False, "telemetry": False, "agent": {"disabled": True}}


class Source(msgspec.Struct, frozen=True):
    package: str
    version: str
    license: str
    tarball: str
    integrity: str  # npm's integrity of the tarball
    path: str  # the file's path inside the package


class Asset(msgspec.Struct, frozen=True):
    name: str  # its URL: /schema/static/<name>
    file: str  # under static/; gzip-compressed when it ends in .gz
    content_type: str
    sha256: str  # of the bytes served (decompressed)
    source: Source | None  # None: Canon's own file


class Manifest(msgspec.Struct, frozen=True):
    about: str
    assets: list[Asset]


@functools.cache
def manifest() -> dict[str, Asset]:
    found = msgspec.json.decode((STATIC / "manifest.json").read_bytes(), type=Manifest)
    return {asset.name: asset for asset in found.assets}


@functools.cache
def _stored(name: str) -> bytes:
    return (STATIC / manifest()[name].file).read_bytes()


def _accepts_gzip(accept_encoding: str) -> bool:
    for item in accept_encoding.split(","):
        coding, *params = (part.strip() for part in item.split(";"))
        if coding.lower() in {"gzip", "x-gzip", "*"}:
            quality = next((p[2:] for p in params if p.lower().startswith("q=")), "1")
            try:
                return float(quality) > 0
            except ValueError:
                return False
    return False


@get(f"{ASSETS_PATH}/{{name:str}}", sync_to_thread=True, include_in_schema=False, exclude_from_auth=True)
def docs_asset(name: FromPath[str], request: Request[Any, Any, Any]) -> Response[bytes]:
    asset = manifest().get(name)
    if asset is None:
        raise NotFoundException(f"No docs asset is named {name!r}.")
    body = _stored(name)
    headers = {"Cache-Control": CACHE_CONTROL, "X-Content-Type-Options": "nosniff"}
    if asset.file.endswith(".gz"):
        headers["Vary"] = "Accept-Encoding"
        if _accepts_gzip(request.headers.get("accept-encoding", "")):
            headers["Content-Encoding"] = "gzip"
        else:
            body = gzip.decompress(body)
    return Response(body, media_type=asset.content_type, headers=headers)


def asset_url(schema_path: str, name: str) -> str:
    if name not in manifest():
        raise KeyError(f"{name} is not in {STATIC / 'manifest.json'}")
    return f"{schema_path}{ASSETS_PATH}/{name}"


def docs_router(schema_path: str) -> Router:
    """The router Litestar serves the OpenAPI document and its pages from, with the pages' assets added."""
    return Router(schema_path, route_handlers=[docs_asset], include_in_schema=False, dto=None, return_dto=None)


def render_plugins(schema_path: str) -> list[OpenAPIRenderPlugin]:
    """Scalar at the schema path, Swagger UI at <schema path>/swagger, both loading only Canon's own URLs, and the
    finished document (service/api/openapi_document.py) at <schema path>/openapi.json."""

    def url(name: str) -> str:
        return asset_url(schema_path, name)

    return [
        ScalarRenderPlugin(
            js_url=url("scalar-api-reference-1.76.0.js"),
            css_url=url("canon-scalar-1.css"),
            options=SCALAR_OPTIONS,
            favicon=NO_FAVICON,
        ),
        SwaggerDocument(
            js_url=url("swagger-ui-bundle-5.35.0.js"),
            css_url=url("swagger-ui-5.35.0.css"),
            standalone_preset_js_url=url("swagger-ui-standalone-preset-5.35.0.js"),
            path="/swagger",
            favicon=NO_FAVICON,
        ),
        JsonDocument(path="/openapi.json"),
    ]
