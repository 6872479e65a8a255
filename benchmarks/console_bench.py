"""The host console keeps its window responsive while a room answers: N `room bots` answer
a case within the same second; measured in the console's process, the longest gap between
ticks of a 10 ms timer from the case's opening until the console shows "answered N / N",
and how long that took. The host runs in the app's own event loop (gui/screens/trainer).

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/console_bench.py [N ...]
(default 100 200; a temporary database and pack, removed after).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
TMP = Path(tempfile.mkdtemp(prefix="console-bench-"))
for _name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
    os.environ[_name] = str(TMP / _name.lower())

from PySide6.QtWidgets import QApplication  # noqa: E402
from trainer_transfer_bench import Ticks  # noqa: E402


def until(app: QApplication, done, seconds: float = 120) -> None:  # noqa: ANN001
    end = time.monotonic() + seconds
    while not done():
        if time.monotonic() > end:
            raise SystemExit("timed out")
        app.processEvents()
        time.sleep(0.002)


def one_room(app: QApplication, ticks: Ticks, count: int) -> str:
    from room_processes import room_lessons

    from calibrate.app import build_context
    from calibrate.gui.screens.trainer.console import HostConsole

    folder = TMP / f"n{count}"
    folder.mkdir()
    lessons = room_lessons(folder, ("c1",))
    args = argparse.Namespace(db=folder / "h.sqlite3", lessons=[lessons], no_bundled=True)
    console = HostConsole(build_context(args, folder / "log.txt"))
    console.show()
    console.choose("alpha", "basics")
    console.open_room(new_room=False)
    until(app, lambda: bool(console.host.code))
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    bots = subprocess.Popen(
        [sys.executable, "-m", "calibrate", "room", "bots", console.host.code,
         "--count", str(count), "--answer-delay", "2"],
        env=env, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    until(app, lambda: len(console.host.room.connected_profiles()) == count)
    console.host.control("next")  # the slide
    ticks.restart()
    started = time.perf_counter()
    console.host.control("next")  # the case: every bot answers 2 s later
    until(app, lambda: console.count_label.text() == f"answered {count} / {count}")
    took = time.perf_counter() - started
    longest = max(ticks.gaps) * 1000
    console.host.control("lock")
    console.host.control("reveal")
    console.host.control("next")  # the end
    until(app, lambda: bots.poll() is not None)
    console.close()
    return (
        f"{count} bots: answered {count} / {count} shown {took:.2f} s after the case opened "
        f"(2 s of it the bots' delay); longest gap of the console's event loop {longest:.0f} ms"
    )


def main() -> None:
    counts = [int(a) for a in sys.argv[1:]] or [100, 200]
    app = QApplication(sys.argv[:1])
    ticks = Ticks()
    try:
        for count in counts:
            print(one_room(app, ticks, count), flush=True)
    finally:
        shutil.rmtree(TMP, ignore_errors=True)


if __name__ == "__main__":
    main()
