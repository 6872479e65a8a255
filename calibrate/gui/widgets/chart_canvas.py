"""A matplotlib Figure inside Qt (backend_qtagg), sized for layouts."""

from __future__ import annotations

from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from PySide6.QtWidgets import QSizePolicy


class ChartCanvas(FigureCanvasQTAgg):
    def __init__(self, figure: Figure, name: str = "chartCanvas", accessible_name: str = ""):
        super().__init__(figure)
        self.setObjectName(name)
        self.setAccessibleName(accessible_name or name)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setStyleSheet("background: transparent")

    def replace_figure(self, figure: Figure) -> None:
        # matplotlib scales a canvas's first figure by the screen's device-pixel ratio (its
        # dpi × ratio, from the dpi it was made with); one swapped in later needs the same,
        # or charts render at half resolution on a HiDPI screen and look soft.
        figure._original_dpi = getattr(figure, "_original_dpi", figure.dpi)
        self.figure = figure
        figure.set_canvas(self)
        figure._set_dpi(self.device_pixel_ratio * figure._original_dpi, forward=False)
        self.draw_idle()
