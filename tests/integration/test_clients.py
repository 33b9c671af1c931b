"""The clients in clients/: generated from openapi/openapi.json (`make clients`), and usable against a live Canon.

- Drift: clients/generate.py regenerates the Python client and the TypeScript types into a temporary folder; the
  committed files must be the same bytes. The TypeScript usage example must typecheck against the types.
- End to end: `canon serve` as a real process on 127.0.0.1 over a test database; the generated Python client alone
  (no hand-written HTTP) adds people and keys, then takes a definition from draft to published through review by
  two approvers of the required teams, reads the version in effect and evaluates records against its criteria.
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from http import HTTPStatus
from pathlib import Path
from types import ModuleType
from typing import Any, TypeVar

import httpx
import pytest

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = ROOT / "clients"
# The generated package is imported from where it is committed, as a user who `pip install`s it would import it.
sys.path.insert(0, str(CLIENTS / "python"))

from canon_client import AuthenticatedClient, Client  # noqa: E402
from canon_client.api.definitions import (  # noqa: E402
    approve_definition,
    create_definition,
    evaluate_definition,
    get_definition,
    publish_definition,
    submit_definition,
)
from canon_client.api.health import healthz  # noqa: E402
from canon_client.api.keys import create_key  # noqa: E402
from canon_client.api.people import create_person, get_me  # noqa: E402
from canon_client.models import (  # noqa: E402
    Approve,
    CriteriaAll,
    Definition,
    DefinitionContent,
    DefinitionCreate,
    Evaluate,
    EvaluateRecord,
    EvaluationResult,
    IssuedKey,
    Me,
    PersonCreate,
    PersonOut,
    Problem,
    Role,
)
from canon_client.models import KeyCreate as KeyCreateBody  # noqa: E402

T = TypeVar("T")

CANON = Path(sys.executable).parent / "canon"
ADMIN_KEY = "clients-e2e-admin-key"
START_SECONDS = 30.0
STOP_SECONDS = 15.0
CRITERIA: dict[str, Any] = {
    "all": [
        {"field": "company.employees", "op": "gte", "value": 50, "label": "fit"},
        {"any": [{"field": "score", "op": "gte", "value": 60}, {"field": "requested_demo", "op": "eq", "value": True}]},
    ]
}
QUALIFYING = {"company": {"employees": 300, "country": "DE"}, "email": "vp@acme.de", "score": 72}
TOO_SMALL = {"company": {"employees": 12, "country": "DE"}, "email": "ceo@tiny.de", "score": 95}


def _load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("canon_clients_generate", CLIENTS / "generate.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


generate = _load_generator()


def _drift_message(drift: list[str]) -> str:
    return (
        f"{len(drift)} generated file(s) differ from what openapi/openapi.json generates:\n"
        + "\n".join(f"  {line}" for line in drift[:40])
        + f"\nRegenerate with `{generate.REGENERATE}` (python clients/generate.py) and commit clients/."
    )


# --- drift -------------------------------------------------------------------------------------------------------


def test_the_python_client_is_what_the_document_generates() -> None:
    drift = generate.python_drift()
    assert not drift, _drift_message(drift)


def test_the_typescript_types_are_what_the_document_generates_and_typecheck() -> None:
    if shutil.which("npm") is None:
        pytest.skip("npm is not installed: the TypeScript types need node 20+ and npm")
    drift = generate.typescript_drift()
    assert not drift, _drift_message(drift)
    tsc = generate.TYPESCRIPT / "node_modules" / ".bin" / "tsc"
    command = [str(tsc), "--noEmit", "-p", "."]
    done = subprocess.run(command, cwd=generate.TYPESCRIPT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, f"clients/typescript/example.ts does not typecheck:\n{done.stdout}{done.stderr}"


def test_regeneration_notices_a_changed_document(tmp_path: Path) -> None:
    """The drift check is not vacuous: one more operation in the document is one more module in the client."""
    document = json.loads(generate.DOCUMENT.read_text(encoding="utf-8"))
    document["paths"]["/v1/ping"] = {
        "get": {
            "operationId": "ping",
            "tags": ["health"],
            "responses": {"200": {"description": "pong", "content": {"application/json": {"schema": {}}}}},
        }
    }
    changed = tmp_path / "openapi.json"
    changed.write_text(json.dumps(document), encoding="utf-8")
    drift = generate.python_drift(changed)
    assert "clients/python: missing: canon_client/api/health/ping.py" in drift


# --- end to end against `canon serve` ----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@pytest.fixture
def canon_url(database_url: str, tmp_path: Path) -> Iterator[str]:
    """`canon serve` on 127.0.0.1 over this test's database; its base URL once the client sees it healthy."""
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CANON_")}
    env.update(
        PYTHONUNBUFFERED="1",
        CANON_DATA_DIR=str(tmp_path / "data"),
        CANON_DATABASE_URL=database_url,
        CANON_BOOTSTRAP_ADMIN_KEY=ADMIN_KEY,
        CANON_KEY_CACHE_SECONDS="0",
    )
    log = tmp_path / "serve.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [str(CANON), "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            cwd=tmp_path,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + START_SECONDS
        with Client(base_url=base_url, timeout=httpx.Timeout(2.0)) as anonymous:
            while True:
                assert proc.poll() is None, f"canon serve exited with {proc.returncode}:\n{log.read_text()}"
                with contextlib.suppress(httpx.TransportError):
                    if healthz.sync_detailed(client=anonymous).status_code == HTTPStatus.OK:
                        break
                if time.monotonic() > deadline:
                    pytest.fail(f"canon serve not healthy within {START_SECONDS} s:\n{log.read_text()}")
                time.sleep(0.05)
        yield base_url
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(STOP_SECONDS)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
            pytest.fail(f"canon serve still running {STOP_SECONDS} s after SIGTERM:\n{log.read_text()}")


def ok(answer: object, kind: type[T]) -> T:
    """The parsed answer as the model it must be (a Problem, or None for an undocumented status, fails)."""
    assert isinstance(answer, kind), f"expected {kind.__name__}, got {answer!r}"
    return answer


class People:
    """People and keys made through the client, as an admin would."""

    def __init__(self, base_url: str, admin: AuthenticatedClient) -> None:
        self.base_url = base_url
        self.admin = admin

    def client(self, key: IssuedKey) -> AuthenticatedClient:
        return AuthenticatedClient(base_url=self.base_url, token=key.key, raise_on_unexpected_status=True)

    def person(self, subject: str, role: Role, *teams: str) -> AuthenticatedClient:
        body = PersonCreate(subject=subject, name=subject.partition("@")[0].title(), role=role, teams=list(teams))
        created = create_person.sync_detailed(client=self.admin, body=body)
        assert created.status_code == HTTPStatus.CREATED, created.content
        person = ok(created.parsed, PersonOut)
        assert (person.subject, person.role, sorted(person.teams)) == (subject, role.value, sorted(teams))
        laptop = KeyCreateBody(name=f"{subject}-laptop", person=subject)
        key = ok(create_key.sync(client=self.admin, body=laptop), IssuedKey)
        assert key.principal.subject == subject
        assert key.key.startswith(key.prefix)
        return self.client(key)

    def service(self, name: str, role: Role) -> AuthenticatedClient:
        key = ok(create_key.sync(client=self.admin, body=KeyCreateBody(name=name, role=role)), IssuedKey)
        assert key.role == role.value
        return self.client(key)


def _draft(author: AuthenticatedClient) -> Definition:
    """The author drafts version 1 of `mql`."""
    body = DefinitionCreate(
        slug="mql",
        title="Marketing Qualified Lead",
        owners=["marketing", "sales"],
        tags=["funnel"],
        content=DefinitionContent(
            summary="A lead worth a sales conversation.",
            body="# MQL\n\nFit and engagement.\n",
            aliases=["MQL"],
            criteria=CriteriaAll.from_dict(CRITERIA),
        ),
    )
    created = create_definition.sync_detailed(client=author, body=body)
    assert created.status_code == HTTPStatus.CREATED
    assert created.headers.get("etag")
    draft = ok(created.parsed, Definition)
    assert (draft.slug, draft.title, draft.current_version, draft.latest_version) == ("mql", body.title, None, 1)
    assert (draft.version.number, draft.version.status, draft.version.author) == (1, "draft", "ada@acme.example")
    assert draft.version.required_teams == ["marketing", "sales"]
    return draft


def _review(author: AuthenticatedClient, marketing: AuthenticatedClient, sales: AuthenticatedClient) -> Definition:
    """Submitted by its author, signed off by one person of each required team (neither of them the author)."""
    in_review = ok(submit_definition.sync("mql", 1, client=author), Definition)
    assert in_review.version.status == "in_review"
    assert sorted(in_review.version.review_teams or []) == ["marketing", "sales"]
    assert sorted(in_review.version.pending_teams) == ["marketing", "sales"]

    # The author signs nothing off (an editor is no approver): a typed problem, not an exception.
    refused = approve_definition.sync("mql", 1, client=author, body=Approve(comment="mine"))
    assert isinstance(refused, Problem)
    assert refused.status == HTTPStatus.FORBIDDEN
    assert refused.type_.startswith("https://canon.dev/problems/")

    half = ok(approve_definition.sync("mql", 1, client=marketing, body=Approve(comment="fit is right")), Definition)
    assert (half.version.status, half.version.pending_teams) == ("in_review", ["sales"])
    approved = ok(approve_definition.sync("mql", 1, client=sales, body=Approve(comment="ok for sales")), Definition)
    assert (approved.version.status, approved.version.pending_teams) == ("approved", [])
    signed = {(approval.team, approval.approver, approval.comment) for approval in approved.version.approvals}
    assert signed == {
        ("marketing", "mia@acme.example", "fit is right"),
        ("sales", "sam@acme.example", "ok for sales"),
    }
    return approved


def _evaluate(reader: AuthenticatedClient, record: dict[str, Any]) -> EvaluationResult:
    body = Evaluate(record=EvaluateRecord.from_dict(record))
    return ok(evaluate_definition.sync("mql", client=reader, body=body), EvaluationResult)


@pytest.mark.e2e
def test_a_definition_is_published_through_review_and_evaluated_with_the_python_client(canon_url: str) -> None:
    with contextlib.ExitStack() as stack:
        admin = AuthenticatedClient(base_url=canon_url, token=ADMIN_KEY, raise_on_unexpected_status=True)
        people = People(canon_url, stack.enter_context(admin))
        author = stack.enter_context(people.person("ada@acme.example", Role.EDITOR, "revops"))
        marketing = stack.enter_context(people.person("mia@acme.example", Role.APPROVER, "marketing"))
        sales = stack.enter_context(people.person("sam@acme.example", Role.APPROVER, "sales"))
        publisher = stack.enter_context(people.person("pat@acme.example", Role.EDITOR, "marketing"))
        crm = stack.enter_context(people.service("crm-sync", Role.READER))

        me = ok(get_me.sync(client=author), Me)
        assert (me.subject, me.role, me.teams) == ("ada@acme.example", "editor", ["revops"])

        _draft(author)
        unreleased = get_definition.sync("mql", client=crm)  # a reader sees no draft
        assert isinstance(unreleased, Problem)
        assert unreleased.status == HTTPStatus.NOT_FOUND

        _review(author, marketing, sales)

        # An editor of an owning team publishes.
        published = ok(publish_definition.sync("mql", 1, client=publisher), Definition)
        assert (published.current_version, published.version.status) == (1, "published")
        assert published.version.published_at is not None

        # What a reader (the CRM sync) now reads: version 1, in effect.
        current = ok(get_definition.sync("mql", client=crm), Definition)
        assert (current.slug, current.current_version, current.latest_version, current.retired) == ("mql", 1, 1, False)
        assert (current.version.number, current.version.status, current.version.in_effect) == (1, "published", True)
        assert current.version.effective_from is not None
        assert current.version.content.aliases == ["MQL"]
        assert isinstance(current.version.content.criteria, CriteriaAll)
        assert current.version.content.criteria.to_dict() == CRITERIA
        assert {approval.team for approval in current.version.approvals} == {"marketing", "sales"}

        # Records against its criteria.
        lead = _evaluate(crm, QUALIFYING)
        assert (lead.slug, lead.version, lead.matched) == ("mql", 1, True)
        passed = {outcome.path: outcome.passed for outcome in lead.outcomes}
        assert passed == {"": True, "/all/0": True, "/all/1": True, "/all/1/any/0": True, "/all/1/any/1": False}
        fit = next(outcome for outcome in lead.outcomes if outcome.path == "/all/0")
        assert (fit.rule, fit.actual) == ("fit", 300)
        demo = next(outcome for outcome in lead.outcomes if outcome.path == "/all/1/any/1")
        assert demo.reason == "field missing"

        small = _evaluate(crm, TOO_SMALL)
        assert (small.version, small.matched) == (1, False)
        fit = next(outcome for outcome in small.outcomes if outcome.path == "/all/0")
        assert (fit.rule, fit.passed, fit.actual) == ("fit", False, 12)
