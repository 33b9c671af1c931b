"""The metrics registry speaks the Prometheus text format (checked with the official parser), logs are one JSON object
per line with no secrets in them, and request ids are accepted only when they are safe."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest
from prometheus_client.parser import text_string_to_metric_families

from service.config import Settings
from service.observability import logging as logs
from service.observability.http import request_id_from
from service.observability.metrics import CanonMetrics, Counter, Histogram, Registry, gauge


def _parsed(text: str) -> dict[str, object]:
    return {family.name: family for family in text_string_to_metric_families(text)}


def test_counters_histograms_and_gauges_render_in_the_text_format_the_official_parser_reads() -> None:
    metrics = CanonMetrics()
    metrics.observe_request("GET", "/v1/definitions/{slug}", 200, 0.012)
    metrics.observe_request("GET", "/v1/definitions/{slug}", 200, 0.3)
    metrics.observe_request("POST", "/v1/definitions", 422, 7.0)
    metrics.observe_delivery("success", 0.2)
    metrics.observe_delivery("retry", 15.0)
    metrics.observe_delivery("released", None)
    text = metrics.render([gauge("canon_asset_bytes", "bytes", [({}, 1234)])])

    families = {f.name: f for f in text_string_to_metric_families(text)}
    requests = {
        (s.labels["method"], s.labels["route"], s.labels["status"]): s.value
        for s in families["canon_http_requests"].samples
    }
    assert requests == {("GET", "/v1/definitions/{slug}", "200"): 2, ("POST", "/v1/definitions", "422"): 1}
    duration = families["canon_http_request_duration_seconds"]
    buckets = {(s.labels["route"], s.labels["le"]): s.value for s in duration.samples if s.name.endswith("_bucket")}
    assert buckets[("/v1/definitions/{slug}", "0.025")] == 1
    assert buckets[("/v1/definitions/{slug}", "0.5")] == 2
    assert buckets[("/v1/definitions", "5")] == 0
    assert buckets[("/v1/definitions", "+Inf")] == 1
    sums = {s.labels["route"]: s.value for s in duration.samples if s.name.endswith("_sum")}
    assert sums["/v1/definitions/{slug}"] == pytest.approx(0.312)
    outcomes = {s.labels["outcome"]: s.value for s in families["canon_webhook_deliveries"].samples}
    assert outcomes == {"success": 1, "retry": 1, "released": 1}
    results = {
        s.labels["result"]: s.value
        for s in families["canon_webhook_delivery_duration_seconds"].samples
        if s.name.endswith("_count")
    }
    assert results == {"success": 1, "failure": 1}, "a release has no latency"
    assert families["canon_asset_bytes"].samples[0].value == 1234
    assert families["canon_process_start_time_seconds"].type == "gauge"


def test_label_values_and_help_are_escaped() -> None:
    registry = Registry()
    counter = Counter("weird_total", "help with \\ and\nnewline", ("route",))
    registry.add(counter)
    counter.inc('a "quoted" \\ path\nwith newline')
    [family] = text_string_to_metric_families(registry.render())
    assert family.documentation == "help with \\ and\nnewline"
    assert family.samples[0].labels == {"route": 'a "quoted" \\ path\nwith newline'}


def test_metrics_refuse_wrong_labels_negative_increments_unsorted_buckets_and_duplicates() -> None:
    counter = Counter("x_total", "x", ("a",))
    with pytest.raises(ValueError, match="labels"):
        counter.inc()
    with pytest.raises(ValueError, match="non-negative"):
        counter.inc("v", amount=-1)
    with pytest.raises(ValueError, match="increasing"):
        Histogram("h", "h", (), (1.0, 0.5))
    registry = Registry()
    registry.add(counter)
    with pytest.raises(ValueError, match="already registered"):
        registry.add(Counter("x_total", "again"))


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("abc-123", True),
        ("0f8fad5b-d9cb-469f-a165-70867728950e", True),
        ("trace:span/1+2=3@host_x.y", True),
        ("x" * 128, True),
        ("x" * 129, False),
        ("", False),
        ("has space", False),
        ('quote"', False),
        ("new\nline", False),
        ("ünïcode", False),
    ],
)
def test_a_request_id_is_kept_only_when_short_and_safe(sent: str, kept: bool) -> None:
    chosen = request_id_from([(b"X-Request-ID", sent.encode())])
    assert (chosen == sent) is kept
    if not kept:
        assert len(chosen) == 32
        assert chosen.isalnum()


def test_without_a_request_id_each_request_gets_a_new_one() -> None:
    assert request_id_from([]) != request_id_from([])


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
    for handler in handlers:
        if handler not in root.handlers:
            root.addHandler(handler)
    root.setLevel(level)
    logging.captureWarnings(False)


SECRETS = Settings(
    bootstrap_admin_key="bootstrap-key-do-not-log",
    metrics_token="metrics-token-do-not-log",
    database_url="postgresql://canon:db-password-do-not-log@db:5432/canon",
)


def _configured(format_name: str) -> io.StringIO:
    out = io.StringIO()
    logs.configure(SECRETS, default_format=format_name, stream=out)
    return out


@pytest.mark.usefixtures("restore_logging")
def test_json_logs_are_one_object_per_line_with_request_id_and_extras() -> None:
    out = _configured("json")
    token = logs.REQUEST_ID.set("req-1")
    try:
        logging.getLogger("canon.test").info("hello %s", "world", extra={"route": "/v1/x", "status": 200})
    finally:
        logs.REQUEST_ID.reset(token)
    logging.getLogger("canon.test").warning("outside a request")
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        logging.getLogger("canon.test").exception("failed")
    lines = out.getvalue().splitlines()
    assert len(lines) == 3
    first, second, third = (json.loads(line) for line in lines)
    assert first["message"] == "hello world"
    assert (first["level"], first["logger"], first["request_id"]) == ("info", "canon.test", "req-1")
    assert (first["route"], first["status"]) == ("/v1/x", 200)
    assert first["time"].endswith("+00:00")
    assert "request_id" not in second
    assert "RuntimeError: boom" in third["exception"]


@pytest.mark.usefixtures("restore_logging")
@pytest.mark.parametrize("format_name", ["json", "text"])
def test_secrets_never_reach_the_log_whatever_logs_them(format_name: str) -> None:
    out = _configured(format_name)
    log = logging.getLogger("canon.test")
    api_key = "canon_" + "A1b2C3d4" * 6
    webhook_secret = "whsec_" + "c2VjcmV0LXNlY3JldC1zZWNyZXQ="
    log.info("header Authorization: Bearer %s", api_key)
    log.info("configured %s and %s", SECRETS.bootstrap_admin_key, SECRETS.metrics_token)
    log.info("connecting to %s", SECRETS.database_url)
    log.info("signing with %s", webhook_secret, extra={"secret": "plain-extra-secret", "authorization": "Basic abc"})
    log.info("basic auth", extra={"note": "Authorization: Basic dXNlcjpwYXNz"})
    written = out.getvalue()
    for secret in (
        api_key,
        webhook_secret,
        "bootstrap-key-do-not-log",
        "metrics-token-do-not-log",
        "db-password-do-not-log",
        "plain-extra-secret",
        "dXNlcjpwYXNz",
    ):
        assert secret not in written, f"{secret} was logged:\n{written}"
    assert "postgresql://canon:[redacted]@db:5432/canon" in written
    assert written.count(logs.REDACTED) >= 7


def test_an_unknown_log_format_is_refused() -> None:
    with pytest.raises(ValueError, match="CANON_LOG_FORMAT"):
        logs.configure(Settings(log_format="xml"), default_format="json", stream=io.StringIO())
