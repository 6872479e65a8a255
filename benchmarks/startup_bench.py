"""Cold start to an interactive main window: Calibrate vs a bare PySide6 QMainWindow.

Both start as fresh processes; "interactive" is the first tick of a 2 ms timer after the
window's first paint, i.e. the window is on screen and its event loop takes input. Calibrate is
started through its real entry point (`calibrate.cli.main`, as the `calibrate` command and
`scripts/run-app.sh` do) on a database with profiles in it, so the home screen lists them.
Its lesson packs then load on a worker thread; the script also prints when they are loaded
and the longest the window went without handling its timer meanwhile (the stall a click
would feel). Goal (issue #4): interactive within 1.5× the bare window.
Run: QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/startup_bench.py [RUNS]
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

TICKS = """
PAINTED = []

def mark_painted(paint_event):
    def paintEvent(self, event):
        paint_event(self, event)
        PAINTED.append(True)
    return paintEvent

def watch(window, on_done):
    # Ticks every 2 ms from the window's show; prints the time of the first tick after the
    # window has painted, then the time on_done() turns true and the longest gap between
    # ticks until then.
    import time
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication
    state = {"last": None, "gap": 0.0}
    timer = QTimer(window)
    timer.setInterval(2)
    def tick():
        now = time.time()
        if not PAINTED:
            return
        if state["last"] is None:
            print("interactive", now, flush=True)
        else:
            state["gap"] = max(state["gap"], now - state["last"])
        state["last"] = now
        if on_done():
            print("loaded", now, state["gap"], flush=True)
            timer.stop()
            QApplication.quit()
    timer.timeout.connect(tick)
    timer.start()
"""

BARE = (
    TICKS
    + """
import sys
from PySide6.QtWidgets import QApplication, QMainWindow
class Window(QMainWindow):
    paintEvent = mark_painted(QMainWindow.paintEvent)
app = QApplication(sys.argv[:1])
window = Window(); window.resize(1280, 760); window.show()
watch(window, lambda: True)
app.exec()
"""
)

# Hooked in at the gui command, so that modules load in the order the `calibrate` command
# loads them (its arguments are parsed before PySide6 is imported).
CALIBRATE = (
    TICKS
    + """
import sys
import calibrate.commands.gui
from calibrate.cli import main
def run(args):
    import calibrate.app
    from calibrate.gui.main_window import MainWindow
    MainWindow.paintEvent = mark_painted(MainWindow.paintEvent)
    return calibrate.app.run_app(args, on_ready=lambda w: watch(w, lambda: not w.lessons_loading))
calibrate.commands.gui.run = run
sys.exit(main(sys.argv[1:]))
"""
)


def start(code: str, *args: str) -> dict[str, float]:
    """Milliseconds from launching the process to each event it printed."""
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    launched = time.time()
    result = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=True,
    )
    events: dict[str, float] = {}
    for line in result.stdout.splitlines():
        name, at, *rest = line.split()
        events[name] = (float(at) - launched) * 1000
        if rest:
            events["stall"] = float(rest[0]) * 1000
    return events


def prepare_database(path: Path) -> None:
    """A database with the schema current and a few profiles (a returning user's home)."""
    from calibrate.store import catalog
    from calibrate.store.db import open_database

    db = open_database(path)
    for name, team, site in (
        ("Ana Ribeiro", "Graphic EU", "Lisbon"),
        ("Kofi Mensah", "Harassment", "Accra"),
        ("Mei Lin", "Regulated goods", "Manila"),
    ):
        catalog.create_profile(db, name, team, site)
    db.conn.close()


def median(runs: list[dict[str, float]], key: str) -> float:
    return statistics.median(run[key] for run in runs)


def main() -> None:
    sys.path.insert(0, str(ROOT))
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 9
    with tempfile.TemporaryDirectory() as tmp:
        db, demo = Path(tmp) / "bench.sqlite3", Path(tmp) / "demo.sqlite3"
        prepare_database(db)
        start(CALIBRATE, "--demo", "--db", str(demo))  # writes the demo history once
        for _ in range(2):  # warm the disk cache for every file all three read
            start(BARE), start(CALIBRATE, "--db", str(db))
        # Interleaved, so that a change in the machine's load falls on all three alike.
        bare, ours, ours_demo = [], [], []
        for _ in range(runs):
            bare.append(start(BARE))
            ours.append(start(CALIBRATE, "--db", str(db)))
            ours_demo.append(start(CALIBRATE, "--demo", "--db", str(demo)))
    base = median(bare, "interactive")
    print(f"cold start to an interactive main window, median of {runs} fresh processes")
    print(f"  bare PySide6 QMainWindow            {base:6.0f} ms")
    for label, measured in (
        ("Calibrate, home with 3 profiles", ours),
        ("Calibrate --demo (40 profiles)", ours_demo),
    ):
        interactive = median(measured, "interactive")
        # Each round's own ratio too: this machine's speed drifts by tens of percent over a
        # minute, and a round's three starts are seconds apart.
        ratios = sorted(
            mine["interactive"] / theirs["interactive"]
            for mine, theirs in zip(measured, bare, strict=True)
        )
        quartiles = statistics.quantiles(ratios, n=4) if len(ratios) > 1 else ratios * 3
        print(
            f"  {label:<35} {interactive:6.0f} ms = {interactive / base:.2f}× "
            f"(goal ≤ 1.5×; round by round {statistics.median(ratios):.2f}×, "
            f"middle half {quartiles[0]:.2f}–{quartiles[2]:.2f}×)"
        )
        print(
            f"  {'':<35} 3 lesson packs loaded at {median(measured, 'loaded'):.0f} ms, "
            f"longest stall meanwhile {median(measured, 'stall'):.0f} ms"
        )


if __name__ == "__main__":
    main()
