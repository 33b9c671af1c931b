"""The file types Canon accepts as collateral: the contract lists them, `service/blobs/sniff.py` checks files
against them."""

from __future__ import annotations

PDF = "application/pdf"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP = "application/zip"
PNG = "image/png"
JPEG = "image/jpeg"
GIF = "image/gif"
WEBP = "image/webp"
SVG = "image/svg+xml"
TEXT = "text/plain"
MARKDOWN = "text/markdown"
CSV = "text/csv"
JSON = "application/json"
MP4 = "video/mp4"

ACCEPTED: tuple[str, ...] = (PDF, PPTX, DOCX, XLSX, ZIP, PNG, JPEG, GIF, WEBP, SVG, TEXT, MARKDOWN, CSV, JSON, MP4)


def _literal(media_type: str) -> str:
    """`media_type` as a regular expression both Python and ECMA-262 (JSON Schema's dialect) read the same way."""
    return media_type.replace(".", r"\.").replace("+", r"\+")


# A Content-Type naming one of them, with parameters (`text/plain; charset=utf-8`) or without. The server also takes
# other letter cases; the contract states the canonical one.
ACCEPTED_PATTERN = "^(?:" + "|".join(_literal(media_type) for media_type in sorted(ACCEPTED)) + r")\s*(?:;.*)?$"
