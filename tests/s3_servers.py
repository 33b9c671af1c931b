"""The S3 servers the blob store's behaviour suite runs against: moto (Python, `tests/blob_fixtures.py`) and s3rver
(Node, an independent implementation), each a real process on 127.0.0.1 for the session.

s3rver is installed from tests/s3rver/package-lock.json with `npm ci` (no network when node_modules already holds
the locked version) and started by tests/s3rver/server.js on a free port with a temporary data directory. Node and
npm must be on PATH: the fixture fails, rather than skips, without them.

What s3rver 3.7.1 does not implement or gets wrong, so that the tests needing it are strict xfails there
(`S3RVER_LACKS`, or skipped where it would never answer: `S3RVER_HANGS`): ListMultipartUploads, AbortMultipartUpload,
UploadPartCopy, checksums (it neither checks nor keeps `x-amz-checksum-*`), `Range: bytes=0-0` and ranged reads of an
empty object. Its pending multipart uploads are read from its data directory instead of the API.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from service.blobs.s3 import MIN_PART_SIZE, S3BlobStore, make_client
from tests import processes
from tests.blob_fixtures import REGION, empty_bucket, s3_leftovers

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

S3RVER_DIR = Path(__file__).resolve().parent / "s3rver"
START_SECONDS = 30.0

# Features s3rver 3.7.1 lacks, by what a test needs: the reason an xfail on s3rver gives.
S3RVER_LACKS = {
    "abort": "s3rver 3.7.1 does not implement AbortMultipartUpload (405), so an aborted upload's parts stay",
    "list-uploads": "s3rver 3.7.1 does not implement ListMultipartUploads (NotImplemented)",
    "part-copy": "s3rver 3.7.1 does not implement UploadPartCopy (NotImplemented)",
    "first-byte-range": "s3rver 3.7.1 answers `Range: bytes=0-0` with the whole object (it takes an end of 0 for none)",
    "checksums": "s3rver 3.7.1 neither checks nor keeps x-amz-checksum-* (no ChecksumCRC32, no BadDigest)",
}
# ...and what it gets so wrong that it never answers: those tests are skipped there, not left to time out.
S3RVER_HANGS = {
    "empty-object-range": "s3rver 3.7.1 never answers a ranged GET of an empty object (Range: bytes=0-9)",
}


def expect_lacking(request: pytest.FixtureRequest, server: str, feature: str) -> None:
    """On a server that lacks `feature` (s3rver: `S3RVER_LACKS`), the running test is a strict xfail: it must fail
    there, so the mark goes once s3rver gains the feature. Where s3rver would never answer (`S3RVER_HANGS`) the test
    is skipped there. On other servers nothing changes."""
    if server != "s3rver":
        return
    if feature in S3RVER_HANGS:
        pytest.skip(S3RVER_HANGS[feature])
    request.applymarker(pytest.mark.xfail(reason=S3RVER_LACKS[feature], strict=True))


@dataclass(frozen=True)
class S3Server:
    """One running S3 server as the tests see it."""

    name: str  # "moto" or "s3rver": the test parameter
    url: str
    client: S3Client  # a plain boto3 client, for setting up and inspecting buckets
    leftovers: Callable[[str], list[str]]  # every key in a bucket, and `multipart:<key>` for each pending upload
    remove_bucket: Callable[[str], None]  # empty a bucket (pending uploads too) and remove it


# ---- s3rver --------------------------------------------------------------------------------------------------------


def install_s3rver() -> str:
    """The node binary, with s3rver installed from the lock file (nothing to do when already there)."""
    return processes.node_with(S3RVER_DIR, "s3rver", "run the s3rver tests")


class S3rverProcess:
    """s3rver (tests/s3rver/server.js) in a subprocess on 127.0.0.1, storing into `directory`."""

    def __init__(self, node: str, workspace: Path) -> None:
        self.directory = workspace / "data"
        self.log = workspace / "s3rver.log"
        with self.log.open("w") as log:
            self.process = subprocess.Popen(
                [node, "server.js", str(self.directory)], cwd=S3RVER_DIR, stdout=subprocess.PIPE, stderr=log, text=True
            )
        try:
            self.url = f"http://127.0.0.1:{self._read_port()}"
            self._wait_until_ready()
        except BaseException:
            self.stop()
            raise

    def _read_port(self) -> int:
        """The port server.js prints once it listens (read in a thread: a hung start must not hang the session)."""
        stdout = self.process.stdout
        assert stdout is not None
        lines: list[str] = []
        reader = threading.Thread(target=lambda: lines.append(stdout.readline()), daemon=True)
        reader.start()
        reader.join(START_SECONDS)
        if not lines or not lines[0]:
            self.stop()
            raise RuntimeError(f"s3rver did not start (status {self.process.returncode}):\n{self.log.read_text()}")
        return int(json.loads(lines[0])["port"])

    def _wait_until_ready(self) -> None:
        processes.wait_for_http(f"{self.url}/", self.process, "s3rver", START_SECONDS)  # 403 without credentials

    def stop(self) -> None:
        processes.stop(self.process)
        if self.process.stdout is not None:
            self.process.stdout.close()

    def pending_uploads(self, bucket: str) -> list[str]:
        """`multipart:<key>` for each multipart upload begun and neither completed nor aborted, from the data
        directory (s3rver keeps each in `<bucket>/._S3rver_uploads/<upload id>/`, its key in a file `key`)."""
        uploads = self.directory / bucket / "._S3rver_uploads"
        return [
            f"multipart:{(upload / 'key').read_text()}" for upload in uploads.glob("*") if (upload / "key").exists()
        ]


def s3rver_leftovers(server: S3rverProcess, client: S3Client, bucket: str) -> list[str]:
    found = []
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        found += [item["Key"] for item in page.get("Contents", [])]
    return sorted(found + server.pending_uploads(bucket))


def remove_s3rver_bucket(server: S3rverProcess, client: S3Client, bucket: str) -> None:
    # Pending uploads cannot be aborted through s3rver's API: their directory is removed; the rest goes through it.
    shutil.rmtree(server.directory / bucket / "._S3rver_uploads", ignore_errors=True)
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket):
        for item in page.get("Contents", []):
            client.delete_object(Bucket=bucket, Key=item["Key"])
    client.delete_bucket(Bucket=bucket)


@pytest.fixture(scope="session")
def s3rver_s3_server(aws_environment: None, tmp_path_factory: pytest.TempPathFactory) -> Iterator[S3Server]:
    """The session's s3rver, on a data directory of its own."""
    process = S3rverProcess(install_s3rver(), tmp_path_factory.mktemp("s3rver"))
    client = make_client(endpoint_url=process.url, region=REGION)
    try:
        yield S3Server(
            name="s3rver",
            url=process.url,
            client=client,
            leftovers=lambda bucket: s3rver_leftovers(process, client, bucket),
            remove_bucket=lambda bucket: remove_s3rver_bucket(process, client, bucket),
        )
    finally:
        process.stop()


# ---- moto ----------------------------------------------------------------------------------------------------------


def remove_moto_bucket(client: S3Client, bucket: str) -> None:
    empty_bucket(client, bucket)
    client.delete_bucket(Bucket=bucket)


@pytest.fixture(scope="session")
def moto_s3_server(moto_url: str, moto_client: S3Client) -> S3Server:
    """The session's moto server (`moto_url`)."""
    return S3Server(
        name="moto",
        url=moto_url,
        client=moto_client,
        leftovers=lambda bucket: s3_leftovers(moto_client, bucket),
        remove_bucket=lambda bucket: remove_moto_bucket(moto_client, bucket),
    )


# ---- either --------------------------------------------------------------------------------------------------------

S3_SERVERS = ["moto", "s3rver"]


@pytest.fixture(params=S3_SERVERS)
def s3_server(request: pytest.FixtureRequest) -> S3Server:
    """Each S3 server in turn."""
    server: S3Server = request.getfixturevalue(f"{request.param}_s3_server")
    return server


@pytest.fixture
def lacking(request: pytest.FixtureRequest, s3_server: S3Server) -> Callable[[str], None]:
    """`lacking(feature)` in a test: a strict xfail on the server if it lacks `feature` (see `expect_lacking`)."""
    return lambda feature: expect_lacking(request, s3_server.name, feature)


@pytest.fixture
def server_bucket(s3_server: S3Server) -> Iterator[str]:
    """A fresh bucket on the server, emptied and removed after the test."""
    bucket = f"canon-test-{uuid.uuid4().hex[:16]}"
    s3_server.client.create_bucket(Bucket=bucket)
    yield bucket
    s3_server.remove_bucket(bucket)


@pytest.fixture
def server_store(s3_server: S3Server, server_bucket: str) -> S3BlobStore:
    """An S3 store on a fresh bucket of the server (5 MiB parts, the S3 minimum)."""
    return S3BlobStore(
        server_bucket, endpoint_url=s3_server.url, region=REGION, part_size=MIN_PART_SIZE, client=s3_server.client
    )
