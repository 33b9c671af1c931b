"""Domain errors. Each carries what the HTTP layer needs to build an RFC 9457 problem, and nothing about HTTP."""

from __future__ import annotations

from collections.abc import Sequence

import msgspec


class FieldError(msgspec.Struct, frozen=True):
    """One field-level fault.

    For `source="body"`, `pointer` is a JSON Pointer into the request body (RFC 6901), e.g. `/criteria/all/0/op`;
    for `query`, `path` and `header` it is the parameter's name.
    """

    pointer: str
    detail: str
    source: str = "body"


class DomainError(Exception):
    """Base of every rule violation the service reports to its callers."""

    title = "Request refused"
    slug = "refused"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class NotFound(DomainError):
    title = "Not found"
    slug = "not-found"


class Conflict(DomainError):
    """The request is well formed but clashes with the current state (duplicate slug, wrong lifecycle state)."""

    title = "Conflict"
    slug = "conflict"


class Gone(DomainError):
    title = "Gone"
    slug = "gone"


class PreconditionFailed(DomainError):
    title = "Precondition failed"
    slug = "precondition-failed"


class PreconditionRequired(DomainError):
    title = "Precondition required"
    slug = "precondition-required"


class Forbidden(DomainError):
    title = "Forbidden"
    slug = "forbidden"


class Invalid(DomainError):
    """Input that parses but breaks a rule; `errors` name the offending fields."""

    title = "Invalid request"
    slug = "invalid"

    def __init__(self, detail: str, errors: Sequence[FieldError] = ()) -> None:
        super().__init__(detail)
        self.errors = list(errors)


class UnknownParameters(Invalid):
    """Query parameters the route does not take: a misspelled filter would otherwise be ignored silently."""

    title = "Bad request"
    slug = "bad-request"


class TooLarge(DomainError):
    title = "Content too large"
    slug = "too-large"


class UnsupportedMediaType(DomainError):
    title = "Unsupported media type"
    slug = "unsupported-media-type"


class TooBusy(DomainError):
    """Refused for now, to protect others (e.g. too many replayed deliveries still waiting); worth retrying after
    `retry_after` seconds."""

    title = "Too many requests"
    slug = "too-many-requests"

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail)
        self.retry_after = retry_after


class Unavailable(DomainError):
    """A dependency (object storage, search) cannot be reached; the caller may retry. Nothing was half-written."""

    title = "Service unavailable"
    slug = "unavailable"
