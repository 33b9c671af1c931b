"""The progress line of `canon reindex` and `canon gc`: drawn over itself on a terminal, at most every interval,
erased before a log record or the summary; nothing at all when stderr is a file or a pipe."""

from __future__ import annotations

import io
import logging

import pytest

from service import cli


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_nothing_is_written_when_the_stream_is_not_a_terminal() -> None:
    stream = io.StringIO()
    progress = cli._Progress(stream, interval=0)
    for count in range(3):
        progress.show(f"reindex: {count} document(s)")
    progress.clear()
    assert not progress.live
    assert stream.getvalue() == ""


def test_a_terminal_sees_the_line_redrawn_then_erased() -> None:
    stream = _Terminal()
    progress = cli._Progress(stream, interval=0)
    progress.show("gc: 1 file(s) checked, 0 deleted")
    progress.show("gc: 2 file(s) checked, 1 deleted")
    progress.clear()
    progress.clear()  # erasing twice writes nothing more
    assert stream.getvalue() == (
        "\rgc: 1 file(s) checked, 0 deleted\x1b[K\rgc: 2 file(s) checked, 1 deleted\x1b[K\r\x1b[K"
    )


def test_updates_within_the_interval_are_skipped() -> None:
    stream = _Terminal()
    progress = cli._Progress(stream, interval=3600)
    for count in range(1, 1000):
        progress.show(f"reindex: {count} document(s)")
    assert stream.getvalue() == "\rreindex: 1 document(s)\x1b[K"
    progress.clear()
    progress.show("reindex: 1000 document(s)")  # after an erase, the next update draws at once
    assert stream.getvalue().endswith("\r\x1b[K\rreindex: 1000 document(s)\x1b[K")


def test_a_log_record_erases_the_line_first(monkeypatch: pytest.MonkeyPatch) -> None:
    stream = _Terminal()
    monkeypatch.setattr("sys.stderr", stream)
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        with cli._progress() as progress:
            progress.show("reindex: 5 document(s)")
            logging.getLogger("canon").warning("something happened")
        assert handler.filters == [], "the filter goes with the progress line"
    finally:
        root.removeHandler(handler)
    assert stream.getvalue() == "\rreindex: 5 document(s)\x1b[K\r\x1b[Ksomething happened\n"
