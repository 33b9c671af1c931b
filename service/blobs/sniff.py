"""Check a file against the Content-Type it was declared with: its first bytes before anything is stored, and for
Office documents the parts its archive lists once it is stored.

Canon accepts a short list of collateral formats. A declared type outside that list, or first bytes that contradict
the declared type (a PDF sent as `image/png`, a zip sent as `application/pdf`, binary sent as `text/plain`), is
refused with `UnsupportedMediaType` (415). DOCX, PPTX and XLSX all start as zip archives: `check_contents` tells them
apart by the parts the archive's directory lists (`[Content_Types].xml` and `word/document.xml`,
`ppt/presentation.xml` or `xl/workbook.xml`), so a Word document sent as a presentation is refused too. These checks
keep mislabelled files out; they do not prove a file is well formed or harmless (an archive whose directory cannot be
read at all is let through, as before: extraction records it as broken).
"""

from __future__ import annotations

import codecs
from collections.abc import Callable, Collection

from service.blobs import archive
from service.blobs.base import BlobStore, Sniffer
from service.domain import media_types
from service.domain.errors import UnsupportedMediaType
from service.domain.media_types import (
    CSV,
    DOCX,
    GIF,
    JPEG,
    JSON,
    MARKDOWN,
    MP4,
    PDF,
    PNG,
    PPTX,
    SVG,
    TEXT,
    WEBP,
    XLSX,
    ZIP,
)

_ZIP_MAGIC = b"PK\x03\x04"
_EMPTY_ZIP_MAGIC = b"PK\x05\x06"


def _is_pdf(head: bytes) -> bool:
    return head.startswith(b"%PDF-")


def _is_zip(head: bytes) -> bool:
    return head.startswith(_ZIP_MAGIC)


def _is_png(head: bytes) -> bool:
    return head.startswith(b"\x89PNG\r\n\x1a\n")


def _is_jpeg(head: bytes) -> bool:
    return head.startswith(b"\xff\xd8\xff")


def _is_gif(head: bytes) -> bool:
    return head.startswith((b"GIF87a", b"GIF89a"))


def _is_webp(head: bytes) -> bool:
    return head[:4] == b"RIFF" and head[8:12] == b"WEBP"


def _is_mp4(head: bytes) -> bool:
    return head[4:8] == b"ftyp"


# What a head looks like, for messages: the first match names the actual format.
_BINARY_FORMATS: tuple[tuple[Callable[[bytes], bool], str], ...] = (
    (_is_pdf, "a PDF document"),
    (_is_zip, "a zip archive"),
    (_is_png, "a PNG image"),
    (_is_jpeg, "a JPEG image"),
    (_is_gif, "a GIF image"),
    (_is_webp, "a WebP image"),
    (_is_mp4, "an MP4 video"),
)


def _looks_like(head: bytes) -> str | None:
    return next((name for test, name in _BINARY_FORMATS if test(head)), None)


def _utf8_text(head: bytes) -> str | None:
    """The head decoded as UTF-8 text, or None when it is not text (invalid UTF-8, or a NUL byte).

    A multi-byte sequence cut off at the very end is allowed: the head is usually a prefix of a longer file.
    """
    if b"\x00" in head:
        return None
    try:
        return codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return None


def _is_text(head: bytes) -> bool:
    return _looks_like(head) is None and _utf8_text(head) is not None


def _skip_past(text: str, start: int, terminator: str) -> int | None:
    end = text.find(terminator, start)
    return None if end < 0 else end + len(terminator)


def _skip_doctype(text: str, start: int) -> int | None:
    # `<!DOCTYPE svg PUBLIC "..." "..." [ <!ENTITY ...> ]>`: an internal subset may contain `>`.
    close = text.find(">", start)
    bracket = text.find("[", start)
    if 0 <= bracket < close:
        return _skip_past(text, bracket, "]>")
    return None if close < 0 else close + 1


def _is_svg(head: bytes) -> bool:
    """Text whose first element, after an optional BOM, whitespace, XML declaration, comments, processing
    instructions and a doctype, is `<svg`."""
    if _looks_like(head) is not None:
        return False
    text = _utf8_text(head)
    if text is None:
        return False
    position: int | None = 1 if text.startswith("\ufeff") else 0
    while position is not None and position < len(text):
        while position < len(text) and text[position].isspace():
            position += 1
        rest = text[position : position + 9]
        if rest.startswith("<?"):
            position = _skip_past(text, position, "?>")
        elif rest.startswith("<!--"):
            position = _skip_past(text, position, "-->")
        elif rest.upper().startswith("<!DOCTYPE"):
            position = _skip_doctype(text, position)
        else:
            after = text[position + 4 : position + 5]
            return text.startswith("<svg", position) and (after == "" or after in "/>" or after.isspace())
    return False


_RULES: dict[str, tuple[Callable[[bytes], bool], str]] = {
    PDF: (_is_pdf, "a PDF document (starting with %PDF-)"),
    PPTX: (_is_zip, "a PowerPoint presentation (a zip archive)"),
    DOCX: (_is_zip, "a Word document (a zip archive)"),
    XLSX: (_is_zip, "an Excel workbook (a zip archive)"),
    ZIP: (lambda head: head.startswith((_ZIP_MAGIC, _EMPTY_ZIP_MAGIC)), "a zip archive"),
    PNG: (_is_png, "a PNG image"),
    JPEG: (_is_jpeg, "a JPEG image"),
    GIF: (_is_gif, "a GIF image"),
    WEBP: (_is_webp, "a WebP image"),
    SVG: (_is_svg, "an SVG image (XML text with an <svg> root element)"),
    TEXT: (_is_text, "UTF-8 text"),
    MARKDOWN: (_is_text, "UTF-8 text"),
    CSV: (_is_text, "UTF-8 text"),
    JSON: (_is_text, "UTF-8 text"),
    MP4: (_is_mp4, "an MP4 video"),
}

ACCEPTED_TYPES: frozenset[str] = frozenset(_RULES)
assert frozenset(media_types.ACCEPTED) == ACCEPTED_TYPES, "a rule for each accepted type, and only for those"
_ACCEPTED_LIST = ", ".join(sorted(ACCEPTED_TYPES))


def normalise(content_type: str) -> str:
    """The bare media type: parameters (`; charset=utf-8`) dropped, whitespace stripped, lower-cased."""
    return content_type.split(";", 1)[0].strip().lower()


def sniffer_for(declared_type: str) -> Sniffer:
    """A `Sniffer` that refuses (UnsupportedMediaType) a file whose first bytes contradict `declared_type`.

    A declared type Canon does not accept is refused by the returned sniffer whatever the bytes; callers that want to
    refuse before reading the body check `normalise(declared_type) in ACCEPTED_TYPES` first.
    """
    media_type = normalise(declared_type)
    rule = _RULES.get(media_type)
    if rule is None:

        def refuse(head: bytes) -> None:
            raise UnsupportedMediaType(
                f"Files of type '{media_type}' are not accepted; accepted types are: {_ACCEPTED_LIST}."
            )

        return refuse

    matches, expected = rule

    def sniff(head: bytes) -> None:
        if matches(head):
            return
        actual = _looks_like(head)
        seen = f"it looks like {actual}" if actual else "it is not"
        raise UnsupportedMediaType(f"The file was declared as {media_type}, which must be {expected}, but {seen}.")

    return sniff


# Office documents: zip archives holding a content types part and the main part of their format. Part names are
# compared case-insensitively, as OPC packages name them.
_CONTENT_TYPES_PART = "[Content_Types].xml"
_OFFICE: dict[str, tuple[str, str]] = {
    DOCX: ("word/document.xml", "a Word document"),
    PPTX: ("ppt/presentation.xml", "a PowerPoint presentation"),
    XLSX: ("xl/workbook.xml", "an Excel workbook"),
}
OFFICE_TYPES: frozenset[str] = frozenset(_OFFICE)


def office_types(names: Collection[str]) -> list[str]:
    """The Office types whose parts an archive with these member names holds (sorted; normally none or one)."""
    parts = {name.lower() for name in names}
    if _CONTENT_TYPES_PART.lower() not in parts:
        return []
    return sorted(media_type for media_type, (main, _) in _OFFICE.items() if main in parts)


def check_office_parts(declared_type: str, names: Collection[str]) -> None:
    """Refuse (UnsupportedMediaType) an archive with these member names unless it is exactly the declared Office
    document; types other than DOCX, PPTX and XLSX pass."""
    media_type = normalise(declared_type)
    if media_type not in _OFFICE:
        return
    found = office_types(names)
    if found == [media_type]:
        return
    main, kind = _OFFICE[media_type]
    expected = f"{kind} (a zip archive holding {_CONTENT_TYPES_PART} and {main})"
    if not found:
        actual = "it is a zip archive without those parts"
    elif len(found) == 1:
        actual = f"it is {_OFFICE[found[0]][1]} ({found[0]})"
    else:
        actual = f"it holds the parts of several Office documents ({', '.join(found)})"
    raise UnsupportedMediaType(f"The file was declared as {media_type}, which must be {expected}, but {actual}.")


async def check_contents(blobs: BlobStore, key: str, size: int, declared_type: str) -> None:
    """Refuse (UnsupportedMediaType) a stored file whose contents contradict `declared_type` where its first bytes
    could not tell: a DOCX, PPTX or XLSX must list its own format's parts, and no other format's, in its archive's
    directory (read with ranged reads, never the whole file). Other types pass without a read; so does an archive
    whose directory cannot be read (no Office reader can open it either: extraction records it as broken).
    """
    media_type = normalise(declared_type)
    if media_type not in _OFFICE:
        return
    try:
        names = await archive.member_names(blobs, key, size)
    except archive.UnreadableArchive:
        return
    check_office_parts(media_type, names)
