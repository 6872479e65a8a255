"""The zip's central directory, bounded before zipfile parses it.

zipfile reads the whole central directory into memory and makes one ZipInfo per record,
whatever the end record says: a 93 MB archive of a million empty entries costs seconds and
~500 MB before any count can be checked. So the end record (and the zip64 one) is read
here, where zipfile will read it, and the directory is refused when it is larger than
10,000 entries can need, or when walking its records (a bounded read, no objects made)
counts more than 10,000. A refusal costs milliseconds and at most one bounded read.
"""

from __future__ import annotations

import struct
import zipfile
from typing import IO

from calibrate.core.sharing.errors import ArchiveTooLarge
from calibrate.core.sharing.manifest import MAX_ENTRIES, MAX_NAME_BYTES

_END = struct.Struct("<4s4H2LH")  # end of central directory: 22 bytes + comment
_LOCATOR = struct.Struct("<4sLQL")  # zip64 end locator, just before the end record
_END64 = struct.Struct("<4sQ2H2L4Q")  # zip64 end record, just before its locator
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")  # one central directory record: 46 bytes + names
MAX_EXTRA_BYTES = 256  # extra fields and comment of one record, on average (zip64: 28)
# The most 10,000 entries can need: 10,000 × (46 + 1,024 + 256) = 13,260,000 bytes.
MAX_CENTRAL_DIRECTORY = MAX_ENTRIES * (_CENTRAL.size + MAX_NAME_BYTES + MAX_EXTRA_BYTES)


class _Directory:
    """Where zipfile will find the central directory, and what the end record claims."""

    def __init__(self, start: int, size: int, entries: int):
        self.start, self.size, self.entries = start, size, entries


def check_directory(handle: IO[bytes], name: str) -> None:
    """Refuse a zip whose central directory holds more than MAX_ENTRIES records (or is
    larger than they can need); zipfile.BadZipFile when there is no readable one."""
    directory = _locate(handle)
    if directory.entries > MAX_ENTRIES:
        raise entries_refused(name, directory.entries)
    if directory.size > MAX_CENTRAL_DIRECTORY:
        raise ArchiveTooLarge(
            f"{name}: its zip directory is {directory.size:,} bytes, more than "
            f"{MAX_ENTRIES:,} entries can need ({MAX_CENTRAL_DIRECTORY:,}); refused"
        )
    handle.seek(directory.start)
    data = handle.read(directory.size)
    if len(data) != directory.size:
        raise zipfile.BadZipFile("the central directory is cut short")
    count = _count_records(data, name)
    if count != directory.entries:
        raise zipfile.BadZipFile("the end record's count is not the directory's")


def entries_refused(name: str, count: int) -> ArchiveTooLarge:
    return ArchiveTooLarge(
        f"{name}: holds {count:,} entries; a pack may hold at most {MAX_ENTRIES:,}; refused"
    )


def _count_records(data: bytes, name: str) -> int:
    """The records in the directory, walked by their lengths; refused past MAX_ENTRIES."""
    at = count = 0
    while at < len(data):
        if len(data) - at < _CENTRAL.size or data[at : at + 4] != b"PK\x01\x02":
            raise zipfile.BadZipFile("a central directory record is damaged")
        fields = _CENTRAL.unpack_from(data, at)
        at += _CENTRAL.size + fields[12] + fields[13] + fields[14]
        count += 1
        if count > MAX_ENTRIES:
            raise entries_refused(name, count)
    return count


def _locate(handle: IO[bytes]) -> _Directory:
    """The end record as zipfile.ZipFile finds it (Python 3.11's _EndRecData and
    _RealGetContents): at the very end, or the last signature in the final 64 KiB."""
    size = handle.seek(0, 2)
    if size < _END.size:
        raise zipfile.BadZipFile("too short to be a zip")
    handle.seek(max(0, size - _END.size - 0xFFFF))
    tail = handle.read()
    at = len(tail) - _END.size
    if not (tail[at : at + 4] == b"PK\x05\x06" and tail[-2:] == b"\0\0"):
        at = tail.rfind(b"PK\x05\x06")
        if at < 0 or at + _END.size > len(tail):
            raise zipfile.BadZipFile("no end of central directory record")
    end_at = size - len(tail) + at
    fields = _END.unpack_from(tail, at)
    entries, cd_size, cd_offset = fields[4], fields[5], fields[6]
    directory_end = end_at
    if end_at >= _LOCATOR.size + _END64.size:
        handle.seek(end_at - _LOCATOR.size)
        locator = _LOCATOR.unpack(handle.read(_LOCATOR.size))
        if locator[0] == b"PK\x06\x07":
            handle.seek(end_at - _LOCATOR.size - _END64.size)
            end64 = _END64.unpack(handle.read(_END64.size))
            if end64[0] == b"PK\x06\x06":
                entries, cd_size, cd_offset = end64[7], end64[8], end64[9]
                directory_end = end_at - _LOCATOR.size - _END64.size
    start = directory_end - cd_size
    if start < 0 or cd_offset > start:
        raise zipfile.BadZipFile("the central directory lies outside the file")
    return _Directory(start, cd_size, entries)
