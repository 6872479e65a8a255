"""Reading the CSV files of `calibrate agreement`, streamed, with the limits that keep a hostile
file from exhausting the machine (docs/metrics.md, "Reading large files").

A numpy pass (`agreement_scan.scan`, on a second thread) checks UTF-8, NUL bytes, field
lengths and every row's field count block by block; pandas reads chunks straight into the
tally builder's codes, but only bytes the scan has already cleared (`Gate`), so a 1 GB field
is refused before any reader holds it. If the scan finds the structure odd, the csv module
reads row by row (`_records`), with the same limits, and names the row of the first problem.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

from calibrate.commands.agreement_scan import (
    MAX_FIELD_BYTES,
    NUL,
    UNCLOSED,
    Gate,
    InputError,
    longest_row,
    scan,
    too_long_field,
)
from calibrate.core.errors import counted

CHUNK_ROWS = 250_000
CHUNK_FIELDS = 3_000_000
MAX_HEADER_BYTES = 1 << 20
MAX_COLUMNS = 10_000


def one_line(text: str) -> str:
    return " ".join(text.split())


class Header(NamedTuple):
    names: list[str]
    size: int  # bytes, from the start of the file (a BOM included) to the end of the header


def read_header(path: Path, required: tuple[str, ...]) -> Header:
    """The header record's names, read from at most 1 MiB of bytes (so a bad byte further
    down is not blamed on row 1, and a header of a billion commas is refused unread)."""
    import csv

    raw = b""
    try:
        with path.open("rb") as handle:
            while line := handle.readline(MAX_HEADER_BYTES + 1 - len(raw)):
                raw += line
                if len(raw) > MAX_HEADER_BYTES:
                    raise InputError(
                        f"the header is longer than 1 MiB ({MAX_HEADER_BYTES:,} "
                        "bytes), the limit; is this a CSV file of ratings?",
                        path,
                        1,
                    )
                if line.endswith(b"\n") and raw.count(b'"') % 2 == 0:  # a quoted name may
                    break  # span lines
    except FileNotFoundError:
        raise InputError("no such file", path) from None
    except IsADirectoryError:
        raise InputError("is a folder, not a CSV file", path) from None
    except OSError as error:
        raise InputError(f"cannot read: {one_line(error.strerror or str(error))}", path) from None
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


# -- the ratings -----------------------------------------------------------------------


def read_ratings(path: Path, header: Header, where: list[int], fresh: Any) -> Any:
    """The ratings table: fast (pandas) while the scan runs beside it on another core, kept
    only if the scan passes; else row by row, which names the bad row."""
    from calibrate.core.metrics.ratings import RatingsInputError

    gate = Gate()
    scanned: dict[str, Any] = {}

    def check() -> None:
        try:
            scanned["problem"] = scan(path, len(header.names), gate)
        except BaseException as error:  # handed to the main thread below
            scanned["error"] = error
        finally:
            if scanned.get("problem") is None and "error" not in scanned:
                gate.open()
            else:
                gate.stop()

    worker = threading.Thread(target=check, name="csv-scan", daemon=True)
    worker.start()
    table, failure = None, None
    try:
        table = _read_fast(path, header, where, fresh(), gate)
    except Exception as error:  # judged once the scan says whether the file is sound
        failure = error
    worker.join()
    if "error" in scanned:
        raise scanned["error"]
    problem = scanned["problem"]
    if problem is None:
        if table is not None:
            return table
        if isinstance(failure, (InputError, RatingsInputError)):
            raise failure
    del table, failure  # the fast attempt's tally goes before the second read starts
    return _read_slow(path, header, where, fresh(), unclosed=problem == UNCLOSED)


class GatedFile(io.RawIOBase):
    """The file after its header, handed out only as far as the gate allows."""

    def __init__(self, path: Path, start: int, gate: Gate | None):
        super().__init__()
        self._handle = path.open("rb")
        self._handle.seek(start)
        self._gate = gate

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._gate is not None:
            self._gate.wait_for(self._handle.tell() + len(buffer))
        return self._handle.readinto(buffer)

    def close(self) -> None:
        self._handle.close()
        super().close()


def _pandas_chunks(
    path: Path, header: Header, positions: list[int], gate: Gate | None
) -> Iterator[Any]:
    """Chunks of the columns at `positions` (sorted), as plain strings. The header is skipped
    and the columns named by number: pandas' renaming of duplicate names is quadratic."""
    import pandas as pd

    # Rows per chunk fall as columns grow: the parser holds every field of a chunk.
    rows = max(1, min(CHUNK_ROWS, CHUNK_FIELDS // len(header.names)))
    with io.BufferedReader(GatedFile(path, header.size, gate), 1 << 20) as source:
        reader = pd.read_csv(
            source,
            header=None,
            names=list(range(len(header.names))),
            usecols=positions,
            index_col=False,
            dtype=str,
            na_filter=False,
            keep_default_na=False,
            skip_blank_lines=False,
            encoding="utf-8",
            chunksize=rows,
            engine="c",
        )
        with reader:
            yield from reader


def _read_fast(
    path: Path, header: Header, where: list[int], builder: Any, gate: Gate | None
) -> Any:
    import pandas as pd

    positions = sorted(where)
    order = [positions.index(c) for c in where]
    # Plain strings, factorised by hashing: pandas' categoricals sort every chunk's distinct
    # values, several times slower when a chunk holds hundreds of thousands of case ids.
    for chunk in _pandas_chunks(path, header, positions, gate):
        parts: list[Any] = []
        for j in order:
            codes, names = pd.factorize(chunk.iloc[:, j].to_numpy(dtype=object))
            parts += [codes, names]
        del chunk
        builder.add_coded(*parts)
    return builder.build(
        locate=lambda case, rater, before: _locate_fast(path, header, where, case, rater, before)
    )


def _read_slow(
    path: Path, header: Header, where: list[int], builder: Any, *, unclosed: bool = False
) -> Any:
    i_case, i_rater, i_label = where
    row_number = 1
    for row, fields in _records(path, len(header.names)):
        row_number = row
        if fields is None:
            builder.add("", "", "")
            continue
        builder.add(fields[i_case], fields[i_rater], fields[i_label])
    if unclosed:  # the csv module takes the rest of the file into the open field
        raise InputError("a quote opened in this row is never closed", path, row_number)
    return builder.build(
        locate=lambda case, rater, before: _locate_slow(path, header, where, case, rater, before)
    )


def _records(
    path: Path, n_fields: int, hint: str = " (quote values that contain commas or line breaks)"
) -> Iterator[tuple[int, list[str] | None]]:
    """(row, fields) after the header, None for a blank row, with every limit checked: a
    field over 1 MiB, a NUL byte, a row without the header's field count is an InputError."""
    import csv

    # A physical line longer than this cannot belong to a row of n_fields fields of at most
    # MAX_FIELD_BYTES each (every byte of a field as written gives at least half a byte).
    longest_line = longest_row(n_fields)
    flags = {"nul": False, "chars": 0}  # chars read since the last record

    def lines(handle: Any) -> Iterator[str]:
        while line := handle.readline(longest_line + 1):
            if len(line) > longest_line:
                raise InputError(
                    f"the row is longer than {n_fields} fields of at most 1 MiB each can be",
                    path,
                    row_number + 1,
                )
            flags["nul"] |= "\0" in line
            flags["chars"] += len(line)
            yield line

    row_number = 1
    limit = csv.field_size_limit(MAX_FIELD_BYTES)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(lines(handle))
            next(reader, None)
            for row_number, fields in enumerate(reader, start=2):
                if flags["nul"]:
                    raise InputError(NUL, path, row_number)
                if flags["chars"] > MAX_FIELD_BYTES // 4:  # a field may be long in bytes
                    if any(
                        len(f.encode()) > MAX_FIELD_BYTES
                        for f in fields
                        if len(f) > MAX_FIELD_BYTES // 4
                    ):
                        raise too_long_field(path, row_number)
                flags["chars"] = 0
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
        if flags["nul"]:
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


def _locate_fast(
    path: Path, header: Header, where: list[int], case_id: str, rater_id: str, before: int
) -> int | None:
    # A rater rating a case twice is found against the tally; the first of the two rows, when
    # it was in an earlier chunk, is found again by reading the file up to the second one.
    import numpy as np

    positions = sorted(where[:2])
    order = [positions.index(c) for c in where[:2]]
    row = 2
    for chunk in _pandas_chunks(path, header, positions, None):
        if row >= before:
            break
        case, rater = (chunk.iloc[:, j].astype(str) for j in order)
        hit = np.flatnonzero(
            ((case.str.strip() == case_id) & (rater.str.strip() == rater_id)).to_numpy()
        )
        if hit.size and row + int(hit[0]) < before:
            return row + int(hit[0])
        row += len(chunk)
    return None


def _locate_slow(
    path: Path, header: Header, where: list[int], case_id: str, rater_id: str, before: int
) -> int | None:
    i_case, i_rater, _ = where
    for row, fields in _records(path, len(header.names)):
        if row >= before:
            break
        if (
            fields is not None
            and fields[i_case].strip() == case_id
            and fields[i_rater].strip() == rater_id
        ):
            return row
    return None


# -- golden answers --------------------------------------------------------------------


class Gold:
    """Golden answers as read: case id → position, and per position a label id and its row
    (compact arrays: a file may hold a golden answer for each of a million cases)."""

    def __init__(self, path: Path) -> None:
        from array import array

        self.path = path
        self.index: dict[str, int] = {}
        self.labels: dict[str, int] = {}
        self.label_of = array("i")
        self.row_of = array("q")

    def add(self, case: str, label: str, row: int) -> None:
        label_id = self.labels.setdefault(label, len(self.labels))
        at = self.index.get(case)
        if at is None:
            self.index[case] = len(self.label_of)
            self.label_of.append(label_id)
            self.row_of.append(row)
        elif self.label_of[at] != label_id:
            raise InputError(
                f"case {case!r} has two golden answers (rows {self.row_of[at]} and {row})",
                self.path,
                row,
            )

    def first_rows(self) -> list[tuple[str, int]]:
        """Each distinct golden label with the first row that gives it."""
        first: dict[int, int] = {}
        for at, label_id in enumerate(self.label_of):
            first.setdefault(label_id, self.row_of[at])
            if len(first) == len(self.labels):
                break
        return [(label, first[label_id]) for label, label_id in self.labels.items()]

    def items(self) -> Iterator[tuple[str, str]]:
        """(case id, golden label) for every case with a golden answer."""
        names = list(self.labels)
        label_of = self.label_of
        return ((case, names[label_of[at]]) for case, at in self.index.items())


GOLD_REQUIRED = ("case_id", "gold")


def read_gold(path: Path) -> Gold:
    """Golden answers, rejecting conflicting duplicates and empty cells."""
    header = read_header(path, GOLD_REQUIRED)
    i_case, i_gold = columns(path, header.names, GOLD_REQUIRED)
    gold = Gold(path)
    for row_number, fields in _records(path, len(header.names), hint=""):
        if fields is None:
            continue
        case, label = fields[i_case].strip(), fields[i_gold].strip()
        if not case or not label:
            raise InputError(f"empty {'case_id' if not case else 'gold'}", path, row_number)
        gold.add(case, label, row_number)
    return gold
