"""The library: messages and assets with facets, expiry badges, each asset's versions and the download of its file in
effect."""

from __future__ import annotations

from litestar.handlers import HTTPRouteHandler

ROUTES: list[HTTPRouteHandler] = []
