"""Latency of recording one answer (committed, WAL, synchronous=FULL) vs a bare sqlite3 insert.

Both write one row and commit, on the same disk, in the same run. Goal: p99 < 5 ms.
Run: .venv/bin/python benchmarks/answer_write_bench.py [N]
"""

from __future__ import annotations

import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from calibrate.core.lessons.loader import require_pack  # noqa: E402
from calibrate.core.models import AnswerDraft  # noqa: E402
from calibrate.store import answers, catalog, sessions  # noqa: E402
from calibrate.store.db import open_database  # noqa: E402
from tests.pack_factory import write_pack  # noqa: E402


def percentiles(samples: list[float]) -> tuple[float, float, float]:
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return statistics.median(ordered), p99, ordered[-1]


def bench_calibrate(folder: Path, n: int) -> list[float]:
    lessons = folder / "lessons"
    lessons.mkdir()
    case_ids = tuple(f"c{i}" for i in range(n))
    pack = require_pack(write_pack(lessons, "bench", case_ids=case_ids))
    db = open_database(folder / "calibrate.sqlite3")
    profile = catalog.create_profile(db, "bench", "team", "site")
    session_id = sessions.start_session(db, profile, pack, "basics", "first_attempt")
    samples = []
    for case_id in case_ids:
        start = time.perf_counter()
        answers.record_answer(
            db,
            session_id=session_id,
            session_kind="first_attempt",
            profile=profile,
            pack=pack,
            lesson_id="basics",
            case=pack.cases[case_id],
            draft=AnswerDraft("remove", "GR-1", 0.8),
            shown_at="2026-11-25T10:00:00.000Z",
            time_to_answer_ms=1000,
            watched_ms=500,
        )
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def bench_bare_sqlite(folder: Path, n: int) -> list[float]:
    conn = sqlite3.connect(str(folder / "bare.sqlite3"), isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE t (id TEXT PRIMARY KEY, v TEXT)")
    samples = []
    for i in range(n):
        start = time.perf_counter()
        conn.execute("BEGIN")
        conn.execute("INSERT INTO t VALUES (?, ?)", (str(i), "remove"))
        conn.execute("COMMIT")
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    with tempfile.TemporaryDirectory() as tmp:
        ours = bench_calibrate(Path(tmp), n)
        bare = bench_bare_sqlite(Path(tmp), n)
    print(f"answers recorded: {n} (each its own committed transaction, WAL, synchronous=FULL)")
    print(f"{'':32}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    for name, samples in (("calibrate record_answer", ours), ("bare sqlite3 insert+commit", bare)):
        p50, p99, worst = percentiles(samples)
        print(f"{name:32}{p50:9.3f}{p99:9.3f}{worst:9.3f}")
    print(f"goal: p99 < 5 ms -> {'met' if percentiles(ours)[1] < 5 else 'NOT met'}")


if __name__ == "__main__":
    main()
