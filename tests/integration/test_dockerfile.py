"""The Dockerfile, read as text (no container engine runs here; tests/e2e/test_packaging.py runs what it installs):
two stages, a base image pinned by digest, runtime dependencies from requirements.lock with their hashes, the wheel
without dev extras, a non-root user, `canon serve` by default, no secrets; and the lock agrees with pyproject.toml."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = (ROOT / "Dockerfile").read_text()
LOCK = ROOT / "requirements.lock"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())
REGENERATE = "run `make lock` and commit requirements.lock"


def _instructions() -> list[tuple[str, str]]:
    joined = re.sub(r"\s*\\\n\s*", " ", DOCKERFILE)
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
    assert installs == [
        "--mount=type=bind,source=requirements.lock,target=/tmp/requirements.lock "
        "pip install --require-hashes --only-binary=:all: -r /tmp/requirements.lock",
        "--mount=type=bind,from=build,source=/dist,target=/dist pip install --no-deps /dist/*.whl && pip check",
    ], "the lock's pins and hashes first, then the wheel with nothing resolved again"
    assert "[" not in installs[1], "no extras: the dev dependencies stay out"
    assert not [rest for keyword, rest in runtime if keyword == "COPY"], "no source tree in the runtime image"


def test_the_base_image_is_pinned_by_digest() -> None:
    pinned = re.search(r"^ARG PYTHON_IMAGE=(python:3\.\d+-slim)@sha256:([0-9a-f]{64})$", DOCKERFILE, re.MULTILINE)
    assert pinned, "ARG PYTHON_IMAGE must name python:3.x-slim@sha256:<digest of the image index>"
    froms = [rest for keyword, rest in _instructions() if keyword == "FROM"]
    assert froms == ["${PYTHON_IMAGE} AS build", "${PYTHON_IMAGE}"], "both stages start from the pinned image"


def test_the_build_copies_exactly_what_the_wheel_is_made_of() -> None:
    build, _ = _stages()
    copied = {rest.split()[0] for keyword, rest in build if keyword == "COPY"}
    assert copied == {"pyproject.toml", "service", "migrations"}
    assert "COPY pyproject.toml README.md ./" in DOCKERFILE, "hatchling needs the readme named in pyproject.toml"
    ignored = (ROOT / ".dockerignore").read_text().split()
    assert {"!pyproject.toml", "!README.md", "!requirements.lock", "!service/", "!migrations/"} <= set(ignored)


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


@dataclass
class Pin:
    requirement: Requirement
    hashes: list[str] = field(default_factory=list)
    via: list[str] = field(default_factory=list)

    @property
    def version(self) -> Version:
        [spec] = self.requirement.specifier
        return Version(spec.version)


def _lock() -> dict[str, Pin]:
    """requirements.lock as uv (or pip-compile) writes it: `name==version ; marker \\`, its `--hash=` lines, then
    `# via` lines naming what needs it (`canon (pyproject.toml)` for Canon's own dependencies)."""
    pins: dict[str, Pin] = {}
    current: Pin | None = None
    for line in re.sub(r"\\\n\s*", " ", LOCK.read_text()).splitlines():
        text = line.strip()
        if not text or (text.startswith("#") and current is None):
            continue
        if text.startswith("#"):
            current.via.extend(v.strip() for v in text.lstrip("#").strip().removeprefix("via").split(",") if v.strip())
            continue
        requirement, *hashes = text.split(" --hash=")
        current = Pin(Requirement(requirement), [h.strip() for h in hashes])
        pins[canonicalize_name(current.requirement.name)] = current
    return pins


def test_the_lock_pins_every_package_exactly_with_hashes() -> None:
    pins = _lock()
    assert len(pins) >= 20
    for name, pin in pins.items():
        [spec] = pin.requirement.specifier
        assert spec.operator == "==", f"{name} is not pinned: {pin.requirement}"
        assert pin.hashes, f"{name} has no hash"
        assert all(re.fullmatch(r"sha256:[0-9a-f]{64}", h) for h in pin.hashes), pin.hashes
        assert pin.via, f"{name}: nothing says why it is there"
    dev_only = {canonicalize_name(Requirement(r).name) for r in PYPROJECT["project"]["optional-dependencies"]["dev"]}
    needed = {canonicalize_name(Requirement(r).name) for r in PYPROJECT["project"]["dependencies"]}
    assert not (dev_only - needed) & {"pytest", "mypy", "ruff", "hypothesis", "moto", "uv"} & set(pins)


def test_the_lock_agrees_with_the_runtime_dependencies_in_pyproject() -> None:
    pins = _lock()
    declared = {canonicalize_name(r.name): r for r in map(Requirement, PYPROJECT["project"]["dependencies"])}
    missing = sorted(set(declared) - set(pins))
    assert not missing, f"pyproject.toml needs {missing} but requirements.lock lacks them: {REGENERATE}"
    for name, requirement in declared.items():
        pin = pins[name]
        assert requirement.specifier.contains(pin.version, prereleases=True), (
            f"{name}: pyproject.toml asks for {requirement.specifier}, the lock pins {pin.version}: {REGENERATE}"
        )
        assert str(pin.requirement.marker or "") == str(requirement.marker or ""), (
            f"{name}: pyproject.toml's marker {requirement.marker} differs from the lock's {pin.requirement.marker}"
        )
        assert not requirement.extras or pin.requirement.extras == requirement.extras, name
    direct = {name for name, pin in pins.items() if "canon (pyproject.toml)" in pin.via}
    only_locked, only_declared = sorted(direct - set(declared)), sorted(set(declared) - direct)
    assert not only_locked, f"the lock has {only_locked} as Canon's dependencies, pyproject.toml not: {REGENERATE}"
    assert not only_declared, f"the lock does not say Canon needs {only_declared}: {REGENERATE}"
