"""SQL for webhooks: subscriptions, fan-out of events into deliveries, claiming, outcomes and attempts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any
from uuid import UUID

import msgspec

from service.domain.errors import NotFound
from service.store.database import Connection
from service.store.events import NEWEST_SETTLED


class Subscription(msgspec.Struct, frozen=True):
    id: UUID
    url: str
    description: str
    event_types: list[str]
    tags: list[str]
    slugs: list[str]
    teams: list[str]
    format: str
    enabled: bool
    digest: dict[str, Any] | None  # the DigestSchedule's fields; None: one delivery per event
    digest_period_start: dt.datetime | None
    digest_next_at: dt.datetime | None
    failing_since: dt.datetime | None
    disabled_at: dt.datetime | None
    disabled_reason: str | None
    previous_secret_until: dt.datetime | None
    revision: int
    created_by: str
    created_at: dt.datetime
    updated_at: dt.datetime


_COLUMNS = (
    "id, url, description, event_types, tags, slugs, teams, format, enabled, digest, digest_period_start, "
    "digest_next_at, failing_since, disabled_at, disabled_reason, previous_secret_until, revision, created_by, "
    "created_at, updated_at"
)


def _subscription(row: Any) -> Subscription:
    return Subscription(**dict(row))


async def insert(
    conn: Connection,
    *,
    subscription_id: UUID,
    url: str,
    description: str,
    event_types: list[str],
    type_likes: list[str],
    tags: list[str],
    slugs: list[str],
    teams: list[str],
    format: str,
    enabled: bool,
    secret: str,
    created_by: str,
    digest: dict[str, Any] | None = None,
    digest_next_at: dt.datetime | None = None,
) -> Subscription:
    """A digest subscription's first period starts now, and its digests hold the events committed from now on."""
    row = await conn.fetchrow(
        f"""INSERT INTO webhook_subscriptions
                (id, url, description, event_types, type_likes, tags, slugs, enabled, secret, created_by, format, teams,
                 digest, digest_next_at, digest_period_start, digest_after_txid, digest_after_id)
            SELECT $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14,
                   CASE WHEN $13::jsonb IS NOT NULL THEN now() END,
                   CASE WHEN $13::jsonb IS NOT NULL THEN coalesce(h.txid, '0'::xid8) END,
                   CASE WHEN $13::jsonb IS NOT NULL THEN coalesce(h.id, 0) END
            FROM (SELECT NULL) AS one LEFT JOIN LATERAL ({NEWEST_SETTLED}) AS h ON true
            RETURNING {_COLUMNS}""",
        subscription_id,
        url,
        description,
        event_types,
        type_likes,
        tags,
        slugs,
        enabled,
        secret,
        created_by,
        format,
        teams,
        digest,
        digest_next_at,
    )
    return _subscription(row)


async def get(conn: Connection, subscription_id: UUID, *, lock: bool = False) -> Subscription:
    row = await conn.fetchrow(
        f"SELECT {_COLUMNS} FROM webhook_subscriptions WHERE id = $1{' FOR UPDATE' if lock else ''}",
        subscription_id,
    )
    if row is None:
        raise NotFound(f"no webhook subscription {subscription_id}")
    return _subscription(row)


async def page(conn: Connection, *, after: UUID | None, limit: int) -> list[Subscription]:
    rows = await conn.fetch(
        f"""SELECT {_COLUMNS} FROM webhook_subscriptions WHERE $1::uuid IS NULL OR id > $1
            ORDER BY id LIMIT $2""",
        after,
        limit,
    )
    return [_subscription(r) for r in rows]


async def update(conn: Connection, subscription_id: UUID, **fields: object) -> Subscription:
    """Set the given columns and bump the revision."""
    assignments = [f"{name} = ${index}" for index, name in enumerate(fields, start=2)]
    assignments += ["revision = revision + 1", "updated_at = now()"]
    row = await conn.fetchrow(
        f"UPDATE webhook_subscriptions SET {', '.join(assignments)} WHERE id = $1 RETURNING {_COLUMNS}",
        subscription_id,
        *fields.values(),
    )
    if row is None:
        raise NotFound(f"no webhook subscription {subscription_id}")
    return _subscription(row)


async def switch_mode(conn: Connection, subscription_id: UUID, *, to_digest: bool) -> Subscription:
    """Mark where in the log the delivery mode changed (the newest event committed now). Into digests, the first
    period starts now with the events after that; out of them, the last digest ends there (and is due now)."""
    row = await conn.fetchrow(
        f"""UPDATE webhook_subscriptions s
            SET mode_switched_txid = coalesce(h.txid, '0'::xid8), mode_switched_id = coalesce(h.id, 0),
                digest_period_start = CASE WHEN $2 THEN now() ELSE s.digest_period_start END,
                digest_after_txid = CASE WHEN $2 THEN coalesce(h.txid, '0'::xid8) ELSE s.digest_after_txid END,
                digest_after_id = CASE WHEN $2 THEN coalesce(h.id, 0) ELSE s.digest_after_id END
            FROM (SELECT NULL) AS one LEFT JOIN LATERAL ({NEWEST_SETTLED}) AS h ON true
            WHERE s.id = $1 RETURNING {", ".join(f"s.{c}" for c in _COLUMNS.split(", "))}""",
        subscription_id,
        to_digest,
    )
    if row is None:
        raise NotFound(f"no webhook subscription {subscription_id}")
    return _subscription(row)


async def rotate_secret(
    conn: Connection, subscription_id: UUID, secret: str, previous_until: dt.datetime
) -> Subscription:
    """Sign with `secret` from now on, and with the secret it replaces as well until `previous_until`."""
    row = await conn.fetchrow(
        f"""UPDATE webhook_subscriptions SET previous_secret = secret, previous_secret_until = $2, secret = $3,
                   revision = revision + 1, updated_at = now() WHERE id = $1 RETURNING {_COLUMNS}""",
        subscription_id,
        previous_until,
        secret,
    )
    if row is None:
        raise NotFound(f"no webhook subscription {subscription_id}")
    return _subscription(row)


async def delete(conn: Connection, subscription_id: UUID) -> None:
    deleted = await conn.fetchval("DELETE FROM webhook_subscriptions WHERE id = $1 RETURNING true", subscription_id)
    if not deleted:
        raise NotFound(f"no webhook subscription {subscription_id}")


# One delivery per (event, enabled subscription whose filters match). A disabled endpoint is not told that it was
# disabled; everyone else subscribed to `webhook.*` is. Inserted in queue key order (subscription, scope), each
# queue's deliveries in feed order: the queue rows the insert trigger locks are taken in the order every other
# statement takes them (migration 0018), so concurrent writers never deadlock.
# Whether subscription `s` wants event `e`: its type, tag, slug and team filters (each empty: any).
_WANTS = """(cardinality(s.type_likes) = 0 OR e.type LIKE ANY (s.type_likes))
     AND (cardinality(s.tags) = 0
          OR s.tags && ARRAY(SELECT jsonb_array_elements_text(coalesce(e.data -> 'tags', '[]'))))
     AND (cardinality(s.slugs) = 0 OR e.slug = ANY (s.slugs))
     AND (cardinality(s.teams) = 0
          OR s.teams && ARRAY(SELECT jsonb_array_elements_text(coalesce(e.data -> 'teams', '[]'))))
     AND NOT (e.kind = 'webhook' AND e.entry_id = s.id)"""

# Digest subscriptions take their events from the log when a period ends (`digest_window`), not one by one here;
# an event from before the subscription's last change of mode follows the mode it had then.
_ONE_BY_ONE = """CASE WHEN s.mode_switched_txid IS NULL THEN s.digest IS NULL
          ELSE ((e.txid, e.id) > (s.mode_switched_txid, s.mode_switched_id)) = (s.digest IS NULL) END"""
_FAN_OUT = f"""
INSERT INTO webhook_deliveries (subscription_id, event_id, event_type, scope, payload)
SELECT s.id, e.id, e.type, e.kind || ':' || coalesce(e.slug, e.entry_id::text, ''),
       jsonb_build_object('type', e.type, 'timestamp', e.occurred_at, 'data', e.data)
FROM unnest($1::bigint[]) WITH ORDINALITY AS b(event_id, ord)
JOIN events e ON e.id = b.event_id
JOIN webhook_subscriptions s ON s.enabled AND {_ONE_BY_ONE}
     AND {_WANTS}
     AND ($2::uuid IS NULL OR s.id = $2)
ORDER BY s.id, 4, b.ord"""


async def fan_out(conn: Connection, event_ids: list[int], only: UUID | None = None) -> int:
    """Queue deliveries for these events (in this order) to every matching subscription, or only to `only`."""
    status: str = await conn.execute(_FAN_OUT, event_ids, only)
    return int(status.rsplit(" ", 1)[-1])


async def insert_direct(
    conn: Connection,
    subscription_id: UUID,
    event_type: str,
    payload: dict[str, Any] | msgspec.Raw,
    *,
    scope: str = "test",
    digest_body_id: int | None = None,
) -> int:
    """A delivery that is not one event of the log (a test ping, a digest); `scope` names its queue of the
    subscription's (deliveries of one queue go out in order); a digest's entries are in `digest_body_id`."""
    delivery_id: int = await conn.fetchval(
        _INSERT_DIRECT + " RETURNING id", subscription_id, event_type, payload, scope, digest_body_id
    )
    return delivery_id


_INSERT_DIRECT = """INSERT INTO webhook_deliveries (subscription_id, event_type, scope, payload, digest_body_id)
           VALUES ($1::uuid, $2, $4 || ':' || $1::uuid::text, $3, $5)"""


class QueuedDigest(msgspec.Struct, frozen=True):
    """A digest to queue for a subscription: its envelope (without the entries) and its shared entries' body."""

    subscription_id: UUID
    envelope: msgspec.Raw
    body_id: int


async def insert_digests(conn: Connection, event_type: str, queued: Sequence[QueuedDigest]) -> None:
    """Queue digest deliveries (scope `digest`), in one round trip; in subscription order, the order every writer
    takes the queues' locks in (migration 0018)."""
    if not queued:
        return
    await conn.executemany(
        _INSERT_DIRECT,
        [
            (q.subscription_id, event_type, q.envelope, "digest", q.body_id)
            for q in sorted(queued, key=lambda q: str(q.subscription_id))
        ],
    )


async def insert_digest_body(conn: Connection, entries: bytes) -> int:
    """Store a digest's entries (a JSON array) once, for every delivery of the same changes to refer to."""
    body_id: int = await conn.fetchval(
        "INSERT INTO webhook_digest_bodies (entries) VALUES ($1) RETURNING id", entries.decode()
    )
    return body_id


class DueDigest(msgspec.Struct, frozen=True):
    id: UUID
    digest: dict[str, Any]  # {}: the subscription went back to one delivery per event; its last digest is due
    period_start: dt.datetime
    next_at: dt.datetime
    after_txid: int
    after_id: int
    until_txid: int | None  # the last digest's events end at this position (where the mode changed)
    until_id: int | None
    filters: tuple[tuple[str, ...], ...]  # type patterns, tags, slugs, teams: equal filters want the same events


async def due_digests(conn: Connection, now: dt.datetime, limit: int) -> list[DueDigest]:
    """Lock up to `limit` subscriptions whose digest period has ended by `now` (skipping those another worker holds);
    also a subscription that left digest mode with a period under way (its last digest goes out)."""
    rows = await conn.fetch(
        """SELECT id, coalesce(digest, '{}') AS digest, digest_period_start AS period_start, digest_next_at AS next_at,
                  digest_after_txid::text::bigint AS after_txid, digest_after_id AS after_id,
                  CASE WHEN digest IS NULL THEN mode_switched_txid::text::bigint END AS until_txid,
                  CASE WHEN digest IS NULL THEN mode_switched_id END AS until_id,
                  type_likes, tags, slugs, teams
           FROM webhook_subscriptions WHERE digest_next_at <= $1
           ORDER BY digest_next_at LIMIT $2 FOR UPDATE SKIP LOCKED""",
        now,
        limit,
    )
    filters = ("type_likes", "tags", "slugs", "teams")
    return [
        DueDigest(
            **{k: v for k, v in r.items() if k not in filters},
            filters=tuple(tuple(sorted(r[name])) for name in filters),
        )
        for r in rows
    ]


async def next_digest_in(conn: Connection, now: dt.datetime) -> float | None:
    """Seconds from `now` until the next digest period ends, or None when no subscription takes digests."""
    seconds: float | None = await conn.fetchval(
        "SELECT extract(epoch FROM min(digest_next_at) - $1)::float8 FROM webhook_subscriptions", now
    )
    return seconds


class DigestWindow(msgspec.Struct, frozen=True):
    """What one read of the log gave a digest: the wanted events (feed order), the position after the last event
    taken, whether the period's end was met (`ended`), whether the digest is full (`full`), and how many events were
    read (fewer than asked: the log is exhausted for now)."""

    wanted: list[int]
    last_txid: int | None
    last_id: int | None
    ended: bool
    full: bool
    read: int
    # Events about webhook subscriptions among those taken: a subscription never hears about itself, so only then
    # may two subscriptions with equal filters want different events.
    about_webhooks: bool


# Committed events after the digest's position in feed order (the feed's rule: no gaps), walked in SQL so a day of
# events comes back as one row of ids, not a row per event: each taken while it is before the end of the period
# (`$5`, by when it happened, or, for a last digest, the log position `$6`, `$7`) and while the digest holds fewer
# than `$8` wanted events; the subscription's filters say which are wanted.
_DIGEST_WINDOW = f"""
WITH read AS (
    SELECT e.id, e.txid, e.occurred_at, ({_WANTS}) AS wanted, e.kind = 'webhook' AS about_webhook
    FROM events e JOIN webhook_subscriptions s ON s.id = $1
    WHERE (e.txid, e.id) > ($2::text::xid8, $3::bigint) AND e.txid < pg_snapshot_xmin(pg_current_snapshot())
    ORDER BY e.txid, e.id LIMIT $4),
walked AS (
    SELECT r.*,
           bool_or(CASE WHEN $6::text IS NULL THEN r.occurred_at >= $5
                        ELSE (r.txid, r.id) > ($6::text::xid8, $7::bigint) END)
               OVER (ORDER BY r.txid, r.id) AS past,
           count(*) FILTER (WHERE r.wanted) OVER (ORDER BY r.txid, r.id) AS nth
    FROM read r),
taken AS (SELECT * FROM walked WHERE NOT past AND nth <= $8)
SELECT coalesce((SELECT array_agg(id ORDER BY txid, id) FROM taken WHERE wanted), '{{}}') AS wanted,
       (SELECT txid::text::bigint FROM taken ORDER BY txid DESC, id DESC LIMIT 1) AS last_txid,
       (SELECT id FROM taken ORDER BY txid DESC, id DESC LIMIT 1) AS last_id,
       coalesce((SELECT bool_or(past) FROM walked), false) AS ended,
       coalesce((SELECT bool_or(NOT past AND wanted AND nth > $8) FROM walked), false) AS full,
       (SELECT count(*) FROM read) AS read,
       coalesce((SELECT bool_or(about_webhook) FROM taken), false) AS about_webhooks"""


async def digest_window(
    conn: Connection,
    subscription_id: UUID,
    *,
    after: tuple[int, int],
    end: dt.datetime,
    until: tuple[int, int] | None,
    room: int,
    limit: int,
) -> DigestWindow:
    """Read up to `limit` events after `after` for a digest ending at `end` (or at the position `until`) with room
    for `room` more wanted events."""
    row = await conn.fetchrow(
        _DIGEST_WINDOW,
        subscription_id,
        str(after[0]),
        after[1],
        limit,
        end,
        None if until is None else str(until[0]),
        None if until is None else until[1],
        room,
    )
    assert row is not None
    return DigestWindow(**dict(row))


async def wanted_events(conn: Connection, subscription_id: UUID, event_ids: list[int]) -> list[int]:
    """Those of these events (in this order) that the subscription's filters let through (a digest replay)."""
    rows = await conn.fetch(
        f"""SELECT e.id FROM unnest($2::bigint[]) WITH ORDINALITY AS b(event_id, ord)
            JOIN events e ON e.id = b.event_id JOIN webhook_subscriptions s ON s.id = $1
            WHERE {_WANTS} ORDER BY b.ord""",
        subscription_id,
        event_ids,
    )
    return [r["id"] for r in rows]


class DigestDone(msgspec.Struct, frozen=True):
    """A subscription's digest position moved past the events it queued (`after`), and its next period (None:
    digests stopped, and the position is dropped: nothing in the log waits for this subscription any more)."""

    subscription_id: UUID
    after: tuple[int, int]
    period_start: dt.datetime | None
    next_at: dt.datetime | None


async def digests_done(conn: Connection, done: Sequence[DigestDone]) -> None:
    """Record where each of these subscriptions' digests got to, in one round trip."""
    if not done:
        return
    await conn.executemany(
        """UPDATE webhook_subscriptions
           SET digest_after_txid = CASE WHEN $5::timestamptz IS NOT NULL THEN $2::text::xid8 END,
               digest_after_id = CASE WHEN $5::timestamptz IS NOT NULL THEN $3::bigint END,
               digest_period_start = $4, digest_next_at = $5
           WHERE id = $1""",
        [(d.subscription_id, str(d.after[0]), d.after[1], d.period_start, d.next_at) for d in done],
    )


class Claimed(msgspec.Struct, frozen=True):
    id: int
    subscription_id: UUID
    url: str
    secrets: list[str]
    payload: str
    attempts: int
    format: str = "standard"  # how the stored envelope is sent: service/webhooks/formats.py
    digest_body_id: int | None = None  # a digest's shared entries (`digest_bodies`), for `data.entries`


# Due, not leased, subscription enabled, and the head of its queue: the oldest pending delivery of its subscription
# and scope (per-entry order), marked by the triggers of migration 0018 when deliveries are queued and finish. One
# probe per enabled subscription on migration 0021's index of due heads, capped at `per_subscription` minus this
# worker's sends already under way there: the cost follows the number of subscriptions and their due heads, never
# the size of the backlog, and no plan has to prove that nothing older is pending (an anti-join whose cost the
# planner misjudged from stale statistics: decisions 24, 30 and 50).
# A failing subscription (its latest attempt failed) gets one send at a time: a probe. Its other due deliveries wait
# for the probe's outcome instead of each hanging on a dead endpoint until the timeout; the first success clears
# `failing_since`, and the backlog goes out at full width again.
# Only the deliveries chosen are locked (`locked`), not every due head probed: when a period's end leaves a thousand
# digests due, a claim that locked them all wrote a thousand row locks each time a send finished. The row's own
# conditions sit at the level that locks it, so a row another worker leased and committed meanwhile is re-checked
# against them when locked (and one it holds is skipped: the next claim takes what this one missed).
# Digests take at most `$6` of the claim: a burst of large digests at a period's end never holds back the single
# events queued behind it (each digest waits its turn in its own queue; the others go by).
_CLAIM = """
WITH heads AS (
    SELECT d.id, d.next_attempt_at, d.digest_body_id IS NOT NULL AS digest FROM webhook_subscriptions s
    LEFT JOIN unnest($3::uuid[], $4::int[]) AS f(subscription_id, in_flight) ON f.subscription_id = s.id
    CROSS JOIN LATERAL (
        SELECT d.id, d.next_attempt_at, d.digest_body_id FROM webhook_deliveries d
        WHERE d.subscription_id = s.id AND d.status = 'pending' AND d.next_attempt_at <= now()
          AND d.head AND (d.lease_until IS NULL OR d.lease_until < now())
        ORDER BY d.next_attempt_at, d.id
        LIMIT greatest(CASE WHEN s.failing_since IS NULL THEN $5 ELSE 1 END - coalesce(f.in_flight, 0), 0)) AS d
    WHERE s.enabled),
candidates AS (
    SELECT id FROM (
        SELECT h.*, row_number() OVER (PARTITION BY h.digest ORDER BY h.next_attempt_at, h.id) AS nth FROM heads h
    ) AS ranked
    WHERE NOT digest OR nth <= $6
    ORDER BY next_attempt_at, id
    LIMIT $1),
locked AS (
    SELECT d.id FROM webhook_deliveries d
    WHERE d.id = ANY(ARRAY(SELECT id FROM candidates)) AND d.status = 'pending' AND d.next_attempt_at <= now()
      AND d.head AND (d.lease_until IS NULL OR d.lease_until < now())
    FOR UPDATE OF d SKIP LOCKED)
UPDATE webhook_deliveries d
SET lease_until = now() + $2::interval, attempts = d.attempts + 1
FROM locked c, webhook_subscriptions s
WHERE d.id = c.id AND s.id = d.subscription_id
RETURNING d.id, d.subscription_id, s.url, s.format, d.payload::text AS payload, d.attempts, d.digest_body_id,
          array_remove(ARRAY[s.secret, CASE WHEN s.previous_secret_until > now() THEN s.previous_secret END], NULL)
              AS secrets"""


async def claim(
    conn: Connection,
    limit: int,
    lease: dt.timedelta,
    in_flight: dict[UUID, int],
    per_subscription: int,
    digests: int | None = None,
) -> list[Claimed]:
    """Lease up to `limit` due deliveries, at most `per_subscription` per endpoint including `in_flight` ones (one
    while the endpoint is failing), and at most `digests` digests among them (None: no cap).

    Each lease is fenced by the delivery's `attempts` (incremented here): outcomes and lease renewals carry it, so a
    worker whose lease ran out and was taken over cannot overwrite the new holder's work."""
    rows = await conn.fetch(
        _CLAIM,
        limit,
        lease,
        list(in_flight),
        list(in_flight.values()),
        per_subscription,
        limit if digests is None else digests,
    )
    return [Claimed(**dict(r)) for r in rows]


async def digest_bodies(conn: Connection, body_ids: list[int]) -> dict[int, str]:
    """Digests' shared entries by id (bodies are written once and never change: callers may keep them)."""
    rows = await conn.fetch("SELECT id, entries FROM webhook_digest_bodies WHERE id = ANY($1::bigint[])", body_ids)
    return {r["id"]: r["entries"] for r in rows}


async def renew(conn: Connection, leases: list[tuple[int, int]], lease: dt.timedelta) -> int:
    """Extend the leases (delivery id, attempts) still held: a send that waits for its host's slot, or runs long,
    never loses its lease to another worker while this one is alive. Returns how many were extended."""
    status: str = await conn.execute(
        """UPDATE webhook_deliveries d SET lease_until = now() + $3::interval
           FROM unnest($1::bigint[], $2::int[]) AS l(id, attempts)
           WHERE d.id = l.id AND d.attempts = l.attempts AND d.status = 'pending' AND d.lease_until IS NOT NULL""",
        [delivery_id for delivery_id, _ in leases],
        [attempts for _, attempts in leases],
        lease,
    )
    return int(status.rsplit(" ", 1)[-1])


async def next_due_in(conn: Connection) -> float | None:
    """Seconds until the next pending delivery comes due (a retry), or None if none is waiting for its time."""
    seconds: float | None = await conn.fetchval(
        """SELECT extract(epoch FROM min(next_attempt_at) - now())::float8 FROM webhook_deliveries
           WHERE status = 'pending' AND next_attempt_at > now()"""
    )
    return seconds


async def release(conn: Connection, delivery_ids: list[int]) -> int:
    """Hand back leased deliveries whose send was abandoned unfinished (shutdown): claimable again at once, and the
    abandoned attempt, never recorded, does not count. Rows already finished or rescheduled are left alone."""
    status: str = await conn.execute(
        """UPDATE webhook_deliveries SET lease_until = NULL, attempts = greatest(attempts - 1, 0)
           WHERE id = ANY($1::bigint[]) AND status = 'pending' AND lease_until IS NOT NULL""",
        delivery_ids,
    )
    return int(status.rsplit(" ", 1)[-1])


class Outcome(msgspec.Struct, frozen=True):
    """One attempt's result to record, for the lease (`delivery_id`, `attempts`) it was made under.

    `status` is the delivery's new status: "succeeded", "failed", or "pending" with `retry_at`."""

    delivery_id: int
    attempts: int
    status: str
    retry_at: dt.datetime | None
    status_code: int | None
    latency_ms: float
    error: str | None  # the attempt's own error (no response), if any
    last_error: str | None  # what the delivery shows: the error, or why its status is a failure
    response_excerpt: str


_RECORD_ATTEMPTS = """
INSERT INTO webhook_attempts (delivery_id, status_code, latency_ms, error, response_excerpt)
SELECT * FROM unnest($1::bigint[], $2::int[], $3::real[], $4::text[], $5::text[])"""

# Fenced: a delivery whose lease was taken over by another worker (attempts moved on) is left to that worker.
_RECORD_DELIVERIES = """
UPDATE webhook_deliveries d
SET status = o.status, lease_until = NULL, last_status = o.status_code, last_error = o.last_error,
    next_attempt_at = coalesce(o.retry_at, d.next_attempt_at),
    completed_at = CASE WHEN o.status = 'pending' THEN NULL ELSE now() END
FROM unnest($1::bigint[], $2::int[], $3::text[], $4::timestamptz[], $5::int[], $6::text[])
     AS o(id, attempts, status, retry_at, status_code, last_error)
WHERE d.id = o.id AND d.attempts = o.attempts AND d.status = 'pending'"""


async def record_outcomes(conn: Connection, outcomes: list[Outcome]) -> None:
    """Record many attempts and their deliveries' new state in two statements (call inside a transaction)."""
    await conn.execute(
        _RECORD_ATTEMPTS,
        [o.delivery_id for o in outcomes],
        [o.status_code for o in outcomes],
        [o.latency_ms for o in outcomes],
        [o.error for o in outcomes],
        [o.response_excerpt for o in outcomes],
    )
    await conn.execute(
        _RECORD_DELIVERIES,
        [o.delivery_id for o in outcomes],
        [o.attempts for o in outcomes],
        [o.status for o in outcomes],
        [o.retry_at for o in outcomes],
        [o.status_code for o in outcomes],
        [o.last_error for o in outcomes],
    )


async def mark_health(conn: Connection, latest: dict[UUID, bool]) -> dict[UUID, dt.datetime]:
    """Record each endpoint's latest outcome (True: a success) in one statement, in id order (two workers lock the
    rows they share in the same order). Returns since when each failing one has been failing without a success."""
    ids = sorted(latest)
    rows = await conn.fetch(
        """UPDATE webhook_subscriptions s
           SET failing_since = CASE WHEN h.ok THEN NULL ELSE coalesce(s.failing_since, now()) END
           FROM unnest($1::uuid[], $2::bool[]) AS h(id, ok)
           WHERE s.id = h.id AND (NOT h.ok OR s.failing_since IS NOT NULL)
           RETURNING s.id, s.failing_since""",
        ids,
        [latest[i] for i in ids],
    )
    return {r["id"]: r["failing_since"] for r in rows if r["failing_since"] is not None}


async def finish(
    conn: Connection, delivery_id: int, *, status: str, last_status: int | None, last_error: str | None
) -> None:
    await conn.execute(
        """UPDATE webhook_deliveries SET status = $2, completed_at = now(), lease_until = NULL,
                  last_status = $3, last_error = $4
           WHERE id = $1""",
        delivery_id,
        status,
        last_status,
        last_error,
    )


async def mark_failing(conn: Connection, subscription_id: UUID) -> dt.datetime:
    """Record a failure; return since when the endpoint has been failing without a success."""
    since: dt.datetime = await conn.fetchval(
        """UPDATE webhook_subscriptions SET failing_since = coalesce(failing_since, now()) WHERE id = $1
           RETURNING failing_since""",
        subscription_id,
    )
    return since


class DeliveryRow(msgspec.Struct, frozen=True):
    id: int
    event_id: int | None
    event_type: str
    status: str
    attempts: int
    next_attempt_at: dt.datetime
    last_status: int | None
    last_error: str | None
    created_at: dt.datetime
    completed_at: dt.datetime | None


_DELIVERY_COLUMNS = (
    "id, event_id, event_type, status, attempts, next_attempt_at, last_status, last_error, created_at, completed_at"
)


async def deliveries(
    conn: Connection,
    subscription_id: UUID,
    *,
    status: str | None,
    event_type: str | None,
    before: int | None,
    limit: int,
) -> list[DeliveryRow]:
    rows = await conn.fetch(
        f"""SELECT {_DELIVERY_COLUMNS} FROM webhook_deliveries
            WHERE subscription_id = $1 AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR event_type = $3)
              AND ($4::bigint IS NULL OR id < $4)
            ORDER BY id DESC LIMIT $5""",
        subscription_id,
        status,
        event_type,
        before,
        limit,
    )
    return [DeliveryRow(**dict(r)) for r in rows]


async def delivery(conn: Connection, subscription_id: UUID, delivery_id: int) -> DeliveryRow:
    row = await conn.fetchrow(
        f"SELECT {_DELIVERY_COLUMNS} FROM webhook_deliveries WHERE id = $1 AND subscription_id = $2",
        delivery_id,
        subscription_id,
    )
    if row is None:
        raise NotFound(f"subscription {subscription_id} has no delivery {delivery_id}")
    return DeliveryRow(**dict(row))


class AttemptRow(msgspec.Struct, frozen=True):
    attempted_at: dt.datetime
    status_code: int | None
    latency_ms: float
    error: str | None
    response_excerpt: str


async def attempts(conn: Connection, delivery_id: int) -> list[AttemptRow]:
    rows = await conn.fetch(
        """SELECT attempted_at, status_code, latency_ms, error, response_excerpt FROM webhook_attempts
           WHERE delivery_id = $1 ORDER BY id""",
        delivery_id,
    )
    return [AttemptRow(**dict(r)) for r in rows]


async def requeue(conn: Connection, delivery_id: int) -> bool:
    """Send a delivery again now (manual retry), keeping its id: receivers see the same webhook-id.

    False while a worker is sending it (its lease is live): requeueing then could send it twice at once.
    """
    requeued = await conn.fetchval(
        """UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = now(), lease_until = NULL,
                  completed_at = NULL
           WHERE id = $1 AND (lease_until IS NULL OR lease_until < now())
           RETURNING true""",
        delivery_id,
    )
    if requeued:
        await conn.execute("SELECT pg_notify('canon_deliveries', '')")
    return bool(requeued)


async def pending_count(conn: Connection, subscription_id: UUID, *, cap: int) -> int:
    """Deliveries to this subscription not yet finished, counted up to `cap` (index
    webhook_deliveries_subscription_due)."""
    pending: int = await conn.fetchval(
        """SELECT count(*) FROM (SELECT 1 FROM webhook_deliveries WHERE subscription_id = $1 AND status = 'pending'
                                 LIMIT $2) AS p""",
        subscription_id,
        cap,
    )
    return pending


async def event_ids_since(
    conn: Connection, *, after_txid: int, after_id: int, since: dt.datetime | None, limit: int
) -> list[int]:
    """Committed events after a feed position (and at or after `since`), in feed order, for a replay."""
    rows = await conn.fetch(
        """SELECT id FROM events
           WHERE (txid, id) > ($1::text::xid8, $2::bigint) AND txid < pg_snapshot_xmin(pg_current_snapshot())
             AND ($3::timestamptz IS NULL OR occurred_at >= $3)
           ORDER BY txid, id LIMIT $4""",
        str(after_txid),
        after_id,
        since,
        limit,
    )
    return [r["id"] for r in rows]
