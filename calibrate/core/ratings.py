"""The ratings: who gave which label to which case, as integer codes and count tables.

Two forms, built chunk by chunk from a reader or row by row, and read by the same metrics:
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
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

import numpy as np

from calibrate.core.errors import CalibrateError

Label = str | float
Keep = Literal["error", "first", "last"]
# (case id, rater id, row of the later rating) → row of the first rating of that pair, if found
Locate = Callable[[str, str, int], "int | None"]

_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")
# A count matrix beyond this many cells means `label` is free text, not categories.
MAX_COUNT_CELLS = 100_000_000
# The tally's cell store is a dense case × rater grid (1 byte a cell for up to 254 labels)
# while that grid is below this size or no bigger than twice the sparse form (sorted int64
# keys + a label, ~9 bytes a rating); beyond both it switches to the sparse form for good.
DENSE_FREE_BYTES = 256 << 20
_BLOCK_CELLS = 1 << 18  # entries handled at once when reading the store back


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
        which = f"rows {rows[0]} and {rows[1]}" if rows[0] is not None else \
            f"row {rows[1]} and an earlier row"
        super().__init__(f"rater {rater_id!r} rated case {case_id!r} twice ({which})",
                         row=rows[1])


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
    def values(self) -> np.ndarray | None:
        """Numeric value of each category (numeric labels only), for interval/ratio metrics."""
        return np.array(self.categories, dtype=float) if self.numeric else None

    def code_of(self, label: str) -> int | None:
        """The category code of a label as written (`"1.0"` finds 1 in a numeric table)."""
        text = label.strip()
        key: Label | None = parse_number(text) if self.numeric else text
        return self._code_index.get(key) if key is not None else None

    @cached_property
    def _code_index(self) -> dict[Label, int]:
        return {label: i for i, label in enumerate(self.categories)}


def _cohen_table(first: np.ndarray, second: np.ndarray, k: int) -> np.ndarray:
    both = (first >= 0) & (second >= 0)
    flat = np.bincount(first[both].astype(np.int64) * k + second[both], minlength=k * k)
    return flat.reshape(k, k)


@dataclass(frozen=True, eq=False)
class RatingsTable(_Categorised):
    """Ratings as codes: entry i says rater `rater[i]` put case `case[i]` in `code[i]`."""

    case_ids: tuple[str, ...]
    rater_ids: tuple[str, ...]
    categories: tuple[Label, ...]
    case: np.ndarray
    rater: np.ndarray
    code: np.ndarray
    numeric: bool = False
    ordered: bool = False
    blank_labels: int = 0
    duplicates_dropped: int = 0

    @property
    def n_ratings(self) -> int:
        return int(self.code.size)

    @cached_property
    def counts(self) -> np.ndarray:
        """Case × category matrix: how many raters put each case in each category."""
        k = self.n_categories
        # int32 keys where they fit: this is the largest temporary for big tables.
        key = self.case.astype(np.int32 if self.n_cases * k < 2**31 else np.int64)
        key *= k
        key += self.code
        flat = np.bincount(key, minlength=self.n_cases * k)
        return flat.reshape(self.n_cases, k).astype(np.int32, copy=False)

    @cached_property
    def codes(self) -> np.ndarray:
        """Dense case × rater matrix of category codes, -1 where a rating is missing."""
        dense = np.full((self.n_cases, self.n_raters), -1, dtype=np.int32)
        dense[self.case, self.rater] = self.code
        return dense

    def cohen_table(self) -> np.ndarray:
        """Rater 1 × rater 2 category table over the cases both rated (two raters only)."""
        dense = self.codes
        return _cohen_table(dense[:, 0], dense[:, 1], self.n_categories)

    def rater_tally(self, gold: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per rater: ratings of cases with a golden code (`gold`, -1 = none), and how many
        of them equal it."""
        golden = gold[self.case]
        scored = golden >= 0
        right = scored & (self.code == golden)
        return (np.bincount(self.rater[scored], minlength=self.n_raters),
                np.bincount(self.rater[right], minlength=self.n_raters))


class RatingsTally(_Categorised):
    """Ratings kept as one label per (case, rater) cell; no per-row arrays.

    Everything is read back from the cell store in bounded blocks: the case × category
    `counts`, Cohen's two-rater table, per-rater tallies against golden answers."""

    def __init__(self, *, case_ids: tuple[str, ...], rater_ids: tuple[str, ...],
                 categories: tuple[Label, ...], cells: _CellStore, value_codes: np.ndarray,
                 n_ratings: int, numeric: bool, ordered: bool, blank_labels: int,
                 duplicates_dropped: int, case_index: dict[str, int] | None = None):
        self.case_ids, self.rater_ids, self.categories = case_ids, rater_ids, categories
        if case_index is not None:  # the builder's own id table: no second one to build
            self.case_index = case_index
        self._cells, self._value_codes = cells, value_codes
        self.n_ratings, self.numeric, self.ordered = n_ratings, numeric, ordered
        self.blank_labels, self.duplicates_dropped = blank_labels, duplicates_dropped

    def _blocks(self, cases_per_block: int
                ) -> Iterator[tuple[int, int, np.ndarray, np.ndarray, np.ndarray]]:
        """(c0, c1, case, rater, code) for the ratings of cases c0 ≤ case < c1."""
        for c0, c1, case, rater, value in self._cells.blocks(self.n_cases, self.n_raters,
                                                              cases_per_block):
            yield c0, c1, case, rater, self._value_codes[value]

    @cached_property
    def counts(self) -> np.ndarray:
        """Case × category matrix: how many raters put each case in each category."""
        k = self.n_categories
        counts = np.zeros((self.n_cases, k), dtype=np.int32)
        flat = counts.reshape(-1)
        for c0, c1, case, _rater, code in self._blocks(max(1, _BLOCK_CELLS // max(k, 1))):
            local = (case - c0) * k + code
            flat[c0 * k:c1 * k] += np.bincount(local, minlength=(c1 - c0) * k).astype(np.int32)
        return counts

    def cohen_table(self) -> np.ndarray:
        """Rater 1 × rater 2 category table over the cases both rated (two raters only)."""
        first = np.full(self.n_cases, -1, dtype=np.int32)
        second = np.full(self.n_cases, -1, dtype=np.int32)
        for _c0, _c1, case, rater, code in self._blocks(_BLOCK_CELLS):
            for which, column in ((0, first), (1, second)):
                mine = rater == which
                column[case[mine]] = code[mine]
        return _cohen_table(first, second, self.n_categories)

    def rater_tally(self, gold: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per rater: ratings of cases with a golden code (`gold`, -1 = none), and how many
        of them equal it."""
        n = np.zeros(self.n_raters, dtype=np.int64)
        correct = np.zeros(self.n_raters, dtype=np.int64)
        for _c0, _c1, case, rater, code in self._blocks(_BLOCK_CELLS):
            golden = gold[case]
            scored = golden >= 0
            n += np.bincount(rater[scored], minlength=self.n_raters)
            correct += np.bincount(rater[scored & (code == golden)], minlength=self.n_raters)
        return n, correct


# -- building ---------------------------------------------------------------------------

class _Collector:
    """Reads records row by row or chunk by chunk: interns ids and labels, counts blanks.

    Each `add`/`add_coded` row is one record of the source; rows are numbered from
    `first_row` (2 for a CSV whose header is row 1), so errors can name the rows. Subclasses
    keep the ratings (`_store`) and finish (`build`)."""

    def __init__(self, *, order: Sequence[str] | None = None, keep: Keep = "error",
                 first_row: int = 2):
        self._order = [item.strip() for item in order] if order is not None else None
        self._keep = keep
        self._first_row = first_row
        self._cases: dict[str, int] = {}
        self._raters: dict[str, int] = {}
        self._labels: dict[str, int] = {}
        self._label_first_record: list[int] = []
        self._reference: dict[str, tuple[str | None, int | None]] = {}
        self._pending: tuple[list[int], list[int], list[int], list[int]] = ([], [], [], [])
        self._pending_skipped: list[int] = []
        self._records = 0
        self._blank_labels = 0

    def add(self, case_id: str, rater_id: str, label: str | None) -> None:
        """One record; an empty label is a missing rating, an empty id an error."""
        record = self._records
        self._records += 1
        case_id, rater_id = (case_id or "").strip(), (rater_id or "").strip()
        label = (label or "").strip()
        if not label:
            self._pending_skipped.append(record)
            if case_id or rater_id:
                self._blank_labels += 1
            return
        for name, value in (("case_id", case_id), ("rater_id", rater_id)):
            if not value:
                raise RatingsInputError(f"empty {name}", row=self._first_row + record)
        label_id = self._labels.get(label)
        if label_id is None:
            label_id = self._labels[label] = len(self._labels)
            self._label_first_record.append(record)
        cases, raters, labels, records = self._pending
        cases.append(self._cases.setdefault(case_id, len(self._cases)))
        raters.append(self._raters.setdefault(rater_id, len(self._raters)))
        labels.append(label_id)
        records.append(record)
        if len(labels) >= 65_536:
            self._flush()

    def add_coded(self, case_codes: np.ndarray, case_names: Sequence[str],
                  rater_codes: np.ndarray, rater_names: Sequence[str],
                  label_codes: np.ndarray, label_names: Sequence[str]) -> None:
        """A chunk of records given as codes into per-chunk name lists (a reader's factorised
        columns); code -1 means an empty cell."""
        self._flush()
        n = int(label_codes.size)
        label_local = _remap(label_codes, label_names, None)
        blank = label_local < 0
        present = ~blank
        # Intern only ids that carry a rating, so no case or rater ends up with none.
        case_g = _remap(case_codes, case_names, self._cases, present)
        rater_g = _remap(rater_codes, rater_names, self._raters, present)
        bad = present & ((case_g < 0) | (rater_g < 0))
        if bad.any():
            first = int(np.argmax(bad))
            name = "case_id" if case_g[first] < 0 else "rater_id"
            raise RatingsInputError(f"empty {name}", row=self._first_row + self._records + first)
        # A row with ids but no label is a missing rating; a wholly empty row is a blank line.
        self._blank_labels += int(np.count_nonzero(blank & ((case_g != -1) | (rater_g != -1))))
        label_g = self._intern_labels(label_local, label_names, present)
        rows = np.flatnonzero(present)
        case_g, rater_g, label_g = case_g[rows], rater_g[rows], label_g[rows]
        rows += self._records  # now the record numbers
        self._store(case_g, rater_g, label_g, rows, np.flatnonzero(blank) + self._records)
        self._records += n

    def add_reference_label(self, label: str, *, file: str | None = None,
                            row: int | None = None) -> None:
        """A label that must be a category though no rating uses it (e.g. a golden answer)."""
        text = label.strip()
        if text and text not in self._reference:
            self._reference[text] = (file, row)

    # -- for subclasses ------------------------------------------------------------------

    def _store(self, case: np.ndarray, rater: np.ndarray, label: np.ndarray,
               records: np.ndarray, skipped: np.ndarray) -> None:
        """Keep ratings (global ids, their record numbers); `skipped` are blank records."""
        raise NotImplementedError

    def _flush(self) -> None:
        cases, raters, labels, records = self._pending
        if labels or self._pending_skipped:
            self._store(np.array(cases, np.int32), np.array(raters, np.int32),
                        np.array(labels, np.int32), np.array(records, np.int64),
                        np.array(self._pending_skipped, np.int64))
            for part in self._pending:
                part.clear()
            self._pending_skipped.clear()

    def _intern_labels(self, local: np.ndarray, names: Sequence[str],
                       present: np.ndarray) -> np.ndarray:
        if not present.any():
            return np.zeros(local.size, np.int32)
        # First record of each local label, to name a row if it is not on --order.
        first = np.full(len(names), -1, dtype=np.int64)
        where = np.flatnonzero(present)
        first[local[where[::-1]]] = where[::-1]
        lut = np.zeros(len(names), dtype=np.int32)
        # New labels get ids in sorted order of their text, whatever order `names` is in.
        for i in sorted(np.flatnonzero(first >= 0).tolist(), key=lambda i: names[i]):
            name = names[i]
            text = name.strip()
            gid = self._labels.get(text)
            if gid is None:
                gid = self._labels[text] = len(self._labels)
                self._label_first_record.append(self._records + int(first[i]))
            lut[i] = gid
        return lut[np.maximum(local, 0)]

    def _categories(self, names: list[str]) -> tuple[bool, list[Label], np.ndarray]:
        """Decide text or numeric labels, order the categories, map label ids to codes."""
        reference = [r for r in self._reference if r not in self._labels]
        order = self._order or []
        every = names + reference + order
        numbers = [parse_number(t) for t in every]
        numeric = bool(every) and all(v is not None for v in numbers)
        key = (lambda t: parse_number(t)) if numeric else (lambda t: t)
        if self._order is not None:
            categories: list[Label] = []
            for item in order:
                k = key(item)
                if not item or k in categories:
                    raise RatingsInputError(f"--order lists {item!r} twice or empty")
                categories.append(k)
            known = set(categories)
            for i, text in enumerate(names):
                if key(text) not in known:
                    row = self._row_of_record(self._label_first_record[i])
                    raise RatingsInputError(f"label {text!r} is not in --order", row=row)
            for text in reference:
                if key(text) not in known:
                    file, row = self._reference[text]
                    raise RatingsInputError(f"label {text!r} is not in --order", row=row,
                                            file=file)
        else:
            categories = sorted({key(t) for t in names + reference})  # type: ignore[type-var]
        index = {c: i for i, c in enumerate(categories)}
        lut = np.array([index[key(t)] for t in names], dtype=np.int32)
        return numeric, categories, lut

    def _check_size(self, n_categories: int) -> None:
        if len(self._cases) * max(n_categories, 1) > MAX_COUNT_CELLS:
            raise RatingsInputError(
                f"{n_categories} distinct labels over {len(self._cases)} cases is too many "
                "categories to tabulate; is `label` a column of decisions?")

    def _row_of_record(self, record: int) -> int:
        return self._first_row + record


class RatingsBuilder(_Collector):
    """Collect ratings row by row or chunk by chunk, then `build()` the per-rating table."""

    def __init__(self, *, order: Sequence[str] | None = None, keep: Keep = "error",
                 first_row: int = 2):
        super().__init__(order=order, keep=keep, first_row=first_row)
        self._columns = (_Column(), _Column(), _Column())  # case, rater, label id
        self._skipped: list[np.ndarray] = []

    def build(self) -> RatingsTable:
        """The finished table; raises RatingsInputError for duplicates or labels off --order."""
        self._flush()
        # One column at a time, its segments freed once joined: the peak is the data + 1/3.
        case, rater, label_id = (column.join() for column in self._columns)
        names = list(self._labels)
        numeric, categories, lut = self._categories(names)
        code = np.take(lut, label_id, out=label_id) if label_id.size else label_id  # in place
        case, rater, code, dropped = self._resolve_duplicates(case, rater, code)
        self._check_size(len(categories))
        return RatingsTable(
            case_ids=tuple(self._cases), rater_ids=tuple(self._raters),
            categories=tuple(categories), case=case, rater=rater,
            code=code.astype(np.int32, copy=False),
            numeric=numeric, ordered=numeric or self._order is not None,
            blank_labels=self._blank_labels, duplicates_dropped=dropped,
        )

    def _store(self, case: np.ndarray, rater: np.ndarray, label: np.ndarray,
               records: np.ndarray, skipped: np.ndarray) -> None:
        for column, values in zip(self._columns, (case, rater, label), strict=True):
            column.extend(values)
        if skipped.size:
            self._skipped.append(skipped)

    def _resolve_duplicates(self, case: np.ndarray, rater: np.ndarray, code: np.ndarray
                            ) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
        if case.size < 2:
            return case, rater, code, 0
        cells = len(self._cases) * max(len(self._raters), 1)
        key = case.astype(np.int32 if cells < 2**31 else np.int64)
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
                list(self._cases)[case[second]], list(self._raters)[rater[second]],
                (self._row_of_record_for_rating(first), self._row_of_record_for_rating(second)))
        drop = order[again] if self._keep == "first" else order[again - 1]
        keep = np.ones(key.size, dtype=bool)
        keep[drop] = False
        return case[keep], rater[keep], code[keep], int(drop.size)

    def _row_of_record_for_rating(self, i: int) -> int:
        """Row of the i-th kept rating: its index plus the skipped records before it."""
        skipped = np.sort(_concat(self._skipped, np.int64))
        record = i
        while True:
            moved = i + int(np.searchsorted(skipped, record, side="right"))
            if moved == record:
                return self._first_row + record
            record = moved


class TallyBuilder(_Collector):
    """Stream ratings into a `RatingsTally`: memory follows cases × raters, not rows.

    Each chunk is checked for raters rating a case twice against the cell store (and within
    itself); `keep` decides which rating stays — "last" replaces the stored label. With
    keep="error" the first such pair is remembered and raised by `build()`, after the label
    checks, as `RatingsBuilder` does; its earlier row, when it lies in an earlier chunk, is
    found again with `locate` (the reader re-scans its source up to the later row)."""

    def __init__(self, *, order: Sequence[str] | None = None, keep: Keep = "error",
                 first_row: int = 2):
        super().__init__(order=order, keep=keep, first_row=first_row)
        self._cells = _CellStore()
        self._kept = 0
        self._dropped = 0
        # (case id, rater id, record of the first rating or None, record of the later one)
        self._duplicate: tuple[int, int, int | None, int] | None = None

    def build(self, locate: Locate | None = None) -> RatingsTally:
        """The finished tally; raises RatingsInputError for labels off --order, duplicates
        (naming both rows; `locate` finds an earlier row no longer in memory), or too many
        categories."""
        self._flush()
        names = list(self._labels)
        numeric, categories, lut = self._categories(names)
        case_ids = tuple(self._cases)
        rater_ids = tuple(self._raters)
        if self._duplicate is not None:
            case, rater, first, second = self._duplicate
            second_row = self._row_of_record(second)
            if first is not None:
                first_row: int | None = self._row_of_record(first)
            else:
                first_row = locate(case_ids[case], rater_ids[rater], second_row) \
                    if locate is not None else None
            raise DuplicateRatingError(case_ids[case], rater_ids[rater],
                                       (first_row, second_row))
        self._check_size(len(categories))
        value_codes = np.concatenate(([-1], lut)).astype(np.int32)  # stored value = id + 1
        return RatingsTally(
            case_ids=case_ids, rater_ids=rater_ids, categories=tuple(categories),
            case_index=self._cases, cells=self._cells, value_codes=value_codes,
            n_ratings=self._kept,
            numeric=numeric, ordered=numeric or self._order is not None,
            blank_labels=self._blank_labels, duplicates_dropped=self._dropped)

    def _store(self, case: np.ndarray, rater: np.ndarray, label: np.ndarray,
               records: np.ndarray, skipped: np.ndarray) -> None:
        n = int(case.size)
        if n == 0:
            return
        # Free text in `label` would grow the store without bound: stop early, as build would.
        self._check_size(len(self._labels))
        cells = self._cells
        cells.reserve(len(self._cases), len(self._raters), len(self._labels), self._kept + n)
        key = cells.key(case, rater)
        value = label + 1
        ordered = np.sort(key)
        if not (ordered[1:] == ordered[:-1]).any() and not cells.get(key).any():
            cells.put(key, value, fresh=True)  # the usual chunk: every pair new
            self._kept += n
            return
        self._resolve(key, value, records, case, rater)

    def _resolve(self, key: np.ndarray, value: np.ndarray, records: np.ndarray,
                 case: np.ndarray, rater: np.ndarray) -> None:
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
            self._duplicate = (int(case[second]), int(rater[second]),
                               int(records[first]) if first != second else None,
                               int(records[second]))
        if self._keep == "last":
            win = ends
            self._cells.put(sorted_key[win], value[order[win]], fresh=False)
            self._kept += starts.size - n_existed
        else:  # first (and error, which goes on as "first" until build raises)
            win = starts[~existed]
            self._cells.put(sorted_key[win], value[order[win]], fresh=True)
            self._kept += win.size


class _CellStore:
    """Which label each rater gave each case: (case, rater) → label id + 1, 0 = no rating.

    Dense: a case × rater grid of uint8/16/32 (rows beyond the cases seen are never touched,
    so over-allocation costs no memory). Sparse, once the grid would be both large and more
    than twice the sparse size: sorted runs of int64 keys (case << 32 | rater) with their
    values, merged as they grow so there are O(log n) of them."""

    def __init__(self) -> None:
        self._grid: np.ndarray | None = np.zeros((0, 0), dtype=np.uint8)
        self._runs: list[tuple[np.ndarray, np.ndarray]] = []  # sparse: (keys, values)
        self._dtype: type = np.uint8

    @property
    def dense(self) -> bool:
        return self._grid is not None

    def reserve(self, n_cases: int, n_raters: int, n_labels: int, n_ratings: int) -> None:
        """Room for these many cases, raters and labels; may switch to the sparse form."""
        dtype = np.uint8 if n_labels < 255 else np.uint16 if n_labels < 65_535 else np.uint32
        if np.dtype(dtype).itemsize > np.dtype(self._dtype).itemsize:
            self._dtype = dtype
            if self._grid is not None:
                self._grid = self._grid.astype(dtype)
            self._runs = [(keys, values.astype(dtype)) for keys, values in self._runs]
        grid = self._grid
        if grid is None:
            return
        case_cap, rater_cap = grid.shape
        if n_cases <= case_cap and n_raters <= rater_cap:
            return
        if n_raters > rater_cap:
            rater_cap = max(n_raters, rater_cap + max(8, rater_cap // 4))
        if n_cases > case_cap:
            case_cap = max(n_cases, 2 * case_cap, 1024)
        used = n_cases * rater_cap * np.dtype(self._dtype).itemsize
        sparse = (8 + np.dtype(self._dtype).itemsize) * n_ratings
        if used > max(DENSE_FREE_BYTES, 2 * sparse):
            self._to_sparse()
            return
        # Zeroed pages are mapped lazily: only rows of cases seen so far take memory.
        bigger = np.zeros((case_cap, rater_cap), dtype=self._dtype)
        rows, cols = grid.shape
        bigger[:rows, :cols] = grid
        self._grid = bigger

    def key(self, case: np.ndarray, rater: np.ndarray) -> np.ndarray:
        """One integer per (case, rater), valid until the next `reserve`."""
        if self._grid is None:
            return (case.astype(np.int64) << 32) | rater.astype(np.int64)
        cap = self._grid.shape[1]
        if self._grid.size < 2**31:
            return case.astype(np.int32) * np.int32(cap) + rater.astype(np.int32)
        return case.astype(np.int64) * cap + rater

    def get(self, key: np.ndarray) -> np.ndarray:
        """Stored values at these keys, 0 where none."""
        if self._grid is not None:
            return self._grid.reshape(-1)[key]
        out = np.zeros(key.size, dtype=self._dtype)
        for keys, values in self._runs:
            if not keys.size:
                continue
            at = np.minimum(np.searchsorted(keys, key), keys.size - 1)
            hit = keys[at] == key
            out[hit] = values[at[hit]]
        return out

    def put(self, key: np.ndarray, value: np.ndarray, *, fresh: bool) -> None:
        """Store values at distinct keys; `fresh` promises none is stored yet."""
        if self._grid is not None:
            self._grid.reshape(-1)[key] = value
            return
        value = value.astype(self._dtype)
        if not fresh:
            new = np.ones(key.size, dtype=bool)
            for keys, values in self._runs:
                if not keys.size:
                    continue
                at = np.minimum(np.searchsorted(keys, key), keys.size - 1)
                hit = keys[at] == key
                values[at[hit]] = value[hit]
                new &= ~hit
            key, value = key[new], value[new]
        if not key.size:
            return
        order = np.argsort(key)
        self._runs.append((key[order], value[order]))
        while len(self._runs) > 1 and self._runs[-2][0].size <= 2 * self._runs[-1][0].size:
            b = self._runs.pop()
            a = self._runs.pop()
            self._runs.append(_merge(a, b))

    def blocks(self, n_cases: int, n_raters: int, cases_per_block: int
               ) -> Iterator[tuple[int, int, np.ndarray, np.ndarray, np.ndarray]]:
        """(c0, c1, case, rater, value) over every stored rating, cases c0 ≤ case < c1 in
        each block, at most about `_BLOCK_CELLS` entries at a time."""
        if self._grid is not None:
            width = self._grid.shape[1]
            step = max(1, min(cases_per_block, _BLOCK_CELLS // max(width, 1)))
            for c0 in range(0, n_cases, step):
                c1 = min(c0 + step, n_cases)
                part = self._grid[c0:c1, :n_raters]
                rows, cols = np.nonzero(part)
                yield c0, c1, rows + c0, cols, part[rows, cols]
            return
        step = max(1, cases_per_block)
        for keys, values in self._runs:
            bounds = np.searchsorted(keys, np.arange(0, n_cases + step, step, dtype=np.int64)
                                     << 32)
            for b, c0 in enumerate(range(0, n_cases, step)):
                lo, hi = int(bounds[b]), int(bounds[b + 1])
                for i in range(lo, hi, _BLOCK_CELLS):
                    k = keys[i:min(hi, i + _BLOCK_CELLS)]
                    yield (c0, min(c0 + step, n_cases), k >> 32, k & 0xFFFF_FFFF,
                           values[i:i + k.size])

    def _to_sparse(self) -> None:
        grid = self._grid
        assert grid is not None
        keys, values = [], []
        step = max(1, _BLOCK_CELLS // max(grid.shape[1], 1))
        for c0 in range(0, grid.shape[0], step):
            part = grid[c0:c0 + step]
            rows, cols = np.nonzero(part)
            if rows.size:
                keys.append(((rows + c0).astype(np.int64) << 32) | cols)
                values.append(part[rows, cols])
        self._grid = None
        del grid
        if keys:  # row-major order is key order
            self._runs = [(_concat(keys, np.int64), _concat(values, self._dtype))]


def _merge(a: tuple[np.ndarray, np.ndarray], b: tuple[np.ndarray, np.ndarray]
           ) -> tuple[np.ndarray, np.ndarray]:
    """Two sorted runs with disjoint keys as one, without sorting again."""
    (ak, av), (bk, bv) = a, b
    at = np.searchsorted(ak, bk) + np.arange(bk.size)
    keys = np.empty(ak.size + bk.size, dtype=np.int64)
    values = np.empty(keys.size, dtype=av.dtype)
    mine = np.ones(keys.size, dtype=bool)
    mine[at] = False
    keys[at], values[at] = bk, bv
    keys[mine], values[mine] = ak, av
    return keys, values


def _remap(codes: np.ndarray, names: Sequence[str], table: dict[str, int] | None,
           rows: np.ndarray | None = None) -> np.ndarray:
    """Per-chunk codes → global ids (interned in `table`), -1 for empty or missing cells.

    With `table` None the local codes are kept and only blanks become -1; with `rows` only
    names used on those rows are interned (the others map to -2). `names` may come in any
    order: names new to `table` are interned in sorted order of their text as read, so ids
    do not depend on how a reader happened to order a chunk's distinct values."""
    codes = np.asarray(codes)
    n = len(names)
    lut = np.full(n + 1, -2, dtype=np.int32)
    lut[-1] = -1  # code -1 (a missing cell) indexes the last slot
    if table is None:
        for i, name in enumerate(names):
            lut[i] = i if isinstance(name, str) and name.strip() else -1
        return lut[codes]
    used = np.ones(n, dtype=bool)
    if rows is not None:
        used[:] = False
        picked = codes[rows]
        used[picked[picked >= 0]] = True
    every = np.asarray(names, dtype=object)
    for i in np.flatnonzero(~used):  # unused: only blank-or-not matters
        name = every[i]
        if not (isinstance(name, str) and name.strip()):
            lut[i] = -1
    where = np.flatnonzero(used)
    raw = every[where].tolist()
    get = table.get
    try:
        ids = [get(name.strip()) for name in raw]  # the hot loop: one lookup a name
    except AttributeError:  # a cell that is not text (never from the CSV readers)
        raw = [name if isinstance(name, str) else "" for name in raw]
        ids = [get(name.strip()) for name in raw]
    if None in ids:
        unknown = [j for j, v in enumerate(ids) if v is None]
        for j in sorted(unknown, key=raw.__getitem__):
            text = raw[j].strip()
            if not text:
                ids[j] = -1
                continue
            v = get(text)
            if v is None:
                v = table[text] = len(table)
            ids[j] = v
    lut[where] = ids
    return lut[codes]


class _Column:
    """An int32 column grown in large segments, without copying what is already in.

    Segments grow to 64 MB: allocations that big are mapped and go back to the system when
    freed, where many small chunk arrays would leave the heap fragmented and resident."""

    def __init__(self) -> None:
        self._parts: list[np.ndarray] = []
        self._fill = 0

    def extend(self, values: np.ndarray) -> None:
        while values.size:
            if not self._parts or self._fill == self._parts[-1].size:
                size = self._parts[-1].size * 2 if self._parts else 1 << 16
                self._parts.append(np.empty(min(size, 1 << 24), dtype=np.int32))
                self._fill = 0
            take = min(values.size, self._parts[-1].size - self._fill)
            self._parts[-1][self._fill:self._fill + take] = values[:take]
            self._fill += take
            values = values[take:]

    def join(self) -> np.ndarray:
        """The whole column as one array; the segments are released."""
        if not self._parts:
            return np.zeros(0, dtype=np.int32)
        self._parts[-1] = self._parts[-1][: self._fill]
        joined = np.concatenate(self._parts) if len(self._parts) > 1 else self._parts[0].copy()
        self._parts, self._fill = [], 0
        return joined


def _concat(parts: list[np.ndarray], dtype: type) -> np.ndarray:
    if not parts:
        return np.zeros(0, dtype=dtype)
    return np.concatenate(parts) if len(parts) > 1 else parts[0]


def ratings_from_rows(rows: Iterable[tuple[str, str, str | None]], *,
                      order: Sequence[str] | None = None, keep: Keep = "error",
                      reference_labels: Iterable[str] = ()) -> RatingsTable:
    """A table from (case_id, rater_id, label) rows, e.g. answers read from the store."""
    builder = RatingsBuilder(order=order, keep=keep)
    for label in reference_labels:
        builder.add_reference_label(label)
    for case_id, rater_id, label in rows:
        builder.add(case_id, rater_id, label)
    return builder.build()
