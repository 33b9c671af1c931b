"""Real PDF, PPTX, DOCX and XLSX files built in the tests: for text extraction, the search corpus and type checks.

PPTX and DOCX come from python-pptx and python-docx, XLSX from XlsxWriter (installed with python-pptx); the PDF is
written by hand (a catalog, a page tree, one page
per text with a Helvetica text object, a cross-reference table), small enough to read and valid for any reader.
"""

from __future__ import annotations

import io
from collections.abc import Sequence

import xlsxwriter  # type: ignore[import-untyped]  # installed with python-pptx (its charts need it)
from docx import Document
from pptx import Presentation
from pptx.util import Inches


def _pdf_string(text: str) -> bytes:
    """A PDF literal string in WinAnsiEncoding (Latin-1 covers the accented letters the tests use)."""
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    return b"(" + escaped.encode("cp1252") + b")"


def make_pdf(pages: Sequence[str]) -> bytes:
    """A PDF with one page per item of `pages`; each line of an item is a line of text on its page."""
    fonts = 3 + 2 * len(pages)
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids ["
        + b" ".join(f"{3 + 2 * i} 0 R".encode() for i in range(len(pages)))
        + f"] /Count {len(pages)} >>".encode(),
    ]
    for index, text in enumerate(pages):
        lines = b" T* ".join(_pdf_string(line) + b" Tj" for line in text.split("\n"))
        stream = b"BT /F1 12 Tf 14 TL 72 720 Td " + lines + b" ET"
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {4 + 2 * index} 0 R "
            f"/Resources << /Font << /F1 {fonts} 0 R >> >> >>".encode()
        )
        objects.append(f"<< /Length {len(stream)} >>\nstream\n".encode() + stream + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def make_pptx(
    *,
    title: str = "Quarterly pitch",
    table: Sequence[Sequence[str]] = (),
    grouped: Sequence[str] = (),
    notes: str = "",
    extra_slides: Sequence[str] = (),
) -> bytes:
    """A deck whose first slide has a title, optionally a table, a group (holding text boxes and a nested group
    holding the last of them) and speaker notes; then one slide per `extra_slides` text."""
    deck = Presentation()
    slide = deck.slides.add_slide(deck.slide_layouts[5])  # "Title Only"
    assert slide.shapes.title is not None
    slide.shapes.title.text = title
    if table:
        shape = slide.shapes.add_table(len(table), len(table[0]), Inches(1), Inches(2), Inches(6), Inches(2))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                shape.table.cell(r, c).text = value
    if grouped:
        group = slide.shapes.add_group_shape()
        for i, text in enumerate(grouped[:-1]):
            group.shapes.add_textbox(Inches(1), Inches(4 + i), Inches(3), Inches(1)).text_frame.text = text
        inner = group.shapes.add_group_shape()
        inner.shapes.add_textbox(Inches(5), Inches(4), Inches(3), Inches(1)).text_frame.text = grouped[-1]
    if notes:
        notes_frame = slide.notes_slide.notes_text_frame
        assert notes_frame is not None
        notes_frame.text = notes
    for text in extra_slides:
        extra = deck.slides.add_slide(deck.slide_layouts[6])  # "Blank"
        extra.shapes.add_textbox(Inches(1), Inches(1), Inches(6), Inches(1)).text_frame.text = text
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def make_docx(
    paragraphs: Sequence[str] = (), table: Sequence[Sequence[str]] = (), nested: Sequence[Sequence[str]] = ()
) -> bytes:
    """A Word document: a heading and `paragraphs`, then `table` (with `nested` as a table inside its first cell)."""
    document = Document()
    if paragraphs:
        document.add_heading(paragraphs[0], level=1)
    for text in paragraphs[1:]:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for r, row in enumerate(table):
            for c, value in enumerate(row):
                grid.cell(r, c).text = value
        if nested:
            inner = grid.cell(0, 0).add_table(rows=len(nested), cols=len(nested[0]))
            for r, row in enumerate(nested):
                for c, value in enumerate(row):
                    inner.cell(r, c).text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def make_xlsx(rows: Sequence[Sequence[str]] = (("Plan", "Seats"),), sheet: str = "Pricing") -> bytes:
    """An Excel workbook with one sheet holding `rows`."""
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True})
    worksheet = workbook.add_worksheet(sheet)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            worksheet.write_string(r, c, value)
    workbook.close()
    return out.getvalue()
