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

test: $(STAMP)
	$(BIN)/pytest

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
