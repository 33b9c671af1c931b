"""Office documents are told apart by the parts their zip archive lists: the directory is read from a stored blob with
ranged reads (comments, ZIP64 and directories past the tail included), and a DOCX, PPTX or XLSX of another format than
declared is refused naming both types."""

from __future__ import annotations

import io
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from service.blobs import archive
from service.blobs.base import BlobInfo
from service.blobs.local import LocalBlobStore
from service.blobs.sniff import DOCX, PPTX, XLSX, check_contents, check_office_parts, office_types
from service.domain.errors import UnsupportedMediaType
from tests.documents import make_docx, make_pptx, make_xlsx

FILES = {DOCX: make_docx(["Renewal playbook"]), PPTX: make_pptx(), XLSX: make_xlsx()}
KINDS = {DOCX: "a Word document", PPTX: "a PowerPoint presentation", XLSX: "an Excel workbook"}
MAIN = {DOCX: "word/document.xml", PPTX: "ppt/presentation.xml", XLSX: "xl/workbook.xml"}


def _zip(members: dict[str, bytes], comment: bytes = b"") -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive_file:
        for name, data in members.items():
            archive_file.writestr(name, data)
        archive_file.comment = comment
    return out.getvalue()


class CountingStore(LocalBlobStore):
    """A local store that counts the bytes read from it."""

    def __init__(self, root: Path) -> None:
        super().__init__(root)
        self.bytes_read = 0

    async def read(self, key: str, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
        async for chunk in super().read(key, start, end):
            self.bytes_read += len(chunk)
            yield chunk


@pytest.fixture
def store(tmp_path: Path) -> CountingStore:
    return CountingStore(tmp_path)


async def _chunks(data: bytes) -> AsyncIterator[bytes]:
    yield data


async def _stored(store: LocalBlobStore, data: bytes) -> tuple[str, int]:
    stored = await store.put_stream(_chunks(data), content_type="application/zip", max_size=len(data) + 1)
    return stored.key, stored.size


def _names(data: bytes) -> list[str]:
    return zipfile.ZipFile(io.BytesIO(data)).namelist()


# --- reading an archive's directory ---------------------------------------------------------------------------------


@pytest.mark.parametrize("declared", sorted(FILES))
async def test_the_directory_of_a_real_office_file_names_its_parts(store: CountingStore, declared: str) -> None:
    data = FILES[declared]
    assert await archive.member_names(store, *await _stored(store, data)) == _names(data)


async def test_a_comment_after_the_directory_is_skipped(store: CountingStore) -> None:
    # The comment even holds the end record's signature: the record is the one whose comment ends the file.
    comment = b"Written by a tool that quotes PK\x05\x06 in its comment. " * 100
    data = _zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<workbook/>"}, comment=comment)
    assert await archive.member_names(store, *await _stored(store, data)) == ["[Content_Types].xml", "xl/workbook.xml"]


async def test_a_large_archive_is_read_by_its_tail_and_directory_only(store: CountingStore) -> None:
    # 70 000 members: past 65 535, so the archive has ZIP64 end records, and a directory far longer than the tail.
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as archive_file:
        archive_file.writestr("[Content_Types].xml", b"<Types/>")
        for number in range(70_000):
            archive_file.writestr(f"ppt/media/image{number}.bin", b"")
        archive_file.writestr("ppt/presentation.xml", b"<p:presentation/>" + bytes(4_000_000))
    data = out.getvalue()
    directory_start = zipfile.ZipFile(io.BytesIO(data)).start_dir
    key, size = await _stored(store, data)
    store.bytes_read = 0

    names = await archive.member_names(store, key, size)

    assert len(names) == 70_002
    assert (names[0], names[-1]) == ("[Content_Types].xml", "ppt/presentation.xml")
    assert office_types(names) == [PPTX]
    # The tail, then the directory: never the 4 MB member nor the local headers before the directory.
    assert size - directory_start <= store.bytes_read <= size - directory_start + archive._TAIL


@pytest.mark.parametrize(
    "data",
    [
        b"PK\x03\x04 not really an archive",
        _zip({"word/document.xml": b"<w/>"})[:-10],  # its end record cut off
        _zip({"word/document.xml": b"<w/>"})[200:],  # the start (and so the directory's offset) cut off
    ],
)
async def test_an_archive_without_a_readable_directory_is_unreadable(store: CountingStore, data: bytes) -> None:
    with pytest.raises(archive.UnreadableArchive):
        await archive.member_names(store, *await _stored(store, data))


# --- telling the formats apart --------------------------------------------------------------------------------------


@pytest.mark.parametrize("declared", sorted(FILES))
async def test_each_office_format_is_accepted_as_itself(store: CountingStore, declared: str) -> None:
    assert office_types(_names(FILES[declared])) == [declared]
    await check_contents(store, *await _stored(store, FILES[declared]), declared)


@pytest.mark.parametrize(("declared", "actual"), [(d, a) for d in sorted(FILES) for a in sorted(FILES) if d != a])
async def test_each_office_format_is_refused_as_another(store: CountingStore, declared: str, actual: str) -> None:
    with pytest.raises(UnsupportedMediaType) as refused:
        await check_contents(store, *await _stored(store, FILES[actual]), declared)
    assert refused.value.detail == (
        f"The file was declared as {declared}, which must be {KINDS[declared]} (a zip archive holding "
        f"[Content_Types].xml and {MAIN[declared]}), but it is {KINDS[actual]} ({actual})."
    )


@pytest.mark.parametrize(
    ("names", "found"),
    [
        (["[Content_Types].xml", "word/document.xml"], [DOCX]),
        (["[content_types].XML", "Word/Document.xml"], [DOCX]),  # part names are case-insensitive
        (["word/document.xml"], []),  # no content types part: not an Office package
        (["[Content_Types].xml", "docProps/app.xml"], []),
        (["[Content_Types].xml", "word/document.xml", "xl/workbook.xml"], sorted([DOCX, XLSX])),
        (["[Content_Types].xml", "word/embeddings/deck.pptx", "word/document.xml"], [DOCX]),
    ],
)
def test_the_parts_name_the_format(names: list[str], found: list[str]) -> None:
    assert office_types(names) == found


def test_archives_without_the_parts_or_with_several_formats_are_refused() -> None:
    with pytest.raises(UnsupportedMediaType) as plain:
        check_office_parts(XLSX, ["readme.txt"])
    assert plain.value.detail == (
        f"The file was declared as {XLSX}, which must be an Excel workbook (a zip archive holding "
        "[Content_Types].xml and xl/workbook.xml), but it is a zip archive without those parts."
    )
    with pytest.raises(UnsupportedMediaType) as both:
        check_office_parts(f"{DOCX}; charset=binary", ["[Content_Types].xml", "word/document.xml", "xl/workbook.xml"])
    several = ", ".join(sorted([DOCX, XLSX]))
    assert (both.value.detail or "").endswith(f"but it holds the parts of several Office documents ({several}).")
    check_office_parts("application/zip", ["readme.txt"])  # a zip is any archive


async def test_other_types_and_unreadable_archives_pass_as_before(store: CountingStore) -> None:
    class NoReads(LocalBlobStore):
        def read(self, key: str, start: int = 0, end: int | None = None) -> AsyncIterator[bytes]:
            raise AssertionError("nothing to read for this type")

        async def stat(self, key: str) -> BlobInfo | None:
            raise AssertionError("nothing to look up for this type")

    for declared in ("application/zip", "application/pdf", "text/plain"):
        await check_contents(NoReads(store.root), "blobs/id/00/" + "0" * 32, 10, declared)
    # No Office reader opens these either: extraction records them as broken, as it did.
    await check_contents(store, *await _stored(store, b"PK\x03\x04 not really a Word document"), DOCX)
