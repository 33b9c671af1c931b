"""The docs pages (Scalar at /schema, Swagger UI at /schema/swagger) load their scripts and styles from Canon only:
pinned copies listed with their SHA-256 in service/api/static/manifest.json, public like the pages, cached long."""

from __future__ import annotations

import gzip
import hashlib
from html.parser import HTMLParser
from typing import Any

import msgspec
import pytest
from litestar.testing import AsyncTestClient

from service.api import docs_assets
from service.api.docs_assets import STATIC, Manifest

PAGES = ("/schema", "/schema/swagger")
CONTENT_TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}


class _Links(HTMLParser):
    """Every URL a page makes the browser fetch: scripts, stylesheets, icons, images, frames."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.styles: list[str] = []
        self.other: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {name: value or "" for name, value in attrs}
        if tag == "script" and "src" in found:
            self.scripts.append(found["src"])
        elif tag == "link" and "stylesheet" in found.get("rel", "").split():
            self.styles.append(found["href"])
        else:
            self.other += [found[name] for name in ("src", "href") if name in found]


def _links(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser


def _same_origin(url: str) -> bool:
    return url.startswith("/") and not url.startswith("//")


def _manifest() -> Manifest:
    return msgspec.json.decode((STATIC / "manifest.json").read_bytes(), type=Manifest)


@pytest.fixture
def anonymous(client: AsyncTestClient[Any]) -> AsyncTestClient[Any]:
    """The docs are public: every request here goes without a credential."""
    del client.headers["Authorization"]
    return client


@pytest.mark.parametrize("page", PAGES)
async def test_the_docs_pages_load_scripts_and_styles_from_canon_only(
    anonymous: AsyncTestClient[Any], page: str
) -> None:
    response = await anonymous.get(page)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    links = _links(response.text)
    assert links.scripts, "the page loads its viewer's script"
    assert links.styles, "the page loads its viewer's stylesheet"
    for url in [*links.scripts, *links.styles]:
        assert _same_origin(url), url
        assert url.startswith("/schema/static/"), url
    for url in links.other:  # the favicon: an empty data URL, not a CDN's
        assert _same_origin(url) or url.startswith("data:"), url


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("encoding", ["gzip, deflate", "identity"])
async def test_every_asset_a_page_references_is_served_pinned_and_cached(
    anonymous: AsyncTestClient[Any], page: str, encoding: str
) -> None:
    pinned = {asset.name: asset for asset in _manifest().assets}
    links = _links((await anonymous.get(page)).text)
    for url in [*links.scripts, *links.styles]:
        name = url.removeprefix("/schema/static/")
        response = await anonymous.get(url, headers={"Accept-Encoding": encoding})
        assert response.status_code == 200, (url, response.text)
        suffix = name[name.rindex(".") :]
        assert response.headers["content-type"] == CONTENT_TYPES[suffix], url
        assert response.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert response.headers["x-content-type-options"] == "nosniff"
        # httpx undoes a Content-Encoding: gzip, so either way `content` is the bytes the browser runs.
        assert hashlib.sha256(response.content).hexdigest() == pinned[name].sha256, url
        if encoding == "identity":
            assert "content-encoding" not in response.headers
        elif pinned[name].file.endswith(".gz"):
            assert response.headers["content-encoding"] == "gzip"


async def test_an_unknown_asset_is_not_found(anonymous: AsyncTestClient[Any]) -> None:
    for name in ("nothing.js", "manifest.json", "licenses", "..%2Fdocs_assets.py", "swagger-ui-5.35.0.css.gz"):
        assert (await anonymous.get(f"/schema/static/{name}")).status_code == 404, name


def test_the_manifest_lists_every_stored_file_with_its_hash_version_and_license() -> None:
    found = _manifest()
    stored = {path.name for path in STATIC.iterdir() if path.is_file()} - {"manifest.json"}
    assert stored == {asset.file for asset in found.assets}, "a file in static/ that no manifest entry names"
    licenses = {path.name for path in (STATIC / "licenses").iterdir()}
    for asset in found.assets:
        data = (STATIC / asset.file).read_bytes()
        if asset.file.endswith(".gz"):
            data = gzip.decompress(data)
        assert hashlib.sha256(data).hexdigest() == asset.sha256, asset.file
        if asset.source is None:
            assert asset.name.startswith("canon-"), asset.name
            continue
        # Pinned: an exact version, in the name (the URL is cached for a year) and from the registry's tarball.
        assert asset.source.version.replace(".", "").isdigit(), asset.source.version
        assert asset.source.version in asset.name
        assert asset.source.tarball.startswith("https://registry.npmjs.org/")
        assert asset.source.tarball.endswith(f"-{asset.source.version}.tgz")
        assert asset.source.integrity.startswith("sha512-")
        package = asset.source.package.removeprefix("@").replace("/", "-")
        assert f"{package}.LICENSE" in licenses, f"no license text for {asset.source.package}"


def test_the_own_stylesheet_is_versioned_in_its_name() -> None:
    own = [asset for asset in _manifest().assets if asset.source is None]
    assert own
    for asset in own:
        assert any(part.isdigit() for part in asset.name.removesuffix(".css").split("-")), asset.name


@pytest.mark.parametrize(
    ("header", "accepted"),
    [
        ("gzip, deflate, br", True),
        ("br;q=1.0, gzip;q=0.5", True),
        ("*", True),
        ("GZIP", True),
        ("gzip;q=0", False),
        ("identity", False),
        ("", False),
        ("gzip;q=nonsense", False),
    ],
)
def test_gzip_is_sent_only_to_clients_that_accept_it(header: str, accepted: bool) -> None:
    assert docs_assets._accepts_gzip(header) is accepted
