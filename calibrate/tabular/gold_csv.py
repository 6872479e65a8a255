"""The golden answers of `calibrate agreement` (`--gold GOLD.csv`, header `case_id,gold`),
read row by row with the limits of `csv_rows`, kept compact until they are laid over the
ratings' cases (a file may hold a golden answer for each of a million cases)."""

from __future__ import annotations

from array import array
from collections.abc import Iterator
from pathlib import Path

from calibrate.core.metrics.accuracy import Table
from calibrate.core.metrics.agreement_result import GoldenAnswers
from calibrate.tabular.csv_rows import columns, read_header, records
from calibrate.tabular.limits import InputError

GOLD_REQUIRED = ("case_id", "gold")


class Gold:
    """Golden answers as read: case id → position, and per position a label id and its row
    (compact arrays: a file may hold a golden answer for each of a million cases)."""

    def __init__(self, path: Path) -> None:
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

    def against(self, table: Table, file: str) -> GoldenAnswers:
        """The golden codes of the table's cases, and the golden cases no rating has; `file`
        is the golden file as the user named it. The table must know every golden label
        (read it with `first_rows()` as reference labels)."""
        from calibrate.core.metrics import accuracy

        codes = accuracy.gold_codes(table, self.items())
        unrated = [case for case in self.index if case not in table.case_index]
        return GoldenAnswers(file, codes, unrated)


def read_gold(path: Path) -> Gold:
    """Golden answers, rejecting conflicting duplicates and empty cells."""
    header = read_header(path, GOLD_REQUIRED)
    i_case, i_gold = columns(path, header.names, GOLD_REQUIRED)
    gold = Gold(path)
    for row_number, fields in records(path, len(header.names), hint=""):
        if fields is None:
            continue
        case, label = fields[i_case].strip(), fields[i_gold].strip()
        if not case or not label:
            raise InputError(f"empty {'case_id' if not case else 'gold'}", path, row_number)
        gold.add(case, label, row_number)
    return gold
