"""My work: the caller's review queue (approve, reject with a comment), the versions they must acknowledge, their
drafts."""

from __future__ import annotations

from litestar.handlers import HTTPRouteHandler

ROUTES: list[HTTPRouteHandler] = []
