"""A titled chart with its plain-words caption and "Save chart…" (PNG, SVG or PDF)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from matplotlib.figure import Figure
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from calibrate.gui.widgets.chart_canvas import ChartCanvas
from calibrate.gui.widgets.table_panel import SavedNote, remember_folder, start_folder

SAVE_FILTERS = "PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)"


FOOTER_COLOUR = "#5f6b7a"  # grey that reads on the white of a saved file


def save_figure(figure: Figure, path: Path, footer: str = "") -> Path:
    """Write the figure in the format its suffix names (png, svg or pdf; png by default),
    on white, with `footer` (what the chart shows: filters, period, demo data) in small
    type under it in the file only: the figure is as it was afterwards."""
    if path.suffix.lower() not in (".png", ".svg", ".pdf"):
        path = path.with_suffix(".png")
    # Below the figure's bottom edge: the tight bounding box grows to take it in, so the
    # chart's own layout is not squeezed.
    note = (
        figure.text(
            0.01, -0.01, footer, fontsize=7, color=FOOTER_COLOUR, ha="left", va="top", wrap=True
        )
        if footer
        else None
    )  # wrapped to its width
    try:
        figure.savefig(path, dpi=150, facecolor="white", bbox_inches="tight")
    finally:
        if note is not None:
            note.remove()
    return path


class ChartPanel(QWidget):
    def __init__(self, name: str, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(f"{name}Panel")
        self.name = name
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        top = QHBoxLayout()
        self.title = QLabel(f"<b>{title}</b>", objectName=f"{name}Title")
        top.addWidget(self.title, stretch=1)
        self.note = SavedNote(f"{name}SavedNote", self)
        top.addWidget(self.note)
        self.save_button = QPushButton("Save chart…", objectName=f"{name}SaveButton")
        self.save_button.setAccessibleName(f"Save the {title} chart as PNG, SVG or PDF")
        self.save_button.clicked.connect(self._on_save_clicked)
        top.addWidget(self.save_button)
        layout.addLayout(top)
        # What Save chart… writes: the figure on screen unless the screen says otherwise
        # (a dark theme's figure redrawn for white paper), and a line saying what it shows.
        self.figure_to_save: Callable[[], Figure] | None = None
        self.footer = ""
        self.canvas = ChartCanvas(Figure(), name=f"{name}Chart", accessible_name=title)
        self.canvas.setMinimumHeight(180)
        layout.addWidget(self.canvas, stretch=1)
        self.caption = QLabel(objectName=f"{name}Caption")
        self.caption.setWordWrap(True)
        layout.addWidget(self.caption)

    def set_figure(self, figure: Figure, caption: str = "") -> None:
        self.canvas.replace_figure(figure)
        self.caption.setText(caption)

    def show_unavailable(self, message: str) -> None:
        """No chart, and why, in its caption's place."""
        self.set_figure(Figure(), message)

    def _on_save_clicked(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, "Save chart", str(start_folder() / f"{self.name}.png"), SAVE_FILTERS
        )
        if not path:
            return
        target = Path(path)
        remember_folder(target)
        try:
            figure = self.figure_to_save() if self.figure_to_save else self.canvas.figure
            saved = save_figure(figure, target, self.footer)
        except OSError as error:
            self.note.failed(target, error)
        else:
            self.note.saved(saved)
