"""The trainer area's Export pack… and Import pack… keep the window responsive: the longest
gap between ticks of a 10 ms timer while a big pack is exported and imported through the
real dialogs, beside the same timer over an idle event loop for as long (the baseline).

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/trainer_transfer_bench.py [MB]
(default 500 MB of clip; the files live in a temporary folder, removed after).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
TMP = Path(tempfile.mkdtemp(prefix="trainer-bench-"))
for _name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
    os.environ[_name] = str(TMP / _name.lower())  # the user's own settings stay untouched

from PySide6.QtCore import QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402


class Ticks:
    """The gaps between a 10 ms timer's ticks: the event loop's stalls."""

    def __init__(self) -> None:
        self.gaps: list[float] = []
        self._last = time.perf_counter()
        self.timer = QTimer()
        self.timer.timeout.connect(self._tick)
        self.timer.start(10)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps.append(now - self._last)
        self._last = now

    def restart(self) -> None:
        self.gaps.clear()
        self._last = time.perf_counter()


def run(app: QApplication, ticks: Ticks, start) -> tuple[float, float, str]:
    """Seconds, longest gap (ms) and outcome of the transfer `start()` opens."""
    ticks.restart()
    began = time.perf_counter()
    dialog = start()
    while dialog.running:
        app.processEvents()
        time.sleep(0.001)
    return time.perf_counter() - began, max(ticks.gaps) * 1000, dialog.outcome


def idle(app: QApplication, ticks: Ticks, seconds: float) -> float:
    ticks.restart()
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        app.processEvents()
        time.sleep(0.001)
    return max(ticks.gaps) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mb", nargs="?", type=int, default=500)
    mb = parser.parse_args().mb
    app = QApplication(sys.argv[:1])
    from calibrate.app import build_context
    from calibrate.gui.main_window import MainWindow
    from tests.pack_factory import write_pack

    big = TMP / "big" / "lessons"
    write_pack(big, "alpha", case_ids=("c1",), media=b"\0\0\0\x18ftypisom" + os.urandom(mb << 20))
    args = argparse.Namespace(db=TMP / "d.sqlite3", lessons=[big], no_bundled=False, verbose=False)
    window = MainWindow(build_context(args, TMP / "log.txt"))
    window.show()
    window.open_trainer_area_unlocked()
    area = window.trainer
    while area.runner.busy or not area.found:
        app.processEvents()
    entry = area.choose("alpha")
    mine = TMP / "mine" / "lessons"
    mine.mkdir(parents=True)
    window.context.lessons.add_folder(mine)
    ticks = Ticks()
    out = TMP / "alpha.calpack"
    export = run(app, ticks, lambda: area.export_pack(entry, out))
    imported = run(app, ticks, lambda: area.import_pack(out, into=mine))
    baseline = idle(app, ticks, export[0] + imported[0])
    print(f"{mb} MB of clip through the trainer area's dialogs (longest event-loop gap):")
    print(f"  idle event loop, {export[0] + imported[0]:.1f} s: {baseline:.0f} ms")
    for name, (seconds, gap, outcome) in (("export", export), ("import", imported)):
        print(f"  {name}: {seconds:.2f} s, {gap:.0f} ms ({outcome})")
    window.close()
    shutil.rmtree(TMP, ignore_errors=True)


if __name__ == "__main__":
    main()
