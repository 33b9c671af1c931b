"""Through HTTP: an S3 server whose process is stopped (SIGSTOP: its port still accepts connections, nothing answers)
turns uploads and downloads into 503 problem+json within the configured S3 timeouts, not minutes later."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import msgspec

from service.blobs.s3 import make_client
from service.config import Settings
from tests.asset_fixtures import PDF, PDF_V2, asset_body, create_entry, published_asset, running_client, upload
from tests.blob_fixtures import REGION, MotoServer
from tests.support import Api, full_problem

READ_TIMEOUT = 0.5
MAX_ATTEMPTS = 2
# Per attempt the read timeout and botocore's 1 s wait for `100 Continue` (uploads); 1 s of back-off at most.
WORST_CASE = MAX_ATTEMPTS * (READ_TIMEOUT + 1.0) + 1.0


async def test_a_stopped_s3_process_answers_503_within_the_configured_bound(
    settings: Settings, tmp_path: Path, moto_server: MotoServer
) -> None:
    bucket = "canon-stopped"
    make_client(endpoint_url=moto_server.url, region=REGION).create_bucket(Bucket=bucket)
    s3 = msgspec.structs.replace(
        settings,
        data_dir=tmp_path / "data",
        s3_bucket=bucket,
        s3_endpoint_url=moto_server.url,
        s3_region=REGION,
        s3_connect_timeout=0.5,
        s3_read_timeout=READ_TIMEOUT,
        s3_max_attempts=MAX_ATTEMPTS,
    )
    async with running_client(s3) as client:
        api = Api(client)
        await published_asset(api)
        await create_entry(api, "assets", asset_body("second"))

        os.kill(moto_server.process.pid, signal.SIGSTOP)
        try:
            started = time.monotonic()
            down = full_problem(await upload(api, "second", 1, PDF_V2), 503)
            assert time.monotonic() - started < 3 * WORST_CASE
            assert "Object storage is unavailable: the connection was lost or timed out" in (down.detail or "")

            started = time.monotonic()
            full_problem(await client.get("/v1/assets/pricing-deck/content", follow_redirects=False), 503)
            assert time.monotonic() - started < 3 * WORST_CASE

            started = time.monotonic()
            full_problem(await upload(api, "second", 1, PDF), 503)  # bytes already stored: re-checked with a HEAD
            assert time.monotonic() - started < 3 * WORST_CASE
        finally:
            os.kill(moto_server.process.pid, signal.SIGCONT)
