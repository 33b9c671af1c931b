"""What this process uses, read at scrape time: memory, CPU time, file descriptors and its start time, for the
`process_*` metrics every Prometheus client library exposes (`metrics.process_families`).

On Linux the figures come from `/proc/self`, as the official client reads them. Elsewhere only what the standard
library can tell is known (CPU seconds, the descriptor limit, and the start time as the process recorded it): a
figure that cannot be read is None, so it is left out of the scrape rather than reported as 0, and reading never
raises.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

try:  # Unix only
    import resource
except ImportError:  # pragma: no cover - Windows
    resource = None  # type: ignore[assignment]

PROC = Path("/proc")

# Fields of /proc/self/stat counted from the one after the command name (proc(5) numbers them from 1; state is 3).
_UTIME, _STIME, _STARTTIME, _VSIZE, _RSS = 14 - 3, 15 - 3, 22 - 3, 23 - 3, 24 - 3


@dataclass(frozen=True)
class ProcessFigures:
    cpu_seconds: float  # user + system
    start_time: float  # Unix time
    resident_bytes: int | None = None
    virtual_bytes: int | None = None
    open_fds: int | None = None
    max_fds: int | None = None  # the soft limit; None when unlimited


def read(started_at: float, proc: Path = PROC) -> ProcessFigures:
    """This process's figures; `started_at` (Unix time) stands in for the start time where the kernel's is unknown."""
    ticks = float(os.sysconf("SC_CLK_TCK")) if hasattr(os, "sysconf") else 100.0
    stat = _stat_fields(proc)
    if stat is None:
        times = os.times()
        return ProcessFigures(
            cpu_seconds=times.user + times.system,
            start_time=started_at,
            open_fds=_count(proc / "self" / "fd"),
            max_fds=_max_fds(proc),
        )
    boot = _boot_time(proc)
    return ProcessFigures(
        cpu_seconds=(stat[_UTIME] + stat[_STIME]) / ticks,
        start_time=started_at if boot is None else boot + stat[_STARTTIME] / ticks,
        resident_bytes=stat[_RSS] * os.sysconf("SC_PAGESIZE"),
        virtual_bytes=stat[_VSIZE],
        open_fds=_count(proc / "self" / "fd"),
        max_fds=_max_fds(proc),
    )


def _stat_fields(proc: Path) -> list[int] | None:
    """The numeric fields of /proc/self/stat after the command name (which may hold spaces and parentheses)."""
    try:
        text = (proc / "self" / "stat").read_text()
        fields = text[text.rindex(")") + 2 :].split()
        return [0, *(int(field) for field in fields[1 : _RSS + 1])] if len(fields) > _RSS else None
    except (OSError, ValueError):
        return None


def _boot_time(proc: Path) -> float | None:
    try:
        for line in (proc / "stat").read_text().splitlines():
            if line.startswith("btime "):
                return float(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def _count(folder: Path) -> int | None:
    try:
        return len(os.listdir(folder))
    except OSError:
        return None


def _max_fds(proc: Path) -> int | None:
    """The soft limit on open descriptors, from /proc/self/limits or else `getrlimit`; None when unlimited."""
    try:
        for line in (proc / "self" / "limits").read_text().splitlines():
            if line.startswith("Max open files"):
                soft = line.split()[3]
                return None if soft == "unlimited" else int(soft)
    except (OSError, ValueError, IndexError):
        pass
    if resource is None:  # pragma: no cover - Windows
        return None
    soft_limit = resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    return None if soft_limit == resource.RLIM_INFINITY else soft_limit
