"""Asset upload benchmark: a large file through Canon's streamed upload vs boto3's own `upload_file`, against moto.

    .venv/bin/python bench/asset_upload.py [--size 1GiB] [--rounds 3] [--profile] [--wait-idle SECONDS]
        [--no-warmup] [--no-diagnostics] [--canon-env NAME=VALUE ...] [--no-write] [--json FILE] [--logs DIR]

Targets (issue 3): uploading and downloading a 1 GiB file through the API keeps the service's peak RSS under 200 MB,
and the upload runs at 70% or more of boto3's `upload_file` of the same file to the same server, in the same run.

One run:

1. starts `moto_server` on 127.0.0.1 (objects above 5 MiB are spooled to files in a temporary folder) and creates a
   bucket with boto3;
2. starts an embedded PostgreSQL in a temporary folder, unless `CANON_DATABASE_URL` is set; `canon migrate`;
3. starts `canon serve` (uvicorn, 1 worker) with `CANON_S3_*` pointing at moto, `AWS_*` credentials `testing`, a
   random `CANON_BOOTSTRAP_ADMIN_KEY`, `CANON_ASSET_MAX_BYTES` of twice the file (at least 512 MiB, so the part
   size stays 8 MiB) and any `--canon-env` (experiments: a `sitecustomize` on `PYTHONPATH`, malloc settings);
4. over HTTP: editor, approver (team marketing) and reader keys, then one asset (draft version 1);
5. writes a `--size` file of random bytes starting with `%PDF-1.7` (the PDF sniff) in the temporary folder;
6. warms up with one full-size upload each way, boto3 and Canon (not measured: moto's first large upload costs it
   about twice the CPU of the next ones);
7. for `--rounds` rounds, the order rotating each round: (a) boto3 `upload_file` of the file to a fresh key (default
   client and transfer settings; the object is deleted afterwards); (b) `PUT /v1/assets/{slug}/versions/1/content`
   of the same file with `Content-Type`, `Content-Length` and `If-Match`, streamed from disk in 1 MiB blocks
   (http.client) and timed until the JSON answer; unless `--no-diagnostics`, (c) `upload_file` through a client
   built by Canon's own `make_client` and (d) the S3 requests Canon's store makes (multipart upload straight to a
   fresh key, 8 MiB parts, 4 in flight, Canon's client settings) sent by boto3 without Canon. Before each round 32
   bytes of the file are rewritten (after the PDF header and at the end), so every upload is a new blob: nothing is
   deduplicated; Canon's answer (`sha256`, `size`) is checked against the file;
8. submits, approves and publishes version 1, then `--rounds` times: `GET /v1/assets/{slug}/content` (reader) → 307
   → the presigned moto URL, streamed and checked (size and SHA-256). The bytes come from moto, not through Canon,
   by design;
9. with `--profile`: one more Canon upload (not measured) under `py-spy record` (Canon and moto), summarised;
10. writes its section of `docs/benchmarks.md` between `<!-- asset_upload:start -->` and `<!-- asset_upload:end -->`,
    keeping the rest of the file and any notes between `<!-- asset_upload:notes:start -->` and
    `<!-- asset_upload:notes:end -->` inside the section.

During every transfer the RSS of the `canon serve` process (with any children) and of moto is sampled every 50 ms
(psutil), the kernel's high-water mark of Canon (`VmHWM`, reset through `/proc/PID/clear_refs` before each transfer)
is read afterwards, and the CPU time of Canon, moto, PostgreSQL and this client is accounted.

Every process it starts runs in its own process group and is killed on the way out, as are the temporary folders
(file, moto's spooled objects, logs, database) deleted, whatever happens.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import http.client
import json
import os
import re
import secrets
import statistics
import sys
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import _harness as harness
import boto3
import psutil
from boto3.s3.transfer import TransferConfig
from botocore.config import Config

MARKS = harness.marks("asset_upload")
KiB = 1024
MiB = 1024 * KiB
GiB = 1024 * MiB
MB = 1_000_000  # RSS and throughput are reported in MB (10^6 bytes)
CHUNK = 1 * MiB  # the client's read and send block
PDF_HEADER = b"%PDF-1.7\n"
CONTENT_TYPE = "application/pdf"
BUCKET = "canon-bench"
REGION = "us-east-1"
TARGET_RATIO = 0.70
TARGET_RSS = 200 * MB
HTTP_TIMEOUT = 900.0
TARGETS = {
    "boto3": "boto3 `upload_file`",
    "canon": "Canon `PUT …/content`",
    "boto3-canon-client": "diagnostic: boto3 `upload_file` with Canon's client settings",
    "boto3-canon-s3": "diagnostic: Canon's S3 requests, sent by boto3 without Canon",
    "download": "download: 307 → moto",
    "canon-profiled": "Canon `PUT …/content` under py-spy",
    "warm-up": "Canon `PUT …/content`, warm-up",
}
AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_EC2_METADATA_DISABLED": "true",
}


# --------------------------------------------------------------------------------------------------------------
# Measuring a transfer


class Monitor:
    """While open: the peak RSS of each watched process (with its children) sampled every `interval` seconds in a
    thread, Canon's kernel high-water mark, and the CPU seconds of Canon, moto, PostgreSQL, this client and the
    whole machine."""

    def __init__(self, canon: int, moto: int, postmaster: int | None, interval: float) -> None:
        self.pids = {"canon": canon, "moto": moto}
        self.postmaster = postmaster
        self.interval = interval
        self.peak: dict[str, int] = {}
        self.samples = 0
        self.hwm: int | None = None
        self.cpu: dict[str, float] = {}
        self.seconds = 0.0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._before: dict[str, float] = {}
        self._started = 0.0

    def _cpu_now(self) -> dict[str, float]:
        now = {name: harness.cpu_seconds(pid) for name, pid in self.pids.items()}
        now["client"] = time.process_time()
        now["machine"] = harness.machine_busy()
        db = harness.postgres_cpu(self.postmaster)
        if db is not None:
            now["postgres"] = db
        return now

    def _sample(self) -> None:
        processes = {name: psutil.Process(pid) for name, pid in self.pids.items()}
        while True:
            for name, process in processes.items():
                with contextlib.suppress(psutil.Error):
                    rss = process.memory_info().rss
                    for child in process.children(recursive=True):
                        with contextlib.suppress(psutil.Error):
                            rss += child.memory_info().rss
                    self.peak[name] = max(self.peak.get(name, 0), rss)
            self.samples += 1
            if self._stop.wait(self.interval):
                return

    def __enter__(self) -> Monitor:
        reset_high_water_mark(self.pids["canon"])
        self._before = self._cpu_now()
        self._thread = threading.Thread(target=self._sample, name="rss-sampler", daemon=True)
        self._thread.start()
        self._started = time.perf_counter()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.seconds = time.perf_counter() - self._started
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        after = self._cpu_now()
        self.cpu = {name: after[name] - self._before[name] for name in after if name in self._before}
        self.hwm = high_water_mark(self.pids["canon"])


def reset_high_water_mark(pid: int) -> None:
    """Reset the kernel's peak RSS (`VmHWM`) of a process to its current RSS (Linux >= 4.0, same user or root)."""
    with contextlib.suppress(OSError):
        Path(f"/proc/{pid}/clear_refs").write_text("5")


def high_water_mark(pid: int) -> int | None:
    """`VmHWM` of one process, in bytes: the kernel's own peak RSS since start or the last reset."""
    with contextlib.suppress(OSError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * KiB
    return None


def rss(pid: int) -> int:
    return int(psutil.Process(pid).memory_info().rss)


@dataclass
class Transfer:
    round: int
    target: str  # a key of TARGETS
    size: int
    seconds: float
    canon_peak_rss: int  # sampled (psutil, every interval)
    canon_hwm: int | None  # the kernel's high-water mark during the transfer
    moto_peak_rss: int
    cpu: dict[str, float]  # CPU seconds per process during the transfer ("machine": all processes on all cores)
    samples: int
    sent_seconds: float | None = None  # Canon: when the client had sent the whole body

    @property
    def mb_s(self) -> float:
        return self.size / self.seconds / MB

    def cpu_per_gib(self, name: str) -> float | None:
        spent = self.cpu.get(name)
        return None if spent is None else spent / (self.size / GiB)

    @property
    def cores_busy(self) -> float:
        return self.cpu.get("machine", 0.0) / self.seconds

    @property
    def other_cores(self) -> float:
        """Cores kept busy by processes other than Canon, moto, PostgreSQL and this client (neighbours)."""
        ours = sum(v for k, v in self.cpu.items() if k != "machine")
        return max(self.cpu.get("machine", 0.0) - ours, 0.0) / self.seconds


def _transfer(monitor: Monitor, round_number: int, target: str, size: int, sent: float | None = None) -> Transfer:
    return Transfer(
        round=round_number,
        target=target,
        size=size,
        seconds=monitor.seconds,
        canon_peak_rss=monitor.peak.get("canon", 0),
        canon_hwm=monitor.hwm,
        moto_peak_rss=monitor.peak.get("moto", 0),
        cpu=monitor.cpu,
        samples=monitor.samples,
        sent_seconds=sent,
    )


# --------------------------------------------------------------------------------------------------------------
# The file


def parse_size(text: str) -> int:
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMG]i?B?|B)?\s*", text, re.IGNORECASE)
    if match is None:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (try 1GiB, 64MiB, 1048576)")
    unit = (match.group(2) or "B").upper().rstrip("B").rstrip("I")
    size = int(float(match.group(1)) * {"": 1, "K": KiB, "M": MiB, "G": GiB}[unit])
    if size < 64:
        raise argparse.ArgumentTypeError("the file needs at least 64 bytes")
    return size


def human(size: int) -> str:
    for unit, factor in (("GiB", GiB), ("MiB", MiB), ("KiB", KiB)):
        if size >= factor and size % factor == 0:
            return f"{size // factor} {unit}"
    return f"{size} bytes"


def write_file(path: Path, size: int) -> None:
    """Random bytes (nothing to compress or deduplicate) starting with the PDF header the sniff looks for."""
    block = 16 * MiB
    with path.open("wb") as out:
        written = 0
        while written < size:
            n = min(block, size - written)
            out.write(PDF_HEADER + os.urandom(n - len(PDF_HEADER)) if written == 0 else os.urandom(n))
            written += n


def vary(path: Path, size: int) -> str:
    """Rewrite 16 bytes after the header and the last 16 bytes (a new blob each round); return the SHA-256."""
    with path.open("r+b") as f:
        os.pwrite(f.fileno(), os.urandom(16), len(PDF_HEADER))
        os.pwrite(f.fileno(), os.urandom(16), size - 16)
    return file_sha256(path)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    buffer = bytearray(CHUNK)
    view = memoryview(buffer)
    with path.open("rb", buffering=0) as f:
        while n := f.readinto(buffer):
            digest.update(view[:n])
    return digest.hexdigest()


# --------------------------------------------------------------------------------------------------------------
# The transfers


def s3_client(endpoint: str) -> Any:
    """boto3's defaults (checksums, retries, pool), as a user of `upload_file` gets them; only the endpoint and the
    test credentials are set."""
    return boto3.session.Session().client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=AWS_ENV["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=AWS_ENV["AWS_SECRET_ACCESS_KEY"],
        config=Config(s3={"addressing_style": "path"}),
    )


def canon_s3_client(endpoint: str) -> Any:
    """A client built as Canon's `S3BlobStore` builds its own (CRC32 checksums, unsigned payloads, 8 connections)."""
    from service.blobs.s3 import make_client  # noqa: PLC0415  # the service's own settings, for the diagnostics

    return make_client(endpoint_url=endpoint, region=REGION, max_pool_connections=4 + 4)


def boto3_upload(s3: Any, path: Path, key: str, config: TransferConfig | None = None) -> None:
    s3.upload_file(str(path), BUCKET, key, Config=config or TransferConfig())


@dataclass
class Put:
    status: int
    headers: dict[str, str]
    body: bytes
    sent_seconds: float


def canon_put(port: int, path: str, key: str, etag: str, file: Path, size: int) -> Put:
    """Stream the file as the body of one PUT (Content-Length known, no chunked encoding)."""
    conn = http.client.HTTPConnection(harness.HOST, port, timeout=HTTP_TIMEOUT, blocksize=CHUNK)
    headers = {
        "Authorization": f"Bearer {key}",
        "Content-Type": CONTENT_TYPE,
        "Content-Length": str(size),
        "If-Match": etag,
    }
    started = time.perf_counter()
    try:
        with file.open("rb") as body, contextlib.suppress(BrokenPipeError, ConnectionResetError):
            conn.request("PUT", path, body=body, headers=headers)  # an early answer (an error) is read below
        sent = time.perf_counter() - started
        response = conn.getresponse()
        return Put(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read(), sent)
    finally:
        conn.close()


def download(port: int, slug: str, key: str) -> tuple[int, str]:
    """`GET /v1/assets/{slug}/content` → 307 → the presigned URL, streamed; return the size and SHA-256."""
    status, headers, body = harness.call(port, "GET", f"/v1/assets/{slug}/content", key=key)
    if status != 307:
        raise RuntimeError(f"download: expected 307, got {status}: {body[:300]!r}")
    url = urlsplit(headers["location"])
    conn = http.client.HTTPConnection(url.hostname or harness.HOST, url.port or 80, timeout=HTTP_TIMEOUT)
    try:
        conn.request("GET", f"{url.path}?{url.query}")
        response = conn.getresponse()
        if response.status != 200:
            raise RuntimeError(f"download from storage: {response.status}: {response.read(300)!r}")
        digest = hashlib.sha256()
        buffer = bytearray(CHUNK)
        view = memoryview(buffer)
        size = 0
        while n := response.readinto(buffer):
            digest.update(view[:n])
            size += n
        return size, digest.hexdigest()
    finally:
        conn.close()


# --------------------------------------------------------------------------------------------------------------
# Profile (py-spy)


@dataclass
class Profile:
    process: str
    samples: int
    threads: list[tuple[str, int]]  # thread label, samples
    functions: list[tuple[str, int]]  # leaf function (self time), samples
    inclusive: list[tuple[str, int]]  # selected frames (any depth), samples


def summarise_profile(process: str, path: Path) -> Profile:
    wanted = ("upload_part", "put_stream", "digest", "receive", "h11", "copy", "sha256", "md5", "_send", "sendall")
    counts = harness.summarise_profile(path, wanted, top=25, group=_thread_kind)
    return Profile(process, counts.samples, counts.groups.most_common(), counts.functions, counts.inclusive)


def _thread_kind(frames: list[str]) -> list[str]:
    text = ";".join(frames)
    if any("run_until_complete" in f for f in frames):
        return ["event loop"]
    if "concurrent/futures/thread.py" in text:
        return ["executor threads (asyncio.to_thread: boto3, hashing)"]
    if "process_request_thread" in text or "socketserver" in text:
        return ["request threads"]
    return [next((f for f in frames if f.startswith("thread (")), "thread (?)")]


# --------------------------------------------------------------------------------------------------------------
# The run


@dataclass
class Result:
    size: int
    rounds: int
    transfers: list[Transfer]
    baseline_rss: int
    warm_rss: int
    warm_up: Transfer | None
    moto_lifetime_rss: int
    part_size: int
    max_bytes: int
    database_kind: str
    command: str
    load: tuple[str, str]
    interval: float
    warmup: bool
    profiles: list[Profile] = field(default_factory=list)
    profile_transfer: Transfer | None = None


def clean_env() -> dict[str, str]:
    """The environment without any AWS_* setting of this shell (profiles, endpoints), plus the test credentials."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    return {**env, **AWS_ENV}


def moto_command(port: int) -> list[str]:
    script = Path(sys.executable).with_name("moto_server")
    if script.exists():
        return [str(script), "-H", harness.HOST, "-p", str(port)]
    return [sys.executable, "-m", "moto.server", "-H", harness.HOST, "-p", str(port)]


def seed(port: int, keys: harness.Keys) -> tuple[str, str]:
    """One asset with a draft version 1; return its slug and ETag."""
    slug = f"bench-upload-{secrets.token_hex(4)}"  # unique, so an external database can be reused
    body = {
        "slug": slug,
        "title": "Upload benchmark",
        "owners": ["marketing"],
        "content": {"description": "bench/asset_upload.py", "file_name": "bench.pdf"},
    }
    headers, _ = harness.expect(port, "POST", "/v1/assets", 201, key=keys.editor, body=body)
    return slug, headers["etag"]


def publish(port: int, slug: str, etag: str, keys: harness.Keys) -> None:
    base = f"/v1/assets/{slug}/versions/1"
    headers, _ = harness.expect(port, "POST", f"{base}/submit", 200, key=keys.editor, headers={"If-Match": etag})
    for approver in keys.approvers.values():
        headers, _ = harness.expect(
            port,
            "POST",
            f"{base}/approve",
            200,
            key=approver,
            body={"comment": "ok"},
            headers={"If-Match": headers["etag"]},
        )
    harness.expect(port, "POST", f"{base}/publish", 200, key=keys.editor, headers={"If-Match": headers["etag"]})


class Bench:
    """The running services, the asset and the file: one method per step of the run."""

    def __init__(self, args: argparse.Namespace, endpoint: str, file: Path, canon: int, moto: int) -> None:
        self.args = args
        self.size: int = args.size
        self.s3 = s3_client(endpoint)
        self.canon_s3 = canon_s3_client(endpoint)
        self.part_size = 8 * MiB
        self.file = file
        self.canon_pid = canon
        self.moto_pid = moto
        self.postmaster: int | None = None
        self.canon_port = 0
        self.slug = ""
        self.etag = ""
        self.editor = ""
        self.sha256 = ""  # of the file as Canon last stored it

    def monitor(self) -> Monitor:
        return Monitor(self.canon_pid, self.moto_pid, self.postmaster, self.args.interval)

    def put(self, file: Path, size: int, sha256: str) -> Put:
        path = f"/v1/assets/{self.slug}/versions/1/content"
        put = canon_put(self.canon_port, path, self.editor, self.etag, file, size)
        if put.status != 200:
            raise RuntimeError(f"PUT {path}: {put.status}: {put.body[:500]!r}")
        content = json.loads(put.body)["version"]["content"]
        if content["sha256"] != sha256 or content["size"] != size:
            raise RuntimeError(f"Canon stored {content['sha256']} ({content['size']} bytes), not {sha256} ({size})")
        self.etag = put.headers["etag"]
        self.sha256 = sha256
        return put

    def warm_up(self) -> Transfer:
        """One upload each way of the full file, not measured: moto's and Canon's heaps grow to their working size
        (the first upload of a large object into moto costs it about twice the CPU of the next ones)."""
        key = f"bench/warm-up-{uuid.uuid4().hex}"
        boto3_upload(self.s3, self.file, key)
        self.s3.delete_object(Bucket=BUCKET, Key=key)
        sha256 = vary(self.file, self.size)
        with self.monitor() as monitor:
            put = self.put(self.file, self.size, sha256)
        return _transfer(monitor, 0, "warm-up", self.size, put.sent_seconds)

    def upload_boto3(self, round_number: int, target: str) -> Transfer:
        key = f"bench/{target}-{round_number}-{uuid.uuid4().hex}"
        with self.monitor() as monitor:
            boto3_upload(self.s3, self.file, key)
        self.s3.delete_object(Bucket=BUCKET, Key=key)
        return _transfer(monitor, round_number, target, self.size)

    def upload_boto3_canon_client(self, round_number: int, target: str) -> Transfer:
        """`upload_file` through a client configured as Canon's (CRC32 checksums as boto3's default, but payloads not
        hashed for SigV4, which botocore otherwise does over plain HTTP)."""
        key = f"bench/{target}-{round_number}-{uuid.uuid4().hex}"
        with self.monitor() as monitor:
            boto3_upload(self.canon_s3, self.file, key)
        self.s3.delete_object(Bucket=BUCKET, Key=key)
        return _transfer(monitor, round_number, target, self.size)

    def upload_boto3_canon_s3(self, round_number: int, target: str, sha256: str) -> Transfer:
        """The S3 requests Canon's store sends for this file, from boto3 and without Canon: one multipart upload
        straight to a fresh key (Canon's client settings, 8 MiB parts, 4 in flight). What Canon adds on top: the HTTP
        hop, hashing, its pipeline, the database update."""
        key = f"bench/blobs/{sha256}-{uuid.uuid4().hex}"
        part = self.part_size
        config = TransferConfig(multipart_threshold=part, multipart_chunksize=part, max_concurrency=4)
        s3 = self.canon_s3
        with self.monitor() as monitor:
            boto3_upload(s3, self.file, key, config)
        s3.delete_object(Bucket=BUCKET, Key=key)
        return _transfer(monitor, round_number, target, self.size)

    def upload_canon(self, round_number: int, sha256: str, target: str = "canon") -> Transfer:
        with self.monitor() as monitor:
            put = self.put(self.file, self.size, sha256)
        return _transfer(monitor, round_number, target, self.size, put.sent_seconds)

    def uploads(self) -> list[Transfer]:
        targets = ["boto3", "canon"] + ([] if self.args.no_diagnostics else ["boto3-canon-client", "boto3-canon-s3"])
        transfers = []
        for round_number in range(1, self.args.rounds + 1):
            sha256 = vary(self.file, self.size)
            for target in harness.rotation(targets, round_number):
                if target == "canon":
                    transfer = self.upload_canon(round_number, sha256)
                elif target == "boto3-canon-client":
                    transfer = self.upload_boto3_canon_client(round_number, target)
                elif target == "boto3-canon-s3":
                    transfer = self.upload_boto3_canon_s3(round_number, target, sha256)
                else:
                    transfer = self.upload_boto3(round_number, target)
                transfers.append(transfer)
                report(transfer)
        return transfers

    def profile(self, procs: harness.Processes, folder: Path) -> tuple[Transfer, list[Profile]]:
        sha256 = vary(self.file, self.size)
        pids = {"canon": self.canon_pid, "moto": self.moto_pid}
        with harness.profiling(procs, folder, pids, threads=True) as outputs:
            transfer = self.upload_canon(0, sha256, "canon-profiled")
        report(transfer)
        profiles = [summarise_profile(name, path) for name, path in outputs.items()]
        if self.args.profile_dir:
            self.args.profile_dir.mkdir(parents=True, exist_ok=True)
            for path in outputs.values():
                if path.exists():
                    (self.args.profile_dir / path.name).write_bytes(path.read_bytes())
        return transfer, profiles

    def downloads(self, reader: str) -> list[Transfer]:
        transfers = []
        for round_number in range(1, self.args.rounds + 1):
            with self.monitor() as monitor:
                got, digest = download(self.canon_port, self.slug, reader)
            if got != self.size or digest != self.sha256:
                raise RuntimeError(f"downloaded {got} bytes, SHA-256 {digest}; expected {self.size}, {self.sha256}")
            transfer = _transfer(monitor, round_number, "download", self.size)
            transfers.append(transfer)
            report(transfer)
        return transfers


def run(procs: harness.Processes, work: Path, args: argparse.Namespace, command: str) -> Result:
    env = clean_env()
    moto_dir = work / "moto"
    moto_dir.mkdir()
    moto_port = harness.free_port()
    moto = procs.start("moto", moto_command(moto_port), {**env, "TMPDIR": str(moto_dir)})
    harness.wait_ready(procs, "moto", moto, moto_port, "/moto-api/")
    endpoint = f"http://{harness.HOST}:{moto_port}"
    s3_client(endpoint).create_bucket(Bucket=BUCKET)

    admin = harness.admin_key()
    max_bytes = max(2 * args.size, 512 * MiB)
    with harness.database() as (url, postmaster):
        settings = {
            "CANON_DATA_DIR": str(work / "canon-data"),
            "CANON_S3_BUCKET": BUCKET,
            "CANON_S3_ENDPOINT_URL": endpoint,
            "CANON_S3_REGION": REGION,
            "CANON_ASSET_MAX_BYTES": str(max_bytes),
            **dict(item.split("=", 1) for item in args.canon_env),
        }
        service_env = harness.canon_env(url, admin, settings, base=env)
        try:
            harness.migrate(service_env)
            canon, canon_port = harness.start_canon(procs, service_env)
            bench = Bench(args, endpoint, work / "bench.pdf", canon.pid, moto.pid)
            bench.postmaster, bench.canon_port = postmaster, canon_port
            bench.part_size = max(8 * MiB, -(-max_bytes // 10_000))  # as S3BlobStore.put_stream picks it
            baseline_rss = rss(canon.pid)
            keys = harness.seed_keys(canon_port, admin, teams=("marketing",))
            bench.editor = keys.editor
            bench.slug, bench.etag = seed(canon_port, keys)
            print(f"writing a {human(args.size)} file", flush=True)
            write_file(bench.file, args.size)
            warm_up = None
            if args.warmup:
                print("warm-up: one upload each way", flush=True)
                warm_up = bench.warm_up()
                report(warm_up)
            warm_rss = rss(canon.pid)
            print(
                f"canon RSS: {baseline_rss / MB:.0f} MB at start, {warm_rss / MB:.0f} MB after the warm-up", flush=True
            )

            load_before = harness.load_average()
            transfers = bench.uploads()
            load_after = harness.load_average()
            profile_transfer, profiles = bench.profile(procs, work) if args.profile else (None, [])
            publish(canon_port, bench.slug, bench.etag, keys)
            transfers += bench.downloads(keys.reader)

            moto_lifetime_rss = high_water_mark(moto.pid) or 0
        finally:
            procs.stop_all()  # before the database goes away
    return Result(
        size=args.size,
        rounds=args.rounds,
        transfers=transfers,
        baseline_rss=baseline_rss,
        warm_rss=warm_rss,
        warm_up=warm_up,
        moto_lifetime_rss=moto_lifetime_rss,
        part_size=bench.part_size,
        max_bytes=max_bytes,
        database_kind=harness.database_kind(postmaster),
        command=command,
        load=(load_before, load_after),
        interval=args.interval,
        warmup=args.warmup,
        profiles=profiles,
        profile_transfer=profile_transfer,
    )


def report(t: Transfer) -> None:
    sent = "" if t.sent_seconds is None else f" (body sent after {t.sent_seconds:.1f} s)"
    hwm = "?" if t.canon_hwm is None else f"{t.canon_hwm / MB:.0f}"
    cpu = ", ".join(f"{k} {v:.1f}" for k, v in sorted(t.cpu.items()) if k != "machine")
    print(
        f"round {t.round}  {t.target:<20} {t.mb_s:7.1f} MB/s  {t.seconds:6.1f} s{sent}  "
        f"canon RSS peak {t.canon_peak_rss / MB:.0f} MB (HWM {hwm} MB)  moto RSS peak {t.moto_peak_rss / MB:.0f} MB  "
        f"CPU s: {cpu}; cores busy {t.cores_busy:.2f}",
        flush=True,
    )


# --------------------------------------------------------------------------------------------------------------
# Report


@dataclass
class Summary:
    mb_s: float
    mb_s_min: float
    mb_s_max: float
    seconds: float
    rss: float  # max over rounds: the sampled peak and the kernel's, whichever is higher
    moto_rss: float
    cpu: dict[str, float]  # median CPU seconds per GiB
    cores_busy: float
    other_cores: float


def peak_rss(t: Transfer) -> int:
    return max(t.canon_peak_rss, t.canon_hwm or 0)


def summarize(transfers: list[Transfer], target: str) -> Summary | None:
    mine = [t for t in transfers if t.target == target]
    if not mine:
        return None
    names = sorted({name for t in mine for name in t.cpu if name != "machine"})
    return Summary(
        mb_s=harness.median_of(mine, "mb_s"),
        mb_s_min=min(t.mb_s for t in mine),
        mb_s_max=max(t.mb_s for t in mine),
        seconds=harness.median_of(mine, "seconds"),
        rss=max(peak_rss(t) for t in mine),
        moto_rss=max(t.moto_peak_rss for t in mine),
        cpu={name: statistics.median(t.cpu_per_gib(name) or 0.0 for t in mine) for name in names},
        cores_busy=harness.median_of(mine, "cores_busy"),
        other_cores=harness.median_of(mine, "other_cores"),
    )


def _cpu_cell(summary: Summary, name: str) -> str:
    value = summary.cpu.get(name)
    return "-" if value is None else f"{value:.1f}"


def _per_round(transfers: list[Transfer], numerator: str, denominator: str) -> str:
    """Each round's throughput ratio, as percentages."""
    return ", ".join(f"{v:.0%}" for v in harness.round_ratios(transfers, numerator, denominator, "mb_s"))


def render(result: Result) -> str:
    info = harness.machine(("litestar", "uvicorn", "boto3", "botocore", "s3transfer", "moto", "werkzeug"))
    size = human(result.size)
    summaries = {target: summarize(result.transfers, target) for target in TARGETS}
    boto, canon, down = summaries["boto3"], summaries["canon"], summaries["download"]
    if boto is None or canon is None or down is None:
        raise RuntimeError("the run has no boto3, Canon or download measurement")
    ratio = canon.mb_s / boto.mb_s
    upload_rss = max(canon.rss, boto.rss)
    worst_rss = max(upload_rss, down.rss)
    canon_uploads = [t for t in result.transfers if t.target == "canon"]
    sent = statistics.median(t.sent_seconds or 0.0 for t in canon_uploads)
    tail = statistics.median(t.seconds - (t.sent_seconds or 0.0) for t in canon_uploads)
    diagnostics = summaries["boto3-canon-client"] is not None
    order = "boto3, Canon and the two diagnostics" if diagnostics else "boto3 and Canon"
    warm_up = "one untimed full-size upload each way (boto3, Canon) first" if result.warmup else "no warm-up"
    lines = [
        MARKS.start,
        f"## Asset upload: {size} through `PUT /v1/assets/{{slug}}/versions/{{n}}/content` vs boto3 `upload_file`",
        "",
        harness.written_by("asset_upload.py", keeps_notes=True),
        "",
        f"Command: `{result.command}`",
        "",
        f"- Machine: {info['description']}, {psutil.virtual_memory().total / GiB:.0f} GiB RAM",
        f"- Software: {info['packages']}; uvicorn {info['uvicorn_impl']}",
        "- S3: `moto_server` (werkzeug, threaded) on 127.0.0.1; it spools objects above 5 MiB to temporary files "
        "(page cache)",
        f"- Database: {result.database_kind}, on the same machine",
        f"- Canon: `canon serve` (1 worker) → `S3BlobStore`: multipart upload straight to a fresh key "
        f"(`blobs/id/…`, where the blob stays), {human(result.part_size)} parts, 4 in flight, CRC32 per part "
        "(`CANON_S3_CHECKSUMS=when_supported`), unsigned payloads, SHA-256 of the stream, then the ledger row and "
        f"the version in one transaction; `CANON_ASSET_MAX_BYTES={result.max_bytes}`",
        f"- File: {size} of random bytes starting with `%PDF-1.7`, on local disk and in the page cache (all "
        "clients read the same file); 32 bytes rewritten before each round, so every upload is a new blob (no "
        "deduplication; Canon's answer is checked against the file's SHA-256)",
        "- boto3 baseline: `s3.upload_file(path, bucket, fresh key)` with boto3's default `TransferConfig` "
        "(multipart above 8 MiB, 8 MiB parts, 10 threads) and default client settings (checksums `when_supported`: "
        "CRC32 per part)",
        "- Canon client: `http.client`, one `PUT` with `Content-Length`, `Content-Type: application/pdf` and "
        "`If-Match`, the body streamed from the file in 1 MiB blocks; timed until Canon's JSON answer, which comes "
        "after the last part, CompleteMultipartUpload and the database update",
        "- Download: `GET /v1/assets/{slug}/content` (reader key) → 307 → the presigned moto URL, streamed and "
        "checked (size, SHA-256 computed by the client); the bytes go from moto to the client, not through Canon",
        f"- {result.rounds} rounds of {order}, their order rotating each round; {warm_up}; then "
        f"{result.rounds} downloads",
        f"- RSS: the `canon serve` process (and any children) sampled every {result.interval * 1000:.0f} ms with "
        "psutil, and the kernel's high-water mark `VmHWM` (reset through `/proc/PID/clear_refs` before each "
        "transfer, read after it); the table shows the higher of the two",
        "",
        "| transfer | MB/s (median) | min-max | seconds | Canon peak RSS, MB (max) | moto peak RSS, MB "
        "| CPU s/GiB: Canon | moto | client | PostgreSQL | cores busy | other cores |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for target, s in summaries.items():
        if s is None or target in {"canon-profiled", "warm-up"}:
            continue
        lines.append(
            f"| {TARGETS[target]} | **{s.mb_s:.0f}** | {s.mb_s_min:.0f}-{s.mb_s_max:.0f} | {s.seconds:.1f} "
            f"| {s.rss / MB:.0f} | {s.moto_rss / MB:.0f} | {_cpu_cell(s, 'canon')} | {_cpu_cell(s, 'moto')} "
            f"| {_cpu_cell(s, 'client')} | {_cpu_cell(s, 'postgres')} | {s.cores_busy:.2f} | {s.other_cores:.2f} |"
        )
    monitored = [*result.transfers, *(t for t in (result.warm_up, result.profile_transfer) if t is not None)]
    highest = max(peak_rss(t) for t in monitored)
    lines += [
        "",
        f"**Upload throughput, Canon / boto3 = {ratio:.0%}** (ratio of the medians; per round: "
        f"{_per_round(result.transfers, 'canon', 'boto3')}). Target ≥ {TARGET_RATIO:.0%}: "
        f"**{'meets' if ratio >= TARGET_RATIO else 'misses'}** it.",
        "",
        f"**Peak RSS of the service: {upload_rss / MB:.0f} MB during the uploads, {down.rss / MB:.0f} MB during "
        f"the downloads** (idle: {result.baseline_rss / MB:.0f} MB after start, {result.warm_rss / MB:.0f} MB after "
        f"the warm-up; the highest of any monitored upload, the warm-up and the profiled one included: "
        f"{highest / MB:.0f} MB). Target < {TARGET_RSS / MB:.0f} MB: "
        f"**{'meets' if worst_rss < TARGET_RSS else 'misses'}** it.",
    ]
    client, s3_work = summaries["boto3-canon-client"], summaries["boto3-canon-s3"]
    if client is not None and s3_work is not None:
        lines += [
            "",
            "Diagnostics (not targets): with Canon's client settings (unsigned payloads) boto3's `upload_file` runs "
            f"at {client.mb_s / boto.mb_s:.0%} of its default (per round: "
            f"{_per_round(result.transfers, 'boto3-canon-client', 'boto3')}); the S3 requests "
            f"Canon's store makes, sent by boto3 without Canon, at {s3_work.mb_s / boto.mb_s:.0%}; **Canon runs at "
            f"{canon.mb_s / s3_work.mb_s:.0%} of its own S3 requests** (per round: "
            f"{_per_round(result.transfers, 'canon', 'boto3-canon-s3')}): what the HTTP hop, "
            "hashing and the part pipeline cost on top of the S3 work its design asks for.",
        ]
    lines += [
        "",
        f"Canon upload timeline (median): the client had sent the body after {sent:.1f} s; the answer came "
        f"{tail:.1f} s later (the parts still in flight, CompleteMultipartUpload, the database update).",
        "",
        "CPU s/GiB: CPU seconds each process spent during the transfer, per GiB moved; client = this script's "
        "process (boto3's threads, or `http.client` for Canon, plus the RSS sampler); cores busy = all processes "
        f"on the machine, averaged over the transfer ({info['nproc']} cores in all); other cores = the part of it "
        "spent by processes other than Canon, moto, PostgreSQL and the client (neighbours). Moto's RSS is moto's "
        "(it assembles a multipart object in memory), not Canon's; its high-water mark over the run: "
        f"{result.moto_lifetime_rss / MB:.0f} MB. Load average {result.load[0]} before the rounds, "
        f"{result.load[1]} after.",
        "",
        f"Caveats: moto, PostgreSQL, Canon and the client share the same {info['nproc']} cores, and moto (a Python "
        "werkzeug server that hashes every part, spools it to a temporary file and reassembles a multipart object "
        "in memory) is a much slower S3 than AWS or MinIO: the absolute MB/s are moto's, and every path pays for "
        "it. Canon's path moves every byte one more time than boto3's (client → Canon → moto instead of client → "
        "moto), so on a CPU-bound machine its ratio measures that extra work as much as Canon's own code.",
    ]
    if result.profiles:
        lines += render_profiles(result)
    lines += [
        "",
        "<details><summary>Every transfer</summary>",
        "",
        "| round | transfer | MB/s | seconds | body sent after, s | Canon peak RSS sampled, MB | Canon VmHWM, MB "
        "| moto peak RSS, MB | CPU s: Canon | moto | client | PostgreSQL | cores busy | other cores | RSS samples |",
        "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for t in monitored:
        cells = [f"{t.cpu[name]:.1f}" if name in t.cpu else "-" for name in ("canon", "moto", "client", "postgres")]
        hwm = "?" if t.canon_hwm is None else f"{t.canon_hwm / MB:.0f}"
        sent_cell = "-" if t.sent_seconds is None else f"{t.sent_seconds:.1f}"
        lines.append(
            f"| {t.round or '-'} | {TARGETS[t.target]} | {t.mb_s:.0f} | {t.seconds:.1f} | {sent_cell} "
            f"| {t.canon_peak_rss / MB:.0f} | {hwm} | {t.moto_peak_rss / MB:.0f} | {' | '.join(cells)} "
            f"| {t.cores_busy:.2f} | {t.other_cores:.2f} | {t.samples} |"
        )
    lines += ["", "</details>", "", MARKS.notes_start, MARKS.notes_end, MARKS.end]
    return "\n".join(lines) + "\n"


def render_profiles(result: Result) -> list[str]:
    t = result.profile_transfer
    lines = [
        "",
        "### Profile (`--profile`)",
        "",
        "One more Canon upload, not counted above, under `py-spy record --rate 100 --threads --nonblocking` on Canon "
        "and on moto" + (f" ({t.mb_s:.0f} MB/s, {t.seconds:.1f} s)" if t else "") + ". py-spy leaves out the "
        "samples of threads it sees idle, but counts some threads blocked in system calls (`select`, socket "
        "reads) as active: the shares are of samples, not exactly of CPU time.",
    ]
    for profile in result.profiles:
        if not profile.samples:
            lines += ["", f"{profile.process}: no samples (could py-spy attach?)."]
            continue
        lines += [
            "",
            f"<details><summary>{profile.process}: {profile.samples} samples</summary>",
            "",
            "| thread | share |",
            "|---|---:|",
            *[f"| {name} | {n / profile.samples:.0%} |" for name, n in profile.threads[:8]],
            "",
            *harness.profile_tables(profile.samples, profile.functions, profile.inclusive, "function (self time)"),
            "",
            "</details>",
        ]
    return lines


# --------------------------------------------------------------------------------------------------------------
# Main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Canon's streamed asset upload vs boto3 upload_file, against moto.")
    parser.add_argument("--size", type=parse_size, default=GiB, help="file size: 1GiB (default), 64MiB, bytes")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of both uploads, then downloads (default 3)")
    parser.add_argument(
        "--no-warmup", dest="warmup", action="store_false", help="skip the full-size warm-up upload each way"
    )
    parser.add_argument(
        "--no-diagnostics",
        action="store_true",
        help="only the two targets: skip the boto3 uploads with Canon's client settings and Canon's S3 requests",
    )
    harness.add_wait_idle_option(parser)
    parser.add_argument(
        "--canon-env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="extra environment for `canon serve` (experiments: MALLOC_ARENA_MAX=2, PYTHONPATH=…); repeatable",
    )
    parser.add_argument("--interval", type=float, default=0.05, help="RSS sampling interval, seconds (default 0.05)")
    parser.add_argument("--profile", action="store_true", help="one more Canon upload under py-spy, summarised")
    parser.add_argument("--profile-dir", type=Path, help="with --profile: keep py-spy's raw stacks in this folder")
    harness.add_output_options(parser)
    parser.add_argument("--json", type=Path, help="also write every measurement to this JSON file")
    parser.add_argument("--logs", type=Path, help="keep the servers' logs (canon, moto, py-spy) in this folder")
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    for name in [k for k in os.environ if k.startswith("AWS_")]:
        del os.environ[name]  # this shell's profile or endpoint must not leak into the diagnostics' clients
    os.environ.update(AWS_ENV)
    if args.wait_idle > 0:
        harness.wait_idle(args.wait_idle)
    command = f"python bench/asset_upload.py --size {human(args.size).replace(' ', '')} --rounds {args.rounds}"
    for flag, given in (("--no-warmup", not args.warmup), ("--no-diagnostics", args.no_diagnostics)):
        command += f" {flag}" if given else ""
    command += " --profile" if args.profile else ""
    command += "".join(f" --canon-env {item}" for item in args.canon_env)
    with harness.run_folder("canon-bench-upload-", args.logs, tails=("canon", "moto")) as (procs, work):
        result = run(procs, work, args, command)
    section = render(result)
    if args.json:
        args.json.write_text(json.dumps(asdict(result), indent=2, default=str))
    harness.write_or_print(section, MARKS, args)


if __name__ == "__main__":
    main()
