"""Batch evaluation benchmark: a 10-rule MQL over 100,000 records, through HTTP and in-process beside JSON Logic.

    .venv/bin/python bench/evaluate.py [--records 100000] [--rounds 3]

One run:

1. starts an embedded PostgreSQL in a temporary folder (unless `CANON_DATABASE_URL` is set), migrates, and starts
   `canon serve` (1 worker) with a random bootstrap admin key;
2. publishes the MQL below through the whole review (people's keys: an editor, a marketing and a sales approver);
3. generates `--records` leads (a fixed seed: about one in six qualifies) and, for `--rounds` rounds, measures
   - `POST /v1/evaluate/stream` with every record as NDJSON in one request (end to end: upload, evaluation,
     download of one result line per record),
   - `POST /v1/evaluate` in batches of 1,000 records, one request after the other,
   - in-process: Canon's compiled matcher, Canon's full evaluation (every rule's outcome), and the same rules
     written in JSON Logic evaluated by `json-logic-modernized`, on the same records;
4. checks that every path gives every record the same verdict, and writes the medians into `docs/benchmarks.md`
   between `<!-- evaluate:start -->` and `<!-- evaluate:end -->`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import secrets
import statistics
import time
from collections.abc import Callable
from typing import Any

import _harness as harness

MARKS = harness.marks("evaluate")
COUNTRIES = ["US", "CA", "GB", "DE", "FR", "NL"]
INDUSTRIES = ["saas", "fintech", "healthtech"]

MQL = {
    "all": [
        {"field": "company.employees", "op": "gte", "value": 50},
        {"field": "company.country", "op": "in", "value": COUNTRIES},
        {"not": {"field": "email", "op": "contains", "value": "@gmail.com"}},
        {
            "any": [
                {"field": "score", "op": "gte", "value": 60},
                {"field": "requested_demo", "op": "eq", "value": True},
            ]
        },
        {"field": "stage", "op": "ne", "value": "customer"},
        {"field": "opted_out", "op": "ne", "value": True},
        {"field": "title", "op": "exists"},
        {"field": "industry", "op": "in", "value": INDUSTRIES},
        {"field": "company.revenue", "op": "gte", "value": 1_000_000},
        {"field": "region", "op": "ne", "value": "embargoed"},
    ]
}
MQL_JSON_LOGIC = {
    "and": [
        {">=": [{"var": "company.employees"}, 50]},
        {"in": [{"var": "company.country"}, COUNTRIES]},
        {"!": {"in": ["@gmail.com", {"var": "email"}]}},
        {"or": [{">=": [{"var": "score"}, 60]}, {"===": [{"var": "requested_demo"}, True]}]},
        {"!==": [{"var": "stage"}, "customer"]},
        {"!==": [{"var": "opted_out"}, True]},
        {"!!": [{"var": "title"}]},
        {"in": [{"var": "industry"}, INDUSTRIES]},
        {">=": [{"var": "company.revenue"}, 1_000_000]},
        {"!==": [{"var": "region"}, "embargoed"]},
    ]
}


def leads(count: int) -> list[dict[str, Any]]:
    rng = random.Random(20261203)
    return [
        {
            "email": f"lead{i}@{rng.choice(['acme.de', 'gmail.com', 'corp.com', 'example.org'])}",
            "company": {
                "employees": rng.randint(1, 5000),
                "country": rng.choice([*COUNTRIES, "BR", "IN"]),
                "revenue": rng.randint(10_000, 50_000_000),
            },
            "score": rng.randint(0, 100),
            "requested_demo": rng.random() < 0.2,
            "stage": rng.choice(["lead", "lead", "lead", "customer"]),
            "opted_out": rng.random() < 0.05,
            "title": "VP Marketing",
            "industry": rng.choice([*INDUSTRIES, "retail"]),
            "region": "emea",
        }
        for i in range(count)
    ]


def post(port: int, path: str, key: str, body: bytes, content_type: str) -> bytes:
    headers = {"Content-Type": content_type}
    return harness.expect(port, "POST", path, 200, key=key, body=body, headers=headers, timeout=600)[1]


def timed(action: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def seed(port: int, admin: str) -> tuple[str, str]:
    """Publish the MQL; return its slug and a reader's key."""
    keys = harness.seed_keys(port, admin)
    slug = f"bench-mql-{secrets.token_hex(3)}"
    body = {"slug": slug, "title": "MQL (bench)", "owners": ["marketing", "sales"], "content": {"criteria": MQL}}
    harness.publish_definition(port, keys, body)
    return slug, keys.reader


def run(procs: harness.Processes, records: list[dict[str, Any]], rounds: int) -> dict[str, Any]:
    from json_logic import jsonLogic  # noqa: PLC0415  # a dev dependency, for the comparison only

    from service.domain import criteria  # noqa: PLC0415

    admin = harness.admin_key()
    results: dict[str, list[float]] = {"stream": [], "json": [], "compiled": [], "full": [], "json_logic": []}
    with harness.database() as (url, _postmaster):
        env = harness.canon_env(url, admin)
        harness.migrate(env)
        _, port = harness.start_canon(procs, env)
        slug, reader = seed(port, admin)
        ndjson = b"\n".join(json.dumps(r).encode() for r in records)
        batches = [
            json.dumps({"definitions": [slug], "records": records[i : i + 1000]}).encode()
            for i in range(0, len(records), 1000)
        ]
        now = dt.datetime.now(dt.UTC)
        matcher = criteria.compile_matcher(MQL)
        verdicts: dict[str, list[bool]] = {}
        for _ in range(rounds):
            elapsed, body = timed(
                lambda: post(port, f"/v1/evaluate/stream?definitions={slug}", reader, ndjson, "application/x-ndjson")
            )
            results["stream"].append(len(records) / elapsed)
            verdicts["stream"] = [bool(json.loads(line)["matches"]) for line in bytes(body).splitlines()]  # type: ignore[arg-type]
            elapsed, answers = timed(
                lambda: [post(port, "/v1/evaluate", reader, b, "application/json") for b in batches]
            )
            results["json"].append(len(records) / elapsed)
            verdicts["json"] = [bool(r["matches"]) for a in answers for r in json.loads(a)["results"]]  # type: ignore[union-attr]
            elapsed, found = timed(lambda: [matcher(r, now) for r in records])
            results["compiled"].append(len(records) / elapsed)
            verdicts["compiled"] = found  # type: ignore[assignment]
            elapsed, found = timed(lambda: [criteria.evaluate_valid(MQL, r, now).matched for r in records])
            results["full"].append(len(records) / elapsed)
            verdicts["full"] = found  # type: ignore[assignment]
            elapsed, found = timed(lambda: [bool(jsonLogic(MQL_JSON_LOGIC, r)) for r in records])
            results["json_logic"].append(len(records) / elapsed)
            verdicts["json_logic"] = found  # type: ignore[assignment]
        reference = verdicts["compiled"]
        for name, found_verdicts in verdicts.items():
            if found_verdicts != reference:
                raise RuntimeError(f"{name} disagrees with the compiled matcher on some records")
    return {
        "medians": {k: statistics.median(v) for k, v in results.items()},
        "rounds": results,
        "matched": sum(reference),
        "records": len(records),
    }


def section(outcome: dict[str, Any], command: str) -> str:
    medians = outcome["medians"]
    facts = harness.machine()
    rows = [
        ("`POST /v1/evaluate/stream`, all records as NDJSON in one request (HTTP, end to end)", medians["stream"]),
        ("`POST /v1/evaluate`, batches of 1,000 records one after the other (HTTP, end to end)", medians["json"]),
        ("in-process: Canon's compiled matcher (verdict only)", medians["compiled"]),
        ("in-process: Canon's full evaluation (every rule's outcome)", medians["full"]),
        ("in-process: the same rules in JSON Logic, `json-logic-modernized`", medians["json_logic"]),
    ]
    table = "\n".join(f"| {name} | {value:,.0f} |" for name, value in rows)
    return f"""{MARKS.start}
## Batch evaluation (issue 13)

`{command}` on {facts["nproc"]} cores ({facts["cpu"]}), Python {facts["python"]}, load average {harness.load_average()}.
A 10-rule MQL (11 comparisons), {outcome["records"]:,} generated leads, {outcome["matched"]:,} of which qualify; every
path below gave every record the same verdict. Medians of the rounds, records per second:

| path | records/s |
|---|---:|
{table}

Canon against JSON Logic per record, in-process: {medians["compiled"] / medians["json_logic"]:.1f}x (compiled matcher),
{medians["full"] / medians["json_logic"]:.1f}x (with every rule's outcome). The issue's target: 20,000 records/s end to
end.
{MARKS.end}
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    harness.add_output_options(parser)
    args = parser.parse_args()
    records = leads(args.records)
    with harness.run_folder("canon-bench-") as (procs, _folder):
        outcome = run(procs, records, args.rounds)
    text = section(outcome, f"python bench/evaluate.py --records {args.records} --rounds {args.rounds}")
    harness.write_or_print(text, MARKS, args)


if __name__ == "__main__":
    main()
