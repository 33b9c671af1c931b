"""`GET /metrics`: Prometheus text format. Open unless `CANON_METRICS_TOKEN` is set (then a bearer token)."""

from __future__ import annotations

import datetime as dt
import hmac

from litestar import Response, get
from litestar.exceptions import NotAuthorizedException

from service.api.deps import DbPool, HttpRequest
from service.config import Settings
from service.observability.collect import database_families, pool_families
from service.observability.metrics import MEDIA_TYPE, CanonMetrics
from service.store.database import Pool


def _authorized(request: HttpRequest, token: str) -> bool:
    scheme, _, given = (request.headers.get("authorization") or "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


@get("/metrics", operation_id="metrics", include_in_schema=False, exclude_from_auth=True, cache=False)
async def metrics(request: HttpRequest, pool: DbPool) -> Response[str]:
    settings: Settings = request.app.state.settings
    if settings.metrics_token and not _authorized(request, settings.metrics_token):
        raise NotAuthorizedException("send the metrics token as 'Authorization: Bearer <token>'")
    registry: CanonMetrics = request.app.state.metrics
    fresh = dt.timedelta(seconds=settings.worker_fresh_seconds)
    search_pool: Pool | None = request.app.state.search_pool
    searching = pool_families(search_pool, "search") if search_pool is not None else []
    families = [*pool_families(pool), *searching, *await database_families(pool, fresh)]
    return Response(registry.render(families), media_type=MEDIA_TYPE)  # Litestar adds the charset
