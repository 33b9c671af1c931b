"""One way for every console form to be checked: its body against the very Struct the API decodes, each field on its
own first, so that every faulty field is named at once (msgspec stops at the first), then the whole body, for what
no single field shows (a required field left out). Where a fault is shown, and in what words, is each form's own."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

import msgspec

from service.api.problems import body_error
from service.domain.errors import FieldError

StructT = TypeVar("StructT", bound=msgspec.Struct)


@dataclass(frozen=True)
class Fault:
    """A field error (a JSON Pointer into the body, msgspec's detail) and the value of the field it is in, to quote
    the item of a list it names; None for a fault of the whole body."""

    error: FieldError
    value: object = None


def convert_checked(
    struct: type[StructT], body: Mapping[str, Any], fields: Iterable[tuple[str, object, Any]], *, faulty: bool
) -> StructT | list[Fault]:
    """`body` as `struct`, converted strictly as the API decodes it, or every fault found. Each of `fields` (its
    pointer, its value in `body`, its type) is converted on its own first; the whole body only when none of them is
    at fault and the form was not `faulty` already (then the list of faults may be empty)."""
    faults = []
    for pointer, value, annotation in fields:
        try:
            msgspec.convert(value, annotation, strict=True)
        except msgspec.ValidationError as exc:
            inner = body_error(exc)
            faults.append(Fault(FieldError(pointer + inner.pointer, inner.detail), value))
    if faults or faulty:
        return faults
    try:
        return msgspec.convert(dict(body), struct, strict=True)
    except msgspec.ValidationError as exc:
        return [Fault(body_error(exc))]
