"""Digest benchmark: a day's digest for 1,000 subscriptions over 10,000 changes, built and delivered, and the
single-event latency before and while it is built.

    .venv/bin/python bench/digests.py [--subscriptions 1000] [--events 10000] [--entries 1000] [--ports 50]
                                      [--publish-rate 25] [--baseline-seconds 20] [--during-seconds 60]
                                      [--timeout 300] [--profile] [--no-write] [--output FILE] [--logs DIR]

A run prepares for about 2 minutes, then takes as long as the digests do (`--timeout` at most).

Target (issue 16): a daily digest for 1,000 subscriptions over a day of 10,000 changes is built and delivered within
60 s on this machine, and single-event latency (publish → receipt p50 ≤ 25 ms, p99 ≤ 250 ms) stays where it is
while digests are built.

One run:

1. starts an embedded PostgreSQL in a temporary folder (deleted afterwards), unless `CANON_DATABASE_URL` is set;
   `canon migrate`; the receivers of `bench/webhooks.py` (one process, `--ports` ports plus one for latency),
   `canon serve` and one `canon worker`, as that script starts them (loopback allowed, plain HTTP, 15 s timeout);
2. over HTTP: the definitions the latency windows publish, created, submitted and approved by marketing and sales
   (4 threads, not measured); one subscription to `definition.published` tagged `bench` on the latency port (the
   day's changes carry other tags, so only the publishes timed reach it); `--subscriptions` digest subscriptions,
   daily at 09:00 in one of seven time zones, without filters (every digest holds every change: the largest
   digests), spread evenly over the `--ports` ports (the sender sends at most 8 at a time to one host:port); once
   the worker has caught up, `VACUUM (ANALYZE)` and a checkpoint, so that neither lands in a window;
3. baseline: definitions are published one at a time at `--publish-rate`/s (open loop, one
   keep-alive connection) for `--baseline-seconds`; latency = the receiver's arrival time minus the time the publish
   response had been read, as `bench/webhooks.py` (a) measures it;
4. the day: `--events` entry events about `--entries` entries (60 % definitions, 25 % messages, 15 % assets) inserted
   straight into `events` by SQL, 200 to a transaction, `occurred_at` spread over the 24 hours before the period's
   end: versions edited (`draft_updated`, one to six times), submitted, sometimes rejected and edited again,
   approved by each owning team, published, often taking effect; some entries stop mid-way. Data as Canon writes
   it: kind, slug, title, url, version, status, actor, summary, changes, review, approvals, tags, teams. The digest
   subscriptions' log positions are set to just before these events and their period to the 24 hours ending at T0,
   3 s ahead;
5. from T0: publishes again at the same rate (the *during* window) while the worker builds and sends the digests;
   every 0.25 s the digest deliveries in the database (queued, succeeded) and at the receivers are counted, until
   every digest is received (or `--timeout`). The during window ends with the last digest (at most
   `--during-seconds`, for which definitions were prepared);
6. with `--profile`: `py-spy record` on the worker from T0 to the last digest, summarised;
7. writes its section of `docs/benchmarks.md` between `<!-- digests:start -->` and `<!-- digests:end -->`, keeping
   any notes between `<!-- digests:notes:start -->` and `<!-- digests:notes:end -->`.

CPU time of the worker, the API server, PostgreSQL and the receivers is accounted for each window (/proc). Every
process it starts runs in its own process group and is killed on the way out, whatever happens.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import random
import secrets
import threading
import time
import uuid
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

import _harness as harness
import asyncpg
import webhooks

T = TypeVar("T")
MARKS = harness.marks("digests")
TARGET_SECONDS = 60.0
LEAD_SECONDS = 3.0  # from setting the period's end to it
SAMPLE_SECONDS = 0.25
DAY = dt.timedelta(days=1)
ZONES = (
    "UTC",
    "Europe/Berlin",
    "America/New_York",
    "America/Sao_Paulo",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Australia/Sydney",
)


# --------------------------------------------------------------------------------------------------------------
# A day of changes, as Canon's events record them

TEAMS = ("marketing", "sales", "finance", "legal", "support", "product", "field-sales", "partners")
TAGS = ("pricing", "pipeline", "compliance", "onboarding", "forecast", "brand", "churn", "campaign", "enterprise")
WORDS = (
    "lead", "score", "pipeline", "revenue", "churn", "account", "renewal", "quota", "margin", "discount", "region",
    "segment", "trial", "customer", "partner", "forecast", "booking", "invoice", "launch", "brand", "activation",
)  # fmt: skip
NAMES = ("Ana Ruiz", "Bob Lee", "Cy Moss", "Dee Park", "Eli Stone", "Fay Chen", "Gus Hale", "Ivy Noor", "Jo Kim")
CHANGES = ("body", "title", "tags", "owners", "aliases", "summary", "criteria", "links")
KINDS = (("definition", 0.60), ("message", 0.25), ("asset", 0.15))
BASE_URL = "https://canon.example.com"


@dataclass
class Entry:
    id: uuid.UUID
    kind: str
    slug: str
    title: str
    teams: list[str]
    tags: list[str]
    version: int
    steps: list[tuple[str, dict[str, Any]]] = field(default_factory=list)  # (action, fields of the version's data)


def _actor(rng: random.Random) -> dict[str, str]:
    name = rng.choice(NAMES)
    return {"type": "person", "subject": name.lower().replace(" ", ".") + "@example.com", "name": name}


def _cycle(rng: random.Random, entry: Entry) -> list[tuple[str, dict[str, Any]]]:
    """One version's way from edits to taking effect (`version` of the entry's next version)."""
    entry.version += 1
    word = rng.choice(WORDS)
    summary = (
        "first version"
        if entry.version == 1
        else f"{word}_score ≥ {rng.randint(40, 90)} (was ≥ {rng.randint(30, 80)}); owners +{rng.choice(TEAMS)}"
    )

    def edits() -> list[tuple[str, dict[str, Any]]]:
        return [
            ("draft_updated", {"status": "draft", "changes": rng.sample(CHANGES, rng.randint(1, 3))})
            for _ in range(rng.randint(1, 6))
        ]

    submitted = ("submitted", {"status": "in_review", "summary": summary})
    steps = [*edits(), submitted]
    if rng.random() < 0.15:
        review = {"outcome": "rejected", "by": _actor(rng)["subject"], "comment": "Please cite the source."}
        steps += [("rejected", {"status": "draft", "review": review}), *edits(), submitted]
    approvers = {team: _actor(rng) for team in entry.teams[:2]}
    for n, (team, approver) in enumerate(approvers.items(), 1):
        review = {"outcome": "approved", "by": approver["subject"], "team": team}
        status = "approved" if n == len(approvers) else "in_review"
        steps.append(("approved", {"status": status, "summary": summary, "review": review}))
    approvals = [{"team": team, "by": a["subject"], "name": a["name"]} for team, a in approvers.items()]
    published = {"status": "published", "summary": summary, "approvals": approvals}
    steps.append(("published", published | ({"previous_version": entry.version - 1} if entry.version > 1 else {})))
    if rng.random() < 0.6:
        steps.append(("effective", {"status": "published", "summary": summary}))
    if rng.random() < 0.3:  # still under way when the day ends
        steps = steps[: rng.randint(1, len(steps))]
    return [(action, {**fields, "version": entry.version}) for action, fields in steps]


def day_of_changes(events: int, entries: int, end: dt.datetime, seed: int = 16) -> list[tuple[Any, ...]]:
    """`events` rows (type, kind, entry_id, slug, version, occurred_at, data) about `entries` entries, in the order
    they happened over the 24 hours before `end`."""
    rng = random.Random(seed)
    kinds = rng.choices([k for k, _ in KINDS], [w for _, w in KINDS], k=entries)
    made = []
    for n, kind in enumerate(kinds):
        words = rng.sample(WORDS, 2)
        made.append(
            Entry(
                id=uuid.UUID(int=rng.getrandbits(128)),
                kind=kind,
                slug=f"{words[0]}-{words[1]}-{n:04d}",
                title=f"{words[0].title()} {words[1]} {n}",
                teams=sorted(rng.sample(TEAMS, rng.randint(1, 3))),
                tags=sorted(rng.sample(TAGS, rng.randint(0, 3))),
                version=rng.randint(0, 4),
            )
        )
    total = 0
    for entry in made:
        entry.steps = _cycle(rng, entry)
        total += len(entry.steps)
    while total < events:  # busier entries: more versions in the day
        entry = rng.choice(made)
        more = _cycle(rng, entry)
        entry.steps += more
        total += len(more)
    for entry in reversed(made):  # the last versions made stop where the day's count is reached
        cut = min(total - events, len(entry.steps))
        del entry.steps[len(entry.steps) - cut :]
        total -= cut
    rows = []
    for entry in made:
        times = sorted(rng.uniform(1.0, DAY.total_seconds() - 1.0) for _ in entry.steps)
        for (action, fields), at in zip(entry.steps, times, strict=True):
            occurred = end - DAY + dt.timedelta(seconds=at)
            rows.append((occurred, entry, action, fields))
    rows.sort(key=lambda row: row[0])
    return [_row(occurred, entry, action, fields, rng) for occurred, entry, action, fields in rows]


def _row(
    occurred: dt.datetime, entry: Entry, action: str, fields: dict[str, Any], rng: random.Random
) -> tuple[Any, ...]:
    data = {
        "id": str(entry.id),
        "kind": entry.kind,
        "slug": entry.slug,
        "title": entry.title,
        "url": f"{BASE_URL}/v1/{entry.kind}s/{entry.slug}",
        "actor": _actor(rng),
        "tags": entry.tags,
        "teams": entry.teams,
        **fields,
    }
    if action in ("published", "effective"):
        data["effective_at"] = occurred.isoformat()
    return (f"{entry.kind}.{action}", entry.kind, entry.id, entry.slug, fields["version"], occurred, json.dumps(data))


_INSERT_EVENTS = """
INSERT INTO events (type, kind, entry_id, slug, version, occurred_at, data)
SELECT * FROM unnest($1::text[], $2::text[], $3::uuid[], $4::text[], $5::int[], $6::timestamptz[], $7::jsonb[])"""
_FEED_HEAD = "SELECT txid::text::bigint AS txid, id FROM events ORDER BY txid DESC, id DESC LIMIT 1"
_DIGESTS_FROM = """
UPDATE webhook_subscriptions
SET digest_after_txid = $1::text::xid8, digest_after_id = $2, digest_period_start = $3, digest_next_at = $4
WHERE digest IS NOT NULL"""


def on_database(url: str, work: Callable[[asyncpg.Connection[Any]], Awaitable[T]]) -> T:
    """`work(connection)` on a connection of its own, in an event loop of its own."""

    async def run() -> T:
        conn = await asyncpg.connect(url)
        try:
            return await work(conn)
        finally:
            await conn.close()

    return asyncio.run(run())


async def settle(conn: asyncpg.Connection[Any]) -> None:
    """VACUUM ANALYZE and a checkpoint after the preparation's writes, so that neither lands in a window."""
    await conn.execute("VACUUM (ANALYZE)")
    with contextlib.suppress(asyncpg.InsufficientPrivilegeError):  # CANON_DATABASE_URL may not be a superuser
        await conn.execute("CHECKPOINT")


async def insert_day(conn: asyncpg.Connection[Any], rows: list[tuple[Any, ...]], end: dt.datetime) -> None:
    """The day's events, 200 to a transaction, and every digest subscription's period set to the day ending at
    `end`, its position just before these events."""
    head = await conn.fetchrow(_FEED_HEAD)
    for at in range(0, len(rows), 200):
        await conn.execute(_INSERT_EVENTS, *(list(column) for column in zip(*rows[at : at + 200], strict=True)))
    await conn.execute(_DIGESTS_FROM, str(head["txid"] if head else 0), head["id"] if head else 0, end - DAY, end)


# --------------------------------------------------------------------------------------------------------------
# Subscriptions and publishes


def subscribe_digests(port: int, admin: str, hooks: list[int], count: int) -> None:
    """`count` daily digest subscriptions without filters, spread over the receiver ports (4 threads)."""

    def one(n: int) -> None:
        delivery = {"mode": "digest", "every": "day", "at": "09:00", "timezone": ZONES[n % len(ZONES)]}
        url = f"http://{harness.HOST}:{hooks[n % len(hooks)]}/digest/{n}"
        harness.expect(port, "POST", "/v1/webhooks", 201, key=admin, body={"url": url, "delivery": delivery})

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(one, range(count)))


class Publisher(threading.Thread):
    """Publishes the prepared definitions one at a time at `rate` per second (open loop, one keep-alive connection),
    from the monotonic instant `start` until stopped or out of definitions; notes when each response had been read."""

    def __init__(self, port: int, key: str, slugs: list[str], rate: float, start: float) -> None:
        super().__init__(daemon=True)
        self.port, self.key, self.slugs, self.rate, self.start_at = port, key, slugs, rate, start
        self.answered: dict[str, float] = {}
        self.failures: list[str] = []
        self._halt = threading.Event()

    def run(self) -> None:
        conn = webhooks.Connection(self.port)
        try:
            for n, slug in enumerate(self.slugs):
                if self._halt.wait(max(0.0, self.start_at + n / self.rate - time.monotonic())):
                    return
                status, body = conn.request("POST", f"/v1/definitions/{slug}/versions/1/publish", self.key)
                self.answered[slug] = time.monotonic()
                if status != 200:
                    self.failures.append(f"{slug}: {status} {body[:200]!r}")
        finally:
            conn.close()

    def finish(self) -> dict[str, float]:
        self._halt.set()
        self.join(60)
        if self.failures:
            raise RuntimeError(f"{len(self.failures)} publish(es) failed: {self.failures[:3]}")
        return self.answered


@dataclass
class Window:
    """One latency window: when each publish was answered and its webhook received, the database's stages."""

    name: str
    start: float  # monotonic
    answered: dict[str, float]
    arrived: dict[str, float]
    cpu: webhooks.Cpu
    stages: dict[str, list[float]]

    @property
    def latencies_ms(self) -> list[float]:
        return [(self.arrived[s] - at) * 1e3 for s, at in self.answered.items() if s in self.arrived]

    @property
    def missing(self) -> int:
        return len(self.answered.keys() - self.arrived.keys())

    def every(self, seconds: float) -> list[tuple[float, float]]:
        """p50 and max (ms) of the publishes of each `seconds` from the window's start."""
        runs: dict[int, list[float]] = {}
        for slug, at in self.answered.items():
            if slug in self.arrived:
                runs.setdefault(int((at - self.start) // seconds), []).append((self.arrived[slug] - at) * 1e3)
        return [(harness.percentile(v, 0.5), max(v)) for _, v in sorted(runs.items())]


def close_window(
    name: str,
    start: float,
    answered: dict[str, float],
    receivers: webhooks.Receivers,
    meter: webhooks.CpuMeter,
    before: dict[str, float | None],
    url: str,
) -> Window:
    """The window's deliveries once they are in (or 30 s passed), its CPU from `before` to now, its stages."""
    with contextlib.suppress(RuntimeError):
        webhooks.wait_until(
            "every published webhook",
            lambda: answered.keys() <= {slug for slug, _ in receivers.arrivals()},
            timeout=30,
        )
    cpu = webhooks.CpuMeter.between(before, meter.snapshot())
    arrived = {slug: at for slug, at in receivers.arrivals() if slug in answered}
    return Window(name, start, answered, arrived, cpu, webhooks.stages(url, list(answered)))


# --------------------------------------------------------------------------------------------------------------
# The digests: counted while they are built and sent, then measured in the database


class Sample(NamedTuple):
    at: float  # seconds from T0
    queued: int  # digest deliveries in the database
    succeeded: int
    received: int  # at the receivers
    heartbeat_age: float  # seconds since the worker's last heartbeat (its periodic tasks' loop beats)


@dataclass
class Digests:
    samples: list[Sample]
    expected: int
    cpu: webhooks.Cpu
    sizes: dict[str, Any]
    duplicates: int

    def first_at(self, column: str, count: int) -> float | None:
        return next((s.at for s in self.samples if getattr(s, column) >= count), None)


_DIGEST_COUNTS = """
SELECT count(*) AS queued, count(*) FILTER (WHERE status = 'succeeded') AS succeeded,
       (SELECT extract(epoch FROM clock_timestamp() - max(seen_at))::float8 FROM worker_heartbeats) AS heartbeat_age
FROM webhook_deliveries WHERE event_type = 'webhook.digest'"""
# Sizes from a sample: digests of one period differ only in their subscription's id. A digest's entries are stored
# once and shared (webhook_digest_bodies); what is sent is the envelope with them put back (as the dispatcher does:
# the size sent is the envelope's plus the entries', less the `{}` closing an empty object in their place). The
# stored size counts each delivery's envelope and each body once; it needs no detoasting.
_DIGEST_SIZES = """
SELECT min(sent) AS min, percentile_disc(0.5) WITHIN GROUP (ORDER BY sent) AS median, max(sent) AS max,
       min(events) AS min_events, max(events) AS max_events, min(entries) AS min_entries, max(entries) AS max_entries,
       (SELECT count(*) FROM webhook_deliveries WHERE event_type = 'webhook.digest') AS digests,
       (SELECT sum(pg_column_size(payload)) FROM webhook_deliveries WHERE event_type = 'webhook.digest')
         + (SELECT coalesce(sum(pg_column_size(entries)), 0) FROM webhook_digest_bodies) AS stored
FROM (SELECT octet_length(p::text) + coalesce(octet_length(b.entries) + 14, 0) AS sent,
             (p -> 'data' ->> 'events')::int AS events,
             coalesce(jsonb_array_length(b.entries::jsonb), jsonb_array_length(p -> 'data' -> 'entries')) AS entries
      FROM (SELECT payload AS p, digest_body_id FROM webhook_deliveries WHERE event_type = 'webhook.digest'
            ORDER BY random() LIMIT 25 OFFSET 0) AS sample
      LEFT JOIN webhook_digest_bodies b ON b.id = sample.digest_body_id) AS d"""


def watch_digests(url: str, receivers: webhooks.Receivers, expected: int, t0: float, timeout: float) -> list[Sample]:
    """Every 0.25 s from T0: digest deliveries queued and succeeded (database), received, and the age of the worker's
    heartbeat, until all are in."""

    async def poll(conn: asyncpg.Connection[Any]) -> list[Sample]:
        samples: list[Sample] = []
        while time.monotonic() - t0 < timeout:
            counts = await conn.fetchrow(_DIGEST_COUNTS)
            received = webhooks.healthy_total(receivers.stats(), receivers.hooks)
            samples.append(Sample(time.monotonic() - t0, received=received, **dict(counts)))
            if received >= expected:
                break
            await asyncio.sleep(SAMPLE_SECONDS)
        return samples

    return on_database(url, poll)


async def digest_sizes(conn: asyncpg.Connection[Any]) -> dict[str, Any]:
    return dict(await conn.fetchrow(_DIGEST_SIZES))


# --------------------------------------------------------------------------------------------------------------
# Profile (py-spy): where the worker's time goes from T0 to the last digest

AREAS = (
    ("building digests (DigestBuilder.run, all of it)", ("DigestBuilder.run",)),
    ("reading the log per subscription (store.digest_window)", ("digest_window (service/store/webhooks.py",)),
    ("collapsing (collapsed, once per list of events)", ("collapsed (service/usecases/digests.py",)),
    ("encoding each digest (envelope)", ("envelope (service/usecases/digests.py",)),
    ("queueing the digests (store.insert_digests)", ("insert_digests (service/store/webhooks.py",)),
    *webhooks.AREAS,  # sending, signing, recording, claiming, fan-out, asyncpg
)


# --------------------------------------------------------------------------------------------------------------
# Report


def _seconds(value: float | None) -> str:
    return "not within the run" if value is None else f"{value:.1f} s"


def _latency_row(w: Window) -> str:
    lat = w.latencies_ms
    p50, p99 = harness.percentile(lat, 0.5), harness.percentile(lat, 0.99)
    verdict = f"{'meets' if p50 <= webhooks.TARGET_P50_MS else 'misses'} / "
    verdict += "meets" if p99 <= webhooks.TARGET_P99_MS else "misses"
    fan, send = (webhooks._p50_p99(w.stages.get(s, []), " / ") for s in ("to_fan_out", "to_send"))
    cpu = w.cpu
    return (
        f"| {w.name} | {len(w.answered)} | **{p50:.1f}** | {harness.percentile(lat, 0.9):.1f} | **{p99:.1f}** "
        f"| {max(lat, default=float('nan')):.1f} | {w.missing} | {fan} | {send} "
        f"| {cpu.cores(cpu.worker)} / {cpu.cores(cpu.postgres)} / {cpu.cores(cpu.serve)} | **{verdict}** |"
    )


def render(
    args: argparse.Namespace,
    windows: list[Window],
    digests: Digests,
    profile: harness.StackCounts | None,
    database_kind: str,
    load: tuple[str, str],
) -> str:
    info = harness.machine()
    n = digests.expected
    built, delivered = digests.first_at("queued", n), digests.first_at("received", n)
    sizes = digests.sizes
    cpu = digests.cpu
    met = delivered is not None and delivered <= TARGET_SECONDS
    others = cpu.machine - cpu.worker - cpu.serve - (cpu.postgres or 0.0) - cpu.receivers - cpu.bench
    lines = [
        MARKS.start,
        f"## Digests: a day's digest for {n:,} subscriptions, and publish latency while they are built",
        "",
        harness.written_by("digests.py", keeps_notes=True),
        "",
        f"Command: `{command_line(args)}`",
        "",
        f"- Machine: {info['description']}; load average {load[0]} before the run, {load[1]} after",
        f"- Software: {info['packages']}; {info['uvicorn_impl']}",
        f"- Database: {database_kind}, on the same machine",
        "- Canon: `canon serve` (1 process) and one `canon worker` (digests built by its periodic task every second; "
        "256 deliveries in flight at most, 8 per host:port; timeout 15 s; database pool 10)",
        f"- Receivers: the receivers process of `bench/webhooks.py`, {args.ports} ports for the digests "
        f"({n // args.ports} subscriptions each) and one for latency, `200` with an empty body.",
        "",
        f"### {n:,} daily digests of {args.events:,} changes to {args.entries:,} entries",
        "",
        "| from the period's end (T0) to | seconds |",
        "|---|---:|",
        f"| the first digest queued | {_seconds(digests.first_at('queued', 1))} |",
        f"| all {n:,} digests queued (built: the `webhook.digest` delivery rows exist) | **{_seconds(built)}** |",
        f"| the first digest received | {_seconds(digests.first_at('received', 1))} |",
        f"| all {n:,} digests received (built and delivered) | **{_seconds(delivered)}** |",
        "",
        f"Target: built and delivered within {TARGET_SECONDS:.0f} s: **{'meets' if met else 'misses'}** it. "
        f"Digests received {digests.samples[-1].received:,} of {n:,}; duplicates {digests.duplicates}. The worker's "
        f"heartbeat (written by the loop that runs its periodic tasks, digests among them; readiness and "
        f"`canon_workers_alive` call a worker alive for 60 s after one) was at most "
        f"**{max(s.heartbeat_age for s in digests.samples):.1f} s** old meanwhile.",
        "",
        "| digest payload (as sent; sizes and counts of 25 digests picked at random) | value |",
        "|---|---:|",
        f"| bytes: min / median / max | {sizes['min'] or 0:,} / {sizes['median'] or 0:,} / {sizes['max'] or 0:,} |",
        f"| all {sizes['digests']:,} digests, stored (TOAST-compressed) | {(sizes['stored'] or 0) / 2**20:,.1f} MiB |",
        f"| events per digest (min-max) | {sizes['min_events']:,}-{sizes['max_events']:,} |",
        f"| entries per digest (min-max) | {sizes['min_entries']:,}-{sizes['max_entries']:,} |",
        "",
        f"CPU from T0 to the last digest ({cpu.seconds:.1f} s), in cores: worker **{cpu.cores(cpu.worker)}**, "
        f"PostgreSQL **{cpu.cores(cpu.postgres)}**, API {cpu.cores(cpu.serve)}, receivers {cpu.cores(cpu.receivers)}, "
        f"this script {cpu.cores(cpu.bench)}, other processes {cpu.cores(others)} (CPU seconds: worker "
        f"{cpu.worker:.1f}, PostgreSQL {max(cpu.postgres or 0.0, 0.0):.1f}).",
        "",
        f"### Publish → receipt latency, before and while the digests are built ({args.publish_rate:g} publishes/s)",
        "",
        "| window | publishes | p50 ms | p90 ms | p99 ms | max ms | missing | fan-out stage p50 / p99 ms "
        "| send stage p50 / p99 ms | worker / PostgreSQL / API cores | targets p50 ≤ 25, p99 ≤ 250 |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
        *(_latency_row(w) for w in windows),
        "",
    ]
    if len(windows) > 1:
        lines += [
            "During, per 5 s from T0, p50 / max ms: "
            + ", ".join(f"{p50:.0f} / {top:.0f}" for p50, top in windows[1].every(5.0))
            + ".",
            "",
        ]
    if profile is not None and profile.samples:
        lines += [
            f"### Profile of the worker from T0 to the last digest (py-spy, 100 Hz: {profile.samples} samples of it "
            f"not idle; on a busy machine that includes time waiting for a core, its CPU was {cpu.worker:.1f} s)",
            "",
            "| where (inclusive; areas overlap) | share of the worker's samples |",
            "|---|---:|",
            *(
                f"| {label} | {profile.groups[label] / profile.samples:.0%} |"
                for label, _ in (*AREAS, (webhooks.IDLE, ()))
            ),
            "",
            "<details><summary>Functions (self time) and frames (inclusive)</summary>",
            "",
            *harness.profile_tables(profile.samples, profile.functions, profile.inclusive, "function (self)"),
            "",
            "</details>",
            "",
        ]
    lines += [
        f"How: the day's {args.events:,} entry events are inserted straight into `events` (SQL, 200 to a "
        "transaction), spread over the 24 hours before T0: versions edited, submitted, sometimes rejected, approved by "
        "each owning team, published and often taking effect, with the data Canon's events carry. The "
        f"{n:,} subscriptions (daily at 09:00 in seven time zones, no filters, so every digest holds every change) "
        "were created over HTTP; their log position is set to just before the day's events and their period to the "
        f"24 hours ending at T0, {LEAD_SECONDS:g} s ahead. From T0 the worker builds and queues the digests (its "
        "periodic task, every second) and sends them; the deliveries are counted in the database and at the "
        f"receivers every {SAMPLE_SECONDS:g} s, so each time is late by up to that. Latency: definitions created, "
        "submitted and approved beforehand are published one at a time, open loop, to one `definition.published` "
        "subscriber on its own port, as `bench/webhooks.py` (a) measures it (after the preparation, `VACUUM "
        "(ANALYZE)` and a checkpoint): *baseline* for "
        f"{args.baseline_seconds:g} s before the day's events are inserted, *during* from T0 until the last digest is "
        f"received (at most {args.during_seconds:g} s). Cores = CPU seconds per wall second of the window.",
        "",
        MARKS.notes_start + MARKS.notes_end,
        MARKS.end,
    ]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------------------------
# The run


def run(procs: harness.Processes, folder: Path, args: argparse.Namespace) -> str:
    options = webhooks.Options(
        latency_events=0,
        publish_rate=args.publish_rate,
        subscribers=args.ports,
        hanging=0,
        fanout_rate=0.0,
        seconds=0.0,
        drain_seconds=0.0,
        timeout=15.0,
        profile=args.profile,
    )
    with harness.database() as (url, postmaster):
        stack = webhooks.start_stack(procs, folder, options, url)
        pids = {"worker": stack.worker.pid, "serve": stack.serve.pid, "receivers": stack.receivers_pid}
        meter = webhooks.CpuMeter(pids, postmaster)
        keys, port, receivers = stack.keys, stack.api_port, stack.receivers
        load_before = harness.load_average()
        baseline_count = round(args.publish_rate * args.baseline_seconds)
        run_id = secrets.token_hex(3)
        slugs = [
            f"dig-{run_id}-{n:05d}" for n in range(baseline_count + round(args.publish_rate * args.during_seconds))
        ]
        started = time.monotonic()
        webhooks.prepare_approved(port, keys, slugs)
        latency_hook = {
            "url": f"http://{harness.HOST}:{receivers.latency}/hook",
            "event_types": ["definition.published"],
            "tags": ["bench"],
        }
        harness.expect(port, "POST", "/v1/webhooks", 201, key=keys.admin, body=latency_hook)
        subscribe_digests(port, keys.admin, receivers.hooks, args.subscriptions)
        print(f"prepared {len(slugs)} definitions and the subscriptions in {time.monotonic() - started:.0f} s")
        webhooks.wait_caught_up(url)
        on_database(url, settle)

        # Baseline: publishes with the digest subscriptions in place, before the day's events.
        before, start = meter.snapshot(), time.monotonic()
        publisher = Publisher(port, keys.editor, slugs[:baseline_count], args.publish_rate, start)
        publisher.start()
        publisher.join()
        windows = [close_window("baseline", start, publisher.finish(), receivers, meter, before, url)]
        webhooks.wait_caught_up(url)

        # The day, ending at T0, and the digests from T0 with publishes going on.
        rows = day_of_changes(args.events, args.entries, dt.datetime.now(dt.UTC))
        end = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=LEAD_SECONDS)
        t0 = time.monotonic() + LEAD_SECONDS
        inserted = time.monotonic()
        on_database(url, lambda conn: insert_day(conn, rows, end))
        print(
            f"inserted {len(rows)} events in {time.monotonic() - inserted:.1f} s; T0 in {t0 - time.monotonic():.1f} s"
        )
        with contextlib.ExitStack() as profiled:
            outputs = (
                profiled.enter_context(harness.profiling(procs, folder, {"worker": stack.worker.pid}))
                if args.profile
                else {}
            )
            time.sleep(max(0.0, t0 - time.monotonic()))
            before = meter.snapshot()
            publisher = Publisher(port, keys.editor, slugs[baseline_count:], args.publish_rate, t0)
            publisher.start()
            samples = watch_digests(url, receivers, args.subscriptions, t0, args.timeout)
            digest_cpu = webhooks.CpuMeter.between(before, meter.snapshot())
            answered = publisher.finish()
        windows.append(close_window("during the digests", t0, answered, receivers, meter, before, url))
        duplicates = int(receivers.stats()["duplicates"])
        digests = Digests(samples, args.subscriptions, digest_cpu, on_database(url, digest_sizes), duplicates)
        print(
            f"digests: all queued at {_seconds(digests.first_at('queued', args.subscriptions))}, all received at "
            f"{_seconds(digests.first_at('received', args.subscriptions))}; latency p50/p99 "
            + "; ".join(
                f"{w.name} {harness.percentile(w.latencies_ms, 0.5):.1f}/{harness.percentile(w.latencies_ms, 0.99):.1f}"
                for w in windows
            ),
            flush=True,
        )
        profile = None
        if outputs:
            wanted = ("service/", "asyncpg/", "msgspec", "h11")
            profile = harness.summarise_profile(
                outputs["worker"], wanted, top=20, group=lambda frames: webhooks.areas_of(frames, AREAS)
            )
        load = (load_before, harness.load_average())
        section = render(args, windows, digests, profile, harness.database_kind(postmaster), load)
        procs.stop_all()  # before the database goes away
        return section


def command_line(args: argparse.Namespace) -> str:
    return (
        f"python bench/digests.py --subscriptions {args.subscriptions} --events {args.events} --entries "
        f"{args.entries} --ports {args.ports} --publish-rate {args.publish_rate:g} --baseline-seconds "
        f"{args.baseline_seconds:g} --during-seconds {args.during_seconds:g}" + (" --profile" if args.profile else "")
    )


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Canon digests: a day's digests built and delivered, and latency.")
    parser.add_argument("--subscriptions", type=int, default=1000, help="daily digest subscriptions (default 1000)")
    parser.add_argument("--events", type=int, default=10_000, help="the day's changes (default 10000)")
    parser.add_argument("--entries", type=int, default=1000, help="entries they are about (default 1000)")
    parser.add_argument("--ports", type=int, default=50, help="receiver ports the digests go to (default 50)")
    parser.add_argument("--publish-rate", type=float, default=25.0, help="publishes per second (default 25)")
    parser.add_argument("--baseline-seconds", type=float, default=20.0, help="baseline window (default 20)")
    parser.add_argument("--during-seconds", type=float, default=60.0, help="longest during window (default 60)")
    parser.add_argument("--timeout", type=float, default=300.0, help="longest wait for the digests (default 300)")
    parser.add_argument("--profile", action="store_true", help="py-spy on the worker from T0 to the last digest")
    harness.add_wait_idle_option(parser)
    harness.add_output_options(parser)
    parser.add_argument("--logs", type=Path, help="keep the processes' logs in this folder (default: deleted)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.wait_idle:
        harness.wait_idle(args.wait_idle)
    with harness.run_folder("canon-bench-digests-", args.logs, ("worker", "serve", "receivers")) as (procs, folder):
        section = run(procs, folder, args)
    harness.write_or_print(section, MARKS, args)


if __name__ == "__main__":
    main()
