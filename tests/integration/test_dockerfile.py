"""The Dockerfile, read as text (no container engine runs here; tests/e2e/test_packaging.py runs what it installs):
two stages, the wheel installed without dev extras, a non-root user, `canon serve` by default, no secrets."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = (ROOT / "Dockerfile").read_text()


def _instructions() -> list[tuple[str, str]]:
    joined = re.sub(r"\\\n\s*", " ", DOCKERFILE)
    lines = [line for line in joined.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return [(line.split(None, 1)[0], line.split(None, 1)[1] if " " in line else "") for line in lines]


def _stages() -> list[list[tuple[str, str]]]:
    stages: list[list[tuple[str, str]]] = []
    for keyword, rest in _instructions():
        if keyword == "FROM":
            stages.append([])
        if stages:
            stages[-1].append((keyword, rest))
    return stages


def test_a_build_stage_and_a_slim_runtime_stage() -> None:
    build, runtime = _stages()
    assert build[0][1].endswith(" AS build")
    assert re.search(r"ARG PYTHON_IMAGE=python:3\.\d+-slim", DOCKERFILE)
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    image_minor = int(re.search(r"python:3\.(\d+)-slim", DOCKERFILE).group(1))  # type: ignore[union-attr]
    assert image_minor >= int(requires.removeprefix(">=3.")), requires
    assert ("RUN", "pip wheel . --no-deps --wheel-dir /dist") in build
    installs = [rest for keyword, rest in runtime if keyword == "RUN" and "pip install" in rest]
    assert installs == ["--mount=type=bind,from=build,source=/dist,target=/dist pip install /dist/*.whl"]
    assert "[" not in installs[0], "no extras: the dev dependencies stay out"
    assert not [rest for keyword, rest in runtime if keyword == "COPY"], "no source tree in the runtime image"


def test_the_build_copies_exactly_what_the_wheel_is_made_of() -> None:
    build, _ = _stages()
    copied = {rest.split()[0] for keyword, rest in build if keyword == "COPY"}
    assert copied == {"pyproject.toml", "service", "migrations"}
    assert "COPY pyproject.toml README.md ./" in DOCKERFILE, "hatchling needs the readme named in pyproject.toml"
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {"!pyproject.toml", "!README.md", "!service/", "!migrations/"} <= set(ignored)


def test_runs_canon_serve_as_a_non_root_user() -> None:
    _, runtime = _stages()
    keywords = [keyword for keyword, _ in runtime]
    users = [rest for keyword, rest in runtime if keyword == "USER"]
    assert users == ["10001:10001"]
    assert keywords.index("USER") < keywords.index("ENTRYPOINT")
    assert ("ENTRYPOINT", '["canon"]') in runtime
    assert ("CMD", '["serve", "--host", "0.0.0.0", "--port", "8000"]') in runtime
    assert "EXPOSE" in keywords


def test_no_secret_is_baked_in() -> None:
    settings = " ".join(rest for keyword, rest in _instructions() if keyword in {"ENV", "ARG", "LABEL"})
    assert not re.search(r"(?i)(KEY|SECRET|PASSWORD|TOKEN|DATABASE_URL|AWS_)\w*\s*=", settings), settings
