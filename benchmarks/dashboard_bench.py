"""The lead dashboard at a million answers: open (cold and warm cache), filter, report, memory.

Every scenario runs in a fresh Python process; its peak RSS is that process's own
(`os.wait4` rusage of exactly that child):
1. baseline: plain sqlite3, SELECT every answer row joined with its golden answer (the
   columns the dashboard needs) into Python tuples;
2. open, cold cache: the real DashboardScreen (Qt offscreen, 1366×768) opened on the
   database with an empty answer cache — read every answer into the cache, compute, draw the
   charts of the tab on screen — until those canvases have rendered; then every other tab
   shown once (all 7 charts drawn, for comparison with the old screen);
3. open, warm cache (a new process, the cache file written by 2), then filter changes —
   one team, one pack, the last four weeks — each from refresh() to the visible charts
   rendered (the filter bar's 250 ms debounce comes before that);
4. breakdown without Qt (warm cache): read the answers, select, compute_dashboard, build and
   draw each chart on an Agg canvas;
5. `calibrate report` end to end as a user runs it, warm cache and cold cache.
Goals (issue #6): open with its charts drawn < 1.5 s, filter change < 0.5 s, RSS < 400 MB,
`calibrate report` < 10 s.

Run: .venv/bin/python benchmarks/dashboard_bench.py [--db PATH] [--answers N]
(without --db a database is generated into a temporary folder first, ~30 s per million).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

GOALS = {"open": 1.5, "filter": 0.5, "rss_mb": 400, "report": 10.0}
BASELINE_SQL = (
    "SELECT a.id, a.profile_id, a.team, a.site, a.pack_id, a.lesson_id, a.case_id, "
    "a.session_id, a.session_kind, a.decision, a.confidence, a.skipped, a.answered_at, "
    "a.clause, cv.golden_decision, cv.golden_clauses "
    "FROM answers a JOIN case_versions cv ON cv.case_hash = a.case_hash"
)


def self_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def stage_baseline(db: Path) -> dict:
    import sqlite3

    started = time.perf_counter()
    conn = sqlite3.connect(db)
    rows = conn.execute(BASELINE_SQL).fetchall()
    return {"rows": len(rows), "seconds": time.perf_counter() - started}


# --- the real screen ---------------------------------------------------------------------------
class Screen:
    """A DashboardScreen on the database, driven as a lead would, timed to pixels."""

    def __init__(self, db_path: Path, log: Path):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from PySide6.QtWidgets import QApplication

        self.app = QApplication.instance() or QApplication([])
        from calibrate import paths
        from calibrate.gui.context import AppContext
        from calibrate.store.db import open_database

        self.context = AppContext(
            open_database(db_path).conn, db_path, [paths.bundled_lessons_dir()], log
        )
        self.context.reload_library()
        # What the dashboard's modules cost to import (matplotlib among them), paid once per
        # process on the first open: not in the times measured below.
        started = time.perf_counter()
        import matplotlib.backends.backend_qtagg  # noqa: F401

        import calibrate.charts.dashboard  # noqa: F401
        import calibrate.gui.screens.dashboard.screen  # noqa: F401

        self.import_seconds = time.perf_counter() - started
        self.parts: dict[str, float] = {}
        self._time_parts()
        self.screen = None

    def _time_parts(self) -> None:
        """Record the worker's time and the GUI thread's handling of each result."""
        from calibrate.gui.screens.dashboard import screen as module

        compute, parts = module.compute, self.parts

        def timed_compute(*args, **kwargs):
            started = time.perf_counter()
            try:
                return compute(*args, **kwargs)
            finally:
                parts["worker"] = time.perf_counter() - started

        module.compute = timed_compute
        on_computed = module.DashboardScreen._on_computed

        def timed_on_computed(screen, result, *args):
            started = time.perf_counter()
            try:
                return on_computed(screen, result, *args)
            finally:
                parts["gui_fill"] = time.perf_counter() - started

        module.DashboardScreen._on_computed = timed_on_computed

    def timed(self, seconds: float) -> dict:
        """A measurement with its parts: worker, filling the tab on the GUI thread, the rest
        (mostly drawing the charts on screen)."""
        worker, fill = self.parts.get("worker", 0.0), self.parts.get("gui_fill", 0.0)
        return {
            "seconds": seconds,
            "worker": worker,
            "gui_fill": fill,
            "draw": max(seconds - worker - fill, 0.0),
            "details_after": self.parts.get("details_after", 0.0),
            "answers": self.screen.result.dashboard.headline.answers,
        }

    def open(self) -> float:
        from calibrate.gui.screens.dashboard.screen import DashboardScreen

        started = time.perf_counter()
        self.screen = DashboardScreen(self.context)
        self.screen.resize(1366, 768)
        self.screen.show()
        return self._refresh_and_draw(started)

    def _refresh_and_draw(self, started: float | None = None) -> float:
        started = started if started is not None else time.perf_counter()
        before = self.screen.result
        self.screen.refresh()
        while self.screen.result is before:
            self.app.processEvents()
            time.sleep(0.001)
        self._wait_drawn()
        seconds = time.perf_counter() - started
        # The other tabs' sections follow in a second pass; the next step starts once it is
        # done, as a lead's next click would (its time is recorded, not counted above).
        while self.screen.runner.busy:
            self.app.processEvents()
            time.sleep(0.001)
        self.parts["details_after"] = time.perf_counter() - started - seconds
        return seconds

    def _visible_canvases(self) -> list:
        from calibrate.gui.widgets.chart_panel import ChartPanel

        tab = self.screen.tabs.currentWidget()
        return [
            p.canvas
            for p in self.screen.charts.values()
            if isinstance(p, ChartPanel) and tab.isAncestorOf(p)
        ]

    def _wait_drawn(self) -> None:
        """Until every chart on screen has rendered its current figure (Agg, then painted)."""
        canvases = self._visible_canvases()
        while any(getattr(c, "_draw_pending", False) for c in canvases):
            self.app.processEvents()
        self.app.processEvents()  # the paint that blits the rendered figure

    def every_tab(self) -> float:
        """Show each other tab once (its charts and tables fill then); back to the first."""
        started = time.perf_counter()
        for index in range(1, self.screen.tabs.count()):
            self.screen.tabs.setCurrentIndex(index)
            self._wait_drawn()
        self.screen.tabs.setCurrentIndex(0)
        self._wait_drawn()
        return time.perf_counter() - started

    def filter(self, team=None, pack=None, weeks: int | None = None) -> dict:
        """Set the filter bar as a lead would (without its 250 ms debounce), then refresh."""
        from PySide6.QtCore import QDate

        bar = self.screen.filters
        for combo, value in ((bar.team, team), (bar.pack, pack)):
            combo.blockSignals(True)
            combo.setCurrentIndex(max(combo.findData(value), 0) if value else 0)
            combo.blockSignals(False)
        first, last = self.screen.result.choices["first"], self.screen.result.choices["last"]
        since = QDate.fromString(first[:10], "yyyy-MM-dd")
        until = QDate.fromString(last[:10], "yyyy-MM-dd")
        if weeks:
            since = until.addDays(-7 * weeks + 1)
        for edit, day in ((bar.since, since), (bar.until, until)):
            edit.blockSignals(True)
            edit.setDate(day)
            edit.blockSignals(False)
        return self.timed(self._refresh_and_draw())


def peak_rss_now_mb() -> float:
    """This process's peak RSS so far (VmHWM)."""
    try:
        status = Path("/proc/self/status").read_text()
        return int(status.split("VmHWM:")[1].split()[0]) / 1024
    except (OSError, IndexError):
        return self_rss_mb()


def stage_open(db: Path, cold: bool) -> dict:
    from statistics import median

    from calibrate.workspace import dashboard as compute_module

    with tempfile.TemporaryDirectory() as tmp:
        screen = Screen(db, Path(tmp) / "log.txt")
        out = {"open": screen.timed(screen.open()), "import_seconds": screen.import_seconds}
        out["rss_after_open_mb"] = peak_rss_now_mb()
        if not cold:
            # Fresh computations (no recent result reused), three rounds, the median of each.
            recent, compute_module.RECENT_RESULTS = compute_module.RECENT_RESULTS, 0
            team = screen.screen.result.choices["teams"][0]
            views = {
                f"team {team}": {"team": team},
                "pack harassment": {"pack": "harassment"},
                "last 4 weeks": {"weeks": 4},
                "everything (date range set)": {},
            }
            rounds = [
                {label: screen.filter(**view) for label, view in views.items()} for _ in range(3)
            ]
            out["filters"] = {
                label: {key: median(r[label][key] for r in rounds) for key in rounds[0][label]}
                for label in views
            }
            out["rss_after_filters_mb"] = peak_rss_now_mb()
            compute_module.RECENT_RESULTS = recent
            screen.filter(team=team)
            screen.filter()
            out["back_to_recent"] = screen.filter(team=team)  # computed two changes ago
        out["every_tab"] = screen.every_tab()
        out["rss_after_every_tab_mb"] = peak_rss_now_mb()
        screen.screen.shutdown()
        return out


# --- without Qt ----------------------------------------------------------------------------------
def stage_breakdown(db_path: Path) -> dict:
    from datetime import timedelta

    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from calibrate import paths
    from calibrate.core.lead.compute import case_clauses_of, compute_dashboard
    from calibrate.core.lessons.loader import load_library
    from calibrate.core.metrics.answer_table import Filters
    from calibrate.store.answer_cache.cache import AnswerCache
    from calibrate.store.db import open_reader
    from calibrate.store.queries import dispute_rows, load_answers, roster
    from calibrate.workspace.dashboard import build_figure, in_roster

    packs = load_library([paths.bundled_lessons_dir()]).packs
    clauses = case_clauses_of(packs)
    db = open_reader(db_path)
    cache = AnswerCache()
    t = time.perf_counter()
    everything = load_answers(db, Filters(), packs, cache=cache)
    read = time.perf_counter() - t
    last = everything.answered_at.max().astype("datetime64[D]").item()
    team = sorted(set(everything.teams))[0]
    views = {
        "everything": Filters(),
        f"team {team}": Filters(teams=(team,)),
        "pack harassment": Filters(packs=("harassment",)),
        "last 4 weeks": Filters(since=last - timedelta(days=27), until=last),
    }
    out: dict = {"read_warm": read, "views": {}}
    for label, filters in views.items():
        t0 = time.perf_counter()
        table = load_answers(db, filters, packs, cache=cache)
        t1 = time.perf_counter()
        people = [p for p in roster(db) if in_roster(p, filters)]
        dashboard = compute_dashboard(
            table, people, dispute_rows(db, filters), case_clauses=clauses, packs=filters.packs
        )
        t2 = time.perf_counter()
        charts = {}
        for name in (
            "reviewer_accuracy",
            "agreement",
            "enforcement",
            "confusion",
            "trend",
            "attempts",
            "calibration",
        ):
            c0 = time.perf_counter()
            figure = build_figure(name, dashboard, False)
            c1 = time.perf_counter()
            FigureCanvasAgg(figure).draw()
            charts[name] = {"build": c1 - c0, "draw": time.perf_counter() - c1}
        out["views"][label] = {
            "answers": len(table),
            "load_select": t1 - t0,
            "compute": t2 - t1,
            "charts": charts,
        }
    return out


def stage_report(db: Path) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "calibrate",
                "report",
                "--db",
                str(db),
                "--out",
                str(Path(tmp) / "report.pdf"),
            ],
            capture_output=True,
            text=True,
            cwd=ROOT,
        )
        return {
            "seconds": time.perf_counter() - started,
            "returncode": result.returncode,
            "stdout": result.stdout.strip(),
            "stderr": result.stderr.strip()[-300:],
        }


def run_stage(name: str, db: Path, cache: Path) -> dict:
    """One scenario in a fresh process; its own peak RSS from os.wait4."""
    env = {**os.environ, "CALIBRATE_CACHE_DIR": str(cache), "QT_QPA_PLATFORM": "offscreen"}
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        child = subprocess.Popen(
            [sys.executable, __file__, "--stage", name, "--db", str(db)],
            stdout=out,
            stderr=err,
            cwd=ROOT,
            env=env,
        )
        _, status, usage = os.wait4(child.pid, 0)
        out.seek(0)
        err.seek(0)
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit(f"stage {name} failed:\n{err.read()}")
        result = json.loads(out.read().strip().splitlines()[-1])
    result["rss_mb"] = usage.ru_maxrss / 1024  # includes `calibrate report`'s own child
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path)
    parser.add_argument("--answers", type=int, default=1_000_000)
    parser.add_argument(
        "--stage", choices=("baseline", "open_cold", "open_warm", "breakdown", "report")
    )
    args = parser.parse_args()
    if args.stage:
        run = {
            "baseline": lambda: stage_baseline(args.db),
            "open_cold": lambda: stage_open(args.db, cold=True),
            "open_warm": lambda: stage_open(args.db, cold=False),
            "breakdown": lambda: stage_breakdown(args.db),
            "report": lambda: stage_report(args.db),
        }[args.stage]
        print(json.dumps(run()))
        return
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db
        if db is None:
            from generate_answers_db import generate

            db = Path(tmp) / "bench.sqlite3"
            t = time.perf_counter()
            counts = generate(db, args.answers)
            print(f"generated {counts} in {time.perf_counter() - t:.1f} s")
        warm, cold = Path(tmp) / "cache", Path(tmp) / "cold-report-cache"
        results = {
            "baseline": run_stage("baseline", db, warm),
            "open_cold": run_stage("open_cold", db, warm),
            "open_warm": run_stage("open_warm", db, warm),
            "breakdown": run_stage("breakdown", db, warm),
            "report_warm": run_stage("report", db, warm),
            "report_cold": run_stage("report", db, cold),
        }
        print_table(results)


def print_table(r: dict) -> None:
    def ok(value: float, goal: float) -> str:
        return "ok" if value < goal else "MISSED"

    def parts(m: dict) -> str:
        return (
            f"worker {m['worker']:.2f} + fill tab {m['gui_fill']:.2f} + draw "
            f"{m['draw']:.2f}; other tabs' sections +{m.get('details_after', 0):.2f}"
        )

    base, cold, warm = r["baseline"], r["open_cold"], r["open_warm"]
    print(
        f"baseline: sqlite3 SELECT of {base['rows']:,} answer rows into Python "
        f"{base['seconds']:.2f} s, peak RSS {base['rss_mb']:.0f} MB\n"
    )
    rows = [
        (
            "open, cold cache: read every answer, compute, draw",
            cold["open"],
            GOALS["open"],
            cold["rss_after_open_mb"],
        ),
        ("open, warm cache", warm["open"], GOALS["open"], warm["rss_after_open_mb"]),
    ]
    rows += [
        (f"filter: {label} ({f['answers']:,.0f})", f, GOALS["filter"], None)
        for label, f in warm["filters"].items()
    ]
    rows.append(
        (
            "filter: back to a view shown 2 changes ago",
            warm["back_to_recent"],
            GOALS["filter"],
            None,
        )
    )
    print(f"{'scenario':54} {'time':>7} {'goal':>6}         {'peak RSS':>9}   parts (s)")
    for label, m, goal, rss in rows:
        memory = "" if rss is None else f"{rss:4.0f} MB {ok(rss, GOALS['rss_mb'])}"
        print(
            f"{label:54} {m['seconds']:6.2f}s {goal:5.1f}s {ok(m['seconds'], goal):6} "
            f"{memory:>13}   {parts(m)}"
        )
    for key, label in (
        ("report_warm", "calibrate report, warm cache"),
        ("report_cold", "calibrate report, cold cache"),
    ):
        rep = r[key]
        print(
            f"{label:54} {rep['seconds']:6.2f}s {GOALS['report']:5.1f}s "
            f"{ok(rep['seconds'], GOALS['report']):6} {rep['rss_mb']:4.0f} MB "
            f"{ok(rep['rss_mb'], GOALS['rss_mb'])}   exit {rep['returncode']}"
        )
    print(
        f"\npeak RSS of the warm process: {warm['rss_after_open_mb']:.0f} MB after opening, "
        f"{warm['rss_after_filters_mb']:.0f} MB after the filter changes, "
        f"{warm['rss_mb']:.0f} MB after showing every tab once (the 12,000-row completion "
        f"table); cold process: {cold['rss_mb']:.0f} MB"
    )
    print(
        f"all 7 charts: showing every other tab once after opening: "
        f"{cold['every_tab']:.2f} s (everything in view); importing the dashboard's modules "
        f"(matplotlib...) before the first open: {warm['import_seconds']:.2f} s (not in the "
        f"times above)"
    )
    b = r["breakdown"]
    print(f"without Qt (warm cache): read the answers {b['read_warm']:.2f} s")
    for label, v in b["views"].items():
        charts = v["charts"]
        build = sum(c["build"] for c in charts.values())
        draw = sum(c["draw"] for c in charts.values())
        print(
            f"  {label} ({v['answers']:,}): load+select {v['load_select']:.3f} s, compute "
            f"{v['compute']:.2f} s, 7 charts build {build:.2f} s + draw {draw:.2f} s "
            f"(reviewer_accuracy {charts['reviewer_accuracy']['build'] * 1000:.0f}+"
            f"{charts['reviewer_accuracy']['draw'] * 1000:.0f} ms)"
        )
    for key in ("report_warm", "report_cold"):
        if r[key]["returncode"] != 0:
            print(f"{key}: {r[key]['stderr']}")
    print("\n" + json.dumps(r, default=str))


if __name__ == "__main__":
    main()
