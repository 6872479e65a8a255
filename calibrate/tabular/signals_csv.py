"""A production signals CSV read whole and checked row by row (docs/signals.md).

The file must be a regular file (a FIFO or a device is refused by its mode, never opened in a
way that could block; a link is followed to what it names), at most MAX_FILE_BYTES, UTF-8
(a BOM is fine), without NUL bytes, with fields of at most MAX_FIELD_CHARS. Whole-file
problems raise InputError; a row's problems are returned with the rows that are good.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import NamedTuple

from calibrate.core.lessons.files import read_bounded
from calibrate.core.signals.rows import (
    COLUMNS,
    OPTIONAL,
    REQUIRED,
    RowProblem,
    SignalRow,
    check_row,
)
from calibrate.tabular.limits import NUL, InputError, one_line

MAX_FILE_BYTES = 128 << 20  # ~2 M rows; five years of 50 packs' eight metrics is ~5 MB
MAX_FIELD_CHARS = 1024  # every field is a date, a name or a number
MAX_PROBLEMS = 1000  # a file this broken is not read further


class SignalsRead(NamedTuple):
    rows: list[SignalRow]  # the good rows
    problems: list[RowProblem]  # the bad ones, in file order
    read_whole: bool  # False: reading stopped at MAX_PROBLEMS, more rows were left unread


def read_signals_csv(path: Path, clauses: Mapping[str, Collection[str]]) -> SignalsRead:
    """The file's good rows and its bad ones; InputError when it cannot be read at all."""
    text = _text(path)
    import csv
    import io

    limit = csv.field_size_limit(MAX_FIELD_CHARS)
    row = 1
    try:
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        header = [name.strip() for name in next(reader, [])]
        where = _columns(path, header)
        rows: list[SignalRow] = []
        problems: list[RowProblem] = []
        read_whole = True
        for row, fields in enumerate(reader, start=2):
            if not any(f.strip() for f in fields):
                continue  # a blank line
            if len(fields) != len(header):
                problems.append(
                    RowProblem(row, f"{len(fields)} fields, but the header has {len(header)}")
                )
            else:
                checked = check_row(row, [fields[i] if i >= 0 else "" for i in where], clauses)
                if isinstance(checked, RowProblem):
                    problems.append(checked)
                else:
                    rows.append(checked)
            if len(problems) >= MAX_PROBLEMS:
                read_whole = next(reader, None) is None
                break
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            message = f"a field is longer than {MAX_FIELD_CHARS:,} characters, the limit"
        else:
            message = f"{one_line(str(error))} (is a quote left open?)"
        raise InputError(message, path, row + 1) from None
    finally:
        csv.field_size_limit(limit)
    return SignalsRead(rows, problems, read_whole)


def _text(path: Path) -> str:
    """The file's text, every whole-file refusal named."""
    too_large = InputError(
        f"larger than {MAX_FILE_BYTES >> 20} MiB, the limit for a signals file; "
        "split it by year or pack",
        path,
    )
    try:
        info = os.stat(path)
        if stat.S_ISDIR(info.st_mode):
            raise InputError("is a folder, not a CSV file", path)
        if not stat.S_ISREG(info.st_mode):
            raise InputError("is not a regular file (a pipe or a device?); refused", path)
        if info.st_size > MAX_FILE_BYTES:  # refused unread
            raise too_large
        raw = read_bounded(path, MAX_FILE_BYTES)
    except FileNotFoundError:
        raise InputError("no such file", path) from None
    except OSError as error:
        raise InputError(f"cannot read: {one_line(error.strerror or str(error))}", path) from None
    if len(raw) > MAX_FILE_BYTES:  # it grew while read
        raise too_large
    if b"\0" in raw:
        raise InputError(
            NUL + " (is this a CSV file?)", path, raw[: raw.index(b"\0")].count(b"\n") + 1
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise InputError(
            f"not UTF-8 text (byte 0x{raw[error.start]:02x}); save the file as UTF-8", path, line
        ) from None


def _columns(path: Path, header: list[str]) -> list[int]:
    """Where each of COLUMNS is (-1: an optional one the file lacks); a missing required or
    a doubled column refuses the file."""
    if not header:
        raise InputError(f"the file is empty; expected a header {','.join(REQUIRED)}", path, 1)
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        raise InputError(
            f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
            f"(the header has: {', '.join(h[:40] for h in header[:12]) or 'nothing'})",
            path,
            1,
        )
    twice = [name for name in (*REQUIRED, *OPTIONAL) if header.count(name) > 1]
    if twice:
        raise InputError(f"column {twice[0]} appears twice in the header", path, 1)
    return [header.index(name) if name in header else -1 for name in COLUMNS]
