"""Text extraction from real PDF, PPTX and DOCX files (built by the tests), text formats, broken files and caps.

These call the parsers in-process; `tests/integration/test_asset_text_extraction.py` covers the worker processes,
the deadline, the blob store and the worker loop.
"""

from __future__ import annotations

import io
import zipfile

import pytest

from service.blobs import sniff
from service.extract import formats
from service.extract.formats import Extraction, extract_bytes, has_text
from tests.documents import make_docx, make_pdf, make_pptx


def extract(data: bytes, content_type: str, *, max_chars: int = 1_000_000, max_pages: int = 500) -> Extraction:
    return extract_bytes(data, content_type, max_chars=max_chars, max_pages=max_pages)


def lines(result: Extraction) -> list[str]:
    return result.text.split("\n")


# --- formats --------------------------------------------------------------------------------------------------------


def test_a_pptx_gives_slide_text_tables_grouped_shapes_and_speaker_notes() -> None:
    deck = make_pptx(
        title="Pricing that scales",
        table=[["Plan", "Price"], ["Team", "49 EUR"]],
        grouped=["Grouped claim about pipeline", "Nested group: qualified lead"],
        notes="Speaker notes: mention the MQL definition",
        extra_slides=["Second slide about churn"],
    )

    result = extract(deck, sniff.PPTX)

    assert result.error is None
    assert not result.truncated
    assert result.pages == 2
    assert lines(result) == [
        "Pricing that scales",
        "Plan",
        "Price",
        "Team",
        "49 EUR",
        "Grouped claim about pipeline",
        "Nested group: qualified lead",
        "Speaker notes: mention the MQL definition",
        "Second slide about churn",
    ]


def test_a_docx_gives_paragraphs_and_tables_in_document_order() -> None:
    document = make_docx(
        ["Onboarding guide", "Every seller reads this first.", "Qualified leads go to sales."],
        table=[["Stage", "Owner"], ["MQL", "Marketing"]],
        nested=[["inner cell"]],
    )

    result = extract(document, sniff.DOCX)

    assert result.error is None
    assert result.pages is None
    assert lines(result) == [
        "Onboarding guide",
        "Every seller reads this first.",
        "Qualified leads go to sales.",
        "Stage",
        "inner cell",
        "Owner",
        "MQL",
        "Marketing",
    ]


def test_a_pdf_gives_the_text_of_every_page() -> None:
    pdf = make_pdf(["Marketing qualified lead (MQL)\nFit and engagement", "Café pricing — page two"])

    result = extract(pdf, sniff.PDF)

    assert result == Extraction(
        text="Marketing qualified lead (MQL)\nFit and engagement\nCafé pricing — page two", pages=2
    )


@pytest.mark.parametrize("content_type", [sniff.TEXT, sniff.MARKDOWN, sniff.CSV, "text/markdown; charset=utf-8"])
def test_text_formats_decode_as_utf8_with_replacement(content_type: str) -> None:
    data = "\ufeff# Battlecard\n\nWhy we win: ünified data\n".encode() + b"bad byte \xff end"

    result = extract(data, content_type)

    assert result.error is None
    assert result.text == "# Battlecard\n\nWhy we win: ünified data\nbad byte \ufffd end"


def test_json_gives_its_strings_and_invalid_json_its_raw_text() -> None:
    data = b'{"title": "Objection handling", "items": [{"q": "Too expensive?", "n": 3}, true, null]}'
    assert extract(data, sniff.JSON).text == "Objection handling\nToo expensive?"
    assert extract(b"{not json: qualified lead", sniff.JSON).text == "{not json: qualified lead"


@pytest.mark.parametrize("content_type", [sniff.PNG, sniff.JPEG, sniff.ZIP, sniff.MP4, sniff.SVG, sniff.XLSX, "x/y"])
def test_images_archives_and_video_have_no_text_and_no_error(content_type: str) -> None:
    assert not has_text(content_type)
    assert extract(b"\x89PNG\r\n\x1a\nanything", content_type) == Extraction(text="")


def test_nul_characters_never_reach_the_text() -> None:
    # PostgreSQL text cannot hold NUL.
    assert extract(b'{"a": "nul\\u0000here"}', sniff.JSON).text == "nulhere"
    assert extract(b"nul\x00here", sniff.TEXT).text == "nulhere"


# --- broken files ---------------------------------------------------------------------------------------------------


def _zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


@pytest.mark.parametrize(
    ("content_type", "data", "error"),
    [
        (sniff.PDF, b"%PDF-1.7\nthis is not really a PDF", "could not be read as application/pdf"),
        (sniff.PPTX, b"PK\x03\x04 truncated zip", "broken zip archive"),
        (sniff.DOCX, b"PK\x03\x04 truncated zip", "broken zip archive"),
        (sniff.PPTX, _zip({"hello.txt": b"not a presentation"}), "could not be read as application/vnd"),
        (sniff.DOCX, _zip({"[Content_Types].xml": b"<broken"}), "could not be read as application/vnd"),
    ],
)
def test_a_file_that_cannot_be_read_gives_an_error_and_never_raises(content_type: str, data: bytes, error: str) -> None:
    result = extract(data, content_type)
    assert result.text == ""
    assert result.error is not None
    assert error in result.error
    assert not result.retry


def test_an_office_file_that_unpacks_past_the_limit_is_refused_unread(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(formats, "MAX_UNPACKED_BYTES", 1000)
    bomb = _zip({"ppt/slides/slide1.xml": b" " * 5000})
    result = extract(bomb, sniff.PPTX)
    assert result.error is not None
    assert "unpacks to 5000 bytes" in result.error


def test_a_pdf_whose_pages_cannot_be_read_reports_it() -> None:
    pdf = make_pdf(["readable"]).replace(b"/Contents 4 0 R", b"/Contents 99 0 R")
    result = extract(pdf, sniff.PDF)
    assert result.text == ""
    assert result.pages == 1


@pytest.mark.parametrize(("user_password", "expected"), [("secret", None), ("", "locked text")])
def test_an_encrypted_pdf_is_read_only_when_it_opens_without_a_password(
    user_password: str, expected: str | None
) -> None:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(make_pdf(["locked text"]))))
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="RC4-128")
    out = io.BytesIO()
    writer.write(out)

    result = extract(out.getvalue(), sniff.PDF)

    if expected is None:
        assert (result.text, result.error) == ("", "the PDF is encrypted")
    else:
        assert (result.text, result.error) == (expected, None)


# --- caps -----------------------------------------------------------------------------------------------------------


def test_text_is_cut_at_max_chars() -> None:
    result = extract(b"abcdefghij" * 10, sniff.TEXT, max_chars=25)
    assert result == Extraction(text="abcdefghijabcdefghijabcde", truncated=True)
    assert extract(b"short", sniff.TEXT, max_chars=5) == Extraction(text="short")


def test_text_that_exactly_fills_max_chars_is_not_truncated() -> None:
    assert extract(make_pdf(["12345", "67890"]), sniff.PDF, max_chars=11) == Extraction(text="12345\n67890", pages=2)
    assert extract(make_pdf(["12345", "67890"]), sniff.PDF, max_chars=10).truncated


def test_pdf_pages_past_max_pages_are_not_read() -> None:
    result = extract(make_pdf(["first page", "second page", "third page"]), sniff.PDF, max_pages=2)
    assert result == Extraction(text="first page\nsecond page", truncated=True, pages=3)


def test_pptx_slides_past_max_pages_are_not_read() -> None:
    deck = make_pptx(title="one", extra_slides=["two", "three"])
    result = extract(deck, sniff.PPTX, max_pages=1)
    assert result == Extraction(text="one", truncated=True, pages=3)


@pytest.mark.parametrize(
    ("content_type", "data"),
    [
        (sniff.PDF, make_pdf(["alpha beta gamma", "delta epsilon"])),
        (sniff.PPTX, make_pptx(title="alpha beta gamma", notes="delta epsilon")),
        (sniff.DOCX, make_docx(["alpha beta gamma", "delta epsilon"])),
        (sniff.JSON, b'["alpha beta gamma", "delta epsilon"]'),
    ],
)
def test_every_structured_format_stops_at_max_chars(content_type: str, data: bytes) -> None:
    result = extract(data, content_type, max_chars=20)
    assert result.truncated
    assert result.text == "alpha beta gamma\ndel"
