"""Did a change cost speed? Start-up, dashboard and agreement: an older commit against this tree.

A restructuring (issue 13 moved every face onto the workspace and core/ into packages) must
leave the user's figures where they were. This script checks out BEFORE (any git revision)
into a temporary worktree and times, as fresh processes, the same three things on both
trees, pair by pair in alternating order (before, after; then after, before; ...), so both
see the same machine state:
1. start-up: launch to an interactive main window with profiles on the home screen, and to
   the lesson packs loaded (startup_bench.py's harness, run in each tree);
2. dashboard: the dashboard screen opened on a cold answer cache (read, compute, draw) and
   `calibrate report` end to end, on one generated database (dashboard_bench.py's stages,
   each tree's own copy);
3. agreement: `calibrate agreement RATINGS.csv --json` on one generated file.
It prints each figure's median for both trees and the median of the per-pair ratios
after/before (1.00 = unchanged). Quote ratios from a quiet machine (docs/performance.md).

Run: .venv/bin/python benchmarks/before_after.py BEFORE [--pairs 7] [--answers 200000]
     [--cases 10000 --raters 100] [--only startup,dashboard,agreement]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

from startup_bench import CALIBRATE  # noqa: E402  (the harness both trees run)

Figures = dict[str, float]


def tree_env(tree: Path, **extra: str) -> dict[str, str]:
    """The environment that makes a child import `calibrate` from this tree."""
    return {
        **os.environ,
        "PYTHONPATH": str(tree),
        "QT_QPA_PLATFORM": "offscreen",
        **extra,
    }


def startup(tree: Path, db: Path) -> Figures:
    launched = time.time()
    done = subprocess.run(
        [sys.executable, "-c", CALIBRATE, "--db", str(db)],
        capture_output=True,
        text=True,
        cwd=tree,
        env=tree_env(tree),
        check=True,
    )
    events = {}
    for line in done.stdout.splitlines():
        name, at, *_ = line.split()
        events[f"start-up: {name} ms"] = (float(at) - launched) * 1000
    return events


def dashboard(tree: Path, db: Path) -> Figures:
    figures = {}
    with tempfile.TemporaryDirectory() as cache:
        env = tree_env(tree, CALIBRATE_CACHE_DIR=cache)
        for stage, key, name in (
            ("open_cold", "open", "dashboard: open, cold cache s"),
            ("report", "seconds", "calibrate report (warm cache) s"),
        ):
            done = subprocess.run(
                [
                    sys.executable,
                    "benchmarks/dashboard_bench.py",
                    "--stage",
                    stage,
                    "--db",
                    str(db),
                ],
                capture_output=True,
                text=True,
                cwd=tree,
                env=env,
                check=True,
            )
            value = json.loads(done.stdout.strip().splitlines()[-1])[key]
            figures[name] = value["seconds"] if isinstance(value, dict) else value
    return figures


def agreement(tree: Path, ratings: Path) -> Figures:
    started = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "calibrate", "agreement", str(ratings), "--json"],
        capture_output=True,
        cwd=tree,
        env=tree_env(tree),
        check=True,
    )
    return {"calibrate agreement --json s": time.perf_counter() - started}


def paired(
    before: Path, after: Path, measure: Callable[[Path], Figures], pairs: int
) -> dict[str, tuple[float, float, float]]:
    """Per figure: median before, median after, median of the per-pair after/before ratios."""
    runs: dict[str, list[tuple[float, float]]] = {}
    for i in range(pairs):
        if i % 2 == 0:
            b = measure(before)
            a = measure(after)
        else:
            a = measure(after)
            b = measure(before)
        for name in b.keys() & a.keys():
            runs.setdefault(name, []).append((b[name], a[name]))
    return {
        name: (
            statistics.median(x for x, _ in pair),
            statistics.median(y for _, y in pair),
            statistics.median(y / x for x, y in pair),
        )
        for name, pair in runs.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", help="git revision to compare against (e.g. a commit)")
    parser.add_argument("--pairs", type=int, default=7)
    parser.add_argument("--answers", type=int, default=200_000)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--raters", type=int, default=100)
    parser.add_argument("--only", default="startup,dashboard,agreement")
    args = parser.parse_args()
    wanted = set(args.only.split(","))
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        before = tmp / "before"
        subprocess.run(
            ["git", "worktree", "add", "--detach", "-q", str(before), args.before],
            cwd=ROOT,
            check=True,
        )
        try:
            results = {}
            if "startup" in wanted:
                from startup_bench import prepare_database

                db = tmp / "startup.sqlite3"
                prepare_database(db)
                results.update(paired(before, ROOT, lambda t: startup(t, db), args.pairs))
            if "dashboard" in wanted:
                from generate_answers_db import generate

                db = tmp / "dashboard.sqlite3"
                generate(db, args.answers)
                results.update(paired(before, ROOT, lambda t: dashboard(t, db), args.pairs))
            if "agreement" in wanted:
                from generate_ratings import generate as generate_ratings

                ratings = tmp / "ratings.csv"
                generate_ratings(ratings, cases=args.cases, raters=args.raters)
                results.update(paired(before, ROOT, lambda t: agreement(t, ratings), args.pairs))
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(before)], cwd=ROOT)
    print(f"before = {args.before}, after = this tree; {args.pairs} pairs, alternating order")
    print(f"{'':40}{'before':>10}{'after':>10}{'ratio':>8}")
    for name, (b, a, ratio) in sorted(results.items()):
        print(f"{name:40}{b:10.2f}{a:10.2f}{ratio:8.2f}")


if __name__ == "__main__":
    main()
