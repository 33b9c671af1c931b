"""Editing: create an entry and new versions, submit, publish, roll back, retire."""

from __future__ import annotations

from litestar.handlers import HTTPRouteHandler

ROUTES: list[HTTPRouteHandler] = []
