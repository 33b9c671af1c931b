"""Search: one box over everything approved, with snippets, facets and typo tolerance, as the enablement portal shows
it."""

from __future__ import annotations

from litestar.handlers import HTTPRouteHandler

ROUTES: list[HTTPRouteHandler] = []
