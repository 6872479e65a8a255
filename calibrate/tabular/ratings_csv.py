"""Reading the ratings CSV of `calibrate agreement` into a core tally, streamed, with the
limits that keep a hostile file from exhausting the machine (docs/metrics.md, "Reading large
files").

A plain file (UTF-8, no quotes, no blank lines, fields of at most 64 bytes: nearly all) is
split and factorised in numpy block by block (`plain_csv`), checking as it goes what the scan
would. Any other file, or one with a problem to name, is read again: a numpy pass
(`csv_scan.scan`, on a second thread) checks UTF-8, NUL bytes, field lengths and every row's
field count block by block, while pandas reads chunks straight into the tally builder's
codes, but only bytes the scan has already cleared (`Gate`), so a 1 GB field is refused
before any reader holds it. If the scan finds the structure odd, the csv module reads row by
row (`csv_rows.records`), with the same limits, and names the row of the first problem.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from calibrate.tabular.csv_rows import Header, columns, read_header, records
from calibrate.tabular.csv_scan import UNCLOSED, Gate, scan
from calibrate.tabular.limits import InputError
from calibrate.tabular.plain_csv import NotPlain, plain_blocks

if TYPE_CHECKING:
    from calibrate.core.metrics.rating_builders import TallyBuilder
    from calibrate.core.metrics.ratings import Keep, RatingsTally

CHUNK_ROWS = 250_000
CHUNK_FIELDS = 3_000_000
REQUIRED = ("case_id", "rater_id", "label")


def read_tally(
    path: Path,
    *,
    order: Sequence[str] | None,
    keep: Keep,
    fold: bool,
    reference: list[tuple[str, int]],
    reference_file: str | None,
) -> RatingsTally:
    """The ratings of a CSV with a header holding case_id,rater_id,label, as a tally.

    `reference` are labels that must be categories though no rating may use them (the
    golden answers, each with the row of `reference_file` that first gives it). Bad input
    raises InputError, or core's RatingsInputError (a label off `order`, a rater rating a
    case twice) naming its row."""
    from calibrate.core.metrics import rating_builders
    from calibrate.core.metrics.ratings import RatingsInputError

    def fresh() -> TallyBuilder:
        builder = rating_builders.TallyBuilder(order=order, keep=keep, fold=fold)
        for label, row in reference:
            builder.add_reference_label(label, file=reference_file, row=row)
        return builder

    header = read_header(path, REQUIRED)
    where = columns(path, header.names, REQUIRED)
    try:
        return _read_plain(path, header, where, fresh(), None)
    except NotPlain:
        pass
    except (InputError, RatingsInputError):
        pass  # read again with the scan, so a problem further on comes first, as it should
    return _read_ratings(path, header, where, fresh)


def _read_ratings(
    path: Path, header: Header, where: list[int], fresh: Callable[[], TallyBuilder]
) -> RatingsTally:
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
    table: RatingsTally | None = None
    failure: Exception | None = None
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


def _read_plain(
    path: Path, header: Header, where: list[int], builder: TallyBuilder, gate: Gate | None
) -> RatingsTally:
    """The common plain file (plain_csv), factorised in numpy: no pandas import."""
    positions = sorted(where)
    order = [positions.index(c) for c in where]
    with GatedFile(path, header.size, gate) as raw:
        for columns in plain_blocks(raw, len(header.names), positions):
            (case, case_names), (rater, rater_names), (label, label_names) = (
                columns[j] for j in order
            )
            builder.add_coded(case, case_names, rater, rater_names, label, label_names)
    return builder.build(
        locate=lambda case, rater, before: _locate_fast(path, header, where, case, rater, before)
    )


def _read_fast(
    path: Path, header: Header, where: list[int], builder: TallyBuilder, gate: Gate | None
) -> RatingsTally:
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
    path: Path,
    header: Header,
    where: list[int],
    builder: TallyBuilder,
    *,
    unclosed: bool = False,
) -> RatingsTally:
    i_case, i_rater, i_label = where
    row_number = 1
    for row, fields in records(path, len(header.names)):
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
    for row, fields in records(path, len(header.names)):
        if row >= before:
            break
        if (
            fields is not None
            and fields[i_case].strip() == case_id
            and fields[i_rater].strip() == rater_id
        ):
            return row
    return None
