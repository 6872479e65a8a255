"""Coder: text coded against lookups that only grow, and rows of other tables read once each.

Codes stay stable as answers arrive: a value never seen before is appended to its lookup
(first-seen order, not sorted). Rows of sessions and case versions are read by rowid the
first time an answer points at them and kept, coded, for the answers that follow.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

import numpy as np

from calibrate.core.models import Moment
from calibrate.core.moments import windows

if TYPE_CHECKING:
    import sqlite_utils


def moment_windows(moments: object, tolerance: object) -> list[tuple[int, int]]:
    """A version's golden_moments JSON and tolerance as widened windows (none if unreadable)."""
    try:
        spans = json.loads(moments) if isinstance(moments, str) else []
        return windows((Moment(float(a), float(b)) for a, b in spans), float(tolerance))
    except (ValueError, TypeError):
        return []


RANGE_MIN_KEYS = 1_000  # read rows of sessions by rowid range from this many at once
IN_ROWIDS = " WHERE rowid IN (SELECT value FROM json_each(?))"
BETWEEN_ROWIDS = " WHERE rowid BETWEEN ? AND ?"

# A query read by rowid: its SQL (selecting the rowid first, ending in IN_ROWIDS), then for
# each further column the lookup it is coded into (None: an integer already).
RowQuery = tuple[str, tuple[str | None, ...]]


class Coder:
    """Codes text against lookups that only grow (None is code -1), and rows of other tables
    (sessions, case versions) into rows of codes, each read once."""

    def __init__(self, db: sqlite_utils.Database, lookups: Mapping[str, Sequence[str]]):
        self.db = db
        self.values = {
            name: values.tolist() if isinstance(values, np.ndarray) else list(values)
            for name, values in lookups.items()
        }
        self.index = {
            name: {None: -1, **{v: i for i, v in enumerate(values)}}
            for name, values in self.values.items()
        }
        self.rows: dict[str, tuple[dict[int, int], list[np.ndarray]]] = {}
        self.windows: dict[int, list[tuple[int, int]]] = {}  # case version rowid → moments

    def moment_windows(self, rowids: list[int]) -> list[list[tuple[int, int]]]:
        """Each case version's golden moments widened by its tolerance (core/moments.windows),
        read once each; empty for a version that asks for no mark."""
        unknown = [r for r in rowids if r not in self.windows]
        for rowid, moments, tolerance in self.db.execute(
            "SELECT rowid, golden_moments, moment_tolerance FROM case_versions" + IN_ROWIDS,
            [json.dumps(unknown)],
        ).fetchall():
            self.windows[rowid] = moment_windows(moments, tolerance)
        return [self.windows.get(r, []) for r in rowids]

    def code(self, lookup: str, column: Iterable[str | None]) -> np.ndarray:
        index, values = self.index[lookup], self.values[lookup]
        column = column.tolist() if isinstance(column, np.ndarray) else list(column)
        for value in dict.fromkeys(column):  # distinct values, in first-seen order
            if value not in index:
                index[value] = len(values)
                values.append(value)
        return np.fromiter(map(index.__getitem__, column), dtype=np.int32, count=len(column))

    def read(self, query: RowQuery, keys: np.ndarray) -> np.ndarray:
        """len(keys) × columns codes of the rows with these rowids, each row read once (a
        rowid not found gives -1s)."""
        sql, lookups = query
        position, blocks = self.rows.setdefault(sql, ({}, []))
        distinct, inverse = np.unique(keys, return_inverse=True)
        unknown = [k for k in distinct.tolist() if k not in position]
        if unknown:
            found = self.read_text(query, unknown)
            for k in found[:, 0].tolist():
                position[k] = len(position)
            blocks.append(self.coded(found[:, 1:], lookups))
        if len(blocks) > 1:
            blocks[:] = [np.concatenate(blocks)]
        table = np.concatenate(
            [
                blocks[0] if blocks else np.zeros((0, len(lookups)), np.int32),
                np.full((1, len(lookups)), -1, np.int32),
            ]
        )  # last: not found
        rows = np.array([position.get(k, -1) for k in distinct.tolist()], dtype=np.int64)
        return table[rows][inverse.reshape(-1)]

    def read_text(self, query: RowQuery, keys: list[int]) -> np.ndarray:
        """The rows with these rowids: a range scan when they fill most of their range (a
        first build reads sessions in runs), else one lookup each."""
        sql, lookups = query
        low, high = (min(keys), max(keys)) if keys else (0, -1)
        if len(keys) >= RANGE_MIN_KEYS and high - low < 2 * len(keys):
            found = self.db.execute(sql.replace(IN_ROWIDS, BETWEEN_ROWIDS), [low, high]).fetchall()
            if len(found) > len(keys):
                wanted = set(keys)
                found = [row for row in found if row[0] in wanted]
        else:
            found = self.db.execute(sql, [json.dumps(keys)]).fetchall()
        return np.array(found, dtype=object).reshape(len(found), len(lookups) + 1)

    def coded(self, text: np.ndarray, lookups: tuple[str | None, ...]) -> np.ndarray:
        return np.column_stack(
            [
                self.code(lookup, text[:, j]) if lookup else text[:, j].astype(np.int32)
                for j, lookup in enumerate(lookups)
            ]
        ).reshape(len(text), len(lookups))
