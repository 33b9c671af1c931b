"""Optimistic concurrency: every entry has a revision, exposed as a strong ETag."""

from __future__ import annotations

from service.domain.errors import PreconditionFailed, PreconditionRequired

# What If-Match and If-None-Match accept: `*`, or one or more entity tags (strong or weak), comma-separated.
_TAG = r'(?:W/)?"[\x21\x23-\x7e]*"'
ENTITY_TAGS = rf"^\s*(?:\*|{_TAG}(?:\s*,\s*{_TAG})*)\s*$"
TAGS_ONLY = rf"^\s*{_TAG}(?:\s*,\s*{_TAG})*\s*$"  # where `*` does not do (edits: see `check_if_match`)


def etag(revision: int) -> str:
    return f'"{revision}"'


def check_if_match(if_match: str | None, revision: int, *, required: bool) -> None:
    """RFC 9110 If-Match with strong comparison: absent and required is 428, stale is 412. Where the ETag is
    required (edits), `*` does not stand for it: it would say "whatever the entry is now", the lost update the
    requirement exists to prevent."""
    candidates = [] if if_match is None else [tag.strip() for tag in if_match.split(",")]
    if required and all(tag == "*" for tag in candidates):
        raise PreconditionRequired("this write needs an If-Match header with the entry's current ETag (not *)")
    if not candidates:
        return
    if "*" in candidates or etag(revision) in candidates:
        return
    raise PreconditionFailed(f"the entry has changed since that ETag was issued; its current ETag is {etag(revision)}")


def none_match(if_none_match: str | None, revision: int) -> bool:
    """True when a conditional GET may answer 304 (weak comparison, as RFC 9110 asks for If-None-Match)."""
    if if_none_match is None:
        return False
    current = etag(revision)
    tags = (tag.strip() for tag in if_none_match.split(","))
    return any(tag == "*" or tag.removeprefix("W/") == current for tag in tags)
