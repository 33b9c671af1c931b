# syntax=docker/dockerfile:1
# Canon's image. Stage 1 builds the wheel; stage 2 installs the runtime dependencies exactly as requirements.lock pins
# them (hashes checked), then the wheel (no dev extras, no build tools, no source tree), and runs as an unprivileged
# user. Nothing secret is baked in: every setting comes from the environment at run time (docs/operations.md).
# tests/e2e/test_packaging.py installs the same lock file and wheel the same way into a clean virtual environment and
# runs `canon migrate`, `canon serve` and `canon worker` from it.
#
# The base image is pinned by digest (python:3.11-slim, Python 3.11.15 on Debian trixie, of 2026-08-05; the digest of
# the multi-platform index), so a rebuild gets the same bytes; move it on deliberately (docs/decisions.md, 38).
ARG PYTHON_IMAGE=python:3.11-slim@sha256:90744cff8f32887f075c47d747a173ff333e9e98801667af93c357fa9f5e28ff

FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY service ./service
COPY migrations ./migrations
RUN pip wheel . --no-deps --wheel-dir /dist

FROM ${PYTHON_IMAGE}
LABEL org.opencontainers.image.title="canon" \
      org.opencontainers.image.description="Canon: the single source of truth for definitions, messaging and collateral"
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HOME=/tmp \
    CANON_DATA_DIR=/tmp/canon
RUN groupadd --system --gid 10001 canon \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin canon
# Dependencies first (this layer is rebuilt only when the lock changes): pip refuses anything the lock does not pin
# with a matching hash, and takes wheels only, so nothing is compiled. Then the wheel, bind-mounted from the build
# stage so no copy of it stays in a layer, with nothing resolved again; `pip check` proves the lock satisfies it.
RUN --mount=type=bind,source=requirements.lock,target=/tmp/requirements.lock \
    pip install --require-hashes --only-binary=:all: -r /tmp/requirements.lock
RUN --mount=type=bind,from=build,source=/dist,target=/dist pip install --no-deps /dist/*.whl && pip check
WORKDIR /app
USER 10001:10001
# 8000: the API (`canon serve`); 9090: `canon worker`'s /metrics and /healthz when CANON_WORKER_METRICS_PORT=9090.
EXPOSE 8000 9090
ENTRYPOINT ["canon"]
# `docker run IMAGE worker` and `docker run IMAGE migrate` run the other commands from the same image.
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
