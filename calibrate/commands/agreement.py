"""`calibrate agreement RATINGS.csv`: agreement and accuracy metrics, as JSON or a table.

The contract (keys, conventions, exit codes) is DESIGN.md's "Headless contracts". Reading is
streamed: a numpy pass checks the CSV's structure and UTF-8 block by block, pandas then reads
it in chunks straight into the tally builder's integer codes; anything odd falls back to the
csv module, which reads row by row and names the row of the first problem. Only the tally
(one label per case × rater, and the tables built from it) stays in memory, never the rows.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from calibrate.commands import resample_count
from calibrate.core.wording import counted

CHUNK_ROWS = 250_000
SCAN_BLOCK = 1 << 22
REQUIRED = ("case_id", "rater_id", "label")
GOLD_REQUIRED = ("case_id", "gold")


UNCLOSED = "a quote is never closed"


class InputError(Exception):
    """Bad input, already phrased as the one line the user sees."""


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `agreement` subcommand."""
    parser = subparsers.add_parser(
        "agreement", help="agreement and accuracy metrics from a ratings CSV",
        description="Agreement between raters (percent agreement, Cohen/Fleiss kappa, "
                    "Krippendorff's alpha, Gwet's AC1, Brennan-Prediger) with 95 % intervals, "
                    "and accuracy against golden answers.")
    parser.add_argument("ratings", metavar="RATINGS.csv",
                        help="CSV with a header holding case_id,rater_id,label")
    parser.add_argument("--gold", metavar="GOLD.csv", help="golden answers: case_id,gold")
    parser.add_argument("--order", metavar="a,b,c",
                        help="the categories, least to most restrictive (ranks them)")
    parser.add_argument("--keep", choices=("first", "last"),
                        help="which rating counts when a rater rated a case twice")
    parser.add_argument("--bootstrap", metavar="N", type=resample_count, default=0,
                        help="resamples for a bootstrap interval of Krippendorff's alpha")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    """Compute and print the metrics; 0 on success, 2 on bad input (one line on stderr)."""
    try:
        result = _compute(args)
    except InputError as error:
        print(f"calibrate agreement: {error}", file=sys.stderr)
        return 2
    except MemoryError:
        print(f"calibrate agreement: {args.ratings}: out of memory", file=sys.stderr)
        return 2
    except Exception as error:  # the contract: never a traceback
        print(f"calibrate agreement: {args.ratings}: unexpected error: "
              f"{type(error).__name__}: {_one_line(str(error))}", file=sys.stderr)
        return 2
    if args.json:
        import json

        text = json.dumps(result, ensure_ascii=False, allow_nan=False)
    else:
        from calibrate.commands.agreement_table import render

        text = render(args.ratings, result)
    try:
        print(text)
        sys.stdout.flush()
    except BrokenPipeError:  # `| head` closed the pipe: not an error of ours
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


def _one_line(text: str) -> str:
    return " ".join(text.split())


# -- the computation -------------------------------------------------------------------

def _compute(args: argparse.Namespace) -> dict[str, Any]:
    from calibrate.core import accuracy, agreement, scoring
    from calibrate.core.rating_builders import TallyBuilder
    from calibrate.core.ratings import RatingsInputError, label_text

    order = None
    if args.order is not None:
        order = [item.strip() for item in args.order.split(",")]
        if not all(order):
            raise InputError(f"--order {args.order!r}: an empty category name")
    gold_rows = _read_gold(Path(args.gold)) if args.gold else None
    keep = args.keep or "error"
    reference = gold_rows.first_rows() if gold_rows is not None else []

    def fresh() -> TallyBuilder:
        builder = TallyBuilder(order=order, keep=keep)
        for label, row in reference:
            builder.add_reference_label(label, file=args.gold, row=row)
        return builder

    path = Path(args.ratings)
    try:
        table = _read_ratings(path, fresh)
    except RatingsInputError as error:
        hint = " (pass --keep first or --keep last to choose one)" \
            if type(error).__name__ == "DuplicateRatingError" else ""
        file = error.file or str(path)
        where = f"{file}: row {error.row}" if error.row is not None else file
        raise InputError(f"{where}: {error.message}{hint}") from None
    if table.n_ratings == 0:
        raise InputError(f"{path}: no ratings: the file has a header but no rated rows")
    gold = None
    if gold_rows is not None:  # golden codes per case, then the id table can go
        gold = accuracy.gold_codes(table, gold_rows.items())
        del gold_rows

    def as_json_label(label: object) -> object:
        if isinstance(label, float):
            return int(label) if label.is_integer() and abs(label) < 2**53 else label
        return label

    result: dict[str, Any] = {
        "cases": table.n_cases, "raters": table.n_raters, "ratings": table.n_ratings,
        "categories": [as_json_label(c) for c in table.categories],
    }
    report = agreement.agreement_report(table, bootstrap=args.bootstrap)
    result.update({name: estimate.as_json() for name, estimate in report.items()})
    result["ignored_rows"] = {"blank_label": table.blank_labels,
                              "duplicate": table.duplicates_dropped}
    if gold is None:
        return result
    by_rater = accuracy.accuracy_by_rater(table, gold)
    value, ci = by_rater.overall
    result["accuracy_overall"] = {
        "value": value, "accuracy": value, "n": by_rater.total_n,
        "correct": by_rater.total_correct, "ci95": list(ci) if ci else None,
        "method": "Wilson score interval, z = 1.959964, over all ratings with a golden answer",
        **({"note": "undefined: no rated case has a golden answer"} if value is None else {}),
    }
    result["accuracy_by_rater"] = {
        rid: {"n": int(by_rater.n[i]), "correct": int(by_rater.correct[i]),
              "accuracy": float(by_rater.accuracy[i]) if by_rater.n[i] else None,
              "ci95": [float(by_rater.lo[i]), float(by_rater.hi[i])] if by_rater.n[i] else None}
        for i, rid in enumerate(table.rater_ids)
    }
    confusion = accuracy.confusion_matrix(table, gold)
    result["confusion_matrix"] = {"labels": result["categories"], "counts": confusion.tolist()}
    if order is not None:
        # The --order ladder, with `escalate` standing apart as packs declare it.
        ladder = [c for c in table.categories if label_text(c) != "escalate"]
        rungs = scoring.rungs_of(table.categories, ladder)
        result["enforcement"] = {"ladder": [as_json_label(c) for c in ladder],
                                 **accuracy.enforcement(confusion, rungs).as_json()}
    return result


# -- reading CSV -----------------------------------------------------------------------

def _read_header(path: Path) -> list[str]:
    """The header record's names, read from bytes so a bad byte further down is not blamed
    on row 1."""
    import csv

    raw = b""
    try:
        with path.open("rb") as handle:
            while line := handle.readline():
                raw += line
                if raw.count(b'"') % 2 == 0:  # a quoted name may span lines
                    break
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{path}: is a folder, not a CSV file") from None
    except OSError as error:
        reason = _one_line(error.strerror or str(error))
        raise InputError(f"{path}: cannot read: {reason}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(f"{path}: row 1: not UTF-8 text (byte 0x{raw[error.start]:02x}); "
                         "save the file as UTF-8") from None
    header = next(csv.reader([text]), None) if text.strip() else None
    if header is None:
        raise InputError(f"{path}: row 1: the file is empty; expected a header with "
                         "case_id,rater_id,label")
    return [name.strip() for name in header]


def _columns(path: Path, header: list[str], required: tuple[str, ...]) -> list[int]:
    missing = [name for name in required if name not in header]
    if missing:
        raise InputError(f"{path}: row 1: missing column {', '.join(map(repr, missing))} "
                         f"(the header has: {', '.join(header) or 'nothing'})")
    twice = [name for name in required if header.count(name) > 1]
    if twice:
        raise InputError(f"{path}: row 1: column {twice[0]!r} appears twice in the header")
    return [header.index(name) for name in required]


def _read_ratings(path: Path, fresh: Any) -> Any:
    """The ratings table: fast (pandas) while the structure scan runs beside it on another
    core, kept only if the scan passes; else row by row, which names the bad row."""
    import threading

    from calibrate.core.ratings import RatingsInputError

    header = _read_header(path)
    columns = _columns(path, header, REQUIRED)
    scanned: dict[str, Any] = {}

    def scan() -> None:
        try:
            scanned["problem"] = _scan(path, len(header))
        except BaseException as error:  # handed to the main thread below
            scanned["error"] = error

    worker = threading.Thread(target=scan, name="csv-scan", daemon=True)
    worker.start()
    table, failure = None, None
    try:
        table = _read_fast(path, columns, fresh())
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
    return _read_slow(path, header, columns, fresh(), unclosed=problem == UNCLOSED)


def _scan(path: Path, n_fields: int) -> str | None:
    """Check UTF-8 and that every record has the header's field count, streaming in numpy.

    Returns None if the fast reader may go ahead, else a reason to read row by row; a UTF-8
    error is raised at once with its row. Quotes are tracked by parity, as RFC 4180 writes
    them; a quote inside an unquoted field upsets the count and sends us row by row."""
    import codecs

    import numpy as np

    decoder = codecs.getincrementaldecoder("utf-8")()
    record, parity, carry_commas, carry_len, carry_last = 0, 0, 0, 0, 0
    problem: str | None = None
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
                raise InputError(f"{path}: row {row}: not UTF-8 text (byte 0x{block[at]:02x}); "
                                 "save the file as UTF-8") from None
            end_parity = (parity + n_quotes) & 1
            if problem is not None:  # only UTF-8 is still worth checking
                record += newline.size
                parity = end_parity
                continue
            if newline.size:
                starts = np.concatenate(([0], newline[:-1] + 1))
                # Commas of each record, its newline included (never a comma). Counting in
                # uint8 is 5x faster; a record with 256+ commas wraps, which the total catches.
                body = is_comma[: newline[-1] + 1]
                per = np.add.reduceat(body, starts, dtype=np.uint8).astype(np.int64)
                if int(per.sum()) != int(np.count_nonzero(body)):
                    per[:] = -1  # some record has hundreds of fields: not ours to read fast
                per[0] += carry_commas
                length = newline - starts
                last = np.where(length > 0, b[np.maximum(newline - 1, 0)], 0)
                length[0] += carry_len
                if carry_len and length[0] == carry_len:
                    last[0] = carry_last
                blank = (length == 0) | ((length == 1) & (last == 13))
                bad = ~blank & (per + 1 != n_fields)
                if bad.any():
                    problem = f"row {record + int(np.argmax(bad)) + 1}: unexpected field count"
                record += newline.size
                carry_commas = int(np.count_nonzero(is_comma[newline[-1] + 1:]))
                carry_len = b.size - int(newline[-1]) - 1
            else:
                carry_commas += int(np.count_nonzero(is_comma))
                carry_len += b.size
            carry_last = int(b[-1])
            parity = end_parity
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise InputError(f"{path}: row {record + 1}: not UTF-8 text (the file ends inside "
                             "a character); save the file as UTF-8") from None
    if problem is not None:
        return problem
    if parity:
        return UNCLOSED
    if carry_len and not (carry_len == 1 and carry_last == 13) and carry_commas + 1 != n_fields:
        return f"row {record + 1} has an unexpected field count"
    return None


def _read_fast(path: Path, columns: list[int], builder: Any) -> Any:
    import pandas as pd

    positions = sorted(columns)
    where = [positions.index(c) for c in columns]
    # Plain strings, factorised by hashing: pandas' categoricals sort every chunk's distinct
    # values, several times slower when a chunk holds hundreds of thousands of case ids.
    reader = pd.read_csv(
        path, usecols=positions, header=0, index_col=False, dtype=str,
        na_filter=False, keep_default_na=False, skip_blank_lines=False, encoding="utf-8",
        chunksize=CHUNK_ROWS, engine="c")
    with reader:
        for chunk in reader:
            parts: list[Any] = []
            for j in where:
                codes, names = pd.factorize(chunk.iloc[:, j].to_numpy(dtype=object))
                parts += [codes, names]
            del chunk
            builder.add_coded(*parts)
    return builder.build(
        locate=lambda case, rater, before: _locate_fast(path, columns, case, rater, before))


def _read_slow(path: Path, header: list[str], columns: list[int], builder: Any, *,
               unclosed: bool = False) -> Any:
    import csv

    i_case, i_rater, i_label = columns
    row_number = 1
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            next(reader, None)
            for row_number, fields in enumerate(reader, start=2):
                if not any(field.strip() for field in fields):
                    builder.add("", "", "")
                    continue
                if len(fields) != len(header):
                    raise InputError(
                        f"{path}: row {row_number}: {counted(len(fields), 'field')}, but the "
                        f"header has {len(header)} (quote values that contain commas or line "
                        "breaks)")
                builder.add(fields[i_case], fields[i_rater], fields[i_label])
    except csv.Error as error:
        raise InputError(f"{path}: row {row_number + 1}: {_one_line(str(error))} "
                         "(is a quote left open?)") from None
    except UnicodeDecodeError as error:
        raise InputError(f"{path}: row {row_number + 1}: not UTF-8 text (byte "
                         f"0x{error.object[error.start]:02x}); save the file as UTF-8") from None
    if unclosed:  # the csv module takes the rest of the file into the open field
        raise InputError(f"{path}: row {row_number}: a quote opened in this row is never "
                         "closed")
    return builder.build(
        locate=lambda case, rater, before: _locate_slow(path, columns, case, rater, before))


# A rater rating a case twice is found against the tally; the first of the two rows, when it
# was in an earlier chunk, is found again by reading the file up to the second one.

def _locate_fast(path: Path, columns: list[int], case_id: str, rater_id: str,
                 before: int) -> int | None:
    import numpy as np
    import pandas as pd

    positions = sorted(columns[:2])
    where = [positions.index(c) for c in columns[:2]]
    reader = pd.read_csv(
        path, usecols=positions, header=0, index_col=False, dtype=str, na_filter=False,
        keep_default_na=False, skip_blank_lines=False, encoding="utf-8",
        chunksize=CHUNK_ROWS, engine="c")
    row = 2
    with reader:
        for chunk in reader:
            if row >= before:
                break
            case, rater = (chunk.iloc[:, j].astype(str) for j in where)
            hit = np.flatnonzero(((case.str.strip() == case_id)
                                  & (rater.str.strip() == rater_id)).to_numpy())
            if hit.size and row + int(hit[0]) < before:
                return row + int(hit[0])
            row += len(chunk)
    return None


def _locate_slow(path: Path, columns: list[int], case_id: str, rater_id: str,
                 before: int) -> int | None:
    import csv

    i_case, i_rater, _ = columns
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        next(reader, None)
        for row, fields in enumerate(reader, start=2):
            if row >= before:
                break
            if len(fields) > max(i_case, i_rater) and fields[i_case].strip() == case_id \
                    and fields[i_rater].strip() == rater_id:
                return row
    return None


class _Gold:
    """Golden answers as read: case id → position, and per position a label id and its row
    (compact arrays: a file may hold a golden answer for each of a million cases)."""

    def __init__(self) -> None:
        from array import array

        self.index: dict[str, int] = {}
        self.labels: dict[str, int] = {}
        self.label_of = array("i")
        self.row_of = array("q")

    def add(self, path: Path, case: str, label: str, row: int) -> None:
        label_id = self.labels.setdefault(label, len(self.labels))
        at = self.index.get(case)
        if at is None:
            self.index[case] = len(self.label_of)
            self.label_of.append(label_id)
            self.row_of.append(row)
        elif self.label_of[at] != label_id:
            raise InputError(f"{path}: row {row}: case {case!r} has two golden answers "
                             f"(rows {self.row_of[at]} and {row})")

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


def _read_gold(path: Path) -> _Gold:
    """Golden answers, rejecting conflicting duplicates and empty cells."""
    import csv

    header = _read_header(path)
    i_case, i_gold = _columns(path, header, GOLD_REQUIRED)
    gold = _Gold()
    row_number = 1
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.reader(handle)
            next(reader, None)
            for row_number, fields in enumerate(reader, start=2):
                if not any(field.strip() for field in fields):
                    continue
                if len(fields) != len(header):
                    raise InputError(f"{path}: row {row_number}: "
                                     f"{counted(len(fields), 'field')}, but the header has "
                                     f"{len(header)}")
                case, label = fields[i_case].strip(), fields[i_gold].strip()
                if not case or not label:
                    raise InputError(f"{path}: row {row_number}: empty "
                                     f"{'case_id' if not case else 'gold'}")
                gold.add(path, case, label, row_number)
    except csv.Error as error:
        raise InputError(f"{path}: row {row_number + 1}: {_one_line(str(error))}") from None
    except UnicodeDecodeError as error:
        raise InputError(f"{path}: row {row_number + 1}: not UTF-8 text (byte "
                         f"0x{error.object[error.start]:02x}); save the file as UTF-8") from None
    return gold
