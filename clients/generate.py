"""Canon's clients, generated from the committed HTTP contract `openapi/openapi.json`: `make clients`.

- `clients/python/`: a typed Python package, `canon_client`, by openapi-python-client (the exact version pinned in
  pyproject.toml's dev extras), configured by `clients/openapi-python-client.yaml`, with this folder's README
  template. Its output is tidied here (trailing blanks, runs of blank lines) instead of by ruff, whose output would
  depend on the installed ruff's version.
- `clients/typescript/canon.d.ts`: the API's TypeScript types, by openapi-typescript (pinned in
  `clients/typescript/package.json` and its `package-lock.json`, installed with `npm ci` when missing).

Both are deterministic: the same document and generator versions give the same bytes, so the drift tests
(tests/integration/test_clients.py) regenerate into a temporary folder and compare. When the document changes
(`canon openapi`), rerun `make clients` and commit what changed.

    python clients/generate.py            write both clients
    python clients/generate.py --check    regenerate into a temporary folder; exit 1 listing what differs
"""

from __future__ import annotations

import argparse
import importlib.metadata
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCUMENT = ROOT / "openapi" / "openapi.json"
CLIENTS = ROOT / "clients"
PYTHON_CLIENT = CLIENTS / "python"
PYTHON_CONFIG = CLIENTS / "openapi-python-client.yaml"
PYTHON_TEMPLATES = CLIENTS / "python-templates"
TYPESCRIPT = CLIENTS / "typescript"
TYPESCRIPT_TYPES = TYPESCRIPT / "canon.d.ts"
GENERATOR = "openapi-python-client"
REGENERATE = "make clients"
# Not part of a client: what Python writes when the package is imported.
IGNORED_PARTS = frozenset({"__pycache__"})


class GenerationError(RuntimeError):
    """A generator is missing, is not the pinned version, or failed."""


def pinned_generator_version() -> str:
    """The exact openapi-python-client version pyproject.toml's dev extras pin."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    for requirement in project["project"]["optional-dependencies"]["dev"]:
        found = re.fullmatch(rf"{GENERATOR}\s*==\s*(\S+)", requirement.strip())
        if found:
            return found.group(1)
    raise GenerationError(f"pyproject.toml's dev extras pin no {GENERATOR}==<version>")


def _check_generator() -> None:
    wanted = pinned_generator_version()
    try:
        installed = importlib.metadata.version(GENERATOR)
    except importlib.metadata.PackageNotFoundError:
        installed = None
    if installed != wanted:
        raise GenerationError(
            f"{GENERATOR} {wanted} is pinned but {installed or 'none'} is installed: pip install -e '.[dev]'"
        )


def tidy(text: str) -> str:
    """The generator's Python without trailing blanks and with at most two blank lines in a row."""
    lines = [line.rstrip() for line in text.splitlines()]
    kept: list[str] = []
    blanks = 0
    for line in lines:
        blanks = blanks + 1 if not line else 0
        if blanks <= 2:
            kept.append(line)
    while kept and not kept[-1]:
        kept.pop()
    return "\n".join(kept) + "\n"


def render_python(document: Path, out: Path) -> None:
    """Generate the Python client project from `document` into `out` (which must not exist yet)."""
    _check_generator()
    command = [
        sys.executable,
        "-m",
        "openapi_python_client",
        "generate",
        "--path",
        str(document),
        "--config",
        str(PYTHON_CONFIG),
        "--custom-template-path",
        str(PYTHON_TEMPLATES),
        "--meta",
        "uv",
        "--fail-on-warning",
        "--output-path",
        str(out),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        raise GenerationError(f"{GENERATOR} failed ({done.returncode}):\n{done.stdout}{done.stderr}")
    for path in sorted(out.rglob("*.py")):
        path.write_text(tidy(path.read_text(encoding="utf-8")), encoding="utf-8")


def _npm() -> str:
    npm = shutil.which("npm")
    if npm is None:
        raise GenerationError("npm is not installed: the TypeScript types need node 20+ and npm")
    return npm


def _typescript_generator() -> Path:
    """openapi-typescript as the lock file pins it, installed into clients/typescript/node_modules if missing."""
    generator = TYPESCRIPT / "node_modules" / ".bin" / "openapi-typescript"
    if not generator.exists():
        done = subprocess.run(  # noqa: S603
            [_npm(), "ci", "--no-audit", "--no-fund"], cwd=TYPESCRIPT, capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            raise GenerationError(f"npm ci failed in {TYPESCRIPT}:\n{done.stdout}{done.stderr}")
    return generator


def render_typescript(document: Path, out: Path) -> None:
    """Generate the TypeScript types of `document` into the file `out`."""
    # Fields with a default are optional to send (as in the Python client), not "always present".
    command = [str(_typescript_generator()), str(document), "--default-non-nullable", "false", "--output", str(out)]
    done = subprocess.run(command, cwd=TYPESCRIPT, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0 or not out.exists():
        raise GenerationError(f"openapi-typescript failed ({done.returncode}):\n{done.stdout}{done.stderr}")


def tree(root: Path) -> dict[str, bytes]:
    """Every file under `root` by its relative path (POSIX), with its bytes; Python's caches left out."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and not IGNORED_PARTS.intersection(path.relative_to(root).parts)
    }


def differences(committed: dict[str, bytes], fresh: dict[str, bytes]) -> list[str]:
    """What differs between two trees, one line per file."""
    found = [f"missing: {name}" for name in sorted(fresh.keys() - committed.keys())]
    found += [f"not generated: {name}" for name in sorted(committed.keys() - fresh.keys())]
    found += [f"differs: {name}" for name in sorted(committed.keys() & fresh.keys()) if committed[name] != fresh[name]]
    return found


def python_drift(document: Path = DOCUMENT) -> list[str]:
    """How the committed clients/python differs from a fresh generation (empty: not at all)."""
    with tempfile.TemporaryDirectory(prefix="canon-client-") as folder:
        fresh = Path(folder) / "python"
        render_python(document, fresh)
        committed = tree(PYTHON_CLIENT) if PYTHON_CLIENT.is_dir() else {}
        return [f"clients/python: {line}" for line in differences(committed, tree(fresh))]


def typescript_drift(document: Path = DOCUMENT) -> list[str]:
    """How the committed clients/typescript/canon.d.ts differs from a fresh generation (empty: not at all)."""
    with tempfile.TemporaryDirectory(prefix="canon-types-") as folder:
        fresh = Path(folder) / TYPESCRIPT_TYPES.name
        render_typescript(document, fresh)
        committed = TYPESCRIPT_TYPES.read_bytes() if TYPESCRIPT_TYPES.exists() else None
        if committed is None:
            return ["clients/typescript: missing: canon.d.ts"]
        return [] if committed == fresh.read_bytes() else ["clients/typescript: differs: canon.d.ts"]


def write_python(document: Path = DOCUMENT) -> None:
    """Replace clients/python with a fresh generation (files the document no longer yields go too)."""
    with tempfile.TemporaryDirectory(prefix="canon-client-", dir=CLIENTS) as folder:
        fresh = Path(folder) / "python"
        render_python(document, fresh)
        if PYTHON_CLIENT.exists():
            shutil.rmtree(PYTHON_CLIENT)
        fresh.rename(PYTHON_CLIENT)


def write_typescript(document: Path = DOCUMENT) -> None:
    with tempfile.TemporaryDirectory(prefix="canon-types-") as folder:
        fresh = Path(folder) / TYPESCRIPT_TYPES.name
        render_typescript(document, fresh)
        shutil.copyfile(fresh, TYPESCRIPT_TYPES)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="compare with a fresh generation; write nothing")
    args = parser.parse_args(argv)
    try:
        if args.check:
            drift = python_drift() + typescript_drift()
            for line in drift:
                print(line)
            if drift:
                print(f"The clients are not what {DOCUMENT.relative_to(ROOT)} generates: run `{REGENERATE}`.")
            return 1 if drift else 0
        write_python()
        write_typescript()
    except GenerationError as exc:
        print(exc, file=sys.stderr)
        return 2
    print(f"{PYTHON_CLIENT.relative_to(ROOT)}/ and {TYPESCRIPT_TYPES.relative_to(ROOT)} generated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
