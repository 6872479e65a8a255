"""The incremental refresh: coded answers extended by the rows above the highest rowid held.

A first build is the same read from rowid 0. Rows are read CHUNK at a time and decoded as
they come (store/answer_cache/columns.py); answers that waited for their case version (the
orphans) are read again until it arrives.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import replace
from typing import TYPE_CHECKING

import numpy as np

from calibrate.store.answer_cache.coded_answers import DTYPES, CodedAnswers, as_lookup, frozen
from calibrate.store.answer_cache.coder import Coder
from calibrate.store.answer_cache.columns import SELECT_ANSWERS, ColumnBuffer, decode_chunk
from calibrate.store.answer_cache.identity import samples_of
from calibrate.store.integrity import check_count, check_whole

if TYPE_CHECKING:
    import sqlite_utils

log = logging.getLogger(__name__)

CHUNK = 100_000  # rows fetched and coded at a time


def extend(db: sqlite_utils.Database, coded: CodedAnswers, top: int) -> CodedAnswers:
    """coded plus the rows above its max_rowid (up to top) and any orphans now joined."""
    lo, waiting = coded.max_rowid, list(coded.orphans)
    if top <= lo and not waiting:
        return coded
    started = time.perf_counter()
    # Counted in the smallest index (another b-tree than the rows): a damaged page that ends
    # the read early without an error shows as fewer rows read than counted (checked below).
    total = db.execute("SELECT COUNT(*) FROM answers").fetchone()[0]
    check_whole(db, ("sessions", "case_versions"))  # answers take their facts from these
    buffer, coder, orphans = ColumnBuffer(max(0, total - len(coded))), Coder(db, coded.lookups), []
    reads = [(SELECT_ANSWERS + "WHERE a.rowid > ? AND a.rowid <= ? ORDER BY a.rowid", [lo, top])]
    if waiting:
        reads.append(
            (
                SELECT_ANSWERS
                + "WHERE a.rowid IN (SELECT value FROM json_each(?)) ORDER BY a.rowid",
                [json.dumps(waiting)],
            )
        )
    for sql, params in reads:
        cursor = db.execute(sql, params)
        while rows := cursor.fetchmany(CHUNK):
            buffer.append(decode_chunk(rows, coder, orphans))
    check_count(db, "answers", len(coded) + buffer.size + len(orphans), total)
    if not buffer.size:
        return replace(coded, max_rowid=max(top, lo), orphans=tuple(orphans))
    columns = _joined(coded, buffer)
    lookups = {name: as_lookup(name, values) for name, values in coder.values.items()}
    log.debug(
        "read %d answers into the cache in %.2f s", buffer.size, time.perf_counter() - started
    )
    return replace(
        coded,
        columns=columns,
        lookups=lookups,
        max_rowid=max(top, lo),
        orphans=tuple(orphans),
        samples=samples_of(db, columns["rowid"], lookups["session_keys"]),
    )


def _joined(coded: CodedAnswers, buffer: ColumnBuffer) -> dict[str, np.ndarray]:
    """The columns held followed by the rows read, read-only (a first build keeps the
    buffers themselves when they came out exactly full)."""
    if len(coded):
        columns = {
            name: np.concatenate([coded.columns[name], buffer.data[name][: buffer.size]])
            for name in DTYPES
        }
    else:
        columns = {
            name: array[: buffer.size] if buffer.size == len(array) else array[: buffer.size].copy()
            for name, array in buffer.data.items()
        }
    return {name: frozen(array) for name, array in columns.items()}
