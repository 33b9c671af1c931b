"""The member names of a zip archive held in a blob, read from its central directory with ranged reads.

A zip archive lists its members at its end (the central directory, located by the end-of-central-directory record
and, past 4 GiB or 65 535 members, by the ZIP64 records before it): two ranged reads (the last 64 KiB or so, then
the directory when the tail does not already hold it) name every member without reading the rest of the file. The
directory is found as `zipfile` finds it (right before the end records), so the names are the ones Python's Office
readers would see.
"""

from __future__ import annotations

import struct

from service.blobs.base import BlobStore

_END = b"PK\x05\x06"
_END_SIZE = 22
_MAX_COMMENT = 0xFFFF
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_LOCATOR_SIZE = 20
_ZIP64_END = b"PK\x06\x06"
_ZIP64_END_SIZE = 56
_ENTRY = b"PK\x01\x02"
_ENTRY_SIZE = 46
_UTF8_NAMES = 0x800  # general purpose flag bit 11: the name is UTF-8 (cp437 otherwise)
_TAIL = _END_SIZE + _MAX_COMMENT + _ZIP64_LOCATOR_SIZE + _ZIP64_END_SIZE

# A directory larger than this (about 300 000 members) is not read: no Office document comes near it.
MAX_DIRECTORY_BYTES = 16 * 1024 * 1024


class UnreadableArchive(Exception):
    """The bytes are not a zip archive whose central directory can be read (truncated, damaged, or too large)."""


async def _read(blobs: BlobStore, key: str, start: int, end: int) -> bytes:
    buffer = bytearray()
    stream = blobs.read(key, start, end)
    try:
        async for chunk in stream:
            buffer += chunk
    finally:
        aclose = getattr(stream, "aclose", None)  # close the store's file or connection now, not at GC
        if aclose is not None:
            await aclose()
    return bytes(buffer)


def _find_end(tail: bytes) -> int | None:
    """Where the end-of-central-directory record starts in `tail`: the last one whose comment ends the file, else
    (bytes after the comment) the last one with room for its fixed fields, as `zipfile` picks it."""
    candidate = len(tail) - _END_SIZE
    lowest = max(len(tail) - _END_SIZE - _MAX_COMMENT, 0)
    fallback = None
    while candidate >= lowest:
        candidate = tail.rfind(_END, lowest, candidate + 4)
        if candidate < 0:
            break
        comment = struct.unpack_from("<H", tail, candidate + 20)[0]
        if candidate + _END_SIZE + comment == len(tail):
            return candidate
        if fallback is None:
            fallback = candidate
        candidate -= 1
    return fallback


def _directory_span(tail: bytes, tail_start: int) -> tuple[int, int]:
    """The central directory's `[start, end)` in the file."""
    end = _find_end(tail)
    if end is None:
        raise UnreadableArchive("no end-of-central-directory record")
    size = struct.unpack_from("<L", tail, end + 12)[0]
    directory_end = tail_start + end
    locator = end - _ZIP64_LOCATOR_SIZE
    if locator >= 0 and tail[locator : locator + 4] == _ZIP64_LOCATOR:
        record = locator - _ZIP64_END_SIZE
        if record < 0 or tail[record : record + 4] != _ZIP64_END:
            raise UnreadableArchive("a ZIP64 locator without its end-of-central-directory record")
        size = struct.unpack_from("<Q", tail, record + 40)[0]
        directory_end = tail_start + record
    start = directory_end - size
    if start < 0:
        raise UnreadableArchive("the central directory would start before the file")
    if size > MAX_DIRECTORY_BYTES:
        raise UnreadableArchive(f"a central directory of {size} bytes")
    return start, directory_end


def _names(directory: bytes) -> list[str]:
    names = []
    position = 0
    while position < len(directory):
        if directory[position : position + 4] != _ENTRY or position + _ENTRY_SIZE > len(directory):
            raise UnreadableArchive("a damaged central directory entry")
        flags = struct.unpack_from("<H", directory, position + 8)[0]
        name_length, extra_length, comment_length = struct.unpack_from("<3H", directory, position + 28)
        start = position + _ENTRY_SIZE
        raw = directory[start : start + name_length]
        names.append(raw.decode("utf-8" if flags & _UTF8_NAMES else "cp437", errors="replace"))
        position = start + name_length + extra_length + comment_length
    if position != len(directory):
        raise UnreadableArchive("a truncated central directory")
    return names


async def member_names(blobs: BlobStore, key: str, size: int) -> list[str]:
    """The names of the members of the zip archive stored under `key` (`size` bytes), in directory order.

    Raises UnreadableArchive when no central directory can be read; whatever the store raises (BlobMissing,
    BlobUnavailable) passes through.
    """
    tail_start = max(size - _TAIL, 0)
    tail = await _read(blobs, key, tail_start, size)
    start, end = _directory_span(tail, tail_start)
    if start >= tail_start:
        directory = tail[start - tail_start : end - tail_start]
    else:
        directory = await _read(blobs, key, start, end)
    if len(directory) != end - start:
        raise UnreadableArchive("the file is shorter than its central directory says")
    return _names(directory)
