"""The answers as coded columns, cached on disk and in memory, extended by new rows only.

Answers are immutable rows (triggers refuse UPDATE and DELETE) and every answer's golden
answer comes from `case_versions` by case hash (also immutable: the first sighting wins), so
once an answer is read its coded columns never change. The cache keeps them — numpy arrays
plus the lookup tuples their codes index — and reads only the rows whose rowid is above the
highest it holds. New rows are coded against the existing lookups; values never seen before
are appended, so codes stay stable (lookups are in first-seen order, not sorted).

On disk: one uncompressed `.npz` per database under the platform cache dir (or
$CALIBRATE_CACHE_DIR), named by a hash of the database file's resolved path and written
atomically (temp file + os.replace). It is used only when its fingerprint matches — the
cache format, the database's `database_id` (a UUID kept in its meta table, written on first
use), its schema version — and the answers at a few sampled rowids still carry the UUIDs the
cache recorded; otherwise, or when it cannot be read, it is rebuilt (and logged), never an
error for the user. Small databases are not written to disk: reading them takes
milliseconds.

The build reads in chunks of CHUNK rows with SQL doing the conversions (epoch milliseconds,
flags and the clause check as small integers) and takes what an answer shares with its
session and its case version from those rows, read once each (see _SELECT); text is coded a
chunk at a time, so a million answers never become a million Python objects at once.
Sessions are coded by their rowid (`session_keys`), not by a quarter of a million UUIDs.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import sqlite3
import threading
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from calibrate.core.metrics.answer_table import AnswerTable, IdLookup, PackInfo
from calibrate.core.watching import not_watched_codes
from calibrate.store.integrity import check_count, check_whole, refuse_damage
from calibrate.store.settings import ensure_meta, get_meta

if TYPE_CHECKING:
    import sqlite_utils

log = logging.getLogger(__name__)

FORMAT = 3  # bump when the columns, their coding or the file layout change (3: not_watched)
CHUNK = 100_000  # rows fetched and coded at a time
PERSIST_MIN_ROWS = 20_000  # below this a database is read whole in well under 0.1 s
REWRITE_SHARE = 0.02  # rewrite the file once new rows exceed this share of it
REWRITE_MIN_ROWS = 1_000  # ...and this many (fewer new rows are read again next time)
RANGE_MIN_KEYS = 1_000  # read rows of sessions by rowid range from this many at once
SAMPLES = 8  # rowids whose UUIDs must still match for a cache to be reused
KEEP_DAYS = 90  # cache files unused this long are removed when another one is written
CACHE_DIR_ENV = "CALIBRATE_CACHE_DIR"
DATABASE_ID = "database_id"

# Coded columns and the lookup their codes index (decision and golden share one).
CODED = (
    ("profile", "profile_ids"),
    ("session", "session_keys"),
    ("team", "teams"),
    ("site", "sites"),
    ("pack", "packs"),
    ("lesson", "lessons"),
    ("case", "cases"),
    ("decision", "decisions"),
    ("golden", "decisions"),
)
LOOKUPS = (
    "profile_ids",
    "teams",
    "sites",
    "packs",
    "lessons",
    "cases",
    "session_keys",
    "decisions",
)
DTYPES: dict[str, type] = {
    "rowid": np.int64,
    **{name: np.int32 for name, _ in CODED},
    "session_kind": np.int32,
    "clause_correct": np.int32,
    "confidence": np.float64,
    "skipped": np.bool_,
    "answered_at": np.int64,
    "not_watched": np.int8,
}

# Reading a million answers costs about a fifth of a microsecond per value Python receives,
# so each answer row brings few values, most of them small integers (shared objects). An
# answer is *regular* when it agrees with its session (person, team, site, pack, lesson,
# kind) and its case version (pack, case): those columns then come from the sessions and
# case_versions rows, read once each. Other answers read their own text (_TEXT). Flags:
# 1 skipped, 2-6 clause state (0 none, 2 wrong, 4 right), 8 regular, 16 decision = golden.
# How much of the clip was shown comes as one value: the share, NULL unknown, -1 when the clip
# was unavailable (core/watching then turns it into the not_watched code).
_KIND = "CASE {} WHEN 'retake' THEN 1 WHEN 'review' THEN 2 WHEN 'live' THEN 3 ELSE 0 END"
_SELECT = (
    "SELECT a.rowid, s.rowid, cv.rowid, (a.skipped != 0) + 2 * (CASE WHEN a.skipped OR "
    "a.clause IS NULL THEN 0 ELSE 1 + (instr(cv.golden_clauses, json_quote(a.clause)) > 0) "
    "END) + 8 * (s.profile_id IS a.profile_id AND s.team IS a.team AND s.site IS a.site AND "
    "s.pack_id IS a.pack_id AND s.lesson_id IS a.lesson_id AND s.kind IS a.session_kind AND "
    "cv.pack_id IS a.pack_id AND cv.case_id IS a.case_id) "
    "+ 16 * (a.decision IS cv.golden_decision), "
    "CASE WHEN a.skipped OR a.decision IS cv.golden_decision THEN NULL ELSE a.decision END, "
    "CASE WHEN a.skipped THEN NULL ELSE a.confidence END, "
    "COALESCE(CAST(round((julianday(a.answered_at) - 2440587.5) * 86400000.0) AS INTEGER), 0), "
    "CASE WHEN a.clip_unavailable THEN -1.0 ELSE a.watched_share END "
    "FROM answers a LEFT JOIN case_versions cv ON cv.case_hash = a.case_hash "
    "LEFT JOIN sessions s ON s.id = a.session_id "
)
_IN = " WHERE rowid IN (SELECT value FROM json_each(?))"
_BETWEEN = " WHERE rowid BETWEEN ? AND ?"
# (the rowid, then columns coded into the lookup named, None: an integer already)
_SESSIONS = (
    "SELECT rowid, rowid, profile_id, COALESCE(team, ''), COALESCE(site, ''), pack_id, "
    "pack_id || '/' || lesson_id, " + _KIND.format("kind") + " FROM sessions" + _IN,
    ("session_keys", "profile_ids", "teams", "sites", "packs", "lessons", None),
)
_VERSIONS = (
    "SELECT rowid, pack_id || '/' || case_id, golden_decision FROM case_versions" + _IN,
    ("cases", "decisions"),
)
_TEXT = (
    "SELECT rowid, COALESCE((SELECT s.rowid FROM sessions s WHERE s.id = session_id), "
    "-rowid), profile_id, COALESCE(team, ''), COALESCE(site, ''), "
    "pack_id, pack_id || '/' || lesson_id, " + _KIND.format("session_kind") + ", "
    "pack_id || '/' || case_id FROM answers" + _IN,
    ("session_keys", "profile_ids", "teams", "sites", "packs", "lessons", None, "cases"),
)


@dataclass(frozen=True)
class CodedAnswers:
    """Every answer of one database (up to max_rowid) as read-only coded columns."""

    fingerprint: tuple | None  # None: no stable identity (in memory): never reused
    columns: Mapping[str, np.ndarray]
    lookups: Mapping[str, Sequence]  # text tuples; session_keys: an int64 array
    max_rowid: int  # the highest answers.rowid read
    orphans: tuple[int, ...] = ()  # rowids read whose case version was missing
    # (table, rowid, UUID) of a few answers and sessions, checked before reuse: a file put
    # back from a backup, or VACUUM renumbering rows, shows as a mismatch
    samples: tuple[tuple[str, int, str], ...] = ()
    persisted_rows: int = 0  # rows in the file on disk (0: none written or read)

    def __len__(self) -> int:
        return len(self.columns["rowid"])

    def table(
        self,
        pack_info: Mapping[str, PackInfo],
        profile_names: Mapping[str, str],
        id_lookup: IdLookup | None = None,
    ) -> AnswerTable:
        """The whole AnswerTable; its arrays are these (read-only) columns, not copies."""
        c, k = self.columns, self.lookups
        return AnswerTable(
            rowid=c["rowid"],
            profile=c["profile"],
            team=c["team"],
            site=c["site"],
            pack=c["pack"],
            lesson=c["lesson"],
            case=c["case"],
            session=c["session"],
            session_kind=c["session_kind"],
            decision=c["decision"],
            golden=c["golden"],
            clause_correct=c["clause_correct"],
            confidence=c["confidence"],
            skipped=c["skipped"],
            answered_at=c["answered_at"].view("datetime64[ms]"),
            not_watched=c["not_watched"],
            profile_ids=k["profile_ids"],
            profile_names=tuple(profile_names.get(p, p) for p in k["profile_ids"]),
            teams=k["teams"],
            sites=k["sites"],
            packs=k["packs"],
            lessons=k["lessons"],
            cases=k["cases"],
            session_keys=k["session_keys"],
            decisions=k["decisions"],
            pack_info=dict(pack_info),
            id_lookup=id_lookup,
        )


def _empty(fingerprint: tuple | None) -> CodedAnswers:
    return CodedAnswers(
        fingerprint,
        {name: _frozen(np.zeros(0, dtype)) for name, dtype in DTYPES.items()},
        {name: _lookup(name, []) for name in LOOKUPS},
        0,
    )


def _lookup(name: str, values: Iterable) -> Sequence:
    """A lookup as held in memory: text as a tuple; session keys (sessions.rowid, a quarter
    of a million at a million answers) as a compact read-only array."""
    if name == "session_keys":
        return _frozen(np.array(list(values), dtype=np.int64))
    return tuple(str(v) for v in values)


def _frozen(array: np.ndarray) -> np.ndarray:
    array.flags.writeable = False
    return array


class AnswerCache:
    """The coded answers of the database last read, kept in memory between reads.

    Thread-safe: a read extends a copy, so tables handed out earlier never change."""

    def __init__(self, directory: Path | None = None, persist: bool = True):
        self.directory = directory
        self.persist = persist
        self._lock = threading.Lock()
        self._coded: CodedAnswers | None = None

    def read(self, db: sqlite_utils.Database) -> CodedAnswers:
        with self._lock:
            directory = (self.directory or cache_dir()) if self.persist else None
            self._coded = read_answers(db, self._coded, directory=directory)
            return self._coded

    def clear(self) -> None:
        with self._lock:
            self._coded = None


def warm(db_path: Path) -> bool:
    """Bring the cache file of the database at `db_path` up to date when it holds
    PERSIST_MIN_ROWS answers or more (a lead's gathered answers; fewer are read whole in
    milliseconds), so that the dashboard's next open reads the file (~0.1 s a million) and
    only new rows. The answers read are not kept in memory. Runs on a read-only connection
    of its own; True when it read."""
    from calibrate.store.db import open_reader

    db = open_reader(db_path)
    try:
        top = db.execute("SELECT COALESCE(MAX(rowid), 0) FROM answers").fetchone()[0]
        if top < PERSIST_MIN_ROWS:
            return False
        AnswerCache().read(db)
        return True
    finally:
        db.conn.close()


def cache_dir() -> Path:
    """Where cache files go: $CALIBRATE_CACHE_DIR, else the platform's user cache dir."""
    if os.environ.get(CACHE_DIR_ENV):
        return Path(os.environ[CACHE_DIR_ENV])
    from platformdirs import user_cache_path

    return user_cache_path("Calibrate", appauthor=False) / "answers"


def database_file(db: sqlite_utils.Database) -> Path | None:
    """The resolved path of the connection's main database file (None in memory)."""
    for _, name, file in db.execute("PRAGMA database_list").fetchall():
        if name == "main":
            return Path(file).resolve() if file else None
    return None


def cache_file(directory: Path, database: Path) -> Path:
    digest = hashlib.sha256(str(database).encode("utf-8")).hexdigest()[:32]
    return directory / f"{digest}.npz"


def read_answers(
    db: sqlite_utils.Database,
    previous: CodedAnswers | None = None,
    *,
    directory: Path | None = None,
) -> CodedAnswers:
    """Every answer in the database, coded: `previous` (an earlier result) or the cache file
    in `directory` reused when still valid, extended by the rows added since."""
    path = database_file(db)
    fingerprint = _fingerprint(db, path)  # may write the database_id: before the snapshot
    with _snapshot(db), refuse_damage(path):
        return _read_answers(db, previous, directory, path, fingerprint)


@contextmanager
def _snapshot(db: sqlite_utils.Database) -> Iterator[None]:
    """One read transaction: the highest rowid, the count and the rows read all agree while
    another connection commits answers."""
    if db.conn.in_transaction:
        yield
        return
    db.execute("BEGIN")
    try:
        yield
    except BaseException:
        # The error that ended the read is the one to tell (a damaged file, say): a failing
        # ROLLBACK of this read-only transaction must not replace it.
        with suppress(sqlite3.Error):
            db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _read_answers(
    db: sqlite_utils.Database,
    previous: CodedAnswers | None,
    directory: Path | None,
    path: Path | None,
    fingerprint: tuple | None,
) -> CodedAnswers:
    top = db.execute("SELECT COALESCE(MAX(rowid), 0) FROM answers").fetchone()[0]
    coded = None
    if (
        previous is not None
        and fingerprint is not None
        and previous.fingerprint == fingerprint
        and _still_valid(db, previous, top)
    ):
        coded = previous
    file = (
        cache_file(directory, path)
        if directory is not None and path is not None and fingerprint is not None
        else None
    )
    if coded is None and file is not None and file.exists():
        coded = _read_file(file, fingerprint)
        if coded is not None and not _still_valid(db, coded, top):
            log.info("answer cache %s belongs to another version of %s; rebuilding", file, path)
            coded = None
    if coded is None:
        coded = _empty(fingerprint)
    coded = _extend(db, coded, top)
    if file is not None and _worth_writing(coded):
        coded = _write(file, coded)
    return coded


# --- identity --------------------------------------------------------------------------------
def _fingerprint(db: sqlite_utils.Database, path: Path | None) -> tuple | None:
    if path is None:
        return None
    database_id = _database_id(db, path)
    if database_id is None:
        return None
    version = db.execute("PRAGMA user_version").fetchone()[0]
    return (FORMAT, str(path), database_id, version)


def _database_id(db: sqlite_utils.Database, path: Path) -> str | None:
    """The database's own UUID, written on first use (through a short-lived writable
    connection when this one is read-only); None when it cannot be written."""
    value = get_meta(db, DATABASE_ID)
    if value:
        return value
    fresh = str(uuid.uuid4())
    try:
        return ensure_meta(db, DATABASE_ID, fresh)
    except sqlite3.DatabaseError:
        pass  # a read-only connection (a worker's)
    from calibrate.core.errors import StoreError
    from calibrate.store.db import open_database

    try:
        writer = open_database(path)
        try:
            return ensure_meta(writer, DATABASE_ID, fresh)
        finally:
            writer.conn.close()
    except (StoreError, sqlite3.DatabaseError, OSError) as error:
        log.info("no database_id for %s (%s): answers are read without a cache", path, error)
        return None


def _ids_at(
    db: sqlite_utils.Database, rowids: Iterable[int], table: str = "answers"
) -> dict[int, str]:
    return {
        rowid: uid
        for rowid, uid in db.execute(
            f"SELECT rowid, id FROM {table}" + _IN, [json.dumps([int(r) for r in rowids])]
        )
    }


def _still_valid(db: sqlite_utils.Database, coded: CodedAnswers, top: int) -> bool:
    """Same file history: nothing above `top` is cached and the sampled UUIDs match."""
    if coded.max_rowid > top:
        return False
    for table in ("answers", "sessions"):
        expected = {rowid: uid for t, rowid, uid in coded.samples if t == table}
        if expected and _ids_at(db, expected, table) != expected:
            return False
    return True


def _samples(
    db: sqlite_utils.Database, rowid: np.ndarray, sessions: np.ndarray
) -> tuple[tuple[str, int, str], ...]:
    out: list[tuple[str, int, str]] = []
    for table, keys in (("answers", rowid), ("sessions", sessions[sessions > 0])):
        if keys.size:
            picks = np.unique(keys[np.linspace(0, keys.size - 1, SAMPLES).astype(np.int64)])
            out += [(table, r, uid) for r, uid in sorted(_ids_at(db, picks, table).items())]
    return tuple(out)


# --- reading rows ------------------------------------------------------------------------------
class _Coder:
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

    def code(self, lookup: str, column: Iterable[str | None]) -> np.ndarray:
        index, values = self.index[lookup], self.values[lookup]
        column = column.tolist() if isinstance(column, np.ndarray) else list(column)
        for value in dict.fromkeys(column):  # distinct values, in first-seen order
            if value not in index:
                index[value] = len(values)
                values.append(value)
        return np.fromiter(map(index.__getitem__, column), dtype=np.int32, count=len(column))

    def read(self, query: tuple[str, tuple[str | None, ...]], keys: np.ndarray) -> np.ndarray:
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

    def read_text(self, query: tuple[str, tuple[str | None, ...]], keys: list[int]) -> np.ndarray:
        """The rows with these rowids: a range scan when they fill most of their range (a
        first build reads sessions in runs), else one lookup each."""
        sql, lookups = query
        low, high = (min(keys), max(keys)) if keys else (0, -1)
        if len(keys) >= RANGE_MIN_KEYS and high - low < 2 * len(keys):
            found = self.db.execute(sql.replace(_IN, _BETWEEN), [low, high]).fetchall()
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


class _Columns:
    """Growable column buffers (preallocated from a row count, grown only if rows arrive)."""

    def __init__(self, capacity: int):
        self.size = 0
        self.data = {name: np.empty(capacity, dtype) for name, dtype in DTYPES.items()}

    def append(self, chunk: Mapping[str, np.ndarray]) -> None:
        n = len(chunk["rowid"])
        capacity = len(self.data["rowid"])
        if self.size + n > capacity:
            grown = max(self.size + n, capacity * 2)
            for name, array in self.data.items():
                bigger = np.empty(grown, array.dtype)
                bigger[: self.size] = array[: self.size]
                self.data[name] = bigger
        for name, values in chunk.items():
            self.data[name][self.size : self.size + n] = values
        self.size += n


def _decode(rows: list[tuple], coder: _Coder, orphans: list[int]) -> dict[str, np.ndarray]:
    """One chunk of _SELECT rows as coded columns; rows without a case version go to orphans."""
    table = np.array(rows, dtype=object)  # rows × columns; 2-3× quicker than zip(*rows)
    no_version = np.equal(table[:, 2], None)
    if no_version.any():
        orphans.extend(table[no_version, 0].tolist())
        table = table[~no_version]
    n = len(table)
    rowid = table[:, 0].astype(np.int64)
    flags = table[:, 3].astype(np.int64)
    skipped = (flags & 1) > 0
    out: dict[str, np.ndarray] = {
        "rowid": rowid,
        "skipped": skipped,
        "clause_correct": ((flags >> 1) & 3) - 1,
        "confidence": np.where(np.equal(table[:, 5], None), np.nan, table[:, 5]).astype(np.float64),
        "answered_at": table[:, 6].astype(np.int64),
    }
    shown = np.where(np.equal(table[:, 7], None), np.nan, table[:, 7]).astype(np.float64)
    out["not_watched"] = not_watched_codes(np.where(shown < 0, 0.0, shown), shown < 0, skipped)
    out["clause_correct"] = out["clause_correct"].astype(np.int32)
    versions = coder.read(_VERSIONS, table[:, 2].astype(np.int64))
    out["golden"] = versions[:, 1]
    # session, profile, team, site, pack, lesson, session_kind, case
    coded = np.empty((n, 8), dtype=np.int32)
    regular = (flags & 8) > 0
    if regular.any():
        coded[regular, :7] = coder.read(_SESSIONS, table[regular, 1].astype(np.int64))
        coded[regular, 7] = versions[regular, 0]
    if not regular.all():
        own = np.flatnonzero(~regular)
        found = coder.read_text(_TEXT, rowid[own].tolist())
        place = {r: i for i, r in enumerate(found[:, 0].tolist())}
        text = found[[place[r] for r in rowid[own].tolist()], 1:]
        coded[own] = coder.coded(text, _TEXT[1])
    for j, name in enumerate(
        ("session", "profile", "team", "site", "pack", "lesson", "session_kind", "case")
    ):
        out[name] = coded[:, j].copy()
    decision = np.where(skipped, -1, np.where((flags & 16) > 0, out["golden"], -1))
    chosen = np.flatnonzero(~skipped & ((flags & 16) == 0))
    if chosen.size:
        decision[chosen] = coder.code("decisions", table[chosen, 4])
    out["decision"] = decision.astype(np.int32)
    return out


def _extend(db: sqlite_utils.Database, coded: CodedAnswers, top: int) -> CodedAnswers:
    """coded plus the rows above its max_rowid (up to top) and any orphans now joined."""
    lo, waiting = coded.max_rowid, list(coded.orphans)
    if top <= lo and not waiting:
        return coded
    started = time.perf_counter()
    # Counted in the smallest index (another b-tree than the rows): a damaged page that ends
    # the read early without an error shows as fewer rows read than counted (checked below).
    total = db.execute("SELECT COUNT(*) FROM answers").fetchone()[0]
    check_whole(db, ("sessions", "case_versions"))  # answers take their facts from these
    buffer, coder, orphans = _Columns(max(0, total - len(coded))), _Coder(db, coded.lookups), []
    reads = [(_SELECT + "WHERE a.rowid > ? AND a.rowid <= ? ORDER BY a.rowid", [lo, top])]
    if waiting:
        reads.append(
            (
                _SELECT + "WHERE a.rowid IN (SELECT value FROM json_each(?)) ORDER BY a.rowid",
                [json.dumps(waiting)],
            )
        )
    for sql, params in reads:
        cursor = db.execute(sql, params)
        while rows := cursor.fetchmany(CHUNK):
            buffer.append(_decode(rows, coder, orphans))
    check_count(db, "answers", len(coded) + buffer.size + len(orphans), total)
    if not buffer.size:
        return replace(coded, max_rowid=max(top, lo), orphans=tuple(orphans))
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
    columns = {name: _frozen(array) for name, array in columns.items()}
    lookups = {name: _lookup(name, values) for name, values in coder.values.items()}
    log.debug(
        "read %d answers into the cache in %.2f s", buffer.size, time.perf_counter() - started
    )
    return replace(
        coded,
        columns=columns,
        lookups=lookups,
        max_rowid=max(top, lo),
        orphans=tuple(orphans),
        samples=_samples(db, columns["rowid"], lookups["session_keys"]),
    )


# --- the file ----------------------------------------------------------------------------------
def _worth_writing(coded: CodedAnswers) -> bool:
    n = len(coded)
    if n < PERSIST_MIN_ROWS or n == coded.persisted_rows:
        return False
    return coded.persisted_rows == 0 or n - coded.persisted_rows >= max(
        REWRITE_MIN_ROWS, REWRITE_SHARE * coded.persisted_rows
    )


def _write(file: Path, coded: CodedAnswers) -> CodedAnswers:
    """Write atomically (temp file + os.replace); a failure is logged, never raised."""
    meta = {
        "format": FORMAT,
        "fingerprint": list(coded.fingerprint or ()),
        "max_rowid": coded.max_rowid,
        "orphans": list(coded.orphans),
        "samples": [list(s) for s in coded.samples],
        "lookups": {
            name: values.tolist() if isinstance(values, np.ndarray) else list(values)
            for name, values in coded.lookups.items()
        },
    }
    temp = file.with_name(f".{file.stem}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        with temp.open("wb") as handle:
            np.savez(
                handle,
                meta=np.frombuffer(json.dumps(meta).encode("utf-8"), np.uint8),
                **coded.columns,
            )
        os.replace(temp, file)
    except OSError as error:
        log.warning("answer cache %s not written (%s)", file, error)
        temp.unlink(missing_ok=True)
        return coded
    _prune(file.parent, keep=file)
    return replace(coded, persisted_rows=len(coded))


def _read_file(file: Path, fingerprint: tuple) -> CodedAnswers | None:
    """The cache in file when it is whole and for this database, else None (logged)."""
    try:
        with np.load(file, allow_pickle=False) as npz:
            meta = json.loads(npz["meta"].tobytes().decode("utf-8"))
            if meta.get("format") != FORMAT or tuple(meta.get("fingerprint", ())) != fingerprint:
                log.info("answer cache %s is for another database or format; rebuilding", file)
                return None
            columns = {name: np.asarray(npz[name]) for name in DTYPES}
        n = len(columns["rowid"])
        lookups = {name: _lookup(name, meta["lookups"][name]) for name in LOOKUPS}
        for name, dtype in DTYPES.items():
            if columns[name].dtype != np.dtype(dtype) or columns[name].shape != (n,):
                raise ValueError(f"column {name} is {columns[name].dtype} × {columns[name].shape}")
        for name, lookup in CODED:
            codes = columns[name]
            if n and (codes.min() < -1 or codes.max() >= len(lookups[lookup])):
                raise ValueError(f"codes of {name} outside its lookup")
        coded = CodedAnswers(
            fingerprint,
            {name: _frozen(array) for name, array in columns.items()},
            lookups,
            int(meta["max_rowid"]),
            tuple(int(r) for r in meta["orphans"]),
            tuple((str(t), int(r), str(i)) for t, r, i in meta["samples"]),
            persisted_rows=n,
        )
    except Exception as error:  # a damaged cache is rebuilt, never an error for the user
        log.warning(
            "answer cache %s unreadable (%s: %s); rebuilding", file, type(error).__name__, error
        )
        return None
    try:
        os.utime(file)  # recently used: kept by _prune
    except OSError:
        pass
    return coded


def _prune(directory: Path, keep: Path) -> None:
    """Remove cache files nobody used for KEEP_DAYS (databases moved or deleted)."""
    cutoff = time.time() - KEEP_DAYS * 86_400
    try:
        for path in directory.glob("*.npz"):
            if path != keep and path.stat().st_mtime < cutoff:
                path.unlink(missing_ok=True)
        # A write cut short (the app quit while warming the cache) leaves its temp file.
        for path in directory.glob(".*.tmp"):
            if path.stat().st_mtime < time.time() - 3_600:
                path.unlink(missing_ok=True)
    except OSError:
        pass


# --- answer ids --------------------------------------------------------------------------------
def answer_ids(database: Path, rowids: np.ndarray) -> list[str]:
    """The UUIDs of the answers at these rowids, on a read-only connection of its own."""
    from calibrate.store.db import open_reader

    reader = open_reader(database)
    try:
        found = _ids_at(reader, rowids.tolist())
    finally:
        reader.conn.close()
    return [found.get(r, "") for r in rowids.tolist()]


def id_lookup(db: sqlite_utils.Database) -> IdLookup:
    """How an AnswerTable read from db finds its answers' UUIDs later, when this connection
    may be closed: by path on a connection of its own (in memory: read now, it is small)."""
    path = database_file(db)
    if path is None:
        ids = dict(db.execute("SELECT rowid, id FROM answers").fetchall())
        return lambda rowids: [ids.get(r, "") for r in rowids.tolist()]
    return lambda rowids: answer_ids(path, rowids)
