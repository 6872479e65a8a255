"""The lead dashboard at a million answers: read, compute, draw, report — and memory.

Each stage runs in its own Python process so its peak RSS is its own:
1. baseline: plain sqlite3, SELECT every answer row (the columns load_answers reads, joined
   with the golden answers) into Python tuples;
2. dashboard: load_answers (split into SQL fetch and build_answer_table), compute_dashboard,
   every chart drawn on an Agg canvas (as the screen draws it); then a filter change (one
   team, then one pack): load + compute + draw again;
3. `calibrate report` end to end, as a user runs it.
Goals (issue #6): dashboard with all charts < 1.5 s, filter change < 0.5 s, RSS < 400 MB,
`calibrate report` < 10 s.

Run: .venv/bin/python benchmarks/dashboard_bench.py [--db PATH] [--answers N]
(without --db a database is generated into a temporary folder first, ~30 s per million).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

GOALS = {"open": 1.5, "filter": 0.5, "rss_mb": 400, "report": 10.0}


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def stage_baseline(db: Path) -> dict:
    import sqlite3

    from calibrate.store.queries import ANSWER_COLUMNS

    started = time.perf_counter()
    conn = sqlite3.connect(db)
    rows = conn.execute(
        f"SELECT {', '.join('a.' + c for c in ANSWER_COLUMNS)}, cv.golden_decision, a.clause "
        "FROM answers a JOIN case_versions cv ON cv.case_hash = a.case_hash").fetchall()
    return {"rows": len(rows), "seconds": time.perf_counter() - started,
            "rss_mb": peak_rss_mb()}


def _draw_all(dashboard) -> dict[str, float]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from calibrate.charts.dashboard_figures import dashboard_figures

    times: dict[str, float] = {}
    started = time.perf_counter()
    for name, figure in dashboard_figures(dashboard):
        t = time.perf_counter()
        FigureCanvasAgg(figure).draw()
        times[name] = time.perf_counter() - t
    times["all"] = time.perf_counter() - started
    return times


def stage_dashboard(db_path: Path) -> dict:
    from calibrate import paths
    from calibrate.core.answer_table import Filters
    from calibrate.core.lead_metrics import case_clauses_of, compute_dashboard
    from calibrate.core.lessons import load_library
    from calibrate.store import queries
    from calibrate.store.db import open_database

    packs = load_library([paths.bundled_lessons_dir()]).packs
    clauses = case_clauses_of(packs)
    db = open_database(db_path)
    build_seconds: list[float] = []
    build = queries.build_answer_table

    def timed_build(*args, **kwargs):  # how much of load_answers is Python-side building
        t = time.perf_counter()
        table = build(*args, **kwargs)
        build_seconds.append(time.perf_counter() - t)
        return table

    queries.build_answer_table = timed_build
    _draw_all(compute_dashboard(queries.load_answers(db, Filters(packs=("none",)), packs),
                                [], []))  # warm: imports, fonts

    def one_view(filters: Filters) -> dict:
        t0 = time.perf_counter()
        table = queries.load_answers(db, filters, packs)
        t1 = time.perf_counter()
        people = [p for p in queries.roster(db)
                  if filters.teams is None or p["team"] in filters.teams]
        dashboard = compute_dashboard(table, people, queries.dispute_rows(db, filters),
                                      case_clauses=clauses, packs=filters.packs)
        t2 = time.perf_counter()
        draws = _draw_all(dashboard)
        return {"answers": len(table), "load": t1 - t0, "load_build_table": build_seconds[-1],
                "compute": t2 - t1, "draw": draws, "total": time.perf_counter() - t0}

    everything = one_view(Filters())
    rss_after_open = peak_rss_mb()
    team = queries.filter_choices(db)["teams"][0]
    # The alternative to a new query: filter the table already in memory.
    table = queries.load_answers(db, Filters(), packs)
    t0 = time.perf_counter()
    mine = table.select(table.team == table.teams.index(team))
    t1 = time.perf_counter()
    dashboard = compute_dashboard(mine, [p for p in queries.roster(db) if p["team"] == team],
                                  queries.dispute_rows(db, Filters(teams=(team,))),
                                  case_clauses=clauses)
    t2 = time.perf_counter()
    in_memory = {"answers": len(mine), "select": t1 - t0, "compute": t2 - t1,
                 "draw": _draw_all(dashboard)}
    in_memory["total"] = time.perf_counter() - t0
    return {"open": everything, "rss_after_open_mb": rss_after_open,
            "filter_team": one_view(Filters(teams=(team,))),
            "filter_pack": one_view(Filters(packs=("harassment",))),
            "filter_team_in_memory": in_memory, "rss_mb": peak_rss_mb()}


def stage_report(db: Path, out: Path) -> dict:
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "calibrate", "report", "--db", str(db),
                             "--out", str(out)], capture_output=True, text=True, cwd=ROOT)
    return {"seconds": time.perf_counter() - started, "returncode": result.returncode,
            "stdout": result.stdout.strip(), "stderr": result.stderr.strip()[-300:],
            "rss_mb": peak_rss_mb(resource.RUSAGE_CHILDREN)}


def run_stage(name: str, db: Path) -> dict:
    result = subprocess.run([sys.executable, __file__, "--stage", name, "--db", str(db)],
                            capture_output=True, text=True, cwd=ROOT)
    if result.returncode != 0:
        raise SystemExit(f"stage {name} failed:\n{result.stderr}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path)
    parser.add_argument("--answers", type=int, default=1_000_000)
    parser.add_argument("--stage", choices=("baseline", "dashboard", "report"))
    args = parser.parse_args()
    if args.stage:
        with tempfile.TemporaryDirectory() as tmp:
            out = {"baseline": lambda: stage_baseline(args.db),
                   "dashboard": lambda: stage_dashboard(args.db),
                   "report": lambda: stage_report(args.db, Path(tmp) / "report.pdf")}
            print(json.dumps(out[args.stage]()))
        return
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db
        if db is None:
            from generate_answers_db import generate

            db = Path(tmp) / "bench.sqlite3"
            t = time.perf_counter()
            counts = generate(db, args.answers)
            print(f"generated {counts} in {time.perf_counter() - t:.1f} s")
        report(run_stage("baseline", db), run_stage("dashboard", db), run_stage("report", db))


def report(baseline: dict, dash: dict, rep: dict) -> None:
    def ok(value: float, goal: float) -> str:
        return "ok" if value < goal else "MISSED"

    o = dash["open"]
    print(f"baseline sqlite3 SELECT of {baseline['rows']:,} answer rows: "
          f"{baseline['seconds']:.2f} s, peak RSS {baseline['rss_mb']:.0f} MB")
    print(f"open dashboard ({o['answers']:,} answers): {o['total']:.2f} s "
          f"[goal {GOALS['open']} s: {ok(o['total'], GOALS['open'])}]")
    print(f"  load_answers {o['load']:.2f} s (of which build_answer_table "
          f"{o['load_build_table']:.2f} s, SQL fetch {o['load'] - o['load_build_table']:.2f} s)")
    print(f"  compute_dashboard {o['compute']:.2f} s")
    print("  draw " + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in o["draw"].items()))
    for key in ("filter_team", "filter_pack"):
        f = dash[key]
        print(f"filter change ({key[7:]}, {f['answers']:,} answers): {f['total']:.2f} s "
              f"[goal {GOALS['filter']} s: {ok(f['total'], GOALS['filter'])}] — load "
              f"{f['load']:.2f} s, compute {f['compute']:.2f} s, draw {f['draw']['all']:.2f} s")
    m = dash["filter_team_in_memory"]
    print(f"filter change in memory (AnswerTable.select, {m['answers']:,} answers): "
          f"{m['total']:.2f} s — select {m['select']:.2f} s, compute {m['compute']:.2f} s, "
          f"draw {m['draw']['all']:.2f} s")
    print(f"peak RSS of the dashboard process: {dash['rss_mb']:.0f} MB (after opening: "
          f"{dash['rss_after_open_mb']:.0f} MB) [goal {GOALS['rss_mb']} MB: "
          f"{ok(dash['rss_mb'], GOALS['rss_mb'])}]")
    print(f"calibrate report: {rep['seconds']:.2f} s, exit {rep['returncode']}, peak RSS "
          f"{rep['rss_mb']:.0f} MB [goal {GOALS['report']} s: "
          f"{ok(rep['seconds'], GOALS['report'])}] {rep['stdout'] or rep['stderr']}")


if __name__ == "__main__":
    main()
