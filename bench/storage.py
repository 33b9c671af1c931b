"""Storage benchmark: the bytes each retained record costs in PostgreSQL (table, TOAST and indexes), per million.

    .venv/bin/python bench/storage.py [--rows 200000]

One run:

1. starts an embedded PostgreSQL in a temporary folder (unless `CANON_DATABASE_URL` is set) and migrates it;
2. inserts `--rows` events shaped like Canon's (`definition.published`, the data of `EntryEventData`: id, kind, slug,
   version, title, url, actor, status, changes), one webhook delivery per event (its payload built from the event as
   fan-out builds it) finished with one attempt (status 200, a short response excerpt), and one audit record per
   event (a person with an API key, a request id);
3. runs VACUUM ANALYZE and reads `pg_total_relation_size` (heap, TOAST, every index) of each table, and writes the
   bytes per row and per million rows into `docs/benchmarks.md` between `<!-- storage:start -->` and
   `<!-- storage:end -->`.
"""

from __future__ import annotations

import argparse
import asyncio

import _harness as harness
import asyncpg

MARKS = harness.marks("storage")
TABLES = ("events", "webhook_deliveries", "webhook_attempts", "audit_log")

_SEED = """
INSERT INTO webhook_subscriptions (id, url, secret, created_by, enabled)
VALUES ('00000000-0000-4000-8000-000000000001', 'https://hooks.example.com/canon', 'whsec_bench', 'bench', false);

INSERT INTO events (type, kind, entry_id, slug, version, data, audience)
SELECT 'definition.published', 'definition', gen_random_uuid(), 'net-revenue-by-region-' || n, n % 9 + 1,
       jsonb_build_object(
           'id', gen_random_uuid(), 'kind', 'definition', 'slug', 'net-revenue-by-region-' || n,
           'version', n % 9 + 1, 'previous_version', n % 9, 'title', 'Net revenue by region ' || n,
           'url', 'https://canon.example.com/v1/definitions/net-revenue-by-region-' || n || '/versions/' || (n % 9 + 1),
           'actor', jsonb_build_object(
               'type', 'person', 'subject', 'alice.example@example.com', 'name', 'Alice Example'),
           'status', 'published', 'changes', '["description", "tags"]'::jsonb),
       'reader'
FROM generate_series(1, $1) AS n;

INSERT INTO webhook_deliveries (subscription_id, event_id, event_type, scope, payload, status, attempts, last_status,
                                completed_at)
SELECT '00000000-0000-4000-8000-000000000001', e.id, e.type, e.kind || ':' || e.slug,
       jsonb_build_object('type', e.type, 'timestamp', e.occurred_at, 'data', e.data), 'succeeded', 1, 200, now()
FROM events e;

INSERT INTO webhook_attempts (delivery_id, status_code, latency_ms, response_excerpt)
SELECT id, 200, 42.5, '{"ok":true}' FROM webhook_deliveries;

INSERT INTO audit_log (actor, actor_key, action, kind, slug, entry_id, from_version, to_version, detail, actor_id,
                       actor_type, actor_name, credential, request_id)
SELECT 'alice.example@example.com', gen_random_uuid(), 'definition.published', 'definition', e.slug, e.entry_id,
       e.version - 1, e.version, '{}', gen_random_uuid(), 'person', 'Alice Example', 'api_key',
       md5(e.id::text)
FROM events e;
"""


async def measure(url: str, rows: int) -> dict[str, tuple[int, int]]:
    conn = await asyncpg.connect(url)
    try:
        async with conn.transaction():
            for statement in _SEED.split(";\n"):
                if statement.strip():
                    await conn.execute(statement, rows) if "$1" in statement else await conn.execute(statement)
        await conn.execute("VACUUM ANALYZE")
        sizes = {}
        for table in TABLES:
            row = await conn.fetchrow(
                "SELECT pg_total_relation_size($1::regclass) AS total, pg_indexes_size($1::regclass) AS indexes", table
            )
            sizes[table] = (row["total"], row["indexes"])
        return sizes
    finally:
        await conn.close()


def section(rows: int, sizes: dict[str, tuple[int, int]], db: str) -> str:
    lines = [
        MARKS.start,
        "## Storage per million records",
        "",
        harness.written_by("storage.py"),
        "",
        f"{rows:,} rows in each table ({db}), after VACUUM ANALYZE; `pg_total_relation_size` (heap, TOAST, indexes).",
        "",
        "| table | bytes per row | MiB per million rows | of which indexes |",
        "|---|---:|---:|---:|",
    ]
    for table, (total, indexes) in sizes.items():
        mib = 1e6 / rows / 2**20
        lines.append(f"| `{table}` | {total / rows:,.0f} | {total * mib:,.0f} | {indexes * mib:,.0f} |")
    lines.append(MARKS.end)
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=200_000, help="rows inserted in each table")
    harness.add_output_options(parser)
    args = parser.parse_args()
    with harness.database() as (url, postmaster):
        harness.migrate(harness.canon_env(url, harness.admin_key()))
        sizes = asyncio.run(measure(url, args.rows))
        harness.write_or_print(section(args.rows, sizes, harness.database_kind(postmaster)), MARKS, args)


if __name__ == "__main__":
    main()
