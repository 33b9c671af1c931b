"""Text extraction from asset files (PDF, PPTX, DOCX, Markdown, plain text, CSV, JSON) for search.

`text.extract_text` reads a blob and parses it in a worker process with size, time, page and character caps;
`task.AssetTextExtraction` is the worker loop that records every asset file's text in `asset_texts` (by digest and
content type).
"""

from __future__ import annotations

from service.extract.formats import Extraction
from service.extract.text import extract_text

__all__ = ["Extraction", "extract_text"]
