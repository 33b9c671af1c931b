# syntax=docker/dockerfile:1
# Canon's image. Stage 1 builds the wheel; stage 2 installs it with its runtime dependencies only (no dev extras,
# no build tools, no source tree) and runs as an unprivileged user. Nothing secret is baked in: every setting comes
# from the environment at run time (docs/operations.md). tests/e2e/test_packaging.py checks the same wheel installed
# into a clean virtual environment runs `canon migrate`, `canon serve` and `canon worker`.
ARG PYTHON_IMAGE=python:3.11-slim

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
# The wheel is bind-mounted from the build stage, so no copy of it stays in a layer.
RUN --mount=type=bind,from=build,source=/dist,target=/dist pip install /dist/*.whl
WORKDIR /app
USER 10001:10001
# 8000: the API (`canon serve`); 9090: `canon worker`'s /metrics and /healthz when CANON_WORKER_METRICS_PORT=9090.
EXPOSE 8000 9090
ENTRYPOINT ["canon"]
# `docker run IMAGE worker` and `docker run IMAGE migrate` run the other commands from the same image.
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
