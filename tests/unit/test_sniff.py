"""Sniffing: a declared Content-Type is accepted only when the file's first bytes agree with it."""

from __future__ import annotations

import pytest

from service.blobs.sniff import ACCEPTED_TYPES, normalise, sniffer_for
from service.domain.errors import UnsupportedMediaType

PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

PDF_HEAD = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"
ZIP_HEAD = b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00[Content_Types].xml"
PNG_HEAD = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
JPEG_HEAD = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"
GIF_HEAD = b"GIF89a\x01\x00\x01\x00\x80\x00\x00"
WEBP_HEAD = b"RIFF\x24\x00\x00\x00WEBPVP8 "
MP4_HEAD = b"\x00\x00\x00\x20ftypisom\x00\x00\x02\x00"
SVG_PLAIN = b'<svg xmlns="http://www.w3.org/2000/svg" width="10"/>'
SVG_FULL = (
    b'\xef\xbb\xbf  <?xml version="1.0" encoding="UTF-8"?>\n<!-- Generator: Adobe Illustrator -->\n'
    b'<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd" [\n'
    b'  <!ENTITY ns "http://www.w3.org/2000/svg">\n]>\n<svg\n  version="1.1">'
)
TEXT_HEAD = "Positioning — “Canon” für alle\n".encode()

ACCEPTED = [
    ("application/pdf", PDF_HEAD),
    ("Application/PDF; name=deck.pdf", PDF_HEAD),
    (PPTX, ZIP_HEAD),
    (DOCX, ZIP_HEAD),
    (XLSX, ZIP_HEAD),
    ("application/zip", ZIP_HEAD),
    ("application/zip", b"PK\x05\x06" + bytes(18)),  # an empty archive
    ("image/png", PNG_HEAD),
    ("image/jpeg", JPEG_HEAD),
    ("image/gif", GIF_HEAD),
    ("image/gif", b"GIF87a\x01\x00"),
    ("image/webp", WEBP_HEAD),
    ("image/svg+xml", SVG_PLAIN),
    ("image/svg+xml", SVG_FULL),
    ("image/svg+xml", b"<?xml version='1.0'?><svg>"),
    ("text/plain", TEXT_HEAD),
    ("text/plain; charset=UTF-8", TEXT_HEAD),
    ("text/plain", b""),
    ("text/plain", "Ünïcödé".encode()[:-1]),  # a multi-byte sequence cut off by the end of the head
    ("text/markdown", b"# Title\n\n- item\n"),
    ("text/csv", b"lead,score\nacme,61\n"),
    ("application/json", b'{"stage": "MQL"}'),
    ("video/mp4", MP4_HEAD),
]


@pytest.mark.parametrize(("declared", "head"), ACCEPTED)
def test_matching_heads_are_accepted(declared: str, head: bytes) -> None:
    sniffer_for(declared)(head)


WRONG_TYPE = "The file was declared as {}, which must be {}, but {}."
AS_PDF = "a PDF document (starting with %PDF-)"

REFUSED = [
    ("image/png", PDF_HEAD, WRONG_TYPE.format("image/png", "a PNG image", "it looks like a PDF document")),
    ("application/pdf", ZIP_HEAD, WRONG_TYPE.format("application/pdf", AS_PDF, "it looks like a zip archive")),
    ("application/pdf", b"", WRONG_TYPE.format("application/pdf", AS_PDF, "it is not")),
    ("application/pdf", b"  %PDF-1.7", WRONG_TYPE.format("application/pdf", AS_PDF, "it is not")),
    (
        PPTX,
        PDF_HEAD,
        WRONG_TYPE.format(PPTX, "a PowerPoint presentation (a zip archive)", "it looks like a PDF document"),
    ),
    (DOCX, PNG_HEAD, WRONG_TYPE.format(DOCX, "a Word document (a zip archive)", "it looks like a PNG image")),
    (XLSX, b"lead,score\n", WRONG_TYPE.format(XLSX, "an Excel workbook (a zip archive)", "it is not")),
    ("application/zip", GIF_HEAD, WRONG_TYPE.format("application/zip", "a zip archive", "it looks like a GIF image")),
    ("image/jpeg", PNG_HEAD, WRONG_TYPE.format("image/jpeg", "a JPEG image", "it looks like a PNG image")),
    ("image/gif", JPEG_HEAD, WRONG_TYPE.format("image/gif", "a GIF image", "it looks like a JPEG image")),
    ("image/webp", b"RIFF\x24\x00\x00\x00WAVEfmt ", WRONG_TYPE.format("image/webp", "a WebP image", "it is not")),
    ("video/mp4", WEBP_HEAD, WRONG_TYPE.format("video/mp4", "an MP4 video", "it looks like a WebP image")),
    ("text/plain", PDF_HEAD, WRONG_TYPE.format("text/plain", "UTF-8 text", "it looks like a PDF document")),
    ("text/csv", ZIP_HEAD, WRONG_TYPE.format("text/csv", "UTF-8 text", "it looks like a zip archive")),
    ("text/plain", b"abc\x00def", WRONG_TYPE.format("text/plain", "UTF-8 text", "it is not")),
    ("text/markdown", b"caf\xe9 latin-1", WRONG_TYPE.format("text/markdown", "UTF-8 text", "it is not")),
    ("text/plain", b"\xff\xfeh\x00i\x00", WRONG_TYPE.format("text/plain", "UTF-8 text", "it is not")),  # UTF-16
    ("application/json", b"\x80{}", WRONG_TYPE.format("application/json", "UTF-8 text", "it is not")),
]

AS_SVG = "an SVG image (XML text with an <svg> root element)"
REFUSED += [
    ("image/svg+xml", head, WRONG_TYPE.format("image/svg+xml", AS_SVG, seen))
    for head, seen in [
        (PNG_HEAD, "it looks like a PNG image"),
        (b"<html><svg></svg></html>", "it is not"),
        (b"<?xml version='1.0'?><html/>", "it is not"),
        (b"<?xml version='1.0'", "it is not"),  # the declaration never ends within the head
        (b"<!-- a comment that never ends", "it is not"),
        (b"<svgx/>", "it is not"),
        (b"", "it is not"),
        (b"<svg \x00>", "it is not"),
    ]
]


@pytest.mark.parametrize(("declared", "head", "message"), REFUSED)
def test_contradicting_heads_are_refused(declared: str, head: bytes, message: str) -> None:
    with pytest.raises(UnsupportedMediaType) as refused:
        sniffer_for(declared)(head)
    assert refused.value.detail == message


@pytest.mark.parametrize("declared", ["application/octet-stream", "text/html", "image/jpg", "", "application/x-pdf"])
def test_types_canon_does_not_accept_are_refused_whatever_the_bytes(declared: str) -> None:
    with pytest.raises(UnsupportedMediaType) as refused:
        sniffer_for(declared)(PDF_HEAD)
    assert refused.value.detail == (
        f"Files of type '{normalise(declared)}' are not accepted; accepted types are: "
        "application/json, application/pdf, application/vnd.openxmlformats-officedocument.presentationml.presentation, "
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet, "
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document, application/zip, image/gif, "
        "image/jpeg, image/png, image/svg+xml, image/webp, text/csv, text/markdown, text/plain, video/mp4."
    )


@pytest.mark.parametrize(
    ("content_type", "expected"),
    [
        ("application/pdf", "application/pdf"),
        ("  Text/Plain ; charset=utf-8", "text/plain"),
        ("IMAGE/SVG+XML", "image/svg+xml"),
        ("text/csv;header=present", "text/csv"),
        ("", ""),
    ],
)
def test_normalise_keeps_the_bare_lower_case_media_type(content_type: str, expected: str) -> None:
    assert normalise(content_type) == expected


def test_every_accepted_type_is_already_normalised() -> None:
    assert len(ACCEPTED_TYPES) == 15
    assert all(normalise(media_type) == media_type for media_type in ACCEPTED_TYPES)
