"""Building the ratings tables: row by row or from a reader's factorised chunks.

`RatingsBuilder` gives a `RatingsTable` (one entry per rating), `TallyBuilder` a
`RatingsTally` (one label per case × rater cell, for inputs of any size); both intern ids
and labels, count blank labels and apply the duplicate rule (`keep`). See `ratings` for
what the tables hold.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from calibrate.core.metrics.rating_cells import CellStore, GrowableColumn, concat
from calibrate.core.metrics.ratings import (
    DuplicateRatingError,
    Keep,
    Label,
    Locate,
    RatingsInputError,
    RatingsTable,
    RatingsTally,
    parse_number,
)

# A count matrix beyond this many cells means `label` is free text, not categories.
MAX_COUNT_CELLS = 100_000_000


class _Collector:
    """Reads records row by row or chunk by chunk: interns ids and labels, counts blanks.

    Each `add`/`add_coded` row is one record of the source; rows are numbered from
    `first_row` (2 for a CSV whose header is row 1), so errors can name the rows. Subclasses
    keep the ratings (`_store`) and finish (`build`)."""

    def __init__(
        self,
        *,
        order: Sequence[str] | None = None,
        keep: Keep = "error",
        first_row: int = 2,
        fold: bool = False,
    ):
        self._order = [item.strip() for item in order] if order is not None else None
        self._keep = keep
        self._first_row = first_row
        self._fold = fold  # labels that differ only in case are one (spelled as first met)
        self._cases: dict[str, int] = {}
        self._raters: dict[str, int] = {}
        self._labels: dict[str, int] = {}  # label (casefolded with `fold`) → label id
        self._spellings: list[str] = []  # label id → the label as first met
        self._label_first_record: list[int] = []
        self._reference: dict[str, tuple[str, str | None, int | None]] = {}
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
        key = label.casefold() if self._fold else label
        label_id = self._labels.get(key)
        if label_id is None:
            label_id = self._labels[key] = len(self._labels)
            self._spellings.append(label)
            self._label_first_record.append(record)
        cases, raters, labels, records = self._pending
        cases.append(self._cases.setdefault(case_id, len(self._cases)))
        raters.append(self._raters.setdefault(rater_id, len(self._raters)))
        labels.append(label_id)
        records.append(record)
        if len(labels) >= 65_536:
            self._flush()

    def add_coded(
        self,
        case_codes: NDArray[Any],
        case_names: Sequence[str],
        rater_codes: NDArray[Any],
        rater_names: Sequence[str],
        label_codes: NDArray[Any],
        label_names: Sequence[str],
    ) -> None:
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

    def add_reference_label(
        self, label: str, *, file: str | None = None, row: int | None = None
    ) -> None:
        """A label that must be a category though no rating uses it (e.g. a golden answer)."""
        text = label.strip()
        key = text.casefold() if self._fold else text
        if text and key not in self._reference:
            self._reference[key] = (text, file, row)

    # -- for subclasses ------------------------------------------------------------------

    def _store(
        self,
        case: NDArray[Any],
        rater: NDArray[Any],
        label: NDArray[Any],
        records: NDArray[Any],
        skipped: NDArray[Any],
    ) -> None:
        """Keep ratings (global ids, their record numbers); `skipped` are blank records."""
        raise NotImplementedError

    def _flush(self) -> None:
        cases, raters, labels, records = self._pending
        if labels or self._pending_skipped:
            self._store(
                np.array(cases, np.int32),
                np.array(raters, np.int32),
                np.array(labels, np.int32),
                np.array(records, np.int64),
                np.array(self._pending_skipped, np.int64),
            )
            for part in self._pending:
                part.clear()
            self._pending_skipped.clear()

    def _intern_labels(
        self, local: NDArray[Any], names: Sequence[str], present: NDArray[Any]
    ) -> NDArray[Any]:
        if not present.any():
            return np.zeros(local.size, np.int32)
        # First record of each local label, to name a row if it is not on --order.
        first = np.full(len(names), -1, dtype=np.int64)
        where = np.flatnonzero(present)
        first[local[where[::-1]]] = where[::-1]
        lut = np.zeros(len(names), dtype=np.int32)
        known = len(self._labels)
        # New labels get ids in sorted order of their text, whatever order `names` is in.
        for i in sorted(np.flatnonzero(first >= 0).tolist(), key=lambda i: names[i]):
            name = names[i]
            text = name.strip()
            key = text.casefold() if self._fold else text
            record = self._records + int(first[i])
            gid = self._labels.get(key)
            if gid is None:
                gid = self._labels[key] = len(self._labels)
                self._spellings.append(text)
                self._label_first_record.append(record)
            elif gid >= known and record < self._label_first_record[gid]:
                self._spellings[gid] = text  # folded: the spelling met first wins
                self._label_first_record[gid] = record
            lut[i] = gid
        global_codes: NDArray[np.int32] = lut[np.maximum(local, 0)]
        return global_codes

    def _categories(self, names: list[str]) -> tuple[bool, list[Label], NDArray[Any]]:
        """Decide text or numeric labels, order the categories, map label ids to codes.

        `names` are the labels' spellings by id; with `fold` labels compare casefolded and a
        category is spelled as --order spells it, else as first met."""
        reference = [
            (text, file, row)
            for key, (text, file, row) in self._reference.items()
            if key not in self._labels
        ]
        order = self._order or []
        every = names + [text for text, _, _ in reference] + order
        numbers = [parse_number(t) for t in every]
        numeric = bool(every) and all(v is not None for v in numbers)

        def key(text: str) -> Label:
            if numeric:
                return parse_number(text)  # type: ignore[return-value]
            return text.casefold() if self._fold else text

        if self._order is not None:
            categories: list[Label] = []
            keys: list[Label] = []
            for item in order:
                k = key(item)
                if not item or k in keys:
                    raise RatingsInputError(f"--order lists {item!r} twice or empty")
                categories.append(k if numeric else item)
                keys.append(k)
            known = set(keys)
            for i, text in enumerate(names):
                if key(text) not in known:
                    row: int | None = self._row_of_record(self._label_first_record[i])
                    raise RatingsInputError(f"label {text!r} is not in --order", row=row)
            for text, file, row in reference:
                if key(text) not in known:
                    raise RatingsInputError(f"label {text!r} is not in --order", row=row, file=file)
        else:
            first: dict[Label, str] = {}
            for text in names + [text for text, _, _ in reference]:
                first.setdefault(key(text), text)
            keys = sorted(first)
            categories = keys if numeric else [first[k] for k in keys]
        index = {k: i for i, k in enumerate(keys)}
        lut = np.array([index[key(t)] for t in names], dtype=np.int32)
        return numeric, categories, lut

    def _check_size(self, n_categories: int) -> None:
        if len(self._cases) * max(n_categories, 1) > MAX_COUNT_CELLS:
            raise RatingsInputError(
                f"{n_categories} distinct labels over {len(self._cases)} cases is too many "
                "categories to tabulate; is `label` a column of decisions?"
            )

    def _row_of_record(self, record: int) -> int:
        return self._first_row + record


class RatingsBuilder(_Collector):
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


class TallyBuilder(_Collector):
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
        ordered = np.sort(key)
        if not (ordered[1:] == ordered[:-1]).any() and not cells.get(key).any():
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


def _remap(
    codes: NDArray[Any],
    names: Sequence[str],
    table: dict[str, int] | None,
    rows: NDArray[Any] | None = None,
) -> NDArray[Any]:
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
        named: NDArray[np.int32] = lut[codes]
        return named
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
    mapped: NDArray[np.int32] = lut[codes]
    return mapped


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
