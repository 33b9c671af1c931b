"""Admin: people and their keys, webhook subscriptions with their deliveries."""

from __future__ import annotations

from litestar.handlers import HTTPRouteHandler

ROUTES: list[HTTPRouteHandler] = []
