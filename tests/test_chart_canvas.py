"""Charts swapped into a canvas are as sharp as the screen: on a 2× screen they render at
twice the widget's size in pixels."""

from __future__ import annotations

import json
import os
import subprocess
import sys

SCRIPT = """
import json
from PySide6.QtCore import QSize
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QApplication
app = QApplication([])
from matplotlib.figure import Figure
from calibrate.gui.widgets.chart_canvas import ChartCanvas
canvas = ChartCanvas(Figure())
canvas.resize(400, 300)
canvas.show()
app.processEvents()
out = {"ratio": canvas.devicePixelRatioF()}
for _ in range(2):  # a new figure, then another: each as sharp as the screen
    figure = Figure(dpi=100)
    figure.add_subplot().plot([1, 2, 3])
    canvas.replace_figure(figure)
    canvas.resizeEvent(QResizeEvent(canvas.size(), canvas.size()))
    canvas.draw()
    image = canvas.buffer_rgba()
    out.setdefault("rendered", []).append([image.shape[1], image.shape[0], figure.dpi])
print(json.dumps(out))
"""


def test_a_replaced_figure_renders_at_the_screens_pixel_ratio() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "QT_SCALE_FACTOR": "2"}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    out = json.loads(done.stdout.strip().splitlines()[-1])
    assert out["ratio"] == 2
    assert out["rendered"] == [[800, 600, 200.0], [800, 600, 200.0]]
