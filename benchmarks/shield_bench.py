"""Cost of the graphic-content shields per video frame, beside plain scaling of the same frame.

The video view applies the shields (grayscale, blur) to every frame it paints; at 25 fps a
frame has 40 ms, and the shields should take a small share of it. The baseline is what the
view does for every frame anyway: scale the 640×360 frame to the 960×540 view.
Run: QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/shield_bench.py [FRAMES]
"""

from __future__ import annotations

import statistics
import sys
import time

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QImage

from calibrate.player.shields import Shields, apply_shields


def per_frame_ms(work, frames: int) -> tuple[float, float]:
    """Median and slowest milliseconds of `work()` over `frames` calls."""
    costs = []
    for _ in range(frames):
        began = time.perf_counter()
        work()
        costs.append((time.perf_counter() - began) * 1000)
    return statistics.median(costs), max(costs)


def main() -> None:
    frames = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    app = QGuiApplication(sys.argv[:1])  # noqa: F841 - QImage work needs the application
    frame = QImage(640, 360, QImage.Format.Format_RGB32)
    frame.fill(QColor(200, 40, 40))
    view = QSize(960, 540)
    cases = {
        "baseline: scale to the view": lambda: frame.scaled(
            view, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
        ),
        "grayscale": lambda: apply_shields(frame, Shields(grayscale=True, blurred=False), view),
        "blur": lambda: apply_shields(frame, Shields(grayscale=False, blurred=True), view),
        "grayscale + blur": lambda: apply_shields(
            frame, Shields(grayscale=True, blurred=True), view
        ),
    }
    print(f"per frame, 640×360 → 960×540, {frames} frames (25 fps leaves 40 ms a frame)")
    for name, work in cases.items():
        median, slowest = per_frame_ms(work, frames)
        print(f"  {name:30} median {median:6.2f} ms   slowest {slowest:6.2f} ms")


if __name__ == "__main__":
    main()
