"""What every console page shares: the Jinja2 environment, and `page`, which renders a template with the signed-in
person, their CSRF token and the static files' path in its context. Section modules (glossary.py, work.py, ...)
import from here, and pages.py gathers their `ROUTES` into the console's router."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Final

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from litestar import Request
from litestar.params import QueryParameter
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.response import Template
from litestar.template import TemplateConfig

from service.console import security
from service.usecases.console_sessions import Session

HERE: Final = Path(__file__).parent
HttpRequest = Request[Any, Any, Any]
TagQuery = Annotated[str | None, QueryParameter(max_length=100)]
CursorQuery = Annotated[str | None, QueryParameter(max_length=200)]


def template_config() -> TemplateConfig[JinjaTemplateEngine]:
    """Litestar's Jinja2 engine over the console's templates: every value escaped, an unknown name an error."""
    environment = Environment(
        loader=FileSystemLoader(HERE / "templates"), autoescape=True, undefined=StrictUndefined, trim_blocks=True
    )
    return TemplateConfig(instance=JinjaTemplateEngine.from_environment(environment))


def page(request: HttpRequest, name: str, status_code: int = 200, **context: Any) -> Template:
    """The template `name` for this request: the signed-in person (`principal`, or None on the sign-in page), their
    session's CSRF token (`csrf_token`) and the static files' path (`static`) come with `context`."""
    session = request.scope.get("auth")
    signed_in = session if isinstance(session, Session) else None
    return Template(
        template_name=name,
        status_code=status_code,
        context={
            "principal": None if signed_in is None else signed_in.principal,
            "csrf_token": "" if signed_in is None else signed_in.csrf,
            "static": f"{security.PATH}/static",
            **context,
        },
    )


def page_or_fragment(
    request: HttpRequest, whole: str, fragment: str, status_code: int = 200, **context: Any
) -> Template:
    """`page` for an address that answers with the whole page `whole`, or with `fragment` to HTMX (`is_partial`). The
    answer varies by `HX-Request`, so that no cache serves the one for the other."""
    shown = page(request, fragment if is_partial(request) else whole, status_code, **context)
    shown.headers["Vary"] = "HX-Request"
    return shown


def is_partial(request: HttpRequest) -> bool:
    """An HTMX request for a fragment: answer with the part of the page it swaps in. Not a boosted navigation, and
    not a history restore (HTMX asks for a page it no longer holds with `HX-Request` too, and needs all of it)."""
    headers = request.headers
    return (
        headers.get("hx-request") == "true"
        and headers.get("hx-boosted") != "true"
        and headers.get("hx-history-restore-request") != "true"
    )
