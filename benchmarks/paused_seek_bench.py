"""Paused seeks on H.264: does the picture show the frame the position names, and how long
until it does (the player settled)? Before (libVLC's own paused seek) and after (from the
keyframe before, calibrate/player/stepping.py), on the same clips in the same run.

Run: QT_QPA_PLATFORM=offscreen python benchmarks/paused_seek_bench.py [--seeks 40]

Per clip (the H.264 test clip and a demo clip, keyframes 1 s apart, B-frames): load paused,
then seek to random frames (the same ones before and after), each once the last settled;
read the frame number the clip draws and time seek() to VideoPlayer.settled. "Before" is the
same player with no keyframe index (it seeks the way it did until session 8).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("CALIBRATE_DUMMY_AUDIO", "1")

from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtGui import QImage  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from calibrate.player import keyframes  # noqa: E402
from calibrate.player.lifetime import release_shared_instance  # noqa: E402
from calibrate.player.playback import PlayerState  # noqa: E402
from calibrate.player.probe import shared_instance  # noqa: E402
from calibrate.player.vlc_player import VideoPlayer  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
# (path, frame-number boxes: side in px and count) - scripts/make_test_clips.py, make_demo_media.py
CLIPS = {
    "test mp4": (ROOT / "tests" / "media" / "clip_640x360.mp4", 16, 8),
    "demo mp4": (ROOT / "assets" / "graphic-content" / "gr-kitchen-cut.mp4", 16, 9),
}


def _wait(condition: object, seconds: float) -> bool:
    loop, deadline = QEventLoop(), time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:  # type: ignore[operator]
        QTimer.singleShot(2, loop.quit)
        loop.exec()
    return bool(condition())  # type: ignore[operator]


def frame_number(image: QImage, box: int, bits: int) -> int:
    step, y, number = box + box // 4, image.height() - box - box // 4 + box // 2, 0
    for bit in range(bits):
        if (image.pixel(box // 4 + bit * step + box // 2, y) >> 8) & 0xFF > 128:
            number |= 1 << bit
    return number


def run(
    path: Path, box: int, bits: int, targets: list[int], exact: bool
) -> tuple[int, list[float]]:
    """Seeks to `targets` (frames): how many showed another frame, and each one's ms."""
    saved = keyframes.WALKED_CODECS
    keyframes.WALKED_CODECS = saved if exact else frozenset()
    player = VideoPlayer(instance=shared_instance(dummy_audio=True))
    try:
        player.load(path, autoplay=False)
        _wait(lambda: player.state is PlayerState.PAUSED, 5)
        _wait(lambda: player.settled, 5)
        wrong, times = 0, []
        for frame in targets:
            began = time.monotonic()
            player.seek(frame * player.frame_ms)
            _wait(lambda: player.settled, 5)
            times.append((time.monotonic() - began) * 1000)
            _wait(lambda: False, 0.15)  # a stray that still comes counts against it
            shown = frame_number(player.frame, box, bits)
            if shown != frame:
                wrong += 1
                if exact:
                    print(f"  asked {frame}, shown {shown}, position {player.position}")
        return wrong, times
    finally:
        player.shutdown()
        keyframes.WALKED_CODECS = saved


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeks", type=int, default=40)
    args = parser.parse_args()
    app = QApplication(sys.argv[:1])
    rng = random.Random(18)
    for name, (path, box, bits) in CLIPS.items():
        frames = 75 if name == "test mp4" else 250
        targets = [rng.randrange(frames) for _ in range(args.seeks)]
        for label, exact in (("before", False), ("after", True)):
            wrong, times = run(path, box, bits, targets, exact)
            times.sort()
            print(
                f"{name:9} {label:6}: {wrong:2} of {len(targets)} seeks showed another frame; "
                f"to settled median {statistics.median(times):.0f} ms, "
                f"p90 {times[int(len(times) * 0.9)]:.0f} ms, worst {times[-1]:.0f} ms"
            )
    release_shared_instance()
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
