"""Blob store fixtures: a moto S3 server (a subprocess) for the session, a fresh bucket per test, a local store, and
a frozen server (it accepts connections and never answers) for tests of timeouts.

`moto_server` runs on 127.0.0.1 on a free port. The AWS environment (dummy credentials, us-east-1, no config files,
no instance metadata) is set for the session only and restored afterwards.
"""

from __future__ import annotations

import hashlib
import socket
import subprocess
import sys
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from service.blobs.base import is_blob_key
from service.blobs.local import LocalBlobStore
from service.blobs.s3 import MIN_PART_SIZE, S3BlobStore, make_client
from tests import processes
from tests.frozen_server import FrozenServer

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

MOTO_SERVER = Path(sys.executable).parent / "moto_server"
REGION = "us-east-1"


class MotoServer:
    """A moto S3 server in a subprocess; `stop()` kills it (tests of an outage call it early)."""

    def __init__(self) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(
            [str(MOTO_SERVER), "-H", "127.0.0.1", "-p", str(port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise

    def _wait_until_ready(self, timeout: float = 30.0) -> None:
        processes.wait_for_http(f"{self.url}/moto-api/", self.process, "moto_server", timeout)

    def stop(self) -> None:
        processes.stop(self.process)


@pytest.fixture(scope="session")
def aws_environment() -> Iterator[None]:
    """Dummy credentials for boto3's standard chain, for the session only."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AWS_ACCESS_KEY_ID", "testing")
        patch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        patch.setenv("AWS_DEFAULT_REGION", REGION)
        patch.setenv("AWS_CONFIG_FILE", "/nonexistent/aws-config")
        patch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent/aws-credentials")
        patch.setenv("AWS_EC2_METADATA_DISABLED", "true")
        for name in ("AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE"):
            patch.delenv(name, raising=False)
        yield


@pytest.fixture(scope="session")
def moto_url(aws_environment: None) -> Iterator[str]:
    """Base URL of the session's moto S3 server."""
    server = MotoServer()
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture
def moto_server(aws_environment: None) -> Iterator[MotoServer]:
    """A moto server of this test's own, for tests that stop it."""
    server = MotoServer()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def moto_client(moto_url: str) -> S3Client:
    """A plain boto3 client on the session's moto server, for setting up and inspecting buckets."""
    return make_client(endpoint_url=moto_url, region=REGION)


@pytest.fixture
def s3_store(moto_url: str, moto_client: S3Client) -> Iterator[S3BlobStore]:
    """An S3 store on a fresh bucket (5 MiB parts, the S3 minimum), emptied and removed after the test."""
    bucket = f"canon-test-{uuid.uuid4().hex[:16]}"
    moto_client.create_bucket(Bucket=bucket)
    yield S3BlobStore(bucket, endpoint_url=moto_url, region=REGION, part_size=MIN_PART_SIZE, client=moto_client)
    empty_bucket(moto_client, bucket)
    moto_client.delete_bucket(Bucket=bucket)


@pytest.fixture
def frozen_url() -> Iterator[str]:
    """Base URL of a frozen server of this test's own: it accepts connections and never answers (any protocol)."""
    server = FrozenServer()
    try:
        yield server.url
    finally:
        server.close()


@pytest.fixture
def local_store(tmp_path: Path) -> LocalBlobStore:
    return LocalBlobStore(tmp_path / "blob-root")


def s3_leftovers(client: S3Client, bucket: str) -> list[str]:
    """Every object key in the bucket, and `multipart:<key>` for every pending multipart upload."""
    found = []
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        found += [item["Key"] for item in page.get("Contents", [])]
    for listing in client.get_paginator("list_multipart_uploads").paginate(Bucket=bucket):
        found += [f"multipart:{upload['Key']}" for upload in listing.get("Uploads", [])]
    return sorted(found)


def s3_stored(client: S3Client, bucket: str) -> list[str]:
    """What the bucket holds, as the SHA-256 of every blob (under either key layout) and the key of anything else
    (staged uploads, `multipart:<key>`), sorted: identical bytes stored twice show twice."""
    found = []
    for key in s3_leftovers(client, bucket):
        if is_blob_key(key):
            found.append(hashlib.sha256(client.get_object(Bucket=bucket, Key=key)["Body"].read()).hexdigest())
        else:
            found.append(key)
    return sorted(found)


def local_leftovers(root: Path) -> list[str]:
    """Every file under the root, relative to it."""
    return sorted(path.relative_to(root).as_posix() for path in root.rglob("*") if path.is_file())


def empty_bucket(client: S3Client, bucket: str) -> None:
    for listing in client.get_paginator("list_multipart_uploads").paginate(Bucket=bucket):
        for upload in listing.get("Uploads", []):
            client.abort_multipart_upload(Bucket=bucket, Key=upload["Key"], UploadId=upload["UploadId"])
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            client.delete_object(Bucket=bucket, Key=item["Key"])
