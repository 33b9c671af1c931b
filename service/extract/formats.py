"""Turning a file's bytes into searchable text, one parser per format. Synchronous and CPU-bound.

These functions run in a worker process (`runner.py`), never on the event loop. They never raise: a file that cannot
be parsed comes back as an `Extraction` with `error` set. Caps keep pathological files bounded: at most `max_pages`
pages (PDF pages, PPTX slides), at most `max_chars` characters, and Office archives that would unpack past
`MAX_UNPACKED_BYTES` are refused before any XML is parsed.
"""

from __future__ import annotations

import io
import logging
import warnings
import zipfile
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import msgspec

from service.blobs import sniff
from service.domain import media_types

MAX_UNPACKED_BYTES = 512 * 1024 * 1024  # an Office file's parts, unpacked (python-pptx/docx hold them in memory)

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_W_P, _W_T, _W_TAB, _W_BR, _W_CR = f"{_W}p", f"{_W}t", f"{_W}tab", f"{_W}br", f"{_W}cr"
# Text boxes are stored twice (DrawingML choice, VML fallback); reading the fallback would double their text.
_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"


class Extraction(msgspec.Struct, frozen=True, kw_only=True):
    """The text of one file, or why there is none.

    `truncated`: a cap (characters, pages) cut the text short. `pages`: the document's page or slide count when
    the format has pages. `error`: why the file could not be read (the text is then empty or partial).
    `retry`: the failure was not the file's (the blob store was unreachable): nothing should be recorded and the
    extraction tried again later.
    """

    text: str
    truncated: bool = False
    error: str | None = None
    pages: int | None = None
    retry: bool = False


def failed(error: str, *, retry: bool = False) -> Extraction:
    return Extraction(text="", error=error, retry=retry)


EMPTY = Extraction(text="")


class _Collector:
    """Text parts joined by newlines, cut at `max_chars`."""

    def __init__(self, max_chars: int) -> None:
        self._parts: list[str] = []
        self._left = max_chars
        self.truncated = False

    def add(self, text: str) -> bool:
        """Keep `text` (stripped; blank text is skipped); False once the cap has cut something off."""
        text = text.strip()
        if self.truncated or not text:
            return not self.truncated
        separator = 1 if self._parts else 0  # the newline joining it to the previous part
        room = self._left - separator
        if room <= 0:
            self.truncated = True
            return False
        if len(text) > room:
            text = text[:room]
            self.truncated = True
        self._parts.append(text)
        self._left -= len(text) + separator
        return not self.truncated

    def text(self) -> str:
        return _clean("\n".join(self._parts))


def _clean(text: str) -> str:
    """Text PostgreSQL can store: no NUL characters, no lone surrogates."""
    return text.replace("\x00", "").encode("utf-8", "replace").decode("utf-8")


def _pdf(data: bytes, max_chars: int, max_pages: int) -> Extraction:
    from pypdf import PdfReader  # noqa: PLC0415  # parsers load in the worker process only

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        try:  # many "protected" PDFs only restrict printing and open with an empty password
            opened = bool(reader.decrypt(""))
        except Exception:  # AES needs the optional `cryptography` package
            opened = False
        if not opened:
            return failed("the PDF is encrypted")
    total = len(reader.pages)
    out = _Collector(max_chars)
    unreadable = 0
    for number, page in enumerate(reader.pages):
        if number >= max_pages:
            out.truncated = True
            break
        try:
            text = page.extract_text()
        except Exception:  # one unreadable page must not cost the others
            unreadable += 1
            continue
        if not out.add(text):
            break
    text = out.text()
    error = None
    if unreadable and not text:
        error = f"no page of the PDF could be read ({unreadable} failed)"
    return Extraction(text=text, truncated=out.truncated, error=error, pages=total)


def _check_archive(data: bytes) -> str | None:
    """Why an Office file (a zip) must not be unpacked, or None."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return "the file is not a valid Office document (a broken zip archive)"
    if unpacked > MAX_UNPACKED_BYTES:
        return f"the document unpacks to {unpacked} bytes, over the {MAX_UNPACKED_BYTES}-byte limit"
    return None


def _shape_texts(shapes: Iterable[Any]) -> Iterator[str]:
    """The text of slide shapes in order: text frames, table cells, and the shapes inside groups, recursively."""
    from pptx.shapes.group import GroupShape  # noqa: PLC0415

    for shape in shapes:
        if isinstance(shape, GroupShape):
            yield from _shape_texts(shape.shapes)
        elif shape.has_text_frame:
            yield shape.text_frame.text
        elif getattr(shape, "has_table", False):
            for row in shape.table.rows:
                for cell in row.cells:
                    if not cell.is_spanned:  # a merged cell's text lives in its origin cell
                        yield cell.text


def _pptx(data: bytes, max_chars: int, max_pages: int) -> Extraction:
    from pptx import Presentation  # noqa: PLC0415

    deck = Presentation(io.BytesIO(data))
    slides = list(deck.slides)
    out = _Collector(max_chars)
    for number, slide in enumerate(slides):
        if number >= max_pages:
            out.truncated = True
            break
        texts = list(_shape_texts(slide.shapes))
        if slide.has_notes_slide:
            notes = slide.notes_slide.notes_text_frame
            if notes is not None:
                texts.append(notes.text)
        if not all(out.add(text) for text in texts):
            break
    return Extraction(text=out.text(), truncated=out.truncated, pages=len(slides))


def _paragraph_text(paragraph: Any) -> str:
    """A Word paragraph's visible text (not field codes, not deleted runs, not nested text boxes' paragraphs)."""
    parts = []
    for node in paragraph.iter(_W_T, _W_TAB, _W_BR, _W_CR):
        if next(node.iterancestors(_W_P), None) is not paragraph:
            continue
        if node.tag == _W_T:
            parts.append(node.text or "")
        else:
            parts.append("\t" if node.tag == _W_TAB else "\n")
    return "".join(parts)


def _docx(data: bytes, max_chars: int, _max_pages: int) -> Extraction:
    from docx import Document  # noqa: PLC0415

    body = Document(io.BytesIO(data)).element.body
    out = _Collector(max_chars)
    # Every paragraph in document order: body text, table cells (nested tables too) and text boxes.
    for paragraph in body.iter(_W_P):
        if next(paragraph.iterancestors(_MC_FALLBACK), None) is not None:
            continue
        if not out.add(_paragraph_text(paragraph)):
            break
    return Extraction(text=out.text(), truncated=out.truncated)


def _plain(data: bytes, max_chars: int, _max_pages: int) -> Extraction:
    text = data.decode("utf-8", errors="replace").removeprefix("\ufeff")
    truncated = len(text) > max_chars
    return Extraction(text=_clean(text[:max_chars]).strip(), truncated=truncated)


def _json_strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)


def _json(data: bytes, max_chars: int, max_pages: int) -> Extraction:
    try:
        document = msgspec.json.decode(data)
    except msgspec.DecodeError:
        return _plain(data, max_chars, max_pages)  # not valid JSON: its words are still worth finding
    out = _Collector(max_chars)
    for text in _json_strings(document):
        if not out.add(text):
            break
    return Extraction(text=out.text(), truncated=out.truncated)


_Parser = Callable[[bytes, int, int], Extraction]
_OFFICE = frozenset({media_types.PPTX, media_types.DOCX})
PARSERS: dict[str, _Parser] = {
    media_types.PDF: _pdf,
    media_types.PPTX: _pptx,
    media_types.DOCX: _docx,
    media_types.TEXT: _plain,
    media_types.MARKDOWN: _plain,
    media_types.CSV: _plain,
    media_types.JSON: _json,
}


def has_text(content_type: str) -> bool:
    """Whether files of this type have text Canon extracts (images, zips and video have none)."""
    return sniff.normalise(content_type) in PARSERS


def extract_bytes(data: bytes, content_type: str, *, max_chars: int, max_pages: int) -> Extraction:
    """The text of `data` read as `content_type`. Never raises (MemoryError included)."""
    media_type = sniff.normalise(content_type)
    parser = PARSERS.get(media_type)
    if parser is None:
        return EMPTY
    if media_type in _OFFICE and (refusal := _check_archive(data)) is not None:
        return failed(refusal)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # parsers warn about sloppy files they still read
            return parser(data, max_chars, max_pages)
    except MemoryError:
        return failed("the file needs more memory to read than extraction may use")
    except RecursionError:
        return failed("the file is nested too deeply to read")
    except Exception as exc:  # any parser fault is the file's: record it, never crash the worker
        logging.getLogger(__name__).debug("extraction failed", exc_info=True)
        return failed(f"the file could not be read as {media_type}: {type(exc).__name__}: {exc}"[:500])
