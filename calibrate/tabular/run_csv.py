"""A model run's CSV (docs/machine-raters.md) read row by row with the limits every
Calibrate CSV reader holds (`csv_rows`: 1 MiB fields and header, NUL bytes, UTF-8, quotes),
plus what a file handed to an import must be: a regular file (a FIFO or a device named
directly or through a symlink is refused unopened) of at most MAX_RUN_BYTES. It is then
opened once, without blocking, and read whole through that descriptor (a FIFO swapped in
meanwhile is refused, never waited on); the rows are parsed from those bytes."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

from calibrate.core.lessons.files import read_bounded
from calibrate.core.machines.rows import OPTIONAL, REQUIRED
from calibrate.tabular.csv_rows import columns, read_header, records
from calibrate.tabular.limits import InputError, one_line

MAX_RUN_BYTES = 256 << 20  # a million decisions take ~60 MiB
MAX_RUN_ROWS = 2_000_000


def check_file(path: Path) -> None:
    """Refuse, unopened, what is not a regular file or is too large."""
    try:
        status = os.stat(path)
    except FileNotFoundError:
        raise InputError("no such file", path) from None
    except OSError as error:
        raise InputError(f"cannot read: {one_line(error.strerror or str(error))}", path) from None
    if stat.S_ISDIR(status.st_mode):
        raise InputError("is a folder, not a CSV file", path)
    if not stat.S_ISREG(status.st_mode):
        raise InputError("is not a regular file (a pipe or a device); not read", path)
    if status.st_size > MAX_RUN_BYTES:
        raise InputError(
            f"the file is {status.st_size:,} bytes; a run file may hold at most "
            f"{MAX_RUN_BYTES:,} bytes",
            path,
        )


def read_run_rows(path: Path) -> Iterator[tuple[int, dict[str, str]]]:
    """(row, {column: value}) for each non-blank row after the header; InputError names
    the file and row of anything unreadable."""
    data = _read(path)
    header = read_header(path, REQUIRED, kind="a run file", data=data)
    columns(path, header.names, REQUIRED)
    present = [name for name in OPTIONAL if name in header.names]
    columns(path, header.names, tuple(present))  # a doubled optional column is refused too
    wanted = {name: header.names.index(name) for name in (*REQUIRED, *present)}
    rows = records(path, len(header.names), data=data)
    for count, (row, fields) in enumerate(rows, start=1):
        if count > MAX_RUN_ROWS:
            raise InputError(f"more than {MAX_RUN_ROWS:,} rows; split the run", path, row)
        if fields is None:
            continue
        yield row, {name: fields[at] for name, at in wanted.items()}


def _read(path: Path) -> bytes:
    """The file's bytes, read through one descriptor opened without blocking: a FIFO
    swapped in for the file after check_file is refused, never waited on."""
    check_file(path)
    try:
        data = read_bounded(path, MAX_RUN_BYTES)
    except OSError as error:
        if error.errno == 0:  # read_bounded: what was opened is no longer a regular file
            raise InputError("is not a regular file (a pipe or a device); not read", path) from None
        raise InputError(f"cannot read: {one_line(error.strerror or str(error))}", path) from None
    if len(data) > MAX_RUN_BYTES:  # it grew after check_file
        raise InputError(f"a run file may hold at most {MAX_RUN_BYTES:,} bytes", path)
    return data
