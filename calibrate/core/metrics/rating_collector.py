"""Reading rating records into interned ids and labels: the part both ratings builders share.

`RatingCollector` takes records row by row (`add`) or as a reader's factorised chunks
(`add_coded`), interns case, rater and label ids, counts blank labels and, at the end, decides
whether labels are numbers and orders the categories. `rating_builders` keeps the ratings:
`RatingsBuilder` one entry per rating, `TallyBuilder` one label per case × rater cell.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from calibrate.core.metrics.ratings import Keep, Label, RatingsInputError, parse_number

# A count matrix beyond this many cells means `label` is free text, not categories.
MAX_COUNT_CELLS = 100_000_000


class RatingCollector:
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
