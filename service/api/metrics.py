"""`GET /metrics`: Prometheus text format. Open unless `CANON_METRICS_TOKEN` is set (then a bearer token)."""

from __future__ import annotations

import datetime as dt
import hmac

from litestar import Response, get
from litestar.exceptions import NotAuthorizedException

from service.api.deps import AppSettings, DbPool, HttpRequest, Metrics, SearchPool
from service.observability.collect import database_families, pool_families
from service.observability.metrics import MEDIA_TYPE


def _authorized(request: HttpRequest, token: str) -> bool:
    scheme, _, given = (request.headers.get("authorization") or "").partition(" ")
    return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode())


@get("/metrics", operation_id="metrics", include_in_schema=False, exclude_from_auth=True, cache=False)
async def metrics(
    request: HttpRequest,
    pool: DbPool,
    settings: AppSettings,
    metrics: Metrics,
    search_pool: SearchPool,
) -> Response[str]:
    if settings.metrics_token and not _authorized(request, settings.metrics_token):
        raise NotAuthorizedException("send the metrics token as 'Authorization: Bearer <token>'")
    fresh = dt.timedelta(seconds=settings.worker_fresh_seconds)
    searching = pool_families(search_pool, "search") if search_pool is not None else []
    families = [*pool_families(pool), *searching, *await database_families(pool, fresh)]
    return Response(metrics.render(families), media_type=MEDIA_TYPE)  # Litestar adds the charset
