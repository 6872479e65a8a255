"""A CSV file's header and its rows one by one, with every limit checked (docs/metrics.md,
"Warnings, refusals and limits"): the csv module's reading, for the golden answers and for
ratings whose structure the scan found odd, naming the row of the first problem.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import IO, NamedTuple

from calibrate.core.errors import counted
from calibrate.tabular.limits import (
    MAX_COLUMNS,
    MAX_FIELD_BYTES,
    MAX_HEADER_BYTES,
    NUL,
    InputError,
    longest_row,
    one_line,
    too_long_field,
)


class Header(NamedTuple):
    names: list[str]
    size: int  # bytes, from the start of the file (a BOM included) to the end of the header


def read_header(
    path: Path,
    required: tuple[str, ...],
    *,
    kind: str = "a CSV file of ratings",
    data: bytes | None = None,
) -> Header:
    """The header record's names, read from at most 1 MiB of bytes (so a bad byte further
    down is not blamed on row 1, and a header of a billion commas is refused unread).
    `kind`: what the file should be, asked of an overlong header; `data`: the file's bytes,
    already read (then `path` only names it in messages)."""
    import csv

    raw = _header_bytes(path, kind, data)
    if b"\0" in raw:
        raise InputError(NUL, path, 1)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(
            f"not UTF-8 text (byte 0x{raw[error.start]:02x}); save the file as UTF-8", path, 1
        ) from None
    limit = csv.field_size_limit(MAX_FIELD_BYTES)
    try:
        header = next(csv.reader([text]), None) if text.strip() else None
    except csv.Error as error:
        lone_cr = "\r" in text and "new-line character" in str(error)
        raise InputError(
            "lines end with a lone CR (carriage return); save the file with LF or CRLF line ends"
            if lone_cr
            else one_line(str(error)),
            path,
            1,
        ) from None
    finally:
        csv.field_size_limit(limit)
    if header is None:
        raise InputError(f"the file is empty; expected a header with {','.join(required)}", path, 1)
    if len(header) > MAX_COLUMNS:
        raise InputError(
            f"the header has {len(header):,} columns; at most {MAX_COLUMNS:,} are read", path, 1
        )
    return Header([name.strip() for name in header], len(raw))


def _header_bytes(path: Path, kind: str, data: bytes | None) -> bytes:
    """The bytes of the header record (a quoted name may span lines), at most 1 MiB."""
    raw = b""
    try:
        with io.BytesIO(data) if data is not None else path.open("rb") as handle:
            while line := handle.readline(MAX_HEADER_BYTES + 1 - len(raw)):
                raw += line
                if len(raw) > MAX_HEADER_BYTES:
                    raise InputError(
                        f"the header is longer than 1 MiB ({MAX_HEADER_BYTES:,} "
                        f"bytes), the limit; is this {kind}?",
                        path,
                        1,
                    )
                if line.endswith(b"\n") and raw.count(b'"') % 2 == 0:
                    break
    except FileNotFoundError:
        raise InputError("no such file", path) from None
    except IsADirectoryError:
        raise InputError("is a folder, not a CSV file", path) from None
    except OSError as error:
        raise InputError(f"cannot read: {one_line(error.strerror or str(error))}", path) from None
    return raw


def columns(path: Path, header: list[str], required: tuple[str, ...]) -> list[int]:
    """Where the required columns are; a missing or doubled one is an error naming it."""
    missing = [name for name in required if name not in header]
    if missing:
        joined = ",".join(header)
        looks = next(
            (
                f" (the header looks {kind}-separated; Calibrate reads comma-separated files)"
                for mark, kind in ((";", "semicolon"), ("\t", "tab"))
                if any(name in joined.split(mark) for name in missing)
            ),
            None,
        )
        raise InputError(
            f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}"
            + (looks or f" (the header has: {', '.join(header) or 'nothing'})"),
            path,
            1,
        )
    twice = [name for name in required if header.count(name) > 1]
    if twice:
        raise InputError(f"column {twice[0]} appears twice in the header", path, 1)
    return [header.index(name) for name in required]


class _Lines:
    """The physical lines the csv reader parses, each refused unread if it is longer than a
    row of the header's fields can be; notes NUL bytes and the characters read since the
    last record (what the record's own checks need)."""

    def __init__(self, handle: IO[str], path: Path, n_fields: int):
        self.handle, self.path, self.n_fields = handle, path, n_fields
        # A physical line longer than this cannot belong to a row of n_fields fields of at
        # most MAX_FIELD_BYTES each (every byte of a field as written gives at least half a
        # byte).
        self.longest = longest_row(n_fields)
        self.nul = False
        self.chars = 0
        self.row = 1  # the row of the last record read (the header is row 1)

    def __iter__(self) -> Iterator[str]:
        while line := self.handle.readline(self.longest + 1):
            if len(line) > self.longest:
                raise InputError(
                    f"the row is longer than {self.n_fields} fields of at most 1 MiB each can be",
                    self.path,
                    self.row + 1,
                )
            self.nul |= "\0" in line
            self.chars += len(line)
            yield line


def records(
    path: Path,
    n_fields: int,
    hint: str = " (quote values that contain commas or line breaks)",
    *,
    data: bytes | None = None,
) -> Iterator[tuple[int, list[str] | None]]:
    """(row, fields) after the header, None for a blank row, with every limit checked: a
    field over 1 MiB, a NUL byte, a row without the header's field count is an InputError.
    `data`: the file's bytes, already read (then `path` only names it in messages)."""
    import csv

    row_number = 1
    lines: _Lines | None = None
    limit = csv.field_size_limit(MAX_FIELD_BYTES)
    try:
        with (
            io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
            if data is not None
            else path.open(encoding="utf-8-sig", newline="")
        ) as handle:
            lines = _Lines(handle, path, n_fields)
            reader = csv.reader(lines)
            next(reader, None)
            for row_number, fields in enumerate(reader, start=2):
                lines.row = row_number
                _check_record(path, row_number, fields, lines)
                if not any(field.strip() for field in fields):
                    yield row_number, None
                    continue
                if len(fields) != n_fields:
                    raise InputError(
                        f"{counted(len(fields), 'field')}, but the header has {n_fields}{hint}",
                        path,
                        row_number,
                    )
                yield row_number, fields
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            raise too_long_field(path, row_number + 1) from None
        if lines is not None and lines.nul:
            raise InputError(NUL, path, row_number + 1) from None
        raise InputError(
            f"{one_line(str(error))} (is a quote left open?)", path, row_number + 1
        ) from None
    except UnicodeDecodeError as error:
        raise InputError(
            f"not UTF-8 text (byte 0x{error.object[error.start]:02x}); save the file as UTF-8",
            path,
            row_number + 1,
        ) from None
    finally:
        csv.field_size_limit(limit)


def _check_record(path: Path, row: int, fields: list[str], lines: _Lines) -> None:
    """Refuse a record with a NUL byte or a field over 1 MiB of UTF-8."""
    if lines.nul:
        raise InputError(NUL, path, row)
    if lines.chars > MAX_FIELD_BYTES // 4:  # a field may be long in bytes
        if any(len(f.encode()) > MAX_FIELD_BYTES for f in fields if len(f) > MAX_FIELD_BYTES // 4):
            raise too_long_field(path, row)
    lines.chars = 0
