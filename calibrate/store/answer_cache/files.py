"""The cache on disk: one uncompressed `.npz` per database, written atomically, read back
only when whole and for this database.

Files live under the platform cache dir (or $CALIBRATE_CACHE_DIR), named by a hash of the
database file's resolved path, written to a temp file then os.replace'd. A file that cannot
be read is rebuilt (and logged), never an error for the user. Small databases are not written
to disk: reading them takes milliseconds.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from calibrate.store.answer_cache.coded_answers import (
    CODED,
    DTYPES,
    FORMAT,
    LOOKUPS,
    CodedAnswers,
    as_lookup,
    frozen,
)

log = logging.getLogger(__name__)

PERSIST_MIN_ROWS = 20_000  # below this a database is read whole in well under 0.1 s
REWRITE_SHARE = 0.02  # rewrite the file once new rows exceed this share of it
REWRITE_MIN_ROWS = 1_000  # ...and this many (fewer new rows are read again next time)
KEEP_DAYS = 90  # cache files unused this long are removed when another one is written
CACHE_DIR_ENV = "CALIBRATE_CACHE_DIR"


def cache_dir() -> Path:
    """Where cache files go: $CALIBRATE_CACHE_DIR, else the platform's user cache dir."""
    if os.environ.get(CACHE_DIR_ENV):
        return Path(os.environ[CACHE_DIR_ENV])
    from platformdirs import user_cache_path

    return user_cache_path("Calibrate", appauthor=False) / "answers"


def cache_file(directory: Path, database: Path) -> Path:
    """The cache file in `directory` of the database file at (resolved) `database`."""
    digest = hashlib.sha256(str(database).encode("utf-8")).hexdigest()[:32]
    return directory / f"{digest}.npz"


def worth_writing(coded: CodedAnswers) -> bool:
    n = len(coded)
    if n < PERSIST_MIN_ROWS or n == coded.persisted_rows:
        return False
    return coded.persisted_rows == 0 or n - coded.persisted_rows >= max(
        REWRITE_MIN_ROWS, REWRITE_SHARE * coded.persisted_rows
    )


def write_file(file: Path, coded: CodedAnswers) -> CodedAnswers:
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


def read_file(file: Path, fingerprint: tuple) -> CodedAnswers | None:
    """The cache in file when it is whole and for this database, else None (logged)."""
    try:
        with np.load(file, allow_pickle=False) as npz:
            meta = json.loads(npz["meta"].tobytes().decode("utf-8"))
            if meta.get("format") != FORMAT or tuple(meta.get("fingerprint", ())) != fingerprint:
                log.info("answer cache %s is for another database or format; rebuilding", file)
                return None
            columns = {name: np.asarray(npz[name]) for name in DTYPES}
        lookups = {name: as_lookup(name, meta["lookups"][name]) for name in LOOKUPS}
        _check_columns(columns, lookups)
        coded = CodedAnswers(
            fingerprint,
            {name: frozen(array) for name, array in columns.items()},
            lookups,
            int(meta["max_rowid"]),
            tuple(int(r) for r in meta["orphans"]),
            tuple((str(t), int(r), str(i)) for t, r, i in meta["samples"]),
            persisted_rows=len(columns["rowid"]),
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


def _check_columns(columns: dict[str, np.ndarray], lookups: dict) -> None:
    """ValueError unless every column has its type and length and every code its value."""
    n = len(columns["rowid"])
    for name, dtype in DTYPES.items():
        if columns[name].dtype != np.dtype(dtype) or columns[name].shape != (n,):
            raise ValueError(f"column {name} is {columns[name].dtype} × {columns[name].shape}")
    for name, lookup in CODED:
        codes = columns[name]
        if n and (codes.min() < -1 or codes.max() >= len(lookups[lookup])):
            raise ValueError(f"codes of {name} outside its lookup")


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
