"""Admin: people and their keys (`admin_people.py`), webhook subscriptions with their deliveries
(`admin_webhooks.py`). Every page calls the use case its API endpoint calls, so only admins get past the first line of
each, and anyone else gets the API's 403 and its reason."""

from __future__ import annotations

from litestar.handlers import HTTPRouteHandler

from service.console import admin_people, admin_webhooks

ROUTES: list[HTTPRouteHandler] = [*admin_people.ROUTES, *admin_webhooks.ROUTES]
