"""Console benchmark: every page of the web console (`/console`) at 8 concurrent signed-in clients, on the glossary
`canon dev` seeds plus 1,000 generated definitions (issue 17: every page renders in p95 ≤ 50 ms).

    .venv/bin/python bench/console.py [--definitions 1000] [--clients 8] [--seconds 10] [--warmup 2]
        [--pages TEXT[,TEXT...]] [--threads 4] [--wait-idle SECONDS] [--no-write]

One run:

1. starts an embedded PostgreSQL in a temporary folder (deleted afterwards), unless `CANON_DATABASE_URL` is set, and
   applies the migrations with `canon migrate`;
2. starts `canon serve` (uvicorn, 1 worker) and `canon worker` (search sync, webhook delivery), with the local blob
   store in the run's folder and webhook targets allowed on 127.0.0.1 over HTTP; a receiver thread in this process
   answers the webhook deliveries with 204;
3. seeds over HTTP, as the API's clients would: keys for an editor (every team), an approver per team and a reader;
   the glossary `canon dev` starts with (lead, MQL, SQL from service/seed.py), each created, submitted, approved by
   every owning team and published; a webhook subscription to messages and assets; `--definitions` generated
   definitions (search.py's topical vocabulary: titles, aliases, examples, tags, one or two owning teams, criteria
   of 2 to 7 rules) created, submitted, approved and published in `--threads` threads, every 5th with a second
   version, every 20th a third, every 25th a second version that takes effect in a month, every 10th asking the
   sales team to acknowledge, one in 25 left in review and one in 50 left a draft; messages and assets citing the
   glossary (each asset's PDF uploaded through the API, one asset with two versions, one expiring);
4. waits until the worker has indexed everything published (`GET /v1/search`) and delivered the webhooks, then
   `VACUUM` and `CHECKPOINT` (search.py's `settle`);
5. signs in to the console as an admin person (teams marketing and sales; the bootstrap key cannot sign in) through
   its form: `GET /console/sign-in` (a cookie and the hidden CSRF token), `POST /console/sign-in` with the key → 303
   and the `canon_console` session cookie;
6. fetches every candidate page once (a list built from the seeded data: the glossary, filtered by tag and team,
   its HTMX fragment, definitions, a diff, search and its fragment, the library and its fragment, a message, an
   asset, my work, the edit forms, the admin pages) and keeps those answering 200; the others are listed with what
   they answered, and so are the console router's GET routes that no candidate reaches;
7. with `--wait-idle`, waits for the machine to be idle; then per page: a `--warmup` s warm-up, then `--seconds` s
   at `--clients` keep-alive connections, closed loop, with the session cookie (HTMX fragments with
   `HX-Request: true`), by the Python generator of `bench/read_path.py` (raw asyncio sockets; it times every
   request and counts every answer other than 200, and costs little at these rates), with the CPU of
   `canon serve`, PostgreSQL and `canon worker` over the same seconds;
8. writes `docs/benchmarks.md` between `<!-- console:start -->` and `<!-- console:end -->`, keeping the notes
   between `<!-- console:notes:start -->` and `<!-- console:notes:end -->`.

Every process it starts runs in its own process group and is killed on the way out, whatever happens.
"""

from __future__ import annotations

import argparse
import contextlib
import copy
import datetime as dt
import html
import http.client
import http.cookies
import http.server
import json
import random
import re
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import _harness as harness
import msgspec
import read_path  # its Python load generator: every request timed, every status counted
import search  # the generated vocabulary (topics, rare words, tags, acronyms) and `settle`

MARKS = harness.marks("console")
P95_TARGET_MS = 50.0
TEAMS = ("marketing", "sales", "revops", "product")
PERSON_TEAMS = ["marketing", "sales"]  # the console person's: reviews for them, acknowledgements for sales
SESSION_COOKIE = "canon_console"
SIGN_IN_COOKIE = "canon_console_sign_in"
# A small but real PDF (header, one object, trailer): what the upload's magic-byte check accepts.
PDF = (
    b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n"
    b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
)
# GET routes of the console that are not pages people read: why each is not measured.
NOT_PAGES = {
    "/console": "redirects to the glossary",
    "/console/static/{name:str}": "static files (HTMX, CSS, icon), not pages",
    "/console/sso": "single sign-on redirect (not configured here)",
    "/console/sso/callback": "single sign-on return (not configured here)",
    "/console/library/assets/{slug:str}/download": "a file download, not a page",
    "/console/{rest:path}": "the 404 page for any other path",
}


# --------------------------------------------------------------------------------------------------------------
# Seeding over HTTP


def _expect(
    conn: http.client.HTTPConnection, method: str, path: str, status: int, key: str, **kwargs: Any
) -> tuple[dict[str, str], bytes]:
    got, headers, body = harness.send(conn, method, path, key=key, **kwargs)
    if got != status:
        raise RuntimeError(f"{method} {path}: expected {status}, got {got}: {body[:500]!r}")
    return headers, body


def _review(
    conn: http.client.HTTPConnection, keys: harness.Keys, plural: str, slug: str, number: int, teams: list[str]
) -> None:
    """Submit a version, have every team in `teams` approve it, publish it."""
    path = f"/v1/{plural}/{slug}/versions/{number}"
    _expect(conn, "POST", f"{path}/submit", 200, keys.editor)
    for team in teams:
        _expect(conn, "POST", f"{path}/approve", 200, keys.approvers[team], body={"comment": "agreed"})
    _expect(conn, "POST", f"{path}/publish", 200, keys.editor)


def _connection(port: int) -> http.client.HTTPConnection:
    return http.client.HTTPConnection(harness.HOST, port, timeout=60)


COUNTRIES = ["US", "CA", "GB", "DE", "FR", "NL", "SE", "ES", "IT", "AU", "JP", "BR"]
STAGES = ["new", "working", "discovery_done", "opportunity", "nurture", "recycled"]
INDUSTRIES = ["education", "government", "healthcare", "finance", "retail", "manufacturing", "media"]
RULES: list[Callable[[random.Random], dict[str, Any]]] = [
    lambda rng: {"field": "company.employees", "op": "gte", "value": rng.choice([20, 50, 100, 250, 1000])},
    lambda rng: {"field": "company.country", "op": "in", "value": rng.sample(COUNTRIES, rng.randint(2, 6))},
    lambda rng: {"not": {"field": "email", "op": "contains", "value": "@gmail.com"}, "label": "work email"},
    lambda rng: {"field": "score", "op": "gte", "value": rng.randrange(40, 95, 5)},
    lambda rng: {"field": "stage", "op": "in", "value": rng.sample(STAGES, 2)},
    lambda rng: {"field": "company.industry", "op": "not_in", "value": rng.sample(INDUSTRIES, 2)},
    lambda rng: {"field": "decision_maker", "op": "exists", "label": "a named decision maker"},
    lambda rng: {"field": "title", "op": "starts_with", "value": rng.choice(["VP", "Head", "Director"])},
    lambda rng: {"field": "opted_out", "op": "ne", "value": True, "label": "has not opted out"},
]


def _criteria(rng: random.Random) -> dict[str, Any]:
    rules = [rule(rng) for rule in rng.sample(RULES, rng.randint(2, 5))]
    if rng.random() < 0.5:
        engaged = [
            {"field": "score", "op": "gte", "value": rng.randrange(50, 90, 5)},
            {"field": "requested_demo", "op": "eq", "value": True},
        ]
        rules.append({"any": engaged, "label": "engaged"})
    return {"all": rules}


@dataclass(frozen=True)
class Plan:
    """What happens to one generated definition after its first draft."""

    number: int
    fate: str  # "published", "review" (submitted, no approval yet) or "draft"
    versions: int  # published versions (1 to 3)
    scheduled: bool  # its newest version takes effect in a month

    @classmethod
    def of(cls, number: int) -> Plan:
        fate = {48: "review", 23: "review", 49: "draft"}.get(number % 50, "published")
        if fate != "published":
            return cls(number, fate, 0, scheduled=False)
        scheduled = number % 25 == 10
        versions = 3 if number % 20 == 0 and not scheduled else 2 if number % 5 == 0 or scheduled else 1
        return cls(number, fate, versions, scheduled)


def definition_body(rng: random.Random, text: search.Text, number: int, run: str) -> dict[str, Any]:
    """A generated definition: a title of topical words, tags, one or two owning teams, prose and criteria."""
    text.about()
    words = text.title_words(rng.randint(2, 4))
    acronym = rng.choice(search.ACRONYMS)
    owners = rng.sample(TEAMS, rng.randint(1, 2))
    return {
        "slug": f"{'-'.join(words)}-{run}{number}",
        "title": " ".join(word.capitalize() for word in words),
        "tags": rng.sample(search.TAGS, rng.randint(1, 3)),
        "owners": owners,
        "acknowledge_teams": ["sales"] if number % 10 == 3 else [],
        "content": {
            "summary": text.sentence(rng.randint(10, 20)),
            "body": "\n\n".join(text.paragraph(rng.randint(40, 90)) for _ in range(rng.randint(1, 3))),
            "aliases": [f"{acronym}{number}"] if rng.random() < 0.5 else [],
            "examples": [text.sentence(rng.randint(8, 14)) for _ in range(rng.randint(0, 2))],
            "related": rng.sample(["lead", "mql", "sql"], rng.randint(0, 2)),
            "criteria": _criteria(rng),
        },
    }


def seed_definition(port: int, keys: harness.Keys, body: dict[str, Any], plan: Plan, rng: random.Random) -> None:
    """Create one generated definition and take it where its plan says, on a connection of its own."""
    slug, teams = body["slug"], body["owners"]
    conn = _connection(port)
    try:
        _expect(conn, "POST", "/v1/definitions", 201, keys.editor, body=body)
        if plan.fate == "draft":
            return
        if plan.fate == "review":
            _expect(conn, "POST", f"/v1/definitions/{slug}/versions/1/submit", 200, keys.editor)
            return
        _review(conn, keys, "definitions", slug, 1, teams)
        for number in range(2, plan.versions + 1):
            content = copy.deepcopy(body["content"])
            content["summary"] = f"{content['summary']} Revised in version {number}."
            content["criteria"] = _criteria(rng)
            if plan.scheduled:
                content["effective_date"] = (dt.datetime.now(dt.UTC).date() + dt.timedelta(days=30)).isoformat()
            new = {"content": content}
            _expect(conn, "POST", f"/v1/definitions/{slug}/versions", 201, keys.editor, body=new)
            _review(conn, keys, "definitions", slug, number, teams)
    finally:
        conn.close()


def messages_and_assets(port: int, keys: harness.Keys, cited: list[str], run: str) -> tuple[list[str], list[str]]:
    """Messages citing glossary entries, and assets with their PDFs uploaded (one with a second version, one
    expiring in ten days), all published; their slugs."""
    types = ["value_proposition", "positioning", "talk_track", "objection_handling", "other"]
    audiences = ["RevOps leaders", "CFOs", "CMOs", "Sales managers"]
    messages, assets = [], []
    conn = _connection(port)
    try:
        for number in range(8):
            slug = f"message-{run}-{number}"
            body = {
                "slug": slug,
                "title": f"Talking about qualified leads, take {number + 1}",
                "tags": ["pitch", search.TAGS[number % len(search.TAGS)]],
                "owners": ["marketing"],
                "content": {
                    "message_type": types[number % len(types)],
                    "body": "One definition of a qualified lead, shared by sales and marketing.\n\n" * 3,
                    "audience": audiences[number % len(audiences)],
                    "segment": "mid-market",
                    "channel": "email",
                    "locale": "en-US",
                    "references": [{"slug": entry} for entry in cited[number % 3 : number % 3 + 2]],
                },
            }
            _expect(conn, "POST", "/v1/messages", 201, keys.editor, body=body)
            _review(conn, keys, "messages", slug, 1, ["marketing"])
            messages.append(slug)
        for number in range(4):
            slug = f"asset-{run}-{number}"
            expires = dt.datetime.now(dt.UTC) + dt.timedelta(days=10, hours=1) if number == 1 else None
            body = {
                "slug": slug,
                "title": f"Qualified lead playbook {number + 1}",
                "tags": ["collateral", search.TAGS[number]],
                "owners": ["marketing"],
                "content": {
                    "description": "How sales and marketing agree on a qualified lead.",
                    "file_name": f"playbook-{number + 1}.pdf",
                    "references": [{"slug": cited[number % len(cited)]}],
                    **({"expires_at": expires.isoformat()} if expires else {}),
                },
            }
            headers, _ = _expect(conn, "POST", "/v1/assets", 201, keys.editor, body=body)
            for version in (1, 2) if number == 0 else (1,):
                if version == 2:
                    headers, _ = _expect(conn, "POST", f"/v1/assets/{slug}/versions", 201, keys.editor, body={})
                upload = {"Content-Type": "application/pdf", "If-Match": headers["etag"]}
                data = PDF.replace(b"%%EOF", f"% {slug} v{version}\n%%EOF".encode())
                path = f"/v1/assets/{slug}/versions/{version}/content"
                _expect(conn, "PUT", path, 200, keys.editor, body=data, headers=upload)
                _review(conn, keys, "assets", slug, version, ["marketing"])
            assets.append(slug)
    finally:
        conn.close()
    return messages, assets


class _Receiver(http.server.BaseHTTPRequestHandler):
    """A webhook endpoint that accepts every delivery."""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(204)
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:  # the base class names it `format`
        return


@contextlib.contextmanager
def webhook_receiver() -> Iterator[int]:
    """A threaded HTTP server on 127.0.0.1 answering every POST with 204, for as long as the block runs; its port."""
    server = http.server.ThreadingHTTPServer((harness.HOST, 0), _Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Seeded:
    """What the run seeded, and what the candidate pages are built from."""

    single: list[str] = field(default_factory=list)  # published definitions with one version
    versioned: list[str] = field(default_factory=list)  # with three published versions
    scheduled: list[str] = field(default_factory=list)  # the newest version takes effect in a month
    in_review: list[str] = field(default_factory=list)
    drafts: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)
    assets: list[str] = field(default_factory=list)
    published: int = 0  # entries published: what the search index must hold
    versions: int = 0  # definition versions published
    webhook: str | None = None
    delivery: str | None = None
    person: str = ""  # the console person's subject
    key: str = ""  # and their key
    seconds: float = 0.0


def seed(port: int, admin: str, receiver: int, args: argparse.Namespace) -> Seeded:
    from service.seed import GLOSSARY, PEOPLE  # noqa: PLC0415  # the people and glossary `canon dev` starts with

    started = time.monotonic()
    run = secrets.token_hex(2)  # slugs unique per run, so an external database can be reused
    keys = harness.seed_keys(port, admin, TEAMS)
    seeded = Seeded()
    seeded.key = harness.person_key(port, admin, "admin", PERSON_TEAMS, "bench-console")
    _, me = harness.expect(port, "GET", "/v1/me", 200, key=seeded.key)
    seeded.person = json.loads(me)["subject"]
    conn = _connection(port)
    try:
        for person in PEOPLE:  # 409: an external database that has them already
            harness.send(conn, "POST", "/v1/people", key=admin, body=msgspec.to_builtins(person))
        for item in GLOSSARY:
            status, _, _ = harness.send(conn, "POST", "/v1/definitions", key=keys.editor, body=item)
            if status == 201:  # 409: an external database that has it already
                _review(conn, keys, "definitions", item["slug"], 1, item["owners"])
                seeded.published += 1
                seeded.versions += 1
        hook = {"url": f"http://{harness.HOST}:{receiver}/canon", "event_types": ["message.*", "asset.*"]}
        _, created = _expect(conn, "POST", "/v1/webhooks", 201, admin, body=hook)
        seeded.webhook = str(json.loads(created)["webhook"]["id"])
    finally:
        conn.close()
    _generate(port, keys, args, run, seeded)
    seeded.messages, seeded.assets = messages_and_assets(port, keys, ["mql", "sql", "lead"], run)
    seeded.published += len(seeded.messages) + len(seeded.assets)
    seeded.seconds = time.monotonic() - started
    return seeded


def _generate(port: int, keys: harness.Keys, args: argparse.Namespace, run: str, seeded: Seeded) -> None:
    """The generated definitions, `args.threads` at a time, each on a connection of its own."""
    rng = random.Random(17)
    text = search.Text(rng)
    work = []
    for number in range(args.definitions):
        plan = Plan.of(number)
        body = definition_body(rng, text, number, run)
        work.append((body, plan, random.Random(number)))
        slug = body["slug"]
        if plan.fate == "review":
            seeded.in_review.append(slug)
        elif plan.fate == "draft":
            seeded.drafts.append(slug)
        else:
            seeded.published += 1
            seeded.versions += plan.versions
            chosen = seeded.scheduled if plan.scheduled else seeded.versioned if plan.versions == 3 else seeded.single
            chosen.append(slug)
    done = 0
    with ThreadPoolExecutor(max_workers=args.threads) as pool:
        for future in [pool.submit(seed_definition, port, keys, body, plan, r) for body, plan, r in work]:
            future.result()
            done += 1
            if done % 200 == 0:
                print(f"  {done} definitions", flush=True)


def wait_for_worker(port: int, reader: str, admin: str, seeded: Seeded, timeout: float = 600) -> None:
    """Until the search index holds every published entry and the webhook has deliveries (one is kept for its page)."""
    deadline = time.monotonic() + timeout
    total = 0
    while time.monotonic() < deadline:
        _, body = harness.expect(port, "GET", "/v1/search?q=&limit=1", 200, key=reader)
        total = json.loads(body)["total"]
        if total >= seeded.published:
            break
        time.sleep(1.0)
    else:
        raise RuntimeError(f"the search index holds {total} of {seeded.published} published entries after {timeout} s")
    while seeded.webhook and time.monotonic() < deadline:
        _, body = harness.expect(port, "GET", f"/v1/webhooks/{seeded.webhook}/deliveries", 200, key=admin)
        items = json.loads(body)["items"]
        if items:
            seeded.delivery = str(items[0]["id"])
            return
        time.sleep(0.5)


# --------------------------------------------------------------------------------------------------------------
# Signing in and the pages


def _cookies(response: http.client.HTTPResponse) -> http.cookies.SimpleCookie:
    jar: http.cookies.SimpleCookie = http.cookies.SimpleCookie()
    for value in response.msg.get_all("set-cookie") or []:
        jar.load(value)
    return jar


def sign_in(port: int, key: str) -> str:
    """Sign in through the console's form as a browser does; the session cookie's value."""
    conn = _connection(port)
    try:
        conn.request("GET", "/console/sign-in")
        form = conn.getresponse()
        page = form.read().decode()
        secret = _cookies(form)[SIGN_IN_COOKIE].value
        token = re.search(r'name="csrf_token" value="([^"]+)"', page)
        if form.status != 200 or token is None:
            raise RuntimeError(f"GET /console/sign-in: {form.status}, CSRF token found: {token is not None}")
        fields = urlencode({"key": key, "csrf_token": token.group(1)})
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": f"{SIGN_IN_COOKIE}={secret}"}
        conn.request("POST", "/console/sign-in", body=fields, headers=headers)
        answer = conn.getresponse()
        body = answer.read()
        session = _cookies(answer).get(SESSION_COOKIE)
        if answer.status != 303 or session is None or not session.value:
            raise RuntimeError(f"POST /console/sign-in: {answer.status} {body[:300]!r}")
        return session.value
    finally:
        conn.close()


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    partial: bool = False  # an HTMX fragment: sent with `HX-Request: true`

    @property
    def label(self) -> str:
        return f"{self.name} (HTMX)" if self.partial else self.name


def candidates(seeded: Seeded) -> list[Page]:
    """The pages to try, from what was seeded: any that does not answer 200 when the run starts is left out."""
    single = (seeded.single or seeded.versioned or ["mql"])[0]
    versioned = (seeded.versioned or [single])[0]
    scheduled = (seeded.scheduled or [single])[0]
    tag = search.TAGS[0]
    message, asset = (seeded.messages or ["none"])[0], (seeded.assets or ["none"])[0]
    draft = (seeded.drafts or ["none"])[0]
    webhook = f"/console/admin/webhooks/{seeded.webhook}"
    return [
        Page("sign-in form", "/console/sign-in"),
        Page("glossary", "/console/glossary"),
        Page("glossary by tag", f"/console/glossary?tag={tag}"),
        Page("glossary by team", "/console/glossary?team=sales"),
        Page("glossary by tag", f"/console/glossary?tag={tag}", partial=True),
        Page("glossary, typed 'qualifed'", "/console/glossary?q=qualifed", partial=True),
        Page("definition: MQL (seeded)", "/console/glossary/mql"),
        Page("definition: 1 version", f"/console/glossary/{single}"),
        Page("definition: 3 versions", f"/console/glossary/{versioned}"),
        Page("definition: next version scheduled", f"/console/glossary/{scheduled}"),
        Page("definition: diff v1 → v3", f"/console/glossary/{versioned}/diff?from=1&to=3"),
        Page("search 'qualified'", "/console/search?q=qualified"),
        Page("search 'qualified'", "/console/search?q=qualified", partial=True),
        Page("search 'qualifed' (typo)", "/console/search?q=qualifed"),
        Page("library", "/console/library"),
        Page("library, assets", "/console/library?kind=asset", partial=True),
        Page("message", f"/console/library/messages/{message}"),
        Page("asset (2 versions)", f"/console/library/assets/{asset}"),
        Page("my work", "/console/work"),
        Page("edit: new definition", "/console/edit/definitions/new"),
        Page("edit: a definition's versions", f"/console/edit/definitions/{versioned}/versions"),
        Page("edit: new version form", f"/console/edit/definitions/{single}/versions/new"),
        Page("edit: draft form", f"/console/edit/definitions/{draft}/versions/1"),
        Page("edit: roll back form", f"/console/edit/definitions/{versioned}/rollback"),
        Page("edit: actions panel", f"/console/edit/definitions/{single}/actions", partial=True),
        Page("edit: new message", "/console/edit/messages/new"),
        Page("admin", "/console/admin"),
        Page("admin: people", "/console/admin/people"),
        Page("admin: a person", f"/console/admin/people/{quote(seeded.person, safe='@')}"),
        Page("admin: keys", "/console/admin/keys"),
        Page("admin: webhooks", "/console/admin/webhooks"),
        Page("admin: new webhook", "/console/admin/webhooks/new"),
        Page("admin: a webhook", webhook),
        Page("admin: delete a webhook?", f"{webhook}/delete"),
        Page("admin: a delivery", f"{webhook}/deliveries/{seeded.delivery}"),
    ]


def headers_for(page: Page, session: str) -> dict[str, str]:
    headers = {"Cookie": f"{SESSION_COOKIE}={session}"}
    if page.partial:
        headers["HX-Request"] = "true"
    return headers


@dataclass(frozen=True)
class Skipped:
    page: Page
    why: str


def _heading(body: bytes) -> str:
    """What an error page says: its heading and first paragraph, or the start of a plain answer."""
    text = body.decode(errors="replace")
    found = re.search(r"<h1[^>]*>(.*?)</h1>.*?<p[^>]*>(.*?)</p>", text, re.S)
    said = " ".join(found.groups()) if found else text[:120]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", said)).split())


def probe(port: int, pages: list[Page], session: str) -> tuple[list[tuple[Page, int]], list[Skipped]]:
    """Each candidate fetched once: those answering 200 (with the body's size), and the others with why."""
    kept, skipped = [], []
    for page in pages:
        status, headers, body = harness.call(port, "GET", page.path, headers=headers_for(page, session))
        if status != 200:
            why = f"{status} to {headers.get('location')}" if 300 <= status < 400 else f"{status}: {_heading(body)}"
            skipped.append(Skipped(page, why))
        elif "content-length" not in headers:
            skipped.append(Skipped(page, "200 without Content-Length (the load generator needs it)"))
        else:
            kept.append((page, len(body)))
    return kept, skipped


def _route_pattern(path: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", path)
    pattern = "".join(
        ".+"
        if part.endswith(":path}")
        else "[0-9]+"
        if part.endswith(":int}")
        else "[^/]+"
        if part.startswith("{")
        else re.escape(part)
        for part in parts
    )
    return re.compile(f"{pattern}/?")


def unreached_routes(pages: list[Page]) -> list[str]:
    """The console router's GET routes (as the tree being measured has them) that no candidate page reaches and
    that are not in NOT_PAGES: pages added since this script last learnt the console."""
    from service.console.pages import console_router  # noqa: PLC0415  # the routes of the tree under test

    paths = [page.path.split("?")[0] for page in pages]
    unreached = []
    for route in console_router().routes:
        if "GET" not in getattr(route, "methods", ()) or route.path in NOT_PAGES:
            continue
        pattern = _route_pattern(route.path)
        if not any(pattern.fullmatch(path) for path in paths):
            unreached.append(route.path)
    return unreached


def _parameter(name: str, route: str, seeded: Seeded) -> str | None:
    """A value from the seeded data for a path parameter of a console route, by its name (None: unknown)."""
    if name == "slug":
        found = seeded.messages if "/messages" in route else seeded.assets if "/assets" in route else seeded.versioned
        return found[0] if found else None
    values = {
        "kind": "definitions",
        "number": "1",
        "subject": quote(seeded.person, safe="@"),
        "webhook_id": seeded.webhook,
        "delivery_id": seeded.delivery,
    }
    return values.get(name)


def route_pages(routes: list[str], seeded: Seeded) -> tuple[list[Page], list[str]]:
    """Pages for GET routes no candidate reaches, their parameters filled from the seeded data; and the routes whose
    parameters it cannot fill."""
    pages, unfilled = [], []
    for route in routes:
        path = route
        for whole, name in re.findall(r"(\{(\w+):[^}]+\})", route):
            value = _parameter(name, route, seeded)
            if value is None:
                unfilled.append(route)
                break
            path = path.replace(whole, value)
        else:
            pages.append(Page(f"route `{route.removeprefix('/console')}`", path))
    return pages, unfilled


# --------------------------------------------------------------------------------------------------------------
# Measuring


@dataclass
class Pids:
    server: int
    worker: int
    postmaster: int | None


@dataclass
class Result:
    page: Page
    load: harness.LoadRun
    server_cpu: float  # CPU seconds of `canon serve` during the measurement
    db_cpu: float | None  # of PostgreSQL (embedded only)
    worker_cpu: float
    generator_cores: float  # cores the load generator used (its start included)
    other_cores: float  # cores busy with other processes

    @property
    def ok(self) -> bool:
        return self.load.p95_ms <= P95_TARGET_MS

    def per_request_ms(self, cpu: float | None) -> float | None:
        return None if cpu is None else cpu / max(self.load.requests, 1) * 1e3

    @property
    def server_cores(self) -> float:
        return self.server_cpu / self.load.seconds if self.load.seconds else 0.0

    @property
    def db_cores(self) -> float | None:
        return None if self.db_cpu is None or not self.load.seconds else self.db_cpu / self.load.seconds


def measure(page: Page, port: int, session: str, pids: Pids, args: argparse.Namespace) -> Result:
    headers = headers_for(page, session)
    target = read_path.Target(page.label, page.label, port, page.path, headers, 200, pids.server)
    if args.warmup > 0:
        read_path.run_python(target, args.warmup, args.clients)
    server, worker = harness.cpu_seconds(pids.server), harness.cpu_seconds(pids.worker)
    db, generator, busy = harness.postgres_cpu(pids.postmaster), read_path.children_cpu(), harness.machine_busy()
    started = time.monotonic()
    load = read_path.run_python(target, args.seconds, args.clients)
    wall = time.monotonic() - started  # the measured seconds, and the generator's start and connections
    server = harness.cpu_seconds(pids.server) - server
    worker = harness.cpu_seconds(pids.worker) - worker
    db_after = harness.postgres_cpu(pids.postmaster)
    db = None if db is None or db_after is None else db_after - db
    generator = read_path.children_cpu() - generator
    busy = harness.machine_busy() - busy
    other = max(busy - server - worker - (db or 0.0) - generator, 0.0) / wall
    return Result(page, load, server, db, worker, generator / wall, other)


def _bound(result: Result, clients: int) -> str:
    """What the CPU accounting says limits a page: the one server process (a closed loop of N clients then waits
    about N times its CPU per request), the machine's cores, other processes taking them, or none of these."""
    server_ms = result.per_request_ms(result.server_cpu) or 0.0
    db_ms = result.per_request_ms(result.db_cpu) or 0.0
    spent = f"`canon serve` {server_ms:.1f} ms + PostgreSQL {db_ms:.1f} ms of CPU per request"
    db_cores = result.db_cores or 0.0
    machine = result.server_cores + db_cores + result.other_cores + result.generator_cores
    if result.server_cores >= 0.75:
        return (
            f"{spent}; the one `canon serve` process was busy {result.server_cores:.0%} of the time: it is the bound "
            f"({clients} clients queue behind it: p50 ≈ {clients} x {server_ms:.1f} = {clients * server_ms:.0f} ms, "
            f"measured {result.load.p50_ms:.0f} ms)"
        )
    if machine >= 1.7:
        return (
            f"{spent}; the machine's cores were full (server {result.server_cores:.2f}, PostgreSQL {db_cores:.2f}, "
            f"other processes {result.other_cores:.2f}, load generator {result.generator_cores:.2f})"
        )
    if result.other_cores >= 0.5:
        return f"{spent}; other processes kept {result.other_cores:.2f} cores busy: requests waited for the cores"
    return f"{spent}, using {result.server_cores + db_cores:.2f} cores: waits outside the CPU"


# --------------------------------------------------------------------------------------------------------------
# Report


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def render(
    args: argparse.Namespace,
    seeded: Seeded,
    results: list[Result],
    skipped: list[Skipped],
    routes: tuple[list[str], list[str]],
    database_kind: str,
    loads: tuple[str, str],
) -> str:
    info = harness.machine()
    met = [r for r in results if r.ok]
    command = (
        f"python bench/console.py --definitions {args.definitions} --clients {args.clients} --seconds {args.seconds} "
        f"--warmup {args.warmup}" + (f" --pages {args.pages}" if args.pages else "")
    )
    lines = [
        MARKS.start,
        f"## Console: every page under `/console` at {args.clients} concurrent clients",
        "",
        harness.written_by("console.py", keeps_notes=True),
        "",
        f"Command: `{command}`" + (f" (after `--wait-idle {args.wait_idle}`)" if args.wait_idle else ""),
        "",
        f"- Machine: {info['description']}; `canon serve`, `canon worker`, PostgreSQL and the load generator share "
        "the cores",
        f"- Software: {info['packages']}; uvicorn {info['uvicorn_impl']}",
        f"- Database: {database_kind}, on the same machine",
        f"- Data: the glossary `canon dev` seeds (lead, MQL, SQL) + {args.definitions} generated definitions "
        f"({len(seeded.single) + len(seeded.versioned) + len(seeded.scheduled)} published, {seeded.versions} "
        f"published versions among them, {len(seeded.scheduled)} with a version taking effect in a month; in review: "
        f"{len(seeded.in_review)}, drafts: {len(seeded.drafts)}; tags, one or two owning teams of "
        f"{len(TEAMS)}, criteria of 2 to 7 rules), {len(seeded.messages)} messages and {len(seeded.assets)} assets "
        "with their PDFs, 1 webhook subscription with its deliveries; all written over HTTP through the review "
        f"(create, submit, approvals, publish) in {seeded.seconds:.0f} s ({args.threads} threads), then indexed by "
        "the worker",
        f"- Signed in as an admin person (teams {', '.join(PERSON_TEAMS)}) through the console's sign-in form; every "
        "request carries the session cookie; HTMX fragments carry `HX-Request: true`",
        f"- Load: the Python generator of `bench/read_path.py` (asyncio, raw sockets, one request in flight per "
        f"connection), {args.clients} keep-alive connections, closed loop; per page a {args.warmup} s warm-up, then "
        f"{args.seconds} s measured; pages one after another. CPU per request: the process's CPU time over the "
        "measurement divided by the requests served",
        "",
        "| page | path | requests | req/s | p50 ms | p95 ms | p99 ms | non-200 | p95 ≤ 50 ms | `canon serve` "
        "CPU ms/req | PostgreSQL CPU ms/req | cores: serve / PostgreSQL / others | KiB/response |",
        "|---|---|---:|---:|---:|---:|---:|---:|:---:|---:|---:|---:|---:|",
    ]
    for r in results:
        size = r.load.bytes_per_response
        lines.append(
            f"| {r.page.label} | `{r.page.path}` | {r.load.requests} | {r.load.rps:.0f} | {r.load.p50_ms:.1f} | "
            f"**{r.load.p95_ms:.1f}** | {r.load.p99_ms:.1f} | {r.load.errors} | {'yes' if r.ok else '**no**'} | "
            f"{_ms(r.per_request_ms(r.server_cpu))} | {_ms(r.per_request_ms(r.db_cpu))} | {r.server_cores:.2f} / "
            f"{'-' if r.db_cores is None else f'{r.db_cores:.2f}'} / {r.other_cores:.2f} | "
            f"{'-' if size is None else f'{size / 1024:.1f}'} |"
        )
    worker = sum(r.worker_cpu for r in results)
    generator = max((r.generator_cores for r in results), default=0.0)
    other = sorted(r.other_cores for r in results)
    lines += [
        "",
        f"**{len(met)} of {len(results)} pages meet p95 ≤ {P95_TARGET_MS:.0f} ms** (target: every page).",
        "",
        *[
            f"- Misses: {r.page.label}: p95 {r.load.p95_ms:.1f} ms; {_bound(r, args.clients)}."
            for r in results
            if not r.ok
        ],
        f"- Non-200 answers during the measurements: {sum(r.load.errors for r in results)} (each page was fetched "
        "once before and answered 200).",
        f"- The load generator used at most {generator:.2f} cores; `canon worker` {worker:.1f} CPU s in all "
        f"measurements; other processes on the machine kept {other[len(other) // 2] if other else 0:.2f} cores busy "
        f"(median; max {other[-1] if other else 0:.2f}).",
        f"- Load average (1 min) before the measurements {loads[0]}, after {loads[1]}: on a {info['nproc']}-core "
        "machine anything well above 2 means other work took cores from these numbers.",
    ]
    if skipped:
        lines.append(
            "- Candidates not measured (they did not answer 200 when the run started): "
            + "; ".join(f"{s.page.label} `{s.page.path}`: {s.why}" for s in skipped)
            + "."
        )
    unreached, unfilled = routes
    if unreached:
        lines.append(
            "- Console GET routes newer than this script's list of pages (measured above as `route …`, their "
            "parameters filled from the seeded data, unless named here as not measured): "
            + ", ".join(
                f"`{path}`" + (" (not measured: a parameter it cannot fill)" if path in unfilled else "")
                for path in unreached
            )
            + "."
        )
    lines.append(
        "- Not measured by design: form posts (they write; they answer with the pages above or a redirect), and "
        + "; ".join(f"`{path}` ({why})" for path, why in NOT_PAGES.items())
        + "."
    )
    lines += ["", MARKS.notes_start, MARKS.notes_end, MARKS.end, ""]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------------------------
# The run


def chosen(pages: list[Page], wanted: str | None) -> list[Page]:
    """The pages whose name or path contains one of the comma-separated words of `--pages` (all without it)."""
    if not wanted:
        return pages
    words = [word.strip().lower() for word in wanted.split(",") if word.strip()]
    return [p for p in pages if any(word in p.label.lower() or word in p.path.lower() for word in words)]


def run(procs: harness.Processes, folder: Path, args: argparse.Namespace) -> str:
    admin = harness.admin_key()
    with harness.database() as (url, postmaster), webhook_receiver() as receiver:
        settings = {
            "CANON_DATA_DIR": str(folder / "data"),
            "CANON_WEBHOOK_ALLOW_NETWORKS": "127.0.0.0/8",
            "CANON_WEBHOOK_REQUIRE_HTTPS": "false",
        }
        env = harness.canon_env(url, admin, settings)
        harness.migrate(env)
        server, port = harness.start_canon(procs, env)
        worker = procs.start("worker", harness.canon_command("worker"), env)
        seeded = seed(port, admin, receiver, args)
        print(f"seeded {seeded.published} published entries in {seeded.seconds:.0f} s", flush=True)
        reader = harness.person_key(port, admin, "reader", [], "bench-reader")
        wait_for_worker(port, reader, admin, seeded)
        search.settle(url)
        session = sign_in(port, seeded.key)
        listed = candidates(seeded)
        unreached = unreached_routes(listed)
        found, unfilled = route_pages(unreached, seeded)
        for path in unreached:
            print(f"no listed page reaches {path}: {'not measured' if path in unfilled else 'measured'}", flush=True)
        kept, skipped = probe(port, chosen(listed + found, args.pages), session)
        for s in skipped:
            print(f"skipped {s.page.label} {s.page.path}: {s.why}", flush=True)
        if args.wait_idle > 0:
            harness.wait_idle(args.wait_idle)
        load_before = harness.load_average()
        pids = Pids(server.pid, worker.pid, postmaster)
        results = []
        for page, _size in kept:
            result = measure(page, port, session, pids, args)
            results.append(result)
            print(
                f"{page.label:<40} {result.load.rps:6.0f} req/s  p50 {result.load.p50_ms:6.1f}  "
                f"p95 {result.load.p95_ms:6.1f}  p99 {result.load.p99_ms:6.1f} ms  non-200 {result.load.errors}  "
                f"server {result.per_request_ms(result.server_cpu):.1f} ms/req ({result.server_cores:.2f} cores)",
                flush=True,
            )
        load_after = harness.load_average()
        section = render(
            args,
            seeded,
            results,
            skipped,
            (unreached, unfilled),
            harness.database_kind(postmaster),
            (load_before, load_after),
        )
        procs.stop_all()  # before the database goes away
        return section


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Canon console benchmark: every page at concurrent clients.")
    parser.add_argument("--definitions", type=int, default=1000, help="generated definitions (default 1000)")
    parser.add_argument("--clients", type=int, default=8, help="concurrent keep-alive clients (default 8)")
    parser.add_argument("--seconds", type=int, default=10, help="measured seconds per page (default 10)")
    parser.add_argument("--warmup", type=int, default=2, help="warm-up seconds per page (default 2)")
    parser.add_argument("--pages", help="only pages whose name or path contains one of these comma-separated words")
    parser.add_argument("--threads", type=int, default=4, help="threads seeding the definitions (default 4)")
    harness.add_wait_idle_option(parser)
    harness.add_output_options(parser)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    with harness.run_folder("canon-bench-console-", tails=("canon", "worker")) as (procs, folder):
        section = run(procs, folder, args)
    harness.write_or_print(section, MARKS, args)


if __name__ == "__main__":
    main()
