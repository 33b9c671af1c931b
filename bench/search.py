"""Search benchmark: `GET /v1/search` over a generated corpus, against `GET /v1/definitions/{slug}` in the same run,
and the time from publish to searchable.

    .venv/bin/python bench/search.py [--seconds 10] [--rounds 3] [--connections 8] [--entries 18000] [--assets 2000]
        [--meilisearch URL [--meilisearch-key KEY]]

With `--meilisearch` (default: `CANON_MEILISEARCH_URL`) the same run measures the Meilisearch backend instead, in
an index of its own (`canon_bench_<random>`, deleted afterwards), with no answer cache (that backend has none), and
writes its own section of `docs/benchmarks.md`.

One run:

1. starts an embedded PostgreSQL in a temporary folder (deleted afterwards), unless `CANON_DATABASE_URL` is set,
   and applies the migrations with `canon migrate`;
2. generates the corpus straight into the tables (no events): `--entries` published definitions and messages
   (a sales/marketing vocabulary with a long tail of rarer words; definitions with acronym aliases) and `--assets`
   published assets whose files' extracted text (~600 words each) is in `asset_texts`;
3. `canon reindex` builds the search index from PostgreSQL alone (timed), then a `VACUUM` and a `CHECKPOINT`
   settle the bulk load;
4. starts `canon serve` (1 worker; PostgreSQL search: a second one with the answer cache off) and `canon worker`;
5. load-tests, with `wrk` (1 thread) at `--connections` keep-alive connections, closed loop, in rotating order:
   search on a server with the answer cache (the default) and on one without it, both fed one stream drawn with
   Zipf popularity from a pool of `--queries` distinct queries (common and rare words, two- and three-word
   queries, glossary terms and their acronyms, misspellings, prefixes, phrases, `OR`, exclusions, filters,
   facets), so the cache sees the hits and misses a portal would cause; and the read path
   `GET /v1/definitions/{slug}` (one slug, as `bench/read_path.py` does);
6. publishes `--publishes` definitions through the whole review over HTTP, each with a word no other document has,
   and polls `GET /v1/search` every 10 ms until it is found: publish → searchable, through the worker;
7. writes `docs/benchmarks.md` between `<!-- search:start -->` and `<!-- search:end -->`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import secrets
import statistics
import subprocess
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass
from urllib.parse import urlencode

import _harness as harness
import httpx

MARKS = {"postgres": harness.marks("search"), "meilisearch": harness.marks("search-meilisearch")}
P95_TARGET_MS = 25.0
RATIO_TARGET = 0.5
PUBLISH_TARGET_S = 1.0

DOMAIN = """lead leads qualified marketing sales pipeline opportunity account accounts customer customers churn renewal
expansion upsell revenue recurring annual monthly contract contracts pricing price discount discounts budget
authority need timing champion buyer buyers committee persona segment enterprise midmarket smallbusiness
onboarding adoption usage trial product demo webinar event campaign campaigns inbound outbound prospect
prospects prospecting quota forecast forecasting territory partner partners channel reseller integration
security compliance procurement legal approval approvals deck playbook battlecard objection objections
competitor competitors positioning messaging value proposition proof case study testimonial roi payback
retention attrition conversion funnel stage stages velocity win loss cycle handoff routing scoring score
engagement intent signal signals fit firmographic technographic industry region global regional vertical
healthcare finance retail manufacturing education government analytics dashboard report reporting metric
metrics kpi target targets plan plans seat seats license licenses subscription invoice billing renewal
renewals success support ticket escalation sla uptime reliability migration implementation rollout training
certification enablement content collateral asset assets brochure whitepaper ebook datasheet onepager email
cadence sequence call calls meeting meetings discovery qualification negotiation closing signature order
booking bookings margin cost acquisition lifetime payback""".split()  # noqa: SIM905  # a paragraph reads better than 180 quoted words

ACRONYMS = [
    "MQL",
    "SQL",
    "PQL",
    "SAL",
    "ARR",
    "MRR",
    "NRR",
    "GRR",
    "CAC",
    "LTV",
    "ACV",
    "TCV",
    "ICP",
    "ABM",
    "SLA",
    "QBR",
    "POC",
    "RFP",
    "NPS",
    "CSAT",
    "BANT",
    "MEDDIC",
    "SDR",
    "BDR",
    "AE",
    "CSM",
    "TAM",
    "SAM",
    "SOM",
]


def _tail_words(rng: random.Random, count: int) -> list[str]:
    """Rarer words: pronounceable and unique, the long tail real corpora have (names, products, jargon)."""
    consonants, vowels = "bcdfghklmnprstvz", "aeiou"
    words: set[str] = set()
    while len(words) < count:
        words.add("".join(rng.choice(consonants) + rng.choice(vowels) for _ in range(rng.randint(2, 4))))
    return sorted(words)


STOPWORDS = """the and of to a in for with our your we that is are on by this it as be can will more when how what
their they from at an or not all so if about into than who which has have"""


class Text:
    """Topical text: each document is about one or two of a dozen topics, so a domain word appears in a fraction
    of the corpus (as in real collateral), with function words between (dropped by the index) and a long tail of
    rare words (names, products, jargon)."""

    def __init__(self, rng: random.Random, topics: int = 12) -> None:
        self.rng = rng
        self.stop = STOPWORDS.split()
        self.tail = _tail_words(rng, 6000)
        self.topics = []
        for _ in range(topics):
            words = rng.sample(DOMAIN, 45) + rng.sample(self.tail, 300)
            self.topics.append((words, [1.0 / (rank + 1) for rank in range(len(words))]))
        self.tail_weights = [1.0 / (rank + 1) ** 0.7 for rank in range(len(self.tail))]
        self.focus = self.topics[0]

    def about(self) -> None:
        """Start a new document: pick its topic."""
        self.focus = self.rng.choice(self.topics)

    def words_of(self, count: int) -> list[str]:
        words, weights = self.focus
        out = []
        for _ in range(count):
            roll = self.rng.random()
            if roll < 0.45:
                out.append(self.rng.choice(self.stop))
            elif roll < 0.9:
                out.append(self.rng.choices(words, weights)[0])
            else:
                out.append(self.rng.choices(self.tail, self.tail_weights)[0])
        return out

    def title_words(self, count: int) -> list[str]:
        words, weights = self.focus
        return self.rng.choices(words, weights, k=count)

    def sentence(self, count: int) -> str:
        return " ".join(self.words_of(count)).capitalize() + "."

    def paragraph(self, words: int) -> str:
        out, left = [], words
        while left > 0:
            size = min(left, self.rng.randint(8, 18))
            out.append(self.sentence(size))
            left -= size
        return " ".join(out)


TAGS = [
    "funnel",
    "pricing",
    "security",
    "enterprise",
    "onboarding",
    "retention",
    "competitive",
    "partners",
    "events",
    "finance",
    "product",
    "brand",
    "emea",
    "apac",
    "na",
    "smb",
]
TEAMS = ["marketing", "sales", "product", "finance", "customer-success", "revops", "partnerships"]


CORPUS_SEED = 7


def generate(url: str, entries: int, assets: int, seed: int = CORPUS_SEED) -> tuple[list[str], list[tuple[str, str]]]:
    """Insert the corpus; return the definition slugs and (title, acronym) glossary pairs for queries."""
    import asyncpg  # noqa: PLC0415

    rng = random.Random(seed)
    text = Text(rng)
    glossary: list[tuple[str, str]] = []
    slugs: list[str] = []
    entry_rows, version_rows, blob_rows, text_rows = [], [], [], []
    for number in range(entries + assets):
        entry_id = uuid.uuid4()
        text.about()
        tags = rng.sample(TAGS, rng.randint(1, 3))
        owners = rng.sample(TEAMS, rng.randint(1, 2))
        if number < entries // 3:
            kind = "definition"
            title = " ".join(w.capitalize() for w in text.title_words(rng.randint(2, 4)))
            aliases = [f"{rng.choice(ACRONYMS)}{number}"] if rng.random() < 0.5 else []
            if number < len(ACRONYMS):
                aliases = [ACRONYMS[number]]
                glossary.append((title, ACRONYMS[number]))
            content = {
                "summary": text.sentence(rng.randint(12, 25)),
                "body": text.paragraph(rng.randint(60, 180)),
                "aliases": aliases,
                "examples": [text.sentence(10)],
                "related": [],
            }
            slugs.append(f"d-{number}")
        elif number < entries:
            kind = "message"
            title = text.sentence(rng.randint(3, 7)).rstrip(".")
            content = {
                "message_type": rng.choice(["positioning", "value_proposition", "talk_track", "other"]),
                "body": text.paragraph(rng.randint(80, 220)),
                "audience": rng.choice(TEAMS),
                "locale": "en",
                "references": [],
            }
        else:
            kind = "asset"
            title = " ".join(text.title_words(rng.randint(2, 5))).capitalize()
            digest = secrets.token_hex(32)
            content = {
                "description": text.sentence(12),
                "file_name": f"{title[:20].lower().replace(' ', '-')}.pdf",
                "content_type": "application/pdf",
                "size": 100_000,
                "sha256": digest,
                "references": [],
            }
            blob_rows.append((digest, 100_000, f"blobs/sha256/{digest[:2]}/{digest}"))
            text_rows.append((digest, "application/pdf", text.paragraph(rng.randint(400, 800))))
        slug = {"definition": "d", "message": "m", "asset": "a"}[kind] + f"-{number}"
        entry_rows.append((entry_id, kind, slug, title, tags, owners, owners, 1, 1, "bench"))
        version_rows.append((entry_id, 1, "published", json.dumps(content), "bench", title, tags, owners, owners))

    async def insert() -> None:
        conn = await asyncpg.connect(url)
        try:
            async with conn.transaction():
                await conn.copy_records_to_table(
                    "entries",
                    records=entry_rows,
                    columns=[
                        "id",
                        "kind",
                        "slug",
                        "title",
                        "tags",
                        "owners",
                        "required_teams",
                        "current_version",
                        "latest_version",
                        "created_by",
                    ],
                )
                await conn.executemany(
                    """INSERT INTO versions (entry_id, number, status, content, author, title, tags, owners,
                                             required_teams, published_at, effective_from)
                       VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7, $8, $9, now(), now())""",
                    version_rows,
                )
                await conn.copy_records_to_table("blobs", records=blob_rows, columns=["sha256", "size", "storage_key"])
                await conn.copy_records_to_table(
                    "asset_texts", records=text_rows, columns=["sha256", "content_type", "text"]
                )
            await conn.execute("ANALYZE")
        finally:
            await conn.close()

    asyncio.run(insert())
    return slugs, glossary


class QueryMaker:
    """Queries as people type them into a portal's search box, with the options the portal sends, from the corpus's
    own vocabulary: common and rare words, two- and three-word queries, glossary terms and their acronyms,
    misspellings, prefixes (search-as-you-type), phrases, `OR`, exclusions, empty-query listings, bigger pages;
    some with facets or a filter by kind, tag or team."""

    def __init__(self, rng: random.Random, glossary: list[tuple[str, str]]) -> None:
        self.rng = rng
        self.glossary = glossary or [("lead", "lead")]
        self.text = Text(random.Random(CORPUS_SEED))  # the corpus's own topics and rare words
        self.common = DOMAIN[:120]
        self.long = [w for w in self.common if len(w) > 5]
        self.rare = self.text.tail[:3000]
        self.shapes = [
            (25, self.word),
            (20, lambda: " ".join(rng.sample(self.common, 2))),
            (7, self.title),
            (6, lambda: rng.choice(rng.choice(self.glossary)).lower()),
            (8, self.misspelt),
            (10, self.typing),
            (5, lambda: '"' + " ".join(rng.sample(self.common, 2)) + '"'),
            (4, lambda: " OR ".join(rng.sample(self.common, 2))),
            (4, lambda: " -".join(rng.sample(self.common, 2))),
            (4, lambda: ""),
            (7, self.word),
        ]

    def word(self) -> str:
        return self.rng.choice(self.common) if self.rng.random() < 0.7 else self.rng.choice(self.rare)

    def title(self) -> str:
        self.text.about()
        return " ".join(self.text.title_words(self.rng.randint(2, 3)))

    def misspelt(self) -> str:
        w = self.rng.choice(self.long)
        cut = self.rng.randint(1, len(w) - 2)
        return w[:cut] + w[cut + 1 :] if self.rng.random() < 0.5 else w[:cut] + w[cut + 1] + w[cut] + w[cut + 2 :]

    def typing(self) -> str:
        w = self.rng.choice(self.long)
        return f"{self.rng.choice(self.common)} {w[: self.rng.randint(2, len(w) - 1)]}"

    def make(self) -> dict[str, str]:
        shape = self.rng.choices([f for _, f in self.shapes], [w for w, _ in self.shapes])[0]
        params = {"q": shape()}
        if shape == self.shapes[-1][1] and self.rng.random() < 0.5:
            params["limit"] = "20"
        options = [
            ("facets", "kind,tags,teams"),
            ("kind", self.rng.choice(["definition", "message", "asset"])),
            ("tag", self.rng.choice(TAGS)),
            ("team", self.rng.choice(TEAMS)),
        ]
        extra = self.rng.choices([*options, None], [25, 10, 8 + 30 * (not params["q"]), 5, 52])[0]
        if extra is not None:
            params[extra[0]] = extra[1]
        return params


def reindex(env: dict[str, str], url: str) -> tuple[str, float]:
    """`canon reindex` (timed; returns what it printed and the seconds), then `settle`."""
    started = time.monotonic()
    reindexed = subprocess.run(
        harness.canon_command("reindex"), cwd=harness.ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout.strip()
    seconds = time.monotonic() - started
    print(f"{reindexed} in {seconds:.1f} s", flush=True)
    settle(url)
    return reindexed, seconds


def settle(url: str) -> None:
    """Vacuum the generated tables and checkpoint, so the first round does not pay for the bulk load (the
    visibility map and hint bits of fresh rows, a checkpoint writing ~100 MB of them) while later rounds do not."""

    import asyncpg  # noqa: PLC0415

    async def run() -> None:
        conn = await asyncpg.connect(url)
        try:
            await conn.execute("VACUUM")
            await conn.execute("CHECKPOINT")
        finally:
            await conn.close()

    asyncio.run(run())


def query_pool(rng: random.Random, glossary: list[tuple[str, str]], size: int) -> list[str]:
    """`size` distinct queries (see `QueryMaker`), in the order made: the stream ranks them by that order."""
    maker = QueryMaker(rng, glossary)
    seen: dict[str, None] = {}
    while len(seen) < size:
        seen["/v1/search?" + urlencode(maker.make())] = None
    return list(seen)


def zipf_stream(rng: random.Random, pool: list[str], length: int, exponent: float) -> list[str]:
    """`length` requests drawn from `pool` with a Zipf-like popularity (the query of rank r weighs 1 / r^s)."""
    weights = [1.0 / (rank + 1) ** exponent for rank in range(len(pool))]
    return rng.choices(pool, weights, k=length)


class _LruModel:
    """What one API process's answer cache (an LRU of `size` answers, kept while the index does not change) serves
    of the requests a run made: wrk sends the stream in order, so replaying it gives the hit rate."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.items: OrderedDict[str, None] = OrderedDict()

    def replay(self, stream: list[str], start: int, count: int) -> float:
        hits = 0
        for number in range(start, start + count):
            path = stream[number % len(stream)]
            if path in self.items:
                hits += 1
                self.items.move_to_end(path)
            else:
                self.items[path] = None
                if len(self.items) > self.size:
                    self.items.popitem(last=False)
        return hits / count if count else 0.0


def lru_hit_rate(stream: list[str], size: int) -> float:
    """The hit rate of an LRU of `size` over the whole stream."""
    return _LruModel(size).replay(stream, 0, len(stream))


@dataclass
class Sample:
    target: str
    rps: float
    p50: float
    p95: float
    p99: float
    errors: int
    requests: int = 0
    hit_rate: float | None = None


def run_wrk(port: int, paths: list[str], key: str, seconds: int, connections: int, start: int = 0) -> Sample:
    """One closed-loop `wrk` run (1 thread) that requests `paths` in order from `start` (wrapping round)."""
    auth = {"Authorization": f"Bearer {key}"}
    run = harness.run_wrk(port, paths, auth, seconds, connections, start=start)
    return Sample("", run.rps, run.p50_ms, run.p95_ms, run.p99_ms, run.errors, run.requests)


def publish_to_searchable(port: int, keys: harness.Keys, count: int) -> list[float]:
    """Seconds from each publish's response to the first search that finds it (polling every 10 ms)."""
    delays = []
    for number in range(count):
        word = f"zq{secrets.token_hex(4)}"
        slug = f"bench-publish-{number}-{secrets.token_hex(3)}"
        body = {
            "slug": slug,
            "title": f"Fresh {word} term",
            "tags": ["funnel"],
            "owners": ["marketing", "sales"],
            "content": {"summary": "Published during the benchmark.", "aliases": []},
        }
        harness.publish_definition(port, keys, body)
        published = time.monotonic()
        while True:
            _, _, found = harness.call(port, "GET", f"/v1/search?q={word}", key=keys.reader)
            if json.loads(found)["hits"]:
                delays.append(time.monotonic() - published)
                break
            if time.monotonic() - published > 30:
                raise RuntimeError(f"{slug} not searchable after 30 s")
            time.sleep(0.01)
    return delays


def measure(
    targets: dict[str, tuple[int, list[str]]], key: str, args: argparse.Namespace
) -> tuple[dict[str, list[Sample]], int]:
    """Warm each target up, then `args.rounds` rounds of each in rotating order; each continues its stream where the
    last run stopped. Returns the samples and how many requests of its stream the cached search target sent."""
    stream = targets["search"][1]
    position = dict.fromkeys(targets, 0)  # where each target is in its stream: rounds continue it
    cache = None if args.meilisearch else _LruModel(args.cache_size)
    for name, (target_port, paths) in targets.items():
        done = run_wrk(target_port, paths, key, args.warmup, args.connections, position[name])
        if name == "search" and cache:
            cache.replay(stream, position[name], done.requests)
        position[name] += done.requests
    samples: dict[str, list[Sample]] = {name: [] for name in targets}
    for round_number in range(1, args.rounds + 1):
        for name in harness.rotation(list(targets), round_number):
            target_port, paths = targets[name]
            sample = run_wrk(target_port, paths, key, args.seconds, args.connections, position[name])
            if name == "search" and cache:
                sample.hit_rate = cache.replay(stream, position[name], sample.requests)
            position[name] += sample.requests
            sample.target = name
            samples[name].append(sample)
            print(
                f"round {round_number} {name}: {sample.rps:.0f} req/s, p50 {sample.p50:.1f} ms, "
                f"p95 {sample.p95:.1f} ms, p99 {sample.p99:.1f} ms"
                + ("" if sample.hit_rate is None else f", cache hits {sample.hit_rate:.0%}"),
                flush=True,
            )
    return samples, position["search"]


def run(procs: harness.Processes, args: argparse.Namespace) -> str:
    admin = harness.admin_key()
    with harness.database() as (url, _postmaster):
        env = harness.canon_env(url, admin)  # the backend is the command line's choice, not the shell's
        if args.meilisearch:
            env["CANON_MEILISEARCH_URL"] = args.meilisearch
            env["CANON_MEILISEARCH_INDEX"] = args.meilisearch_index
            if args.meilisearch_key:
                env["CANON_MEILISEARCH_API_KEY"] = args.meilisearch_key
        harness.migrate(env)
        started = time.monotonic()
        slugs, glossary = generate(url, args.entries, args.assets)
        generated = time.monotonic() - started
        print(f"generated {args.entries} entries and {args.assets} assets in {generated:.1f} s", flush=True)
        reindexed, reindex_seconds = reindex(env, url)

        _, port = harness.start_canon(procs, {**env, "CANON_SEARCH_CACHE_SIZE": str(args.cache_size)})
        procs.start("worker", harness.canon_command("worker"), env)
        bare_port = port  # Meilisearch: no answer cache, so one server is both
        if not args.meilisearch:
            bare_env = {**env, "CANON_SEARCH_CACHE_SIZE": "0"}  # every search runs its query
            _, bare_port = harness.start_canon(procs, bare_env, "canon-uncached")
        keys = harness.seed_keys(port, admin)
        rng = random.Random(11)
        pool = query_pool(rng, glossary, args.queries)
        stream = zipf_stream(rng, pool, args.stream, args.zipf)
        read_paths = [f"/v1/definitions/{slugs[0]}"]
        stats = {}
        checked = pool[:200] + rng.sample(pool[200:], min(100, max(0, len(pool) - 200)))
        for path in checked:  # queries answer 200 before anything is measured (popular ones, and a sample)
            status, _, body = harness.call(bare_port, "GET", path, key=keys.reader)
            if status != 200:
                raise RuntimeError(f"{path}: {status} {body[:300]!r}")
            stats[path] = json.loads(body)["total"]
        args.load_before = harness.load_average()
        targets = {"search": (port, stream), "uncached": (bare_port, stream), "read": (port, read_paths)}
        if args.meilisearch:
            del targets["uncached"]
        samples, consumed = measure(targets, keys.reader, args)
        args.distinct_requested = len(set(stream[:consumed]))
        delays = publish_to_searchable(port, keys, args.publishes)
        totals = sorted(stats.values())
        args.stream_hit_rate = lru_hit_rate(stream, args.cache_size)
        return render(args, samples, delays, generated, reindex_seconds, reindexed, totals, len(pool))


def render(
    args: argparse.Namespace,
    samples: dict[str, list[Sample]],
    delays: list[float],
    generated: float,
    reindex_seconds: float,
    reindexed: str,
    totals: list[int],
    query_count: int,
) -> str:
    info = harness.machine()
    read_rps = harness.median_of(samples["read"], "rps")
    publish_p95 = harness.percentile(delays, 0.95)
    verdict = {True: "**meets** it", False: "**misses** it"}
    backend = "meilisearch" if args.meilisearch else "postgres"
    if args.meilisearch:
        servers = (
            "- One `canon serve` process searching Meilisearch at the given URL (index `"
            f"{args.meilisearch_index}`, deleted afterwards); this backend has no answer cache, so every request "
            "runs its query"
        )
    else:
        servers = (
            "- Two `canon serve` processes on the same database: one with the answer cache (`CANON_SEARCH_CACHE_SIZE="
            f"{args.cache_size}`, the default; its hit rate is the stream replayed through an LRU of that size, as "
            "the process sees it while the index does not change), one with `CANON_SEARCH_CACHE_SIZE=0`, where every "
            "request runs its query (word lookups and synonyms stay cached)"
        )
    lines = [
        MARKS[backend].start,
        f"## Search: `GET /v1/search` ({'Meilisearch' if args.meilisearch else 'PostgreSQL'} backend) vs "
        "`GET /v1/definitions/{slug}`",
        "",
        harness.written_by("search.py"),
        "",
        f"Command: `python bench/search.py --seconds {args.seconds} --rounds {args.rounds} "
        f"--connections {args.connections} --entries {args.entries} --assets {args.assets}"
        f"{' --meilisearch URL' if args.meilisearch else ''}` (load generator: wrk)",
        "",
        f"- Machine: {info['description']}; server, worker, PostgreSQL and wrk share the cores",
        f"- Corpus: {args.entries} published definitions and messages + {args.assets} assets with ~600 words of "
        f"extracted text each, generated in {generated:.0f} s; `canon reindex`: {reindexed} in {reindex_seconds:.0f} s",
        f"- Queries: a pool of {query_count} distinct queries generated from the corpus's vocabulary (common and "
        "rare words, two- and three-word queries, glossary terms and acronyms, misspellings, prefixes, phrases, "
        "`OR`, `-`, empty-query listings; a quarter ask for facets, a quarter filter by kind, tag or team); "
        f"requests drawn from it with Zipf popularity (rank r weighs 1/r^{args.zipf:g}), one stream that every "
        f"run continues; the cached server saw {args.distinct_requested} distinct queries; matches per query (a "
        f"sample of {len(totals)}): median {statistics.median(totals):.0f}, p95 {harness.percentile(totals, 0.95)}, "
        f"max {max(totals)}",
        f"- Load: `wrk` (1 thread), {args.connections} keep-alive connections, closed loop, {args.rounds} rounds x "
        f"{args.seconds} s per target after a {args.warmup} s warm-up, in rotating order; reader key",
        servers,
        "",
        "| target | requests/s (median) | min-max | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    labels = {
        "search": "`GET /v1/search` (Meilisearch, realistic mix)"
        if args.meilisearch
        else "`GET /v1/search` (answer cache on, realistic mix: the default)",
        "uncached": "`GET /v1/search` (answer cache off)",
        "read": "`GET /v1/definitions/{slug}`",
    }
    labels = {name: label for name, label in labels.items() if name in samples}
    for name, label in labels.items():
        got = samples[name]
        rps = [s.rps for s in got]
        p50, p95, p99 = (harness.median_of(got, measure) for measure in ("p50", "p95", "p99"))
        lines.append(
            f"| {label} | **{harness.median_of(got, 'rps'):.0f}** | {min(rps):.0f}-{max(rps):.0f} | {p50:.1f} "
            f"| {p95:.1f} | {p99:.1f} | {sum(s.errors for s in got)} |"
        )
    lines.append("")
    hit_rates = [s.hit_rate for s in samples["search"] if s.hit_rate is not None]
    if hit_rates:
        lines.append(
            f"- Answer cache hit rate during the cached rounds: median {statistics.median(hit_rates):.0%} "
            f"(rounds {', '.join(f'{h:.0%}' for h in hit_rates)}); the whole stream through the same LRU: "
            f"{args.stream_hit_rate:.0%}."
        )
    for name in [name for name in labels if name != "read"]:
        p95, ratio = harness.median_of(samples[name], "p95"), harness.median_of(samples[name], "rps") / read_rps
        lines.append(
            f"- {labels[name]}: p95 **{p95:.1f} ms** "
            f"(target ≤ {P95_TARGET_MS:.0f} ms: {verdict[p95 <= P95_TARGET_MS]}); "
            f"requests/s **{ratio:.0%}** of the read path's (target ≥ {RATIO_TARGET:.0%}: "
            f"{verdict[ratio >= RATIO_TARGET]})."
        )
    lines += [
        f"- Publish → searchable over {len(delays)} publishes (HTTP publish response to the first search that finds "
        f"it, polling every 10 ms): p50 {statistics.median(delays) * 1000:.0f} ms, p95 **{publish_p95 * 1000:.0f} "
        f"ms**, max {max(delays) * 1000:.0f} ms; target p95 ≤ {PUBLISH_TARGET_S:.0f} s: "
        f"{verdict[publish_p95 <= PUBLISH_TARGET_S]}.",
        f"- Load average (1 min) before the measurements {args.load_before}, after {harness.load_average()}: "
        "on a 2-core machine anything well above 2 means other work took cores from these numbers; compare the ratios.",
        MARKS[backend].end,
        "",
    ]
    return "\n".join(lines)


def drop_meilisearch_index(args: argparse.Namespace) -> None:
    """Delete the benchmark's index (`canon reindex` already dropped the one it built and swapped)."""
    headers = {"Authorization": f"Bearer {args.meilisearch_key}"} if args.meilisearch_key else {}
    url = f"{args.meilisearch.rstrip('/')}/indexes/{args.meilisearch_index}"
    try:
        response = httpx.delete(url, headers=headers, timeout=30)
    except httpx.HTTPError as exc:
        print(f"could not delete Meilisearch index {args.meilisearch_index}: {exc}")
        return
    if response.status_code not in (202, 404):
        print(f"could not delete Meilisearch index {args.meilisearch_index}: {response.status_code} {response.text}")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Canon search benchmark.")
    harness.add_load_options(parser, connections=8)
    parser.add_argument("--entries", type=int, default=18_000, help="definitions and messages")
    parser.add_argument("--assets", type=int, default=2_000, help="assets with extracted text")
    parser.add_argument("--publishes", type=int, default=20)
    parser.add_argument("--queries", type=int, default=10_000, help="distinct queries in the pool")
    parser.add_argument("--stream", type=int, default=300_000, help="requests drawn from the pool (Zipf)")
    parser.add_argument("--zipf", type=float, default=1.0, help="popularity exponent: rank r weighs 1/r^s")
    parser.add_argument("--cache-size", type=int, default=2000, help="CANON_SEARCH_CACHE_SIZE of the cached server")
    parser.add_argument(
        "--meilisearch",
        default=os.environ.get("CANON_MEILISEARCH_URL") or None,
        help="measure the Meilisearch backend at this URL (default: CANON_MEILISEARCH_URL; unset: PostgreSQL)",
    )
    parser.add_argument("--meilisearch-key", default=os.environ.get("CANON_MEILISEARCH_API_KEY") or None)
    harness.add_output_options(parser)
    args = parser.parse_args()
    args.meilisearch_index = f"canon_bench_{secrets.token_hex(4)}"
    return args


def main() -> None:
    args = parse_args()
    try:
        with harness.run_folder("canon-bench-search-") as (procs, _folder):
            section = run(procs, args)
    finally:
        if args.meilisearch:
            drop_meilisearch_index(args)
    harness.write_or_print(section, MARKS["meilisearch" if args.meilisearch else "postgres"], args)


if __name__ == "__main__":
    main()
