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
        # Below this a chart's axes collapse to nothing (matplotlib then warns that its
        # layout was not applied): a squeezed window scrolls or clips instead.
        self.setMinimumSize(160, 120)
        self.setStyleSheet("background: transparent")

    def replace_figure(self, figure: Figure) -> None:
        # matplotlib scales a canvas's first figure by the screen's device-pixel ratio (its
        # dpi × ratio, from the dpi it was made with); one swapped in later needs the same,
        # or charts render at half resolution on a HiDPI screen and look soft.
        figure._original_dpi = getattr(figure, "_original_dpi", figure.dpi)
        self.figure = figure
        figure.set_canvas(self)
        figure._set_dpi(self.device_pixel_ratio * figure._original_dpi, forward=False)
        # A figure comes at its natural size: fit it to the canvas, as a resize would (a canvas
        # already laid out gets no resize event of its own; the old figure's size would stay
        # on screen, clipped, with stale pixels below it).
        if self.width() > 0 and self.height() > 0:
            ratio = self.device_pixel_ratio / figure.dpi
            figure.set_size_inches(self.width() * ratio, self.height() * ratio, forward=False)
        self.draw_idle()
