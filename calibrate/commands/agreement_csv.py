"""Reading the CSV files of `calibrate agreement`, streamed, with the limits that keep a hostile
file from exhausting the machine (docs/metrics.md, "Reading large files").

A numpy pass (`_scan`, on a second thread) checks UTF-8, NUL bytes, field lengths and every
row's field count block by block; pandas reads chunks straight into the tally builder's codes,
but only bytes the scan has already cleared (`_Gate`), so a 1 GB field is refused before any
reader holds it. If the scan finds the structure odd, the csv module reads row by row
(`_records`), with the same limits, and names the row of the first problem.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

from calibrate.core.wording import counted

CHUNK_ROWS = 250_000
CHUNK_FIELDS = 3_000_000
SCAN_BLOCK = 1 << 22
MAX_HEADER_BYTES = 1 << 20
MAX_COLUMNS = 10_000
MAX_FIELD_BYTES = 1 << 20
UNCLOSED = "a quote is never closed"
NUL = "NUL byte in field"


class InputError(Exception):
    """Bad input, phrased as the one line the user sees: `FILE: row N: message`."""

    def __init__(self, message: str, file: object = None, row: int | None = None):
        self.message, self.file, self.row = message, None if file is None else str(file), row
        where = [p for p in (self.file, None if row is None else f"row {row}") if p]
        super().__init__(": ".join([*where, message]))


def too_long_field(path: Path, row: int) -> InputError:
    return InputError(f"a field is longer than 1 MiB ({MAX_FIELD_BYTES:,} bytes), the limit",
                      path, row)


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
                    raise InputError(f"the header is longer than 1 MiB ({MAX_HEADER_BYTES:,} "
                                     "bytes), the limit; is this a CSV file of ratings?", path, 1)
                if line.endswith(b"\n") and raw.count(b'"') % 2 == 0:  # a quoted name may
                    break                                               # span lines
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
        raise InputError(f"not UTF-8 text (byte 0x{raw[error.start]:02x}); save the file as "
                         "UTF-8", path, 1) from None
    limit = csv.field_size_limit(MAX_FIELD_BYTES)
    try:
        header = next(csv.reader([text]), None) if text.strip() else None
    except csv.Error as error:
        raise InputError(one_line(str(error)), path, 1) from None
    finally:
        csv.field_size_limit(limit)
    if header is None:
        raise InputError(f"the file is empty; expected a header with {','.join(required)}",
                         path, 1)
    if len(header) > MAX_COLUMNS:
        raise InputError(f"the header has {len(header):,} columns; at most {MAX_COLUMNS:,} "
                         "are read", path, 1)
    return Header([name.strip() for name in header], len(raw))


def columns(path: Path, header: list[str], required: tuple[str, ...]) -> list[int]:
    """Where the required columns are; a missing or doubled one is an error naming it."""
    missing = [name for name in required if name not in header]
    if missing:
        joined = ",".join(header)
        looks = next((f" (the header looks {kind}-separated; Calibrate reads comma-separated "
                      "files)" for mark, kind in ((";", "semicolon"), ("\t", "tab"))
                      if any(name in joined.split(mark) for name in missing)), None)
        raise InputError(f"missing column {', '.join(missing)}"
                         + (looks or f" (the header has: {', '.join(header) or 'nothing'})"),
                         path, 1)
    twice = [name for name in required if header.count(name) > 1]
    if twice:
        raise InputError(f"column {twice[0]} appears twice in the header", path, 1)
    return [header.index(name) for name in required]


# -- the ratings -----------------------------------------------------------------------

def read_ratings(path: Path, header: Header, where: list[int], fresh: Any) -> Any:
    """The ratings table: fast (pandas) while the scan runs beside it on another core, kept
    only if the scan passes; else row by row, which names the bad row."""
    from calibrate.core.ratings import RatingsInputError

    gate = _Gate()
    scanned: dict[str, Any] = {}

    def scan() -> None:
        try:
            scanned["problem"] = _scan(path, len(header.names), gate)
        except BaseException as error:  # handed to the main thread below
            scanned["error"] = error
        finally:
            if scanned.get("problem") is None and "error" not in scanned:
                gate.open()
            else:
                gate.stop()

    worker = threading.Thread(target=scan, name="csv-scan", daemon=True)
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


class _Stopped(Exception):
    """The scan found the file unfit for the fast reader: stop reading it."""


class _Gate:
    """How far into the file the scan has cleared; the fast reader never reads beyond it."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._cleared = 0
        self._stopped = False

    def clear(self, offset: int) -> None:
        with self._cond:
            self._cleared = offset
            self._cond.notify_all()

    def open(self) -> None:
        self.clear(1 << 62)

    def stop(self) -> None:
        with self._cond:
            self._stopped = True
            self._cond.notify_all()

    def wait_for(self, offset: int) -> None:
        with self._cond:
            self._cond.wait_for(lambda: self._stopped or self._cleared >= offset)
            if self._stopped:
                raise _Stopped


class _GatedFile(io.RawIOBase):
    """The file after its header, handed out only as far as the gate allows."""

    def __init__(self, path: Path, start: int, gate: _Gate | None):
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


def _pandas_chunks(path: Path, header: Header, positions: list[int],
                   gate: _Gate | None) -> Iterator[Any]:
    """Chunks of the columns at `positions` (sorted), as plain strings. The header is skipped
    and the columns named by number: pandas' renaming of duplicate names is quadratic."""
    import pandas as pd

    # Rows per chunk fall as columns grow: the parser holds every field of a chunk.
    rows = max(1, min(CHUNK_ROWS, CHUNK_FIELDS // len(header.names)))
    with io.BufferedReader(_GatedFile(path, header.size, gate), 1 << 20) as source:
        reader = pd.read_csv(
            source, header=None, names=list(range(len(header.names))), usecols=positions,
            index_col=False, dtype=str, na_filter=False, keep_default_na=False,
            skip_blank_lines=False, encoding="utf-8", chunksize=rows, engine="c")
        with reader:
            yield from reader


def _read_fast(path: Path, header: Header, where: list[int], builder: Any,
               gate: _Gate | None) -> Any:
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
        locate=lambda case, rater, before: _locate_fast(path, header, where, case, rater,
                                                        before))


def _read_slow(path: Path, header: Header, where: list[int], builder: Any, *,
               unclosed: bool = False) -> Any:
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
        locate=lambda case, rater, before: _locate_slow(path, header, where, case, rater,
                                                        before))


def _records(path: Path, n_fields: int, hint: str = " (quote values that contain commas or "
             "line breaks)") -> Iterator[tuple[int, list[str] | None]]:
    """(row, fields) after the header, None for a blank row, with every limit checked: a
    field over 1 MiB, a NUL byte, a row without the header's field count is an InputError."""
    import csv

    # A physical line longer than this cannot belong to a row of n_fields fields of at most
    # MAX_FIELD_BYTES each (every byte of a field as written gives at least half a byte).
    longest_line = longest_row(n_fields)
    flags = {"nul": False, "long": False}

    def lines(handle: Any) -> Iterator[str]:
        while line := handle.readline(longest_line + 1):
            if len(line) > longest_line:
                raise InputError(f"the row is longer than {n_fields} fields of at most 1 MiB "
                                 "each can be", path, row_number + 1)
            flags["nul"] |= "\0" in line
            flags["long"] |= len(line) > MAX_FIELD_BYTES // 4
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
                if flags["long"]:
                    flags["long"] = False
                    if any(len(f.encode()) > MAX_FIELD_BYTES for f in fields
                           if len(f) > MAX_FIELD_BYTES // 4):
                        raise too_long_field(path, row_number)
                if not any(field.strip() for field in fields):
                    yield row_number, None
                    continue
                if len(fields) != n_fields:
                    raise InputError(f"{counted(len(fields), 'field')}, but the header has "
                                     f"{n_fields}{hint}", path, row_number)
                yield row_number, fields
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            raise too_long_field(path, row_number + 1) from None
        if flags["nul"]:
            raise InputError(NUL, path, row_number + 1) from None
        raise InputError(f"{one_line(str(error))} (is a quote left open?)", path,
                         row_number + 1) from None
    except UnicodeDecodeError as error:
        raise InputError(f"not UTF-8 text (byte 0x{error.object[error.start]:02x}); save the "
                         "file as UTF-8", path, row_number + 1) from None
    finally:
        csv.field_size_limit(limit)


def _scan(path: Path, n_fields: int, gate: _Gate | None = None) -> str | None:
    """Check UTF-8, NUL bytes, field lengths and that every record has the header's field
    count, streaming in numpy; each block checked is cleared on `gate`.

    Returns None if the fast reader may go ahead, else a reason to read row by row; a UTF-8
    error, a NUL byte or a field over the limit is raised at once with its row. Quotes are
    tracked by parity, as RFC 4180 writes them; a quote inside an unquoted field upsets the
    count and sends us row by row (which then judges everything after it)."""
    import codecs

    import numpy as np

    decoder = codecs.getincrementaldecoder("utf-8")()
    record, parity, carry_commas, carry_len, carry_last = 0, 0, 0, 0, 0
    field = _OpenField()
    record_quotes = 0
    problem: str | None = None
    offset = 0
    with path.open("rb") as handle:
        while block := handle.read(SCAN_BLOCK):
            b = np.frombuffer(block, dtype=np.uint8)
            n_quotes = block.count(b'"')
            if n_quotes == 0 and parity == 0:  # the common block: no quoting at all
                is_newline, is_comma = b == 10, b == 44
            else:
                outside = ((np.cumsum(b == 34, dtype=np.int32) + parity) & 1) == 0
                is_newline, is_comma = (b == 10) & outside, (b == 44) & outside
            newline = np.flatnonzero(is_newline)
            try:
                decoder.decode(block)
            except UnicodeDecodeError as error:
                at = max(error.start - (len(error.object) - len(block)), 0)
                row = record + int(np.searchsorted(newline, at)) + 1
                raise InputError(f"not UTF-8 text (byte 0x{block[at]:02x}); save the file as "
                                 "UTF-8", path, row) from None
            end_parity = (parity + n_quotes) & 1
            if problem is not None:  # only UTF-8 is still worth checking
                record += newline.size
                parity = end_parity
                offset += len(block)
                continue
            nul = block.find(b"\0")
            bad_row = None
            if newline.size:
                bad_row = _first_bad_count(b, newline, is_comma, record, n_fields,
                                           carry_commas, carry_len, carry_last)
            long_row, certain = field.check(block, is_newline | is_comma, newline, record)
            nul_row = record + int(np.searchsorted(newline, nul)) + 1 if nul >= 0 else None
            found = [(r, kind) for r, kind in ((nul_row, "nul"), (long_row, "long"),
                                               (bad_row, "count")) if r is not None]
            if found:
                row, kind = min(found, key=lambda item: item[0])  # nul before long before count
                if kind == "nul":
                    raise InputError(NUL, path, row)
                if kind == "long" and certain:
                    raise too_long_field(path, row)
                problem = f"row {row}: unexpected field count or a long quoted field"
                if gate is not None:
                    gate.stop()
            if newline.size:
                record += newline.size
                carry_commas = int(np.count_nonzero(is_comma[newline[-1] + 1:]))
                carry_len = b.size - int(newline[-1]) - 1
            else:
                carry_commas += int(np.count_nonzero(is_comma))
                carry_len += b.size
            carry_last = int(b[-1])
            parity = end_parity
            offset += len(block)
            record_quotes = block.count(b'"', int(newline[-1]) + 1) if newline.size \
                else record_quotes + n_quotes
            if problem is None and not record_quotes:  # the open row, as csv reads it too
                _check_open_row(path, record + 1, n_fields, carry_commas, carry_len)
            if gate is not None and problem is None:
                gate.clear(offset)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise InputError("not UTF-8 text (the file ends inside a character); save the "
                             "file as UTF-8", path, record + 1) from None
    if problem is not None:
        return problem
    if parity:
        return UNCLOSED
    if field.length - (carry_last == 13) > MAX_FIELD_BYTES:  # the last field, unended
        if not field.quotes:
            raise too_long_field(path, record + 1)
        return f"row {record + 1}: a long quoted field"
    if carry_len and not (carry_len == 1 and carry_last == 13) and carry_commas + 1 != n_fields:
        return f"row {record + 1} has an unexpected field count"
    return None


def _first_bad_count(b: Any, newline: Any, is_comma: Any, record: int, n_fields: int,
                     carry_commas: int, carry_len: int, carry_last: int) -> int | None:
    """The row of the first record of this block whose field count is not the header's."""
    import numpy as np

    starts = np.concatenate(([0], newline[:-1] + 1))
    # Commas of each record, its newline included (never a comma). Counting in uint8 is 5x
    # faster; a record with 256+ commas wraps, which the total catches.
    body = is_comma[: newline[-1] + 1]
    per = np.add.reduceat(body, starts, dtype=np.uint8).astype(np.int64)
    if int(per.sum()) != int(np.count_nonzero(body)):
        per = np.add.reduceat(body.astype(np.int64), starts)  # hundreds of fields: count again
    per[0] += carry_commas
    length = newline - starts
    last = np.where(length > 0, b[np.maximum(newline - 1, 0)], 0)
    length[0] += carry_len
    if carry_len and length[0] == carry_len:
        last[0] = carry_last
    blank = (length == 0) | ((length == 1) & (last == 13))
    bad = ~blank & (per + 1 != n_fields)
    return record + int(np.argmax(bad)) + 1 if bad.any() else None


class _OpenField:
    """The field the scan is in across blocks: its length and quotes so far.

    A field's length as written bounds its value: an unquoted field is its value (a CR before
    the newline aside), a quoted one gives at least half a byte per byte. Fields certainly
    over the limit are refused at once; a long quoted field that might not be is left to the
    row-by-row reader to judge exactly."""

    def __init__(self) -> None:
        self.length = 0
        self.quotes = 0

    def check(self, block: bytes, is_sep: Any, newline: Any, record: int
              ) -> tuple[int | None, bool]:
        """(row, certain) of the first field of this block that is over the limit (certain)
        or may be (a long quoted one), else (None, False)."""
        import numpy as np

        sep = np.flatnonzero(is_sep)
        if not sep.size:
            self.length += len(block)
            self.quotes += block.count(b'"')
            over = self.length - self.quotes > MAX_FIELD_BYTES + 1 \
                or self.length > 2 * MAX_FIELD_BYTES + 2
            return (record + 1, True) if over else (None, False)
        gaps = np.diff(sep, prepend=-1) - 1
        gaps[0] += self.length
        found: tuple[int | None, bool] = (None, False)
        for i in np.flatnonzero(gaps > MAX_FIELD_BYTES).tolist():  # rare: near the limit
            end = int(sep[i])
            start = int(sep[i - 1]) + 1 if i else 0
            quotes = block.count(b'"', start, end) + (0 if i else self.quotes)
            cr = end > 0 and block[end - 1] == 13 and block[end] == 10
            row = record + int(np.searchsorted(newline, end)) + 1
            if quotes:
                found = (row, False)
                break
            if int(gaps[i]) - cr > MAX_FIELD_BYTES:
                found = (row, True)
                break
        tail = int(sep[-1]) + 1
        self.length = len(block) - tail
        self.quotes = block.count(b'"', tail)
        if found[0] is None and self.length - self.quotes > MAX_FIELD_BYTES + 1:
            found = (record + newline.size + 1, True)
        return found


def longest_row(n_fields: int) -> int:
    """Bytes a row of n_fields fields of at most MAX_FIELD_BYTES each can take as written:
    a quoted value doubles its quotes, adds two, and a CRLF ends the row."""
    return n_fields * (2 * MAX_FIELD_BYTES + 3) + 2


def _check_open_row(path: Path, row: int, n_fields: int, commas: int, length: int) -> None:
    """Refuse a row without quotes that already has too many fields or bytes to be read."""
    if commas + 1 > n_fields:
        raise InputError(f"more than {counted(n_fields, 'field')}, but the header has "
                         f"{n_fields}", path, row)
    if length > longest_row(n_fields):
        raise InputError(f"the row is longer than {n_fields} fields of at most 1 MiB each can "
                         "be", path, row)


def _locate_fast(path: Path, header: Header, where: list[int], case_id: str, rater_id: str,
                 before: int) -> int | None:
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
        hit = np.flatnonzero(((case.str.strip() == case_id)
                              & (rater.str.strip() == rater_id)).to_numpy())
        if hit.size and row + int(hit[0]) < before:
            return row + int(hit[0])
        row += len(chunk)
    return None


def _locate_slow(path: Path, header: Header, where: list[int], case_id: str, rater_id: str,
                 before: int) -> int | None:
    i_case, i_rater, _ = where
    for row, fields in _records(path, len(header.names)):
        if row >= before:
            break
        if fields is not None and fields[i_case].strip() == case_id \
                and fields[i_rater].strip() == rater_id:
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
            raise InputError(f"case {case!r} has two golden answers (rows {self.row_of[at]} "
                             f"and {row})", self.path, row)

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
