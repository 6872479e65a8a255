"""Building the ratings tables: row by row or from a reader's factorised chunks.

`RatingsBuilder` gives a `RatingsTable` (one entry per rating), `TallyBuilder` a
`RatingsTally` (one label per case × rater cell, for inputs of any size); both read records
through `rating_collector.RatingCollector` (ids and labels interned, blank labels counted) and
apply the duplicate rule (`keep`). See `ratings` for what the tables hold.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from calibrate.core.metrics.rating_cells import CellStore, GrowableColumn, concat
from calibrate.core.metrics.rating_collector import RatingCollector
from calibrate.core.metrics.ratings import (
    DuplicateRatingError,
    Keep,
    Locate,
    RatingsTable,
    RatingsTally,
)


class RatingsBuilder(RatingCollector):
    """Collect ratings row by row or chunk by chunk, then `build()` the per-rating table."""

    def __init__(
        self,
        *,
        order: Sequence[str] | None = None,
        keep: Keep = "error",
        first_row: int = 2,
        fold: bool = False,
    ):
        super().__init__(order=order, keep=keep, first_row=first_row, fold=fold)
        # case, rater, label id
        self._columns = (GrowableColumn(), GrowableColumn(), GrowableColumn())
        self._skipped: list[NDArray[Any]] = []

    def build(self) -> RatingsTable:
        """The finished table; raises RatingsInputError for duplicates or labels off --order."""
        self._flush()
        # One column at a time, its segments freed once joined: the peak is the data + 1/3.
        case, rater, label_id = (column.join() for column in self._columns)
        numeric, categories, lut = self._categories(self._spellings)
        code = np.take(lut, label_id, out=label_id) if label_id.size else label_id  # in place
        case, rater, code, dropped = self._resolve_duplicates(case, rater, code)
        self._check_size(len(categories))
        return RatingsTable(
            case_ids=tuple(self._cases),
            rater_ids=tuple(self._raters),
            categories=tuple(categories),
            case=case,
            rater=rater,
            code=code.astype(np.int32, copy=False),
            numeric=numeric,
            ordered=numeric or self._order is not None,
            blank_labels=self._blank_labels,
            duplicates_dropped=dropped,
            folded=self._fold,
        )

    def _store(
        self,
        case: NDArray[Any],
        rater: NDArray[Any],
        label: NDArray[Any],
        records: NDArray[Any],
        skipped: NDArray[Any],
    ) -> None:
        for column, values in zip(self._columns, (case, rater, label), strict=True):
            column.extend(values)
        if skipped.size:
            self._skipped.append(skipped)

    def _resolve_duplicates(
        self, case: NDArray[Any], rater: NDArray[Any], code: NDArray[Any]
    ) -> tuple[NDArray[Any], NDArray[Any], NDArray[Any], int]:
        if case.size < 2:
            return case, rater, code, 0
        cells = len(self._cases) * max(len(self._raters), 1)
        key: NDArray[Any] = case.astype(np.int32 if cells < 2**31 else np.int64)
        key *= max(len(self._raters), 1)
        key += rater
        if cells <= 8 * key.size:  # dense enough: a one-byte-per-cell bitmap beats sorting
            seen = np.zeros(cells, dtype=bool)
            seen[key] = True
            if np.count_nonzero(seen) == key.size:
                return case, rater, code, 0
            del seen
        elif np.all(np.diff(np.sort(key)) != 0):  # the usual case: no copies kept
            return case, rater, code, 0
        order = np.argsort(key, kind="stable")
        sorted_key = key[order]
        again = np.flatnonzero(sorted_key[1:] == sorted_key[:-1]) + 1
        if self._keep == "error":
            second = int(order[again].min())
            first = int(np.flatnonzero(key == key[second])[0])
            raise DuplicateRatingError(
                list(self._cases)[case[second]],
                list(self._raters)[rater[second]],
                (self._row_of_record_for_rating(first), self._row_of_record_for_rating(second)),
            )
        drop = order[again] if self._keep == "first" else order[again - 1]
        keep = np.ones(key.size, dtype=bool)
        keep[drop] = False
        return case[keep], rater[keep], code[keep], int(drop.size)

    def _row_of_record_for_rating(self, i: int) -> int:
        """Row of the i-th kept rating: its index plus the skipped records before it."""
        skipped = np.sort(concat(self._skipped, np.int64))
        record = i
        while True:
            moved = i + int(np.searchsorted(skipped, record, side="right"))
            if moved == record:
                return self._first_row + record
            record = moved


class TallyBuilder(RatingCollector):
    """Stream ratings into a `RatingsTally`: memory follows cases × raters, not rows.

    Each chunk is checked for raters rating a case twice against the cell store (and within
    itself); `keep` decides which rating stays — "last" replaces the stored label. With
    keep="error" the first such pair is remembered and raised by `build()`, after the label
    checks, as `RatingsBuilder` does; its earlier row, when it lies in an earlier chunk, is
    found again with `locate` (the reader re-scans its source up to the later row)."""

    def __init__(
        self,
        *,
        order: Sequence[str] | None = None,
        keep: Keep = "error",
        first_row: int = 2,
        fold: bool = False,
    ):
        super().__init__(order=order, keep=keep, first_row=first_row, fold=fold)
        self._cells = CellStore()
        self._kept = 0
        self._dropped = 0
        # (case id, rater id, record of the first rating or None, record of the later one)
        self._duplicate: tuple[int, int, int | None, int] | None = None

    def build(self, locate: Locate | None = None) -> RatingsTally:
        """The finished tally; raises RatingsInputError for labels off --order, duplicates
        (naming both rows; `locate` finds an earlier row no longer in memory), or too many
        categories."""
        self._flush()
        numeric, categories, lut = self._categories(self._spellings)
        case_ids = tuple(self._cases)
        rater_ids = tuple(self._raters)
        if self._duplicate is not None:
            case, rater, first, second = self._duplicate
            second_row = self._row_of_record(second)
            if first is not None:
                first_row: int | None = self._row_of_record(first)
            else:
                first_row = (
                    locate(case_ids[case], rater_ids[rater], second_row)
                    if locate is not None
                    else None
                )
            raise DuplicateRatingError(case_ids[case], rater_ids[rater], (first_row, second_row))
        self._check_size(len(categories))
        value_codes = np.concatenate(([-1], lut)).astype(np.int32)  # stored value = id + 1
        return RatingsTally(
            case_ids=case_ids,
            rater_ids=rater_ids,
            categories=tuple(categories),
            case_index=self._cases,
            cells=self._cells,
            value_codes=value_codes,
            n_ratings=self._kept,
            numeric=numeric,
            ordered=numeric or self._order is not None,
            blank_labels=self._blank_labels,
            duplicates_dropped=self._dropped,
            folded=self._fold,
        )

    def _store(
        self,
        case: NDArray[Any],
        rater: NDArray[Any],
        label: NDArray[Any],
        records: NDArray[Any],
        skipped: NDArray[Any],
    ) -> None:
        n = int(case.size)
        if n == 0:
            return
        # Free text in `label` would grow the store without bound: stop early, as build would.
        self._check_size(len(self._labels))
        cells = self._cells
        cells.reserve(len(self._cases), len(self._raters), len(self._labels), self._kept + n)
        key = cells.key(case, rater)
        value = label + 1
        if not _repeats(key) and not cells.get(key).any():
            cells.put(key, value, fresh=True)  # the usual chunk: every pair new
            self._kept += n
            return
        self._resolve(key, value, records, case, rater)

    def _resolve(
        self,
        key: NDArray[Any],
        value: NDArray[Any],
        records: NDArray[Any],
        case: NDArray[Any],
        rater: NDArray[Any],
    ) -> None:
        n = key.size
        order = np.argsort(key, kind="stable")  # equal keys stay in record order
        sorted_key = key[order]
        starts_group = np.ones(n, dtype=bool)
        starts_group[1:] = sorted_key[1:] != sorted_key[:-1]
        starts = np.flatnonzero(starts_group)
        ends = np.append(starts[1:], n) - 1
        existed = self._cells.get(sorted_key[starts]) != 0
        n_existed = int(np.count_nonzero(existed))
        self._dropped += n - starts.size + n_existed
        if self._keep == "error" and self._duplicate is None:
            repeat = ~starts_group
            repeat[starts[existed]] = True
            second = int(order[repeat].min())
            first = int(np.flatnonzero(key == key[second])[0])
            self._duplicate = (
                int(case[second]),
                int(rater[second]),
                int(records[first]) if first != second else None,
                int(records[second]),
            )
        if self._keep == "last":
            win = ends
            self._cells.put(sorted_key[win], value[order[win]], fresh=False)
            self._kept += starts.size - n_existed
        else:  # first (and error, which goes on as "first" until build raises)
            win = starts[~existed]
            self._cells.put(sorted_key[win], value[order[win]], fresh=True)
            self._kept += win.size


def _repeats(key: NDArray[Any]) -> bool:
    """Whether a key occurs twice: by counting where the keys span little more than their
    number (a chunk of a dense file: no sort), else by sorting."""
    low, high = int(key.min()), int(key.max())
    if high - low < 8 * key.size:
        return bool((np.bincount(key - low, minlength=high - low + 1) > 1).any())
    ordered = np.sort(key)
    return bool((ordered[1:] == ordered[:-1]).any())


def ratings_from_rows(
    rows: Iterable[tuple[str, str, str | None]],
    *,
    order: Sequence[str] | None = None,
    keep: Keep = "error",
    reference_labels: Iterable[str] = (),
) -> RatingsTable:
    """A table from (case_id, rater_id, label) rows, e.g. answers read from the store."""
    builder = RatingsBuilder(order=order, keep=keep)
    for reference in reference_labels:
        builder.add_reference_label(reference)
    for case_id, rater_id, label in rows:
        builder.add(case_id, rater_id, label)
    return builder.build()
