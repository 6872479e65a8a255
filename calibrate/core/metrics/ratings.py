"""The ratings: who gave which label to which case, as integer codes and count tables.

Two forms, built chunk by chunk from a reader or row by row (`rating_builders`), and read by
the same metrics:
- `RatingsTable` (from `RatingsBuilder` or `ratings_from_rows`) keeps one entry per rating
  (`case`, `rater`, `code`): what item analysis and the dashboard need, at store sizes;
- `RatingsTally` (from `TallyBuilder`) keeps only which label each rater gave each case, in a
  compact cell store, so memory follows cases × raters, not the number of rows read. It is
  what `calibrate agreement` streams a CSV of any size into.
Both give the case × category `counts` and the small tables the metrics need (Cohen's two-rater
table, per-rater tallies against golden answers). Missing ratings are simply absent. Labels
compare as text unless every label parses as a number; then they compare as numbers
(1 = 1.0) and those numbers are the category values.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

import numpy as np
from numpy.typing import NDArray

from calibrate.core.errors import CalibrateError
from calibrate.core.metrics.rating_cells import BLOCK_CELLS, CellStore

Label = str | float
Keep = Literal["error", "first", "last"]
# (case id, rater id, row of the later rating) → row of the first rating of that pair, if found
Locate = Callable[[str, str, int], "int | None"]

_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")


class RatingsInputError(CalibrateError):
    """Ratings that cannot be tabulated; `row` is the 1-based row (header = row 1) if known."""

    def __init__(self, message: str, row: int | None = None, file: str | None = None):
        self.message, self.row, self.file = message, row, file
        where = ": ".join(p for p in (file, f"row {row}" if row is not None else None) if p)
        super().__init__(f"{where}: {message}" if where else message)


class DuplicateRatingError(RatingsInputError):
    """A rater rated the same case twice and no keep rule was given.

    `rows` is (first, later); first is None only where it could not be found again."""

    def __init__(self, case_id: str, rater_id: str, rows: tuple[int | None, int]):
        self.case_id, self.rater_id, self.rows = case_id, rater_id, rows
        which = (
            f"rows {rows[0]} and {rows[1]}"
            if rows[0] is not None
            else f"row {rows[1]} and an earlier row"
        )
        super().__init__(f"rater {rater_id!r} rated case {case_id!r} twice ({which})", row=rows[1])


def parse_number(text: str) -> float | None:
    """The number a label spells (finite decimals only), else None."""
    if not _NUMBER.match(text):
        return None
    value = float(text)
    return value if math.isfinite(value) else None


def label_text(label: Label) -> str:
    """A category label as people read it: numbers without a needless `.0`."""
    if isinstance(label, float):
        return str(int(label)) if label.is_integer() and abs(label) < 1e15 else repr(label)
    return label


class _Categorised:
    """What both forms share: ids, categories and how a written label finds its code."""

    case_ids: tuple[str, ...]
    rater_ids: tuple[str, ...]
    categories: tuple[Label, ...]
    numeric: bool
    folded: bool  # labels compare casefolded (`--ignore-case`)

    @property
    def n_cases(self) -> int:
        return len(self.case_ids)

    @property
    def n_raters(self) -> int:
        return len(self.rater_ids)

    @property
    def n_categories(self) -> int:
        return len(self.categories)

    @cached_property
    def case_index(self) -> dict[str, int]:
        """Case id → its index in `case_ids`."""
        return {case_id: i for i, case_id in enumerate(self.case_ids)}

    @cached_property
    def values(self) -> NDArray[Any] | None:
        """Numeric value of each category (numeric labels only), for interval/ratio metrics."""
        return np.array(self.categories, dtype=float) if self.numeric else None

    def code_of(self, label: str) -> int | None:
        """The category code of a label as written (`"1.0"` finds 1 in a numeric table)."""
        text = label.strip()
        key: Label | None = parse_number(text) if self.numeric else self._fold(text)
        return self._code_index.get(key) if key is not None else None

    def _fold(self, label: Label) -> Label:
        return label.casefold() if self.folded and isinstance(label, str) else label

    @cached_property
    def _code_index(self) -> dict[Label, int]:
        return {self._fold(label): i for i, label in enumerate(self.categories)}


def _cohen_table(first: NDArray[Any], second: NDArray[Any], k: int) -> NDArray[Any]:
    both = (first >= 0) & (second >= 0)
    flat = np.bincount(first[both].astype(np.int64) * k + second[both], minlength=k * k)
    return flat.reshape(k, k)


@dataclass(frozen=True, eq=False)
class RatingsTable(_Categorised):
    """Ratings as codes: entry i says rater `rater[i]` put case `case[i]` in `code[i]`."""

    case_ids: tuple[str, ...]
    rater_ids: tuple[str, ...]
    categories: tuple[Label, ...]
    case: NDArray[Any]
    rater: NDArray[Any]
    code: NDArray[Any]
    numeric: bool = False
    ordered: bool = False
    blank_labels: int = 0
    duplicates_dropped: int = 0
    folded: bool = False

    @property
    def n_ratings(self) -> int:
        return int(self.code.size)

    @cached_property
    def counts(self) -> NDArray[Any]:
        """Case × category matrix: how many raters put each case in each category."""
        k = self.n_categories
        # int32 keys where they fit: this is the largest temporary for big tables.
        key: NDArray[Any] = self.case.astype(np.int32 if self.n_cases * k < 2**31 else np.int64)
        key *= k
        key += self.code
        flat = np.bincount(key, minlength=self.n_cases * k)
        return flat.reshape(self.n_cases, k).astype(np.int32, copy=False)

    @cached_property
    def codes(self) -> NDArray[Any]:
        """Dense case × rater matrix of category codes, -1 where a rating is missing."""
        dense = np.full((self.n_cases, self.n_raters), -1, dtype=np.int32)
        dense[self.case, self.rater] = self.code
        return dense

    def cohen_table(self) -> NDArray[Any]:
        """Rater 1 × rater 2 category table over the cases both rated (two raters only)."""
        dense = self.codes
        return _cohen_table(dense[:, 0], dense[:, 1], self.n_categories)

    def rater_tally(self, gold: NDArray[Any]) -> tuple[NDArray[Any], NDArray[Any]]:
        """Per rater: ratings of cases with a golden code (`gold`, -1 = none), and how many
        of them equal it."""
        golden = gold[self.case]
        scored = golden >= 0
        right = scored & (self.code == golden)
        return (
            np.bincount(self.rater[scored], minlength=self.n_raters),
            np.bincount(self.rater[right], minlength=self.n_raters),
        )


class RatingsTally(_Categorised):
    """Ratings kept as one label per (case, rater) cell; no per-row arrays.

    Everything is read back from the cell store in bounded blocks: the case × category
    `counts`, Cohen's two-rater table, per-rater tallies against golden answers."""

    def __init__(
        self,
        *,
        case_ids: tuple[str, ...],
        rater_ids: tuple[str, ...],
        categories: tuple[Label, ...],
        cells: CellStore,
        value_codes: NDArray[Any],
        n_ratings: int,
        numeric: bool,
        ordered: bool,
        blank_labels: int,
        duplicates_dropped: int,
        case_index: dict[str, int] | None = None,
        folded: bool = False,
    ):
        self.case_ids, self.rater_ids, self.categories = case_ids, rater_ids, categories
        if case_index is not None:  # the builder's own id table: no second one to build
            self.case_index = case_index
        self._cells, self._value_codes = cells, value_codes
        self.n_ratings, self.numeric, self.ordered = n_ratings, numeric, ordered
        self.blank_labels, self.duplicates_dropped = blank_labels, duplicates_dropped
        self.folded = folded

    def _blocks(
        self, cases_per_block: int
    ) -> Iterator[tuple[int, int, NDArray[Any], NDArray[Any], NDArray[Any]]]:
        """(c0, c1, case, rater, code) for the ratings of cases c0 ≤ case < c1."""
        for c0, c1, case, rater, value in self._cells.blocks(
            self.n_cases, self.n_raters, cases_per_block
        ):
            yield c0, c1, case, rater, self._value_codes[value]

    @cached_property
    def counts(self) -> NDArray[Any]:
        """Case × category matrix: how many raters put each case in each category."""
        k = self.n_categories
        counts = np.zeros((self.n_cases, k), dtype=np.int32)
        flat = counts.reshape(-1)
        for c0, c1, case, _rater, code in self._blocks(max(1, BLOCK_CELLS // max(k, 1))):
            local = (case - c0) * k + code
            flat[c0 * k : c1 * k] += np.bincount(local, minlength=(c1 - c0) * k).astype(np.int32)
        return counts

    def cohen_table(self) -> NDArray[Any]:
        """Rater 1 × rater 2 category table over the cases both rated (two raters only)."""
        first = np.full(self.n_cases, -1, dtype=np.int32)
        second = np.full(self.n_cases, -1, dtype=np.int32)
        for _c0, _c1, case, rater, code in self._blocks(BLOCK_CELLS):
            for which, column in ((0, first), (1, second)):
                mine = rater == which
                column[case[mine]] = code[mine]
        return _cohen_table(first, second, self.n_categories)

    def rater_tally(self, gold: NDArray[Any]) -> tuple[NDArray[Any], NDArray[Any]]:
        """Per rater: ratings of cases with a golden code (`gold`, -1 = none), and how many
        of them equal it."""
        n = np.zeros(self.n_raters, dtype=np.int64)
        correct = np.zeros(self.n_raters, dtype=np.int64)
        for _c0, _c1, case, rater, code in self._blocks(BLOCK_CELLS):
            golden = gold[case]
            scored = golden >= 0
            n += np.bincount(rater[scored], minlength=self.n_raters)
            correct += np.bincount(rater[scored & (code == golden)], minlength=self.n_raters)
        return n, correct
