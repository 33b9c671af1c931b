"""Search: one box over definitions, messages and assets, with marked snippets, facets and typo tolerance (the
search use case behind `/v1/search`, as the signed-in person, within the same search rate limits).

What the library's list (library.py) shares with it lives here too: the filters a page was asked for, the facets
as checkboxes, snippets whose marks are rebuilt from escaped text, expiry badges and each hit's console page."""

from __future__ import annotations

import datetime as dt
import hashlib
import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final
from urllib.parse import urlencode

from litestar import get
from litestar.params import FromQuery
from litestar.response import Template
from markupsafe import Markup, escape

from service.api.deps import AllServices, SearchCaller
from service.console.render import HttpRequest, is_partial, page_or_fragment
from service.domain.errors import Invalid
from service.domain.model import VersionStatus
from service.search.base import FACETS, MARK_CLOSE, MARK_OPEN, MAX_WINDOW, SearchHit
from service.usecases import search as usecase
from service.usecases.search import Searcher, SearchPage, SearchParams
from service.wiring import Services

PAGE_SIZE: Final = 20
SOON_DAYS: Final = 30  # an expiry this close is a warning
QUERY_MAX: Final = 500  # as the API's `q`

# Filters and the cursor come as plain text, with no bounds of their own: the use case checks them (unknown kinds and
# types, lengths, cursors it did not issue) and the page says what it refused, in its words, rather than a bare 422.
Values = FromQuery[list[str] | None]
TextQuery = FromQuery[str | None]
FlagQuery = FromQuery[bool]

KIND_LABELS: Final = {"definition": "Definitions", "message": "Messages", "asset": "Assets"}
MESSAGE_TYPE_LABELS: Final = {
    "positioning": "Positioning",
    "value_proposition": "Value proposition",
    "talk_track": "Talk track",
    "objection_handling": "Objection handling",
    "other": "Other",
}
# facet name (the use case's) -> (query parameter, legend)
FACET_PARAMETERS: Final = {
    "kind": ("kind", "Kind"),
    "tags": ("tag", "Tags"),
    "teams": ("team", "Teams"),
    "message_type": ("message_type", "Message type"),
    "audience": ("audience", "Audience"),
    "segment": ("segment", "Segment"),
    "locale": ("locale", "Locale"),
}


@dataclass(frozen=True)
class Filters:
    """The filters a page was asked for, by query parameter (each any of its values), and whether an editor asked
    for versions in progress and expired assets too."""

    kind: list[str] = field(default_factory=list)
    tag: list[str] = field(default_factory=list)
    team: list[str] = field(default_factory=list)
    message_type: list[str] = field(default_factory=list)
    audience: list[str] = field(default_factory=list)
    segment: list[str] = field(default_factory=list)
    locale: list[str] = field(default_factory=list)
    include_drafts: bool = False

    def chosen(self, parameter: str) -> list[str]:
        values: list[str] = getattr(self, parameter)
        return values

    @property
    def any(self) -> bool:
        return any(self.chosen(parameter) for parameter, _ in FACET_PARAMETERS.values()) or self.include_drafts

    def query(self, **extra: str | None) -> str:
        """These filters (and `extra`, where not None) as a query string for a link."""
        pairs = [(parameter, value) for parameter, _ in FACET_PARAMETERS.values() for value in self.chosen(parameter)]
        if self.include_drafts:
            pairs.append(("include_drafts", "true"))
        pairs += [(name, value) for name, value in extra.items() if value]
        return urlencode(pairs)

    def params(self, *, q: str, kinds: Sequence[str], cursor: str | None, limit: int) -> SearchParams:
        return SearchParams(
            q=q,
            kinds=list(kinds),
            tags=self.tag,
            teams=self.team,
            message_types=self.message_type,
            locales=self.locale,
            audiences=self.audience,
            segments=self.segment,
            facets=",".join(FACETS),
            limit=limit,
            cursor=cursor,
            include_drafts=self.include_drafts,
        )


def filters_of(
    *,
    kind: Iterable[str] | None,
    tag: list[str] | None,
    team: list[str] | None,
    message_type: Iterable[str] | None,
    audience: list[str] | None,
    segment: list[str] | None,
    locale: list[str] | None,
    include_drafts: bool,
    sees_unreleased: bool,
) -> Filters:
    """The page's filters, blanks dropped. `include_drafts` is only an editor's choice: a reader's link that carries
    it (an editor's, shared) shows what the reader may see rather than an error."""

    def kept(values: Iterable[str] | None) -> list[str]:
        return list(dict.fromkeys(str(value).strip() for value in values or () if str(value).strip()))

    return Filters(
        kind=kept(kind),
        tag=kept(tag),
        team=kept(team),
        message_type=kept(message_type),
        audience=kept(audience),
        segment=kept(segment),
        locale=kept(locale),
        include_drafts=include_drafts and sees_unreleased,
    )


@dataclass(frozen=True)
class FacetOption:
    value: str
    label: str
    count: int | None  # None: not counted (a chosen value the result no longer has)
    chosen: bool
    id: str  # stable across swaps, so the focus stays on the box just ticked


@dataclass(frozen=True)
class FacetGroup:
    parameter: str
    legend: str
    options: list[FacetOption]


def facet_groups(
    counts: dict[str, dict[str, int]], filters: Filters, *, fixed_kinds: Sequence[str] = ()
) -> list[FacetGroup]:
    """The facets as checkbox groups: every counted value and every chosen one, by name; `fixed_kinds` are always
    offered (a kind the other filters leave out can still be ticked)."""
    groups = []
    for name, (parameter, legend) in FACET_PARAMETERS.items():
        counted = counts.get(name, {})
        chosen = filters.chosen(parameter)
        values = sorted({*counted, *chosen, *(fixed_kinds if name == "kind" else ())}, key=str.casefold)
        if not values:
            continue
        options = [
            FacetOption(
                value=value,
                label=_value_label(name, value),
                count=_count(counted, value, chosen),
                chosen=value in chosen,
                id=f"facet-{parameter}-{hashlib.sha256(value.encode()).hexdigest()[:12]}",
            )
            for value in values
        ]
        groups.append(FacetGroup(parameter=parameter, legend=legend, options=options))
    return groups


def _count(counted: dict[str, int], value: str, chosen: list[str]) -> int | None:
    """How many of the result have `value`: counted, or none when the result left it out by itself (no filter of
    this facet); unknown (None) when a filter of this facet left it out, since it was counted within that filter."""
    if value in counted:
        return counted[value]
    return None if chosen and value not in chosen else 0


def _value_label(facet: str, value: str) -> str:
    if facet == "kind":
        return KIND_LABELS.get(value, value)
    if facet == "message_type":
        return MESSAGE_TYPE_LABELS.get(value, value)
    return value


def marked(snippet: str) -> Markup:
    """A snippet as safe HTML: the backend's text (HTML-escaped, matches between <mark> and </mark>) is unescaped,
    then escaped again here and only the marks rebuilt, so nothing in it but a <mark> is ever markup, whatever the
    backend let through."""
    parts: list[Markup] = []
    inside = False
    for piece in snippet.split(MARK_OPEN):
        for index, text in enumerate(piece.split(MARK_CLOSE)):
            if index > 0:
                inside = False
            words = escape(html.unescape(text))
            if words:
                parts.append(Markup("<mark>{}</mark>").format(words) if inside else words)
        inside = True
    return Markup("").join(parts)


@dataclass(frozen=True)
class Badge:
    text: str
    tone: str  # a CSS class: expired, soon, later


def expiry_badge(expires_at: dt.datetime | None, now: dt.datetime) -> Badge | None:
    """'expired', 'expires today', 'expires in N days' (within SOON_DAYS), else 'expires on <date>'."""
    if expires_at is None:
        return None
    if expires_at <= now:
        return Badge("expired", "expired")
    left = expires_at - now
    if left < dt.timedelta(days=1):
        return Badge("expires today", "soon")
    if left.days <= SOON_DAYS:
        days = left.days
        return Badge(f"expires in {days} day{'' if days == 1 else 's'}", "soon")
    return Badge(f"expires on {expires_at:%Y-%m-%d}", "later")


def entry_href(kind: str, slug: str, version: int | None = None) -> str:
    """The console page of an entry (pinned to `version` for a version in progress)."""
    base = {"definition": "/console/glossary", "message": "/console/library/messages"}.get(
        kind, "/console/library/assets"
    )
    suffix = f"?version={version}" if version is not None and kind != "definition" else ""
    return f"{base}/{slug}{suffix}"


def download_href(slug: str, version: int | None = None) -> str:
    return f"/console/library/assets/{slug}/download" + (f"?version={version}" if version is not None else "")


@dataclass(frozen=True)
class HitView:
    """A hit as a page shows it."""

    hit: SearchHit
    href: str
    snippet: Markup
    message_type: str | None
    expiry: Badge | None
    download: str | None  # the console's download of its file, when it is served
    in_progress: bool  # a version in progress (an editor's search with drafts)


def hit_view(hit: SearchHit, now: dt.datetime) -> HitView:
    in_progress = hit.status != VersionStatus.published
    expired = hit.expires_at is not None and hit.expires_at <= now
    servable = hit.kind == "asset" and hit.content_url is not None and not expired
    return HitView(
        hit=hit,
        href=entry_href(hit.kind, hit.slug, hit.version if in_progress else None),
        snippet=marked(hit.snippet),
        message_type=MESSAGE_TYPE_LABELS.get(hit.message_type, hit.message_type) if hit.message_type else None,
        expiry=expiry_badge(hit.expires_at, now) if hit.kind == "asset" else None,
        download=download_href(hit.slug, hit.version if in_progress else None) if servable else None,
        in_progress=in_progress,
    )


@dataclass(frozen=True)
class Found:
    """A search's answer as pages use it, or the errors (in words) that kept it from running."""

    page: SearchPage | None
    hits: list[HitView]
    errors: list[str]

    @property
    def beyond_reach(self) -> bool:
        """More match than paging reaches (MAX_WINDOW): the page says to narrow the search."""
        return self.page is not None and self.page.next_cursor is None and self.page.total > MAX_WINDOW


async def run(services: Services, searcher: Searcher, params: SearchParams) -> Found:
    """The search use case as the caller; parameters it refuses come back as errors to show (a hand-edited link's
    cursor, an unknown kind), not as an error page."""
    try:
        found = await usecase.search(services.search, searcher, params, link_key=services.search_token_keys.signing)
    except Invalid as exc:
        return Found(page=None, hits=[], errors=[_in_words(error.pointer, error.detail) for error in exc.errors])
    now = dt.datetime.now(dt.UTC)
    return Found(page=found, hits=[hit_view(hit, now) for hit in found.hits], errors=[])


def sees_unreleased(searcher: Searcher) -> bool:
    """Whether the searcher may ask for versions in progress and expired assets too (an editor signed in)."""
    principal = searcher.principal
    return principal is not None and principal.sees_unreleased()


def results_page(
    request: HttpRequest,
    searcher: Searcher,
    found: Found,
    filters: Filters,
    *,
    whole: str,
    fragment: str,
    fixed_kinds: Sequence[str],
    form_id: str,
    noun: str,
    first_page: bool,
    next_href: str | None,
    **context: Any,
) -> Template:
    """A page of hits with its facets (the search's, the library's list): the template `whole`, or `fragment` (the
    results and the facets) for an HTMX swap. A parameter the search refused makes the whole page a 400; a swap is
    a 200, so that HTMX shows the words in place."""
    return page_or_fragment(
        request,
        whole,
        fragment,
        400 if found.errors and not is_partial(request) else 200,
        filters=filters,
        found=found,
        facets=facet_groups(found.page.facets if found.page else {}, filters, fixed_kinds=fixed_kinds),
        form_id=form_id,
        noun=noun,
        offers_drafts=sees_unreleased(searcher),
        first_page=first_page,
        next_href=next_href,
        **context,
    )


def next_href(path: str, found: Found, filters: Filters, **extra: str | None) -> str | None:
    """The link to the page after this one at `path`, with the same filters (and `extra`), if there is one."""
    if found.page is None or found.page.next_cursor is None:
        return None
    return f"{path}?" + filters.query(**extra, cursor=found.page.next_cursor)


def _in_words(parameter: str, detail: str) -> str:
    if parameter == "cursor":
        return "That link's page marker is not one Canon made (or it is out of date): start again from the first page."
    return f"{parameter.replace('_', ' ')}: {detail}"


# --- the page -------------------------------------------------------------------------------------------------------


@get("/search")
async def search_page(
    request: HttpRequest,
    services: AllServices,
    searcher: SearchCaller,
    q: FromQuery[str] = "",
    kind: Values = None,
    tag: Values = None,
    team: Values = None,
    message_type: Values = None,
    locale: Values = None,
    audience: Values = None,
    segment: Values = None,
    cursor: TextQuery = None,
    include_drafts: FlagQuery = False,
) -> Template:
    """Definitions, messages and assets for the words typed (best first, typos forgiven), with snippets and facets;
    an HTMX request (search as you type, a ticked facet) gets the results and the facets only."""
    filters = filters_of(
        kind=kind,
        tag=tag,
        team=team,
        message_type=message_type,
        audience=audience,
        segment=segment,
        locale=locale,
        include_drafts=include_drafts,
        sees_unreleased=sees_unreleased(searcher),
    )
    words = q.strip()
    if len(words) > QUERY_MAX:
        found = Found(page=None, hits=[], errors=[f"The search is too long: at most {QUERY_MAX} characters."])
    else:
        params = filters.params(q=words, kinds=filters.kind, cursor=cursor, limit=PAGE_SIZE)
        found = await run(services, searcher, params)
    return results_page(
        request,
        searcher,
        found,
        filters,
        whole="search.html",
        fragment="_search_results.html",
        fixed_kinds=tuple(KIND_LABELS),
        form_id="search-form",
        noun="result",
        first_page=cursor is None,
        next_href=next_href("/console/search", found, filters, q=words or None),
        q=words,
        query_max=QUERY_MAX,
    )


ROUTES = [search_page]
