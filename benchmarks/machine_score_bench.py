"""`calibrate machine score` for 100 model runs over a 10,000-case pack (1 M decisions).

The database: one generated 10,000-case pack (files written to a temporary folder and loaded
as the app loads them), five moderators who each answered every case once (the room: 50,000
answers, a fifth wrong), and 100 model runs of 10,000 decisions each (85 % right, a score
on every decision) — 1,000,000 rows in `machine_decisions`, written through the store. One
run is also imported from its CSV as `calibrate machine import` does.

Timed: `ws.machines.score(name)` for each of the 100 runs (what `machine score` computes, in
process; each run read from SQL, scored against the golden and the room), beside a baseline
measured in the same run on the same data — what a skilled user writes with pandas and
scikit-learn (`read_sql` of the run joined to its goldens, first answers by
`drop_duplicates`, the room's majority by `groupby`, `accuracy_score`, `confusion_matrix`,
`cohen_kappa_score` twice, `brier_score_loss`) — alternated run by run; then the Models tab's
whole scoreboard (every run on the pack), and `calibrate machine score --json` as a process.

Run: .venv/bin/python benchmarks/machine_score_bench.py [--runs 100] [--cases 10000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from calibrate.core.machines.rows import CheckedRun, MachineDecision, run_digest  # noqa: E402
from calibrate.store import catalog  # noqa: E402
from calibrate.store.machines import write_run  # noqa: E402
from calibrate.workspace import Workspace  # noqa: E402
from tests.pack_factory import write_pack  # noqa: E402

LABELS = ("allow", "age_restricted", "remove", "escalate")
COLUMNS = (
    "id, session_id, profile_id, pack_id, lesson_id, case_id, case_hash, pack_hash, team, "
    "site, session_kind, decision, clause, confidence, note, skipped, shown_at, answered_at, "
    "time_to_answer_ms, watched_ms"
)


def _stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def build(folder: Path, cases: int, runs: int, moderators: int = 5, seed: int = 20):
    """The pack, the room and the runs; returns the open workspace and the goldens."""
    lessons = folder / "lessons"
    write_pack(lessons, "big", tuple(f"c{i:05d}" for i in range(cases)), media=b"x" * 16)
    ws = Workspace.open(folder / "machines.sqlite3", [lessons])
    pack = ws.lessons.load().packs[0]
    catalog.record_pack_version(ws.db, pack)
    rng = np.random.default_rng(seed)
    case_list = list(pack.cases.values())
    golden = np.array([LABELS.index(c.golden.decision) for c in case_list])
    now = datetime.now(UTC)
    with ws.db.atomic():
        for m in range(moderators):
            profile, session = f"p{m}", f"s{m}"
            ws.db.execute(
                "INSERT INTO profiles (id, name, team, site, created_at) VALUES (?, ?, ?, ?, ?)",
                [profile, f"Moderator {m}", "T", "S", _stamp(now)],
            )
            ws.db.execute(
                "INSERT INTO sessions (id, profile_id, pack_id, lesson_id, pack_hash, kind, "
                "team, site, started_at, finished_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                [session, profile, "big", "basics", pack.content_hash, "first_attempt"]
                + ["T", "S", _stamp(now - timedelta(days=5)), _stamp(now)],
            )
            chosen = np.where(rng.random(cases) < 0.8, golden, rng.integers(0, 4, cases))
            at = _stamp(now - timedelta(days=4))
            ws.db.conn.executemany(
                f"INSERT INTO answers ({COLUMNS}) VALUES ({', '.join('?' * 20)})",
                (
                    (f"{session}-{i}", session, profile, "big", "basics", case.id)
                    + (case.content_hash, pack.content_hash, "T", "S", "first_attempt")
                    + (LABELS[chosen[i]], "GR-1", 0.8, "", 0, at, at, 1000, 1000)
                    for i, case in enumerate(case_list)
                ),
            )
    for r in range(runs):
        model = np.where(rng.random(cases) < 0.85, golden, rng.integers(0, 4, cases))
        score = rng.uniform(0.5, 1.0, cases).round(3)
        decisions = tuple(
            MachineDecision(
                i + 2,
                "big",
                c.id,
                c.content_hash,
                pack.content_hash,
                LABELS[model[i]],
                None,
                float(score[i]),
            )
            for i, c in enumerate(case_list)
        )
        run = CheckedRun(None, decisions, run_digest(decisions))
        write_run(ws.db, f"model-{r:03d}", run, "bench", None)
    return ws, case_list


def peer(db_path: Path, name: str) -> dict[str, float]:
    """The same figures as a skilled user computes them with pandas and scikit-learn."""
    import pandas as pd
    from sklearn.metrics import (
        accuracy_score,
        brier_score_loss,
        cohen_kappa_score,
        confusion_matrix,
    )

    conn = sqlite3.connect(db_path)
    try:
        run = pd.read_sql(
            "SELECT d.case_id, d.decision, c.golden_decision AS golden, d.score "
            "FROM machine_decisions d JOIN machine_runs r ON r.id = d.run_id "
            "JOIN case_versions c ON c.case_hash = d.case_hash WHERE r.name = ?",
            conn,
            params=[name],
        )
        humans = pd.read_sql(
            "SELECT profile_id, case_id, decision, answered_at FROM answers "
            "WHERE pack_id = 'big' AND skipped = 0",
            conn,
        )
    finally:
        conn.close()
    first = humans.sort_values("answered_at", kind="stable").drop_duplicates(
        ["profile_id", "case_id"]
    )
    counts = first.groupby(["case_id", "decision"]).size().unstack(fill_value=0)
    top = counts.max(axis=1)
    unique = counts.eq(top, axis=0).sum(axis=1) == 1
    majority = counts.idxmax(axis=1)[unique & (counts.sum(axis=1) >= 3)]
    both = run.set_index("case_id").join(majority.rename("room"), how="inner")
    right = run.decision == run.golden
    return {
        "accuracy": accuracy_score(run.golden, run.decision),
        "kappa": cohen_kappa_score(run.golden, run.decision, labels=list(LABELS)),
        "confusion": confusion_matrix(run.golden, run.decision, labels=list(LABELS)).sum(),
        "kappa_room": cohen_kappa_score(both.room, both.decision, labels=list(LABELS)),
        "brier": brier_score_loss(right, run.score),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=100)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--keep", type=Path, help="build the database here and keep it")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="machine-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    ws, case_list = build(folder, args.cases, args.runs)
    rows = ws.db.execute("SELECT COUNT(*) FROM machine_decisions").fetchone()[0]
    print(
        f"database: {args.cases:,} cases, {rows:,} model decisions in {args.runs} runs, "
        f"5 moderators' {5 * args.cases:,} answers (built in {time.perf_counter() - started:.1f} s)"
    )
    _time_import(ws, folder, case_list)
    ours, theirs = [], []
    peer(ws.db_path, "model-000")  # imports pandas and sklearn outside the timings
    ws.machines.score("model-000")
    for r in range(args.runs):
        name = f"model-{r:03d}"
        t = time.perf_counter()
        mine = ws.machines.score(name)
        ours.append(time.perf_counter() - t)
        t = time.perf_counter()
        reference = peer(ws.db_path, name)
        theirs.append(time.perf_counter() - t)
        assert abs(mine.packs[0].kappa_golden.value - reference["kappa"]) < 1e-9
    ratios = sorted(a / b for a, b in zip(ours, theirs, strict=True))
    print(
        f"machine score, one run in process ({args.runs} runs, alternated with the baseline): "
        f"median {statistics.median(ours) * 1000:.0f} ms (max {max(ours) * 1000:.0f}); "
        f"pandas + scikit-learn baseline median {statistics.median(theirs) * 1000:.0f} ms; "
        f"ratio ours/baseline median {statistics.median(ratios):.2f} "
        f"({ratios[0]:.2f}–{ratios[-1]:.2f}); all {args.runs} runs: {sum(ours):.1f} s vs "
        f"{sum(theirs):.1f} s"
    )
    t = time.perf_counter()
    board = ws.machines.scoreboard()
    print(
        f"the Models tab's scoreboard ({len(board.entries)} run × pack entries, {rows:,} "
        f"decisions): {time.perf_counter() - t:.1f} s"
    )
    _time_process(ws.db_path, f"model-{args.runs // 2:03d}")
    ws.close()


def _time_import(ws: Workspace, folder: Path, case_list: list) -> None:
    rng = np.random.default_rng(3)
    path = folder / "run.csv"
    lines = [f"{c.id},{LABELS[int(rng.integers(0, 4))]},{rng.uniform():.3f}" for c in case_list]
    path.write_text("case_id,decision,score\n" + "\n".join(lines) + "\n")
    t = time.perf_counter()
    ws.machines.import_run(path, "imported")
    print(f"machine import of a {len(case_list):,}-row run: {time.perf_counter() - t:.2f} s")


def _time_process(db_path: Path, name: str) -> None:
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    argv = [sys.executable, "-m", "calibrate", "machine", "score", name, "--db"]
    times = []
    for _ in range(3):
        t = time.perf_counter()
        subprocess.run([*argv, str(db_path), "--json"], check=True, capture_output=True, env=env)
        times.append(time.perf_counter() - t)
    print(f"`calibrate machine score --json` as a process: median {statistics.median(times):.2f} s")


if __name__ == "__main__":
    main()
