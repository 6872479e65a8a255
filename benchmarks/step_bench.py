"""Frame steps on a paused clip: how long each takes to show its picture, forward and back.

Run: QT_QPA_PLATFORM=offscreen python benchmarks/step_bench.py [--runs 5]

For each test clip (mp4 H.264 with B-frames, webm VP9), per run: load paused at 0, step
forward 40 frames, then back 40 to the start. Back steps past the ~25 remembered pictures
make libVLC decode again (stepping.py). For each kind of step it prints the median and the
worst time from frame_step() to frame_changed, and the worst time frame_step() itself held
the GUI thread. A step whose picture never came counts as the 1 s wait.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("CALIBRATE_DUMMY_AUDIO", "1")

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from calibrate.player.lifetime import release_shared_instance  # noqa: E402
from calibrate.player.playback import PlayerState  # noqa: E402
from calibrate.player.probe import shared_instance  # noqa: E402
from calibrate.player.vlc_player import VideoPlayer  # noqa: E402

MEDIA = Path(__file__).resolve().parents[1] / "tests" / "media"
CLIPS = {"mp4": MEDIA / "clip_640x360.mp4", "webm": MEDIA / "clip_320x180.webm"}
STEPS = 40
WAIT_S = 1.0


def _wait(condition: object, seconds: float) -> bool:
    """Run the Qt event loop until condition() or the time is up."""
    loop, deadline = QEventLoop(), time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:  # type: ignore[operator]
        QTimer.singleShot(2, loop.quit)
        loop.exec()
    return bool(condition())  # type: ignore[operator]


def _one_step(player: VideoPlayer, direction: int) -> tuple[float, float]:
    """(ms until the step's picture came, ms frame_step() held the caller)."""
    pictures: list[int] = []
    player.frame_changed.connect(lambda _image: pictures.append(1))
    began = time.monotonic()
    player.frame_step(direction)
    held = time.monotonic() - began
    _wait(lambda: bool(pictures), WAIT_S)
    shown = time.monotonic() - began
    player.frame_changed.disconnect()
    _wait(lambda: False, 0.03)  # let the tick settle like a moderator's next key press would
    return shown * 1000, held * 1000


def run(runs: int) -> None:
    instance = shared_instance(dummy_audio=True)
    for name, clip in CLIPS.items():
        forward, replayed, decoded, held = [], [], [], []
        for _ in range(runs):
            player = VideoPlayer(instance=instance)
            player.load(clip, autoplay=False)
            _wait(lambda p=player: p.state is PlayerState.PAUSED, 3.0)
            _wait(lambda: False, 0.3)
            for _ in range(STEPS):
                shown, block = _one_step(player, +1)
                forward.append(shown)
                held.append(block)
            for index in range(STEPS):
                shown, block = _one_step(player, -1)
                (replayed if index < 24 else decoded).append(shown)
                held.append(block)
            player.shutdown()
        for label, values in (
            ("forward", forward),
            ("back, remembered", replayed),
            ("back, past them", decoded),
        ):
            print(
                f"{name} {label:18} median {statistics.median(values):6.1f} ms"
                f"  worst {max(values):6.1f} ms  ({len(values)} steps)"
            )
        print(f"{name} frame_step() held the GUI thread at most {max(held):.1f} ms")
    release_shared_instance()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    app = QApplication([])
    run(parser.parse_args().runs)
