# syntax=docker/dockerfile:1
# Build the wheel in one stage, install it without dev dependencies in a slim runtime stage.
FROM python:3.12-slim AS build
WORKDIR /src
RUN pip install --no-cache-dir build
COPY pyproject.toml README.md ./
COPY service ./service
COPY migrations ./migrations
RUN python -m build --wheel --outdir /dist

FROM python:3.12-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN useradd --system --uid 10001 --home /app canon
WORKDIR /app
COPY --from=build /dist/*.whl /tmp/
RUN pip install --no-cache-dir /tmp/*.whl && rm /tmp/*.whl
USER 10001
EXPOSE 8000
# CANON_DATABASE_URL must point at PostgreSQL 15+; `canon worker` and `canon migrate` run from the same image.
ENTRYPOINT ["canon"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
