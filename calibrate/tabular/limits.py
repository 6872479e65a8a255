"""The limits every reader of a ratings CSV holds (docs/metrics.md, "Warnings, refusals and
limits"), and the refusal that names the file and row breaking one.

Light at import: `calibrate agreement` imports `InputError` when the command line is built.
"""

from __future__ import annotations

from pathlib import Path

MAX_FIELD_BYTES = 1 << 20
MAX_HEADER_BYTES = 1 << 20
MAX_COLUMNS = 10_000
NUL = "NUL byte in field"


class InputError(Exception):
    """Bad input, phrased as the one line the user sees: `FILE: row N: message`."""

    def __init__(self, message: str, file: object = None, row: int | None = None):
        self.message, self.file, self.row = message, None if file is None else str(file), row
        where = [p for p in (self.file, None if row is None else f"row {row}") if p]
        super().__init__(": ".join([*where, message]))


def one_line(text: str) -> str:
    """A message with its line breaks and runs of spaces made single spaces."""
    return " ".join(text.split())


def too_long_field(path: Path, row: int) -> InputError:
    return InputError(
        f"a field is longer than 1 MiB ({MAX_FIELD_BYTES:,} bytes), the limit", path, row
    )


def longest_row(n_fields: int) -> int:
    """Bytes a row of n_fields fields of at most MAX_FIELD_BYTES each can take as written:
    a quoted value doubles its quotes, adds two, and a CRLF ends the row."""
    return n_fields * (2 * MAX_FIELD_BYTES + 3) + 2
