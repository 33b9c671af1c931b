# `make run` and `make test` are the two commands a new machine needs: both build the environment first.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test lint typecheck check contracts bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/canon dev --host $(HOST) --port $(PORT)

test: $(STAMP) chromium
	$(BIN)/pytest

# The console's browser tests (tests/e2e/test_console_browser.py) drive Debian's chromium package, installed here when
# it is missing: as root, or with sudo if it asks no password. Where neither works, those tests fail and say why.
CHROMIUM ?= /usr/bin/chromium
.PHONY: chromium
chromium:
	@test -x $(CHROMIUM) || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; elif sudo -n true 2>/dev/null; then SUDO="sudo -n"; \
	  else echo "make: chromium is missing and cannot be installed here (not root, no sudo)" >&2; exit 0; fi; \
	  $$SUDO apt-get update -qq && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null || \
	  echo "make: installing chromium failed: the browser tests will say so" >&2; }

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(STAMP)
	$(BIN)/mypy

check: lint typecheck test

contracts: $(STAMP)
	$(BIN)/canon openapi

bench: $(STAMP)
	$(BIN)/python bench/read_path.py

clean:
	rm -rf $(VENV) .canon-data .mypy_cache .ruff_cache .pytest_cache

# clients/python and clients/typescript, generated from openapi/openapi.json: rerun whenever `make contracts` changed it.
.PHONY: clients
clients: $(STAMP)
	$(BIN)/python clients/generate.py

# requirements.lock: every runtime dependency the image installs, pinned with its hashes (the Dockerfile installs it
# with --require-hashes). Run after changing [project] dependencies in pyproject.toml (tests/integration/
# test_dockerfile.py fails until then); existing pins are kept where they still fit. `make lock LOCK_ARGS=--upgrade`
# takes the newest releases instead. For the image's Python (3.11), on every platform (markers kept).
.PHONY: lock
LOCK_ARGS ?=
lock: $(STAMP)
	$(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes --quiet \
		--custom-compile-command "make lock" --output-file requirements.lock $(LOCK_ARGS)
