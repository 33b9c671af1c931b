"""Citations between entries: a message or asset names the definition versions it relies on."""

from __future__ import annotations

from service.domain.errors import FieldError, Invalid
from service.domain.kinds import Reference
from service.domain.model import RELEASED_STATUSES
from service.store import entries
from service.store.database import Connection


async def resolve(conn: Connection, own: tuple[str, str], references: list[Reference], pointer: str) -> list[Reference]:
    """Every citation pinned to a released version: without `version`, the cited entry's current one.

    All faults are reported together: unknown entries, entries with nothing published, unreleased versions, and
    an entry citing itself.
    """
    if not references:
        return []
    found = await entries.resolve_citations(conn, [(r.kind, r.slug, r.version) for r in references])
    errors: list[FieldError] = []
    pinned: list[Reference] = []
    for index, (reference, cited) in enumerate(zip(references, found, strict=True)):
        fault = _fault(own, reference, cited)
        if fault is not None:
            errors.append(FieldError(f"{pointer}/{index}", fault))
            continue
        assert cited.version is not None
        pinned.append(Reference(kind=reference.kind, slug=reference.slug, version=cited.version))
    if errors:
        raise Invalid("some citations do not name a published version", errors)
    return pinned


def _fault(own: tuple[str, str], reference: Reference, cited: entries.CitedVersion) -> str | None:
    name = f"{reference.kind} {reference.slug!r}"
    if (reference.kind, reference.slug) == own:
        return "an entry cannot cite itself"
    if not cited.exists:
        return f"no {name}"
    if cited.version is None and reference.version is None:
        return f"{name} has no published version to cite"
    if cited.version is None:
        return f"{name} has no version {reference.version}"
    if cited.status not in RELEASED_STATUSES:
        return f"version {cited.version} of {name} is {cited.status}; only published versions can be cited"
    return None
