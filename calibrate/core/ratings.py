"""The ratings table: who gave which label to which case, as integer codes and count tables.

Build it once (from rows, or chunk by chunk from a reader) and every metric reads the same
arrays: one entry per rating (`case`, `rater`, `code`) and the case × category `counts`.
Missing ratings are simply absent. Labels compare as text unless every label parses as a
number; then they compare as numbers (1 = 1.0) and those numbers are the category values.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

import numpy as np

from calibrate.core.errors import CalibrateError

Label = str | float
Keep = Literal["error", "first", "last"]

_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")
# A count matrix beyond this many cells means `label` is free text, not categories.
MAX_COUNT_CELLS = 100_000_000


class RatingsInputError(CalibrateError):
    """Ratings that cannot be tabulated; `row` is the 1-based row (header = row 1) if known."""

    def __init__(self, message: str, row: int | None = None, file: str | None = None):
        self.message, self.row, self.file = message, row, file
        where = ": ".join(p for p in (file, f"row {row}" if row is not None else None) if p)
        super().__init__(f"{where}: {message}" if where else message)


class DuplicateRatingError(RatingsInputError):
    """A rater rated the same case twice and no keep rule was given."""

    def __init__(self, case_id: str, rater_id: str, rows: tuple[int, int]):
        self.case_id, self.rater_id, self.rows = case_id, rater_id, rows
        super().__init__(
            f"rater {rater_id!r} rated case {case_id!r} twice (rows {rows[0]} and {rows[1]})",
            row=rows[1],
        )


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


@dataclass(frozen=True, eq=False)
class RatingsTable:
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
    def n_cases(self) -> int:
        return len(self.case_ids)

    @property
    def n_raters(self) -> int:
        return len(self.rater_ids)

    @property
    def n_ratings(self) -> int:
        return int(self.code.size)

    @property
    def n_categories(self) -> int:
        return len(self.categories)

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
    def values(self) -> np.ndarray | None:
        """Numeric value of each category (numeric labels only), for interval/ratio metrics."""
        return np.array(self.categories, dtype=float) if self.numeric else None

    @cached_property
    def codes(self) -> np.ndarray:
        """Dense case × rater matrix of category codes, -1 where a rating is missing."""
        dense = np.full((self.n_cases, self.n_raters), -1, dtype=np.int32)
        dense[self.case, self.rater] = self.code
        return dense

    def code_of(self, label: str) -> int | None:
        """The category code of a label as written (`"1.0"` finds 1 in a numeric table)."""
        text = label.strip()
        key: Label | None = parse_number(text) if self.numeric else text
        return self._code_index.get(key) if key is not None else None

    @cached_property
    def _code_index(self) -> dict[Label, int]:
        return {label: i for i, label in enumerate(self.categories)}


class RatingsBuilder:
    """Collect ratings row by row or chunk by chunk, then `build()` the table once.

    Each `add`/`add_coded` row is one record of the source; rows are numbered from
    `first_row` (2 for a CSV whose header is row 1), so errors can name the rows.
    """

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
        self._columns = (_Column(), _Column(), _Column())  # case, rater, label id
        self._pending: tuple[list[int], list[int], list[int]] = ([], [], [])
        self._skipped: list[np.ndarray] = []
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
        cases, raters, labels = self._pending
        cases.append(self._cases.setdefault(case_id, len(self._cases)))
        raters.append(self._raters.setdefault(rater_id, len(self._raters)))
        labels.append(label_id)
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
        if blank.any():
            self._skipped.append(np.flatnonzero(blank) + self._records)
        for column, values in zip(self._columns, (case_g, rater_g, label_g), strict=True):
            column.extend(values[present])
        self._records += n

    def add_reference_label(self, label: str, *, file: str | None = None,
                            row: int | None = None) -> None:
        """A label that must be a category though no rating uses it (e.g. a golden answer)."""
        text = label.strip()
        if text and text not in self._reference:
            self._reference[text] = (file, row)

    def build(self) -> RatingsTable:
        """The finished table; raises RatingsInputError for duplicates or labels off --order."""
        self._flush()
        # One column at a time, its segments freed once joined: the peak is the data + 1/3.
        case, rater, label_id = (column.join() for column in self._columns)
        names = list(self._labels)
        numeric, categories, lut = self._categories(names)
        code = np.take(lut, label_id, out=label_id) if label_id.size else label_id  # in place
        case, rater, code, dropped = self._resolve_duplicates(case, rater, code)
        if len(self._cases) * max(len(categories), 1) > MAX_COUNT_CELLS:
            raise RatingsInputError(
                f"{len(categories)} distinct labels over {len(self._cases)} cases is too many "
                "categories to tabulate; is `label` a column of decisions?")
        return RatingsTable(
            case_ids=tuple(self._cases), rater_ids=tuple(self._raters),
            categories=tuple(categories), case=case, rater=rater,
            code=code.astype(np.int32, copy=False),
            numeric=numeric, ordered=numeric or self._order is not None,
            blank_labels=self._blank_labels, duplicates_dropped=dropped,
        )

    # -- internals -----------------------------------------------------------------------

    def _flush(self) -> None:
        cases, raters, labels = self._pending
        if labels:
            for column, values in zip(self._columns, self._pending, strict=True):
                column.extend(np.array(values, np.int32))
            for part in self._pending:
                part.clear()
        if self._pending_skipped:
            self._skipped.append(np.array(self._pending_skipped, np.int64))
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
        for i, name in enumerate(names):
            if first[i] < 0:
                continue
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

    def _row_of_record(self, record: int) -> int:
        return self._first_row + record

    def _row_of_record_for_rating(self, i: int) -> int:
        """Row of the i-th kept rating: its index plus the skipped records before it."""
        skipped = np.sort(_concat(self._skipped, np.int64))
        record = i
        while True:
            moved = i + int(np.searchsorted(skipped, record, side="right"))
            if moved == record:
                return self._first_row + record
            record = moved


def _remap(codes: np.ndarray, names: Sequence[str], table: dict[str, int] | None,
           rows: np.ndarray | None = None) -> np.ndarray:
    """Per-chunk codes → global ids (interned in `table`), -1 for empty or missing cells.

    With `table` None the local codes are kept and only blanks become -1; with `rows` only
    names used on those rows are interned (the others map to -2)."""
    codes = np.asarray(codes, dtype=np.int64)
    used = np.ones(len(names), dtype=bool)
    if rows is not None:
        used[:] = False
        picked = codes[rows]
        used[picked[picked >= 0]] = True
    lut = np.full(len(names) + 1, -2, dtype=np.int64)
    lut[-1] = -1  # code -1 (a missing cell) indexes the last slot
    for i, name in enumerate(names):
        text = name.strip() if isinstance(name, str) else ""
        if not text:
            lut[i] = -1
        elif not used[i]:
            continue
        elif table is None:
            lut[i] = i
        else:
            lut[i] = table.setdefault(text, len(table))
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
