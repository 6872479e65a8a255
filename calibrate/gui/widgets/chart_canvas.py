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
        self.figure = figure
        figure.set_canvas(self)
        self.draw_idle()
