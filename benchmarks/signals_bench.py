"""Production signals: the Production tab's data and drawing on 5 years × 50 packs of weekly
signals, and `calibrate signals import` of that file, each beside a baseline of the same run.

The database: `generate_answers_db.py`'s answers on the three demo packs (a year of weekly
calibration; --answers, default 1,000,000) and 50 packs' weekly signals over 5 years — the
three demo packs and 47 generated ones, eight metrics each: 104,000 values, written as one
long-format CSV and imported with `import_signals` (the command's call). Timed:

1. import: the file into the database (every row checked against the loaded packs, stored
   values looked up, one transaction), then the same file again (a no-op); baseline: plain
   sqlite3 `executemany` of the same 104,000 rows into a bare table of the same columns.
2. data: the Production section for everything — reading the signals and lesson starts
   (`production_inputs`) and `production_section` (totals, Wilson intervals, calibration per
   pack and week over every answer); baseline: plain sqlite3 SELECT of every signal row.
3. drawing: the Production chart built (the dashboard's worker thread) and drawn on a
   1,300 × 520 px canvas (Agg; the GUI thread's paint), beside the Trends chart of the same
   answers built and drawn the same way (the dashboard's other weekly chart).

Run: .venv/bin/python benchmarks/signals_bench.py [--answers 1000000] [--repeat 5] [--keep DIR]
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.generate_answers_db import generate  # noqa: E402
from calibrate import paths  # noqa: E402
from calibrate.core.lessons.loader import load_library  # noqa: E402
from calibrate.core.metrics.answer_table import Filters  # noqa: E402
from calibrate.core.signals.rows import METRICS  # noqa: E402
from tests.pack_factory import write_pack  # noqa: E402

PACKS, YEARS = 50, 5


def signals_csv(path: Path, pack_ids: list[str], seed: int = 11) -> int:
    """Five years of weekly pack totals for every pack; returns the number of values."""
    rng = np.random.default_rng(seed)
    last = date.today() - timedelta(days=date.today().weekday())
    weeks = [last - timedelta(weeks=k) for k in range(52 * YEARS - 1, -1, -1)]
    lines = ["week,pack_id,metric,value"]
    for pack in pack_ids:
        for week in weeks:
            decisions = int(rng.poisson(20_000))
            appeals, responses = (
                int(rng.binomial(decisions, 0.01)),
                int(rng.binomial(decisions, 0.02)),
            )
            values = (
                decisions,
                appeals,
                int(rng.binomial(appeals, 0.2)),
                int(rng.binomial(decisions, 0.006)),
                responses,
                int(rng.binomial(responses, 0.3)),
                250,
                int(rng.binomial(250, 0.9)),
            )
            lines += [f"{week},{pack},{m},{v}" for m, v in zip(METRICS, values, strict=True)]
    path.write_text("\n".join(lines) + "\n")
    return len(lines) - 1


def timed(repeat: int, work) -> tuple[float, object]:
    """Median seconds of `repeat` runs of work() and its last result."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def bench_import(db: Path, csv_path: Path, packs) -> dict[str, float]:
    from calibrate.workspace.signals import import_signals

    rows = [line.split(",") for line in csv_path.read_text().splitlines()[1:]]
    bare = db.with_name("bare.sqlite3")
    with sqlite3.connect(bare) as conn:
        conn.execute(
            "CREATE TABLE s (week, pack_id, metric, value, PRIMARY KEY (week, pack_id, metric))"
        )
    started = time.perf_counter()
    with sqlite3.connect(bare) as conn:
        conn.executemany("INSERT INTO s VALUES (?, ?, ?, ?)", rows)
    baseline = time.perf_counter() - started
    started = time.perf_counter()
    first = import_signals(db, csv_path, packs)
    imported = time.perf_counter() - started
    started = time.perf_counter()
    again = import_signals(db, csv_path, packs)
    no_op = time.perf_counter() - started
    assert first.added == len(rows) and again.unchanged == len(rows)
    return {"baseline": baseline, "import": imported, "again": no_op, "rows": len(rows)}


def bench_data(db: Path, packs, repeat: int):
    from calibrate.core.lead.scored_answers import score_table
    from calibrate.core.signals.production import production_section
    from calibrate.store.db import open_reader
    from calibrate.store.queries import load_answers
    from calibrate.workspace.dashboard import production_inputs

    def select() -> int:
        with sqlite3.connect(db) as conn:
            return len(conn.execute("SELECT * FROM signals").fetchall())

    baseline, n = timed(repeat, select)
    reader = open_reader(db)
    table = load_answers(reader, Filters(), packs)
    scored = score_table(table)

    def data():
        inputs = production_inputs(reader, Filters())
        assert inputs is not None
        return production_section(inputs.values, inputs.starts, table, scored)

    seconds, section = timed(repeat, data)
    read, _ = timed(repeat, lambda: production_inputs(reader, Filters()))
    reader.conn.close()
    return {
        "baseline": baseline,
        "rows": n,
        "data": seconds,
        "read": read,
        "answers": len(table),
    }, section


def bench_drawing(db: Path, section, packs, repeat: int) -> dict[str, float]:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from calibrate.charts.dashboard.production import production_figure
    from calibrate.charts.dashboard.trend import trend_figure
    from calibrate.core.lead.compute import compute_dashboard
    from calibrate.store.db import open_reader
    from calibrate.store.queries import load_answers

    reader = open_reader(db)
    trend = compute_dashboard(load_answers(reader, Filters(), packs), [], []).trend
    reader.conn.close()

    def build_and_draw(make) -> tuple[float, float]:
        """Seconds to build the figure (the dashboard's worker thread) and to draw it at
        the canvas's size (the GUI thread's paint)."""
        started = time.perf_counter()
        figure = make()
        built = time.perf_counter()
        figure.set_size_inches(13.0, 5.2)
        FigureCanvasAgg(figure).draw()
        return built - started, time.perf_counter() - built

    def medians(make) -> tuple[float, float]:
        runs = [build_and_draw(make) for _ in range(repeat)]
        return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)

    base_build, base_draw = medians(lambda: trend_figure(trend))
    build, draw = medians(lambda: production_figure(section))
    return {"base_build": base_build, "base_draw": base_draw, "build": build, "draw": draw}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="keep the database and file in DIR")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp()) if args.keep is None else args.keep
    folder.mkdir(parents=True, exist_ok=True)
    db, lessons = folder / "signals.sqlite3", folder / "lessons"
    try:
        generate(db, n_answers=args.answers)
        extra = [f"pack-{i:02d}" for i in range(PACKS - 3)]
        for pack_id in extra:
            write_pack(lessons, pack_id)
        bundled = paths.bundled_lessons_dir()
        packs = load_library([bundled, lessons], bundled=bundled).packs
        ids = sorted({"graphic-content", "harassment", "regulated-goods", *extra})
        csv_path = folder / "signals.csv"
        signals_csv(csv_path, ids)
        imp = bench_import(db, csv_path, packs)
        data, section = bench_data(db, packs, args.repeat)
        drawing = bench_drawing(db, section, packs, args.repeat)
    finally:
        if args.keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    print(
        f"{PACKS} packs × {YEARS} years of weekly signals: {imp['rows']:,} values; "
        f"{data['answers']:,} answers"
    )
    print(f"import      baseline sqlite3 executemany {imp['baseline'] * 1000:8.0f} ms")
    print(
        f"            calibrate signals import      {imp['import'] * 1000:8.0f} ms "
        f"({imp['import'] / imp['baseline']:.1f}×); again (no-op) {imp['again'] * 1000:.0f} ms"
    )
    print(f"data        baseline sqlite3 SELECT       {data['baseline'] * 1000:8.1f} ms")
    print(
        f"            Production section            {data['data'] * 1000:8.1f} ms "
        f"(of which reading {data['read'] * 1000:.1f} ms)"
    )
    print(
        f"drawing     baseline Trends chart         build {drawing['base_build'] * 1000:6.0f} ms, "
        f"draw {drawing['base_draw'] * 1000:6.0f} ms"
    )
    print(
        f"            Production chart              build {drawing['build'] * 1000:6.0f} ms, "
        f"draw {drawing['draw'] * 1000:6.0f} ms"
    )


if __name__ == "__main__":
    main()
