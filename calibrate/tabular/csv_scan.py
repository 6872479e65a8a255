"""The numpy pass over a ratings CSV's bytes before any reader may hold them: UTF-8, NUL
bytes, field lengths and every row's field count, block by block, with the limits of
docs/metrics.md ("Warnings, refusals and limits").

It runs on a second thread beside the pandas reader, which reads only the bytes `Gate` says
the scan has cleared; `ratings_csv` decides from its verdict which reader's result counts.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from calibrate.core.errors import counted
from calibrate.tabular.limits import (
    MAX_FIELD_BYTES,
    NUL,
    InputError,
    longest_row,
    too_long_field,
)

SCAN_BLOCK = 1 << 22
UNCLOSED = "a quote is never closed"


class Stopped(Exception):
    """The scan found the file unfit for the fast reader: stop reading it."""


class Gate:
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
                raise Stopped


def scan(path: Path, n_fields: int, gate: Gate | None = None) -> str | None:
    """Check UTF-8, NUL bytes, field lengths and that every record has the header's field
    count, streaming in numpy; each block checked is cleared on `gate`.

    Returns None if the fast reader may go ahead, else a reason to read row by row; a UTF-8
    error, a NUL byte or a field over the limit is raised at once with its row. Quotes are
    tracked by parity, as RFC 4180 writes them; a quote inside an unquoted field upsets the
    count and sends us row by row (which then judges everything after it)."""
    scanner = _Scanner(path, n_fields)
    with path.open("rb") as handle:
        while block := handle.read(SCAN_BLOCK):
            scanner.feed(block)
            if gate is not None:
                if scanner.problem is None:
                    gate.clear(scanner.offset)
                else:
                    gate.stop()
    return scanner.finish()


class _Scanner:
    """The state of a scan between blocks: rows so far, quote parity, the open row."""

    def __init__(self, path: Path, n_fields: int):
        import codecs

        self.path, self.n_fields = path, n_fields
        self.decoder = codecs.getincrementaldecoder("utf-8")()
        self.record = self.parity = self.offset = 0
        # The open row (after the last newline): commas, bytes, quotes, its last byte.
        self.commas = self.length = self.quotes = self.last = 0
        self.field = _OpenField()
        self.problem: str | None = None

    def feed(self, block: bytes) -> None:
        import numpy as np

        b = np.frombuffer(block, dtype=np.uint8)
        n_quotes = block.count(b'"')
        if n_quotes == 0 and self.parity == 0:  # the common block: no quoting at all
            is_newline, is_comma = b == 10, b == 44
        else:
            outside = ((np.cumsum(b == 34, dtype=np.int32) + self.parity) & 1) == 0
            is_newline, is_comma = (b == 10) & outside, (b == 44) & outside
        newline = np.flatnonzero(is_newline)
        self._decode(block, newline)
        if self.problem is None:  # else only UTF-8 is still worth checking
            self._judge(block, b, is_newline, is_comma, newline)
            self._advance(block, b, is_comma, newline, n_quotes)
        else:
            self.record += newline.size
        self.parity = (self.parity + n_quotes) & 1
        self.offset += len(block)

    def _decode(self, block: bytes, newline: Any) -> None:
        import numpy as np

        try:
            self.decoder.decode(block)
        except UnicodeDecodeError as error:
            at = max(error.start - (len(error.object) - len(block)), 0)
            row = self.record + int(np.searchsorted(newline, at)) + 1
            raise InputError(
                f"not UTF-8 text (byte 0x{block[at]:02x}); save the file as UTF-8", self.path, row
            ) from None

    def _judge(self, block: bytes, b: Any, is_newline: Any, is_comma: Any, newline: Any) -> None:
        """Raise for the block's first NUL byte or certainly long field; note its first
        odd row (a field count, a long quoted field) as the problem."""
        import numpy as np

        nul = block.find(b"\0")
        bad_row = (
            _first_bad_count(
                b,
                newline,
                is_comma,
                self.record,
                self.n_fields,
                self.commas,
                self.length,
                self.last,
            )
            if newline.size
            else None
        )
        long_row, certain = self.field.check(
            block, is_newline, is_comma, newline, self.record, self.length
        )
        nul_row = self.record + int(np.searchsorted(newline, nul)) + 1 if nul >= 0 else None
        found = [
            (r, kind)
            for r, kind in ((nul_row, "nul"), (long_row, "long"), (bad_row, "count"))
            if r is not None
        ]
        if not found:
            return
        row, kind = min(found, key=lambda item: item[0])  # nul before long before count
        if kind == "nul":
            raise InputError(NUL, self.path, row)
        if kind == "long" and certain:
            raise too_long_field(self.path, row)
        self.problem = f"row {row}: unexpected field count or a long quoted field"

    def _advance(self, block: bytes, b: Any, is_comma: Any, newline: Any, n_quotes: int) -> None:
        import numpy as np

        if newline.size:
            tail = int(newline[-1]) + 1
            self.record += newline.size
            self.commas = int(np.count_nonzero(is_comma[tail:]))
            self.length = b.size - tail
            self.quotes = block.count(b'"', tail)
        else:
            self.commas += int(np.count_nonzero(is_comma))
            self.length += b.size
            self.quotes += n_quotes
        self.last = int(b[-1])
        if self.problem is None and not self.quotes:  # the open row, as csv reads it too
            self._check_open_row()

    def _check_open_row(self) -> None:
        """Refuse a row without quotes that already has too many fields or bytes to be read,
        before any reader takes it whole."""
        row = self.record + 1
        if self.commas + 1 > self.n_fields:
            raise InputError(
                f"more than {counted(self.n_fields, 'field')}, but the header has {self.n_fields}",
                self.path,
                row,
            )
        if self.length > longest_row(self.n_fields):
            raise InputError(
                f"the row is longer than {self.n_fields} fields of at most 1 MiB each can be",
                self.path,
                row,
            )

    def finish(self) -> str | None:
        """The verdict once every block is fed: None (the fast reader's result stands) or a
        reason to read row by row."""
        try:
            self.decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise InputError(
                "not UTF-8 text (the file ends inside a character); save the file as UTF-8",
                self.path,
                self.record + 1,
            ) from None
        if self.problem is not None:
            return self.problem
        if self.parity:
            return UNCLOSED
        row = self.record + 1
        if self.field.length - (self.last == 13) > MAX_FIELD_BYTES:  # the last field, unended
            if not self.field.quotes:
                raise too_long_field(self.path, row)
            return f"row {row}: a long quoted field"
        blank = self.length == 0 or (self.length == 1 and self.last == 13)
        if not blank and self.commas + 1 != self.n_fields:
            return f"row {row} has an unexpected field count"
        return None


def _first_bad_count(
    b: Any,
    newline: Any,
    is_comma: Any,
    record: int,
    n_fields: int,
    carry_commas: int,
    carry_len: int,
    carry_last: int,
) -> int | None:
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

    def check(
        self,
        block: bytes,
        is_newline: Any,
        is_comma: Any,
        newline: Any,
        record: int,
        record_length: int,
    ) -> tuple[int | None, bool]:
        """(row, certain) of the first field of this block that is over the limit (certain)
        or may be (a long quoted one), else (None, False). `record_length` is the length of
        the record open when the block starts."""
        import numpy as np

        if newline.size:  # the usual block: no row is longer than the limit, so no field
            last = int(newline[-1])
            tail = len(block) - last - 1
            longest = max(
                int(newline[0]) + record_length, tail, int(np.diff(newline).max(initial=1)) - 1
            )
            if longest <= MAX_FIELD_BYTES:
                commas = np.flatnonzero(is_comma[last + 1 :])
                self.length = tail - (int(commas[-1]) + 1 if commas.size else 0)
                self.quotes = block.count(b'"', len(block) - self.length)
                return None, False
        return self._exact(block, is_newline | is_comma, newline, record)

    def _exact(
        self, block: bytes, is_sep: Any, newline: Any, record: int
    ) -> tuple[int | None, bool]:
        import numpy as np

        sep = np.flatnonzero(is_sep)
        if not sep.size:
            self.length += len(block)
            self.quotes += block.count(b'"')
            over = (
                self.length - self.quotes > MAX_FIELD_BYTES + 1
                or self.length > 2 * MAX_FIELD_BYTES + 2
            )
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
