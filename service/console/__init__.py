"""The console (`/console`): server-rendered pages for people, over the same use cases and roles as the API.

`security.py` is its edge (sessions, CSRF, the response headers), `pages.py` its routes, `rules.py` criteria in
words; templates and the vendored HTMX and CSS sit beside them. Single sign-on (OIDC authorization code with PKCE)
will be a second way to open the same sessions (`ConsoleSessions`), beside the API-key form of `sign_in`."""

from __future__ import annotations

from service.console.pages import console_router
from service.console.render import template_config

__all__ = ["console_router", "template_config"]
