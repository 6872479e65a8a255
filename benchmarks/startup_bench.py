"""Cold start to an interactive main window: Calibrate vs a bare PySide6 QMainWindow.

Both start as fresh processes the same way; each child prints the wall time at which its
window is shown and the event loop has gone idle once. Goal: Calibrate ≤ 1.5× the bare window.
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

BARE = """
import sys, time
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv[:1])
window = QMainWindow(); window.resize(1280, 760); window.show()
QTimer.singleShot(0, lambda: (print(time.time(), flush=True), app.quit()))
app.exec()
"""

CALIBRATE = """
import argparse, sys, time
from pathlib import Path
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from calibrate.app import run_app
args = argparse.Namespace(db=Path(sys.argv[1]), lessons=[], no_bundled=False, verbose=False,
                          demo=False)
run_app(args, on_ready=lambda w: QTimer.singleShot(
    0, lambda: (print(time.time(), flush=True), QApplication.quit())))
"""


def startup_ms(code: str, *extra: str) -> float:
    env = dict(os.environ, QT_QPA_PLATFORM=os.environ.get("QT_QPA_PLATFORM", "offscreen"))
    started = time.time()
    result = subprocess.run([sys.executable, "-c", code, *extra], capture_output=True,
                            text=True, cwd=ROOT, env=env, check=True)
    return (float(result.stdout.strip().splitlines()[-1]) - started) * 1000


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 9
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "bench.sqlite3")
        startup_ms(CALIBRATE, db)  # first run creates the database; warm the disk cache
        startup_ms(BARE)
        bare = [startup_ms(BARE) for _ in range(runs)]
        ours = [startup_ms(CALIBRATE, db) for _ in range(runs)]
    b, o = statistics.median(bare), statistics.median(ours)
    print(f"cold start to interactive main window, median of {runs} fresh processes")
    print(f"  bare PySide6 QMainWindow   {b:7.0f} ms")
    print(f"  Calibrate (3 demo packs)   {o:7.0f} ms   = {o / b:.2f}× (goal ≤ 1.5×)")


if __name__ == "__main__":
    main()
