"""Case open -> first video frame, through VideoPlayer and PlayerPanel, beside a bare baseline.

Run: QT_QPA_PLATFORM=offscreen python benchmarks/first_frame_bench.py [--runs 20]

For each test clip (mp4 H.264/AAC, webm VP9/Opus) it measures, over --runs loads:
- baseline: bare python-vlc, no Qt - play() to libVLC's first display callback (size known);
- frame:    PlayerPanel.load(path) (parse + start) to frame_changed on the GUI thread;
- painted:  the same load to the VideoView having painted that frame.
Goal: painted median < 300 ms. Prints median and p90 in ms.
"""

from __future__ import annotations

import argparse
import ctypes
import os
import statistics
import threading
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import vlc  # noqa: E402
from PySide6.QtCore import QCoreApplication, QEvent, QEventLoop, QObject, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from calibrate.gui.widgets.player_controls import PlayerPanel  # noqa: E402
from calibrate.gui.widgets.video_view import VideoView  # noqa: E402
from calibrate.player.lifetime import release_shared_instance  # noqa: E402
from calibrate.player.probe import instance_args, shared_instance  # noqa: E402
from calibrate.player.vlc_player import VideoPlayer  # noqa: E402

MEDIA = Path(__file__).resolve().parents[1] / "tests" / "media"
CLIPS = {
    "mp4": (MEDIA / "clip_640x360.mp4", 640, 360),
    "webm": (MEDIA / "clip_320x180.webm", 320, 180),
}
GOAL_MS = 300.0


def baseline_ms(
    instance: vlc.Instance, path: Path, width: int, height: int, runs: int
) -> list[float]:
    """Bare python-vlc: play() to the first display callback, no Qt, no parsing."""
    buffer = (ctypes.c_ubyte * (width * height * 4))()
    shown = threading.Event()

    @vlc.CallbackDecorators.VideoLockCb
    def lock(_opaque, planes):  # type: ignore[no-untyped-def]
        planes[0] = ctypes.addressof(buffer)

    @vlc.CallbackDecorators.VideoUnlockCb
    def unlock(_opaque, _picture, _planes):  # type: ignore[no-untyped-def]
        pass

    @vlc.CallbackDecorators.VideoDisplayCb
    def display(_opaque, _picture):  # type: ignore[no-untyped-def]
        shown.set()

    player = instance.media_player_new()
    player.video_set_callbacks(lock, unlock, display, None)
    player.video_set_format("RV32", width, height, width * 4)
    times = []
    for _ in range(runs):
        shown.clear()
        began = time.perf_counter()
        media = instance.media_new_path(str(path))
        player.set_media(media)
        media.release()
        player.play()
        if not shown.wait(5):
            raise SystemExit(f"baseline: no frame from {path}")
        times.append((time.perf_counter() - began) * 1000)
        player.stop()
    player.release()
    return times


class _PaintWatch(QObject):
    """Notes when the view paints a frame; quits the waiting loop right after that paint."""

    def __init__(self, view: VideoView, loop: QEventLoop) -> None:
        super().__init__()
        self.view, self.loop, self.painted_at = view, loop, 0.0
        view.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and not self.view.frame.isNull():
            QTimer.singleShot(0, self._on_painted)  # runs once paintEvent has finished
        return False

    def _on_painted(self) -> None:
        if not self.painted_at:
            self.painted_at = time.perf_counter()
            self.loop.quit()


def panel_ms(panel: PlayerPanel, path: Path, runs: int) -> tuple[list[float], list[float]]:
    """PlayerPanel.load() to frame_changed on the GUI thread, and to the painted frame.

    The GUI thread waits in QEventLoop.exec() as the app does: a Python loop polling
    processEvents() would hold the GIL that libVLC's frame callbacks need, and skew this.
    """
    frame_times: list[float] = []
    paint_times: list[float] = []
    got_frame: list[float] = []
    panel.player.frame_changed.connect(
        lambda image: got_frame.append(time.perf_counter()) if not image.isNull() else None
    )
    for _ in range(runs):
        panel.player.unload()
        QCoreApplication.processEvents()
        got_frame.clear()
        loop = QEventLoop()
        watch = _PaintWatch(panel.video_view, loop)
        QTimer.singleShot(5000, loop.quit)
        began = time.perf_counter()
        panel.load(path)
        loop.exec()
        panel.video_view.removeEventFilter(watch)
        if not (got_frame and watch.painted_at):
            raise SystemExit(f"no frame painted from {path}")
        frame_times.append((got_frame[0] - began) * 1000)
        paint_times.append((watch.painted_at - began) * 1000)
    return frame_times, paint_times


def _summary(values: list[float]) -> str:
    ordered = sorted(values)
    p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
    return f"median {statistics.median(ordered):6.1f}  p90 {p90:6.1f}"


def main() -> None:
    """Measure every clip and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    bare = vlc.Instance(instance_args(dummy_audio=True))
    instance = shared_instance(dummy_audio=True)
    panel = PlayerPanel(player=VideoPlayer(instance=instance))
    panel.resize(960, 600)
    panel.show()
    QCoreApplication.processEvents()
    print(f"libVLC {vlc.libvlc_get_version().decode()}, {args.runs} loads per clip, offscreen Qt")
    worst = 0.0
    for name, (path, width, height) in CLIPS.items():
        base = baseline_ms(bare, path, width, height, args.runs)
        frames, paints = panel_ms(panel, path, args.runs)
        worst = max(worst, statistics.median(paints))
        print(f"{name:5s} baseline (bare python-vlc) {_summary(base)} ms")
        print(f"{name:5s} frame on GUI thread        {_summary(frames)} ms")
        print(f"{name:5s} frame painted by VideoView {_summary(paints)} ms")
    verdict = "meets" if worst < GOAL_MS else "MISSES"
    print(f"goal: painted median < {GOAL_MS:.0f} ms - {verdict} (worst median {worst:.1f} ms)")
    panel.shutdown()
    release_shared_instance()
    bare.release()
    QCoreApplication.processEvents()
    del app


if __name__ == "__main__":
    main()
