"""Build and draw time of the lead dashboard's charts, as the dashboard does on a filter change.

For each chart: build the Figure from a real Dashboard (computed from a database as the
dashboard computes it), put it on a Qt Agg canvas the size the chart gets in the 1366×768
dashboard window (934×567 px for the Reviewers tab; 640×480 for a chart sharing its tab),
and draw it; a fresh figure every repetition, medians of --repeat.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/chart_draw_bench.py [--db PATH]
     [--charts reviewer_accuracy,agreement] [--repeat 20]
(without --db the demo database is generated into a temporary folder first; set
CALIBRATE_CACHE_DIR to keep the answer cache of a big database out of your own).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# Canvas sizes (px at 100 dpi) in the dashboard at 1366×768: measured from DashboardScreen.
SIZES = {"reviewer_accuracy": (934, 567), "agreement": (934, 567)}
DEFAULT_SIZE = (640, 480)


def dashboard_of(db: Path):
    from calibrate import paths
    from calibrate.core.lessons.loader import load_library
    from calibrate.core.metrics.answer_table import Filters
    from calibrate.workspace.dashboard import compute

    packs = list(load_library([paths.bundled_lessons_dir()]).packs)
    return compute(db, Filters(), packs, 0.9, False).dashboard


def time_chart(name: str, dashboard, repeat: int, dark: bool, cold: bool) -> dict:
    from matplotlib import text
    from matplotlib.figure import Figure
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QResizeEvent

    from calibrate.gui.widgets.chart_canvas import ChartCanvas
    from calibrate.workspace.dashboard import build_figure

    width, height = SIZES.get(name, DEFAULT_SIZE)
    canvas = ChartCanvas(Figure())
    canvas.resize(width, height)
    builds, draws = [], []
    for _ in range(repeat + 1):  # the first round warms caches and imports: not counted
        if cold:  # every label as if never drawn before (a filter showing other people)
            text._get_text_metrics_function(canvas.get_renderer()).cache_clear()
        t0 = time.perf_counter()
        figure = build_figure(name, dashboard, dark)
        t1 = time.perf_counter()
        canvas.replace_figure(figure)
        size = QSize(width, height)
        canvas.resizeEvent(QResizeEvent(size, size))  # as the dashboard fits a new figure
        canvas.draw()
        t2 = time.perf_counter()
        builds.append(t1 - t0)
        draws.append(t2 - t1)
    build, draw = statistics.median(builds[1:]), statistics.median(draws[1:])
    return {
        "build": round(build, 4),
        "draw": round(draw, 4),
        "total": round(build + draw, 4),
        "px": [width, height],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path)
    parser.add_argument("--charts", default="reviewer_accuracy,agreement")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--dark", action="store_true")
    parser.add_argument(
        "--cold-text",
        action="store_true",
        help="clear matplotlib's text-size cache before each build: labels "
        "not measured before (otherwise the same labels every round)",
    )
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([])  # noqa: F841 (kept alive)
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db
        if db is None:
            from calibrate.workspace.demo import write_demo

            db, _ = write_demo(Path(tmp) / "demo.sqlite3", 2026)
        dashboard = dashboard_of(db)
    out = {
        "db": str(args.db or "demo"),
        "answers": dashboard.headline.answers,
        "reviewers": len(dashboard.reviewers.reviewers),
        "repeat": args.repeat,
        "cold_text": args.cold_text,
        "charts": {},
    }
    for name in args.charts.split(","):
        out["charts"][name] = time_chart(name, dashboard, args.repeat, args.dark, args.cold_text)
    print(json.dumps(out, indent=1))


if __name__ == "__main__":
    main()
