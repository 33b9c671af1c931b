"""Splitting an NDJSON body into records: any chunking, blank lines skipped, an over-long line skipped, not held."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from service.usecases import evaluation
from service.usecases.evaluation import _lines


async def _chunks(data: bytes, sizes: list[int]) -> AsyncIterator[bytes]:
    start = 0
    for size in sizes:
        yield data[start : start + size]
        start += size
    yield data[start:]


async def _collect(data: bytes, sizes: list[int]) -> list[bytes | None]:
    return [line async for line in _lines(_chunks(data, sizes))]


@given(st.lists(st.integers(1, 7), max_size=30))
async def test_lines_come_out_whole_whatever_the_chunking(sizes: list[int]) -> None:
    data = b'{"a": 1}\n\n  \n{"b": 2}\r\n{"c": 3}'
    assert await _collect(data, sizes) == [b'{"a": 1}', b'{"b": 2}\r', b'{"c": 3}']


async def test_an_over_long_line_is_reported_once_and_skipped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(evaluation, "MAX_LINE_BYTES", 10)
    data = b'{"a": 1}\n' + b"x" * 50 + b'\n{"b": 2}\n'
    assert await _collect(data, [4] * 20) == [b'{"a": 1}', None, b'{"b": 2}']
