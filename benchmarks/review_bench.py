"""Spaced review: "due today" for one moderator in a database of 2,000 moderators × 500 cases.

Cards are derived from answers on demand (docs/dashboard-metrics.md, "Spaced review"), so the
figure that matters is what the home screen and the lesson list ask: one profile's due count
(`ws.review.due_count`: the SQL read of that profile's answers, the FSRS replay, the due
filter) in a database holding every other moderator's answers too. Target: < 200 ms.

The database: one 500-case pack (files written to a temporary folder and loaded as the app
loads them), 2,000 moderators who each answered every case once over the last 60 days (about
a fifth wrong, confidences spread over the five steps), then reviewed about half of their
cards once: ~1.1 M answers, written with executemany in one transaction (the real schema).
Also reported, for the record: the replay of every moderator's cards at once.

Run: .venv/bin/python benchmarks/review_bench.py [--moderators 2000] [--cases 500] [--keep DIR]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from calibrate.core.models import CONFIDENCE_LEVELS  # noqa: E402
from calibrate.store import catalog  # noqa: E402
from calibrate.workspace import Workspace  # noqa: E402
from tests.pack_factory import write_pack  # noqa: E402

COLUMNS = (
    "id, session_id, profile_id, pack_id, lesson_id, case_id, case_hash, pack_hash, team, "
    "site, session_kind, decision, clause, confidence, note, skipped, shown_at, answered_at, "
    "time_to_answer_ms, watched_ms"
)
DECISIONS = ("allow", "age_restricted", "remove")


def _stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def build(folder: Path, moderators: int, cases: int, seed: int = 7) -> Workspace:
    lessons = folder / "lessons"
    write_pack(lessons, "big", tuple(f"c{i:03d}" for i in range(cases)), media=b"x" * 16)
    ws = Workspace.open(folder / "review.sqlite3", [lessons])
    pack = ws.lessons.load().packs[0]
    catalog.record_pack_version(ws.db, pack)
    rng = np.random.default_rng(seed)
    now = datetime.now(UTC)
    case_list = list(pack.cases.values())
    steps = [p for p, _ in CONFIDENCE_LEVELS]
    conn = ws.db.conn
    with ws.db.atomic():
        for m in range(moderators):
            profile = f"p{m:05d}"
            conn.execute(
                "INSERT INTO profiles (id, name, team, site, created_at) VALUES (?, ?, ?, ?, ?)",
                [profile, f"Moderator {m}", f"Team {m % 20}", "Lisbon", _stamp(now)],
            )
            rows = []
            for kind, share in (("first_attempt", 1.0), ("review", 0.5)):
                session = f"{profile}-{kind}"
                started = now - timedelta(days=60 if kind == "first_attempt" else 20)
                conn.execute(
                    "INSERT INTO sessions (id, profile_id, pack_id, lesson_id, pack_hash, kind, "
                    "team, site, started_at, finished_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                    [
                        session,
                        profile,
                        "big",
                        "basics",
                        pack.content_hash,
                        kind,
                        f"Team {m % 20}",
                        "Lisbon",
                        _stamp(started),
                        _stamp(started),
                    ],
                )
                chosen = np.flatnonzero(rng.random(len(case_list)) < share)
                offsets = rng.integers(0, 20 * 86400, chosen.size)
                wrong = rng.random(chosen.size) < 0.2
                confidence = rng.choice(steps, chosen.size)
                for j, i in enumerate(chosen):
                    case = case_list[i]
                    at = _stamp(started + timedelta(seconds=int(offsets[j])))
                    decision = DECISIONS[int(rng.integers(0, 2))] if wrong[j] else "remove"
                    rows.append(
                        (
                            f"{session}-{i}",
                            session,
                            profile,
                            "big",
                            "basics",
                            case.id,
                            case.content_hash,
                            pack.content_hash,
                            f"Team {m % 20}",
                            "Lisbon",
                            kind,
                            decision,
                            "GR-1",
                            float(confidence[j]),
                            "",
                            0,
                            at,
                            at,
                            1000,
                            1000,
                        )
                    )
            conn.executemany(
                f"INSERT INTO answers ({COLUMNS}) VALUES ({', '.join('?' * 20)})", rows
            )
    return ws


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moderators", type=int, default=2000)
    parser.add_argument("--cases", type=int, default=500)
    parser.add_argument("--profiles-timed", type=int, default=60)
    parser.add_argument("--keep", type=Path, help="build the database here and keep it")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="review-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    ws = build(folder, args.moderators, args.cases)
    answers = ws.db.execute("SELECT COUNT(*) FROM answers").fetchone()[0]
    print(
        f"database: {args.moderators} moderators × {args.cases} cases, {answers:,} answers "
        f"(built in {time.perf_counter() - started:.1f} s)"
    )
    step = max(1, args.moderators // args.profiles_timed)
    timings, counts = [], []
    for m in range(0, args.moderators, step)[: args.profiles_timed]:
        t = time.perf_counter()
        counts.append(ws.review.due_count(f"p{m:05d}"))
        timings.append((time.perf_counter() - t) * 1000)
    timings.sort()
    p95 = timings[int(0.95 * (len(timings) - 1))]
    print(
        f"due today for one moderator ({len(timings)} moderators): median "
        f"{statistics.median(timings):.1f} ms, p95 {p95:.1f} ms, max {timings[-1]:.1f} ms; "
        f"due cases: median {statistics.median(counts):.0f}"
    )
    t = time.perf_counter()
    total = sum(len(ws.review.cards(f"p{m:05d}")) for m in range(args.moderators))
    print(
        f"every moderator's cards replayed ({total:,} cards): "
        f"{time.perf_counter() - t:.1f} s (not asked by any screen)"
    )
    ws.close()


if __name__ == "__main__":
    main()
