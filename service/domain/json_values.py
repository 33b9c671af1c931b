"""Structural equality of JSON values, shared by the content diff (`diff.py`) and change summaries
(`change_summary.py`). Pure code over builtins, as `msgspec.to_builtins` or a JSON decoder gives them."""

from __future__ import annotations

from collections.abc import Hashable, Mapping

__all__ = ["changed_fields", "json_key", "same_json"]


def json_key(value: object) -> Hashable:
    """A hashable form of a JSON value; two values are structurally equal exactly when their keys are equal."""
    if isinstance(value, list | tuple):
        return ("array", tuple(json_key(item) for item in value))
    if isinstance(value, Mapping):
        return ("object", frozenset((name, json_key(item)) for name, item in value.items()))
    return _scalar_key(value)


def same_json(a: object, b: object) -> bool:
    return json_key(a) == json_key(b)


def changed_fields(before: Mapping[str, object], after: Mapping[str, object]) -> list[str]:
    """Sorted names of the top-level fields whose values differ structurally (absent counts as `None`)."""
    return [name for name in sorted(before.keys() | after.keys()) if not same_json(before.get(name), after.get(name))]


def _scalar_key(value: object) -> Hashable:
    # Tagged by JSON type so that `True` and `1` differ (Python says they are equal), while `1` and `1.0`, both
    # JSON numbers, stay equal.
    if isinstance(value, bool):
        return ("bool", value)
    if isinstance(value, int | float):
        return ("number", value)
    if value is None or isinstance(value, str):
        return ("scalar", value)
    return ("other", type(value).__qualname__, repr(value))
