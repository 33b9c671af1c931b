"""A small, dependency-free Prometheus registry and the metrics Canon keeps in each process.

Counters and histograms live in memory and are updated where things happen (the HTTP middleware, the webhook
dispatcher). The process's own figures (`process_*`: memory, CPU, file descriptors) are read when a scrape renders
them (`service/observability/process.py`). Gauges that describe the database (outbox backlog, pending deliveries,
stored bytes) are not kept here: `service/observability/collect.py` computes them at scrape time and hands them to
`render` as families.
Output is the Prometheus text exposition format 0.0.4.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from service.observability import process

MEDIA_TYPE = "text/plain; version=0.0.4"
CONTENT_TYPE = f"{MEDIA_TYPE}; charset=utf-8"

HTTP_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
DELIVERY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 15.0, 30.0, 60.0)

Labels = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Sample:
    suffix: str  # "" or "_bucket", "_sum", "_count"
    labels: Labels
    value: float


@dataclass(frozen=True)
class Family:
    """One metric as it is exposed: name, type, help and its samples."""

    name: str
    kind: str  # counter | gauge | histogram
    help: str
    samples: Sequence[Sample] = field(default_factory=tuple)


def gauge(name: str, help_text: str, values: Iterable[tuple[dict[str, str], float]]) -> Family:
    """A gauge family from (labels, value) pairs, for values computed at scrape time."""
    return Family(name, "gauge", help_text, tuple(Sample("", tuple(labels.items()), v) for labels, v in values))


class Counter:
    """A monotonically increasing count per label set."""

    def __init__(self, name: str, help_text: str, labels: Sequence[str] = ()) -> None:
        self.name, self.help, self.labels = name, help_text, tuple(labels)
        self._values: dict[tuple[str, ...], float] = {}
        self._lock = threading.Lock()

    def inc(self, *values: str, amount: float = 1.0) -> None:
        if len(values) != len(self.labels) or amount < 0:
            raise ValueError(f"{self.name}: expected labels {self.labels} and a non-negative amount")
        with self._lock:
            self._values[values] = self._values.get(values, 0.0) + amount

    def value(self, *values: str) -> float:
        return self._values.get(values, 0.0)

    def family(self) -> Family:
        with self._lock:
            items = sorted(self._values.items())
        return Family(
            self.name,
            "counter",
            self.help,
            tuple(Sample("", tuple(zip(self.labels, k, strict=True)), v) for k, v in items),
        )


class Gauge:
    """A value that goes up and down, kept in memory (e.g. requests in flight)."""

    def __init__(self, name: str, help_text: str) -> None:
        self.name, self.help = name, help_text
        self._value = 0.0
        self._lock = threading.Lock()

    def add(self, amount: float) -> None:
        with self._lock:
            self._value += amount

    def family(self) -> Family:
        return Family(self.name, "gauge", self.help, (Sample("", (), self._value),))


@dataclass
class _Series:
    counts: list[int]
    total: float = 0.0
    count: int = 0


class Histogram:
    """Observations counted into cumulative buckets per label set, with their sum and count."""

    def __init__(self, name: str, help_text: str, labels: Sequence[str] = (), buckets: Sequence[float] = ()) -> None:
        if not buckets or list(buckets) != sorted(buckets):
            raise ValueError(f"{name}: buckets must be given in increasing order")
        self.name, self.help, self.labels = name, help_text, tuple(labels)
        self.buckets = tuple(float(b) for b in buckets)
        self._series: dict[tuple[str, ...], _Series] = {}
        self._lock = threading.Lock()

    def observe(self, value: float, *values: str) -> None:
        if len(values) != len(self.labels):
            raise ValueError(f"{self.name}: expected labels {self.labels}")
        with self._lock:
            series = self._series.get(values)
            if series is None:
                series = self._series[values] = _Series([0] * len(self.buckets))
            for index, bound in enumerate(self.buckets):
                if value <= bound:
                    series.counts[index] += 1
            series.total += value
            series.count += 1

    def family(self) -> Family:
        samples: list[Sample] = []
        with self._lock:
            items = sorted((k, _Series(list(s.counts), s.total, s.count)) for k, s in self._series.items())
        for key, series in items:
            labels = tuple(zip(self.labels, key, strict=True))
            for bound, count in zip(self.buckets, series.counts, strict=True):
                samples.append(Sample("_bucket", (*labels, ("le", _number(bound))), count))
            samples.append(Sample("_bucket", (*labels, ("le", "+Inf")), series.count))
            samples.append(Sample("_sum", labels, series.total))
            samples.append(Sample("_count", labels, series.count))
        return Family(self.name, "histogram", self.help, tuple(samples))


Metric = Counter | Gauge | Histogram
M = TypeVar("M", Counter, Gauge, Histogram)


class Registry:
    def __init__(self) -> None:
        self._metrics: list[Metric] = []

    def add(self, metric: Metric) -> Metric:
        if any(m.name == metric.name for m in self._metrics):
            raise ValueError(f"metric {metric.name} is already registered")
        self._metrics.append(metric)
        return metric

    def render(self, extra: Iterable[Family] = ()) -> str:
        """Every registered metric, then `extra` (computed at scrape time), in the text exposition format."""
        lines: list[str] = []
        for family in [*(m.family() for m in self._metrics), *extra]:
            lines.append(f"# HELP {family.name} {_escape_help(family.help)}")
            lines.append(f"# TYPE {family.name} {family.kind}")
            lines.extend(
                f"{family.name}{sample.suffix}{_labels(sample.labels)} {_number(sample.value)}"
                for sample in family.samples
            )
        return "\n".join(lines) + "\n"


def _escape_help(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def _escape_value(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(labels: Labels) -> str:
    if not labels:
        return ""
    return "{" + ",".join(f'{name}="{_escape_value(value)}"' for name, value in labels) + "}"


def _number(value: float) -> str:
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


def process_families(figures: process.ProcessFigures) -> list[Family]:
    """The standard `process_*` families (the names and help texts of Prometheus' own client libraries), each only
    if its figure is known."""
    known: list[tuple[str, str, str, float | None]] = [
        (
            "process_cpu_seconds_total",
            "counter",
            "Total user and system CPU time spent in seconds",
            figures.cpu_seconds,
        ),
        ("process_virtual_memory_bytes", "gauge", "Virtual memory size in bytes", figures.virtual_bytes),
        ("process_resident_memory_bytes", "gauge", "Resident memory size in bytes", figures.resident_bytes),
        (
            "process_start_time_seconds",
            "gauge",
            "Start time of the process since unix epoch in seconds",
            figures.start_time,
        ),
        ("process_open_fds", "gauge", "Number of open file descriptors", figures.open_fds),
        ("process_max_fds", "gauge", "Maximum number of open file descriptors", figures.max_fds),
    ]
    return [
        Family(name, kind, text, (Sample("", (), value),)) for name, kind, text, value in known if value is not None
    ]


class CanonMetrics:
    """The metrics one Canon process keeps in memory. The API and `canon worker` each have one."""

    def __init__(self) -> None:
        self.registry = Registry()
        self.started_at = time.time()
        self.http_requests = self._add(
            Counter(
                "canon_http_requests_total",
                "HTTP requests by method, route template and status",
                ("method", "route", "status"),
            )
        )
        self.http_duration = self._add(
            Histogram(
                "canon_http_request_duration_seconds",
                "HTTP request latency by method and route template, until the response is sent",
                ("method", "route"),
                HTTP_BUCKETS,
            )
        )
        self.http_in_flight = self._add(Gauge("canon_http_requests_in_flight", "HTTP requests being handled now"))
        self.deliveries = self._add(
            Counter(
                "canon_webhook_deliveries_total",
                "Webhook delivery attempts by outcome: success, retry, failed (gave up), gone (410), released "
                "(handed back unfinished at shutdown)",
                ("outcome",),
            )
        )
        self.delivery_duration = self._add(
            Histogram(
                "canon_webhook_delivery_duration_seconds",
                "Time from sending a webhook to its response (or error), by result",
                ("result",),
                DELIVERY_BUCKETS,
            )
        )

        self.pruned = self._add(
            Counter(
                "canon_retention_pruned_rows_total",
                "Rows deleted by retention (the worker's pruning), by table",
                ("table",),
            )
        )

    def _add(self, metric: M) -> M:
        self.registry.add(metric)
        return metric

    def observe_request(self, method: str, route: str, status: int, seconds: float) -> None:
        self.http_requests.inc(method, route, str(status))
        self.http_duration.observe(seconds, method, route)

    def observe_delivery(self, outcome: str, seconds: float | None) -> None:
        """Called by the dispatcher once per attempt (`seconds` is None for a send released unfinished)."""
        self.deliveries.inc(outcome)
        if seconds is not None:
            self.delivery_duration.observe(seconds, "success" if outcome == "success" else "failure")

    def observe_pruned(self, table: str, rows: int) -> None:
        """Called by retention after each batch it deleted."""
        self.pruned.inc(table, amount=rows)

    def render(self, extra: Iterable[Family] = ()) -> str:
        """Every metric of this process, its `process_*` figures read now, then `extra` (computed by the caller)."""
        started = gauge(
            "canon_process_start_time_seconds",
            "Start time of the process since the Unix epoch",
            [({}, self.started_at)],
        )
        return self.registry.render([started, *process_families(process.read(self.started_at)), *extra])
