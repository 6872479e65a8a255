"""Light and dark palettes on the Fusion style, and the few colours screens share."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

# Okabe-Ito: distinguishable for the common forms of colour blindness.
CORRECT = "#009E73"
WRONG = "#D55E00"
ACCENT = "#0072B2"
WARNING = "#E69F00"
NEUTRAL = "#7F7F7F"


def new_application(program: str) -> QApplication:
    """The app's QApplication, on Fusion. Qt's own `-style` option chooses it: asking the
    application for its style from Python builds PySide's QStyle enums (~4 ms of start-up)."""
    return QApplication([program, "-style", "Fusion"])


def use_fusion(app: QApplication) -> None:
    """Fusion on an application made elsewhere (tests, scripts)."""
    if app.style().name().lower() != "fusion":
        app.setStyle("Fusion")


def apply_theme(app: QApplication, dark: bool) -> None:
    """The light or dark palette (the style is Fusion: see new_application)."""
    palette = QPalette()
    if dark:
        colours = {
            QPalette.ColorRole.Window: "#1f2227",
            QPalette.ColorRole.WindowText: "#e8e8e8",
            QPalette.ColorRole.Base: "#15171b",
            QPalette.ColorRole.AlternateBase: "#23262c",
            QPalette.ColorRole.Text: "#e8e8e8",
            QPalette.ColorRole.Button: "#2a2e35",
            QPalette.ColorRole.ButtonText: "#e8e8e8",
            QPalette.ColorRole.Highlight: "#3d8fd1",
            QPalette.ColorRole.HighlightedText: "#ffffff",
            QPalette.ColorRole.ToolTipBase: "#2a2e35",
            QPalette.ColorRole.ToolTipText: "#e8e8e8",
            QPalette.ColorRole.PlaceholderText: "#9aa0a6",
            QPalette.ColorRole.Link: "#6cb6ff",
        }
    else:
        colours = {
            QPalette.ColorRole.Window: "#f4f5f7",
            QPalette.ColorRole.WindowText: "#1b1d21",
            QPalette.ColorRole.Base: "#ffffff",
            QPalette.ColorRole.AlternateBase: "#eef0f3",
            QPalette.ColorRole.Text: "#1b1d21",
            QPalette.ColorRole.Button: "#e9ebef",
            QPalette.ColorRole.ButtonText: "#1b1d21",
            QPalette.ColorRole.Highlight: "#0b63b5",
            QPalette.ColorRole.HighlightedText: "#ffffff",
            QPalette.ColorRole.ToolTipBase: "#ffffff",
            QPalette.ColorRole.ToolTipText: "#1b1d21",
            QPalette.ColorRole.PlaceholderText: "#6b7079",
            QPalette.ColorRole.Link: "#0b5cad",
        }
    for role, colour in colours.items():
        palette.setColor(role, QColor(colour))
    # setColor(role, ...) sets every colour group, the disabled one too: a disabled button
    # would read exactly like one that works. Disabled text takes a muted colour.
    muted = QColor("#7c828a" if dark else "#9ba0a8")
    for role in (
        QPalette.ColorRole.WindowText,
        QPalette.ColorRole.Text,
        QPalette.ColorRole.ButtonText,
    ):
        palette.setColor(QPalette.ColorGroup.Disabled, role, muted)
    app.setPalette(palette)
    app.setProperty("calibrate_dark", dark)
    # A widget with a style sheet of its own keeps the palette it was polished with: set its
    # sheet again so that it takes the new one (switching theme while the app runs).
    for widget in app.allWidgets():
        if sheet := widget.styleSheet():
            widget.setStyleSheet(sheet)


def is_dark(app: QApplication) -> bool:
    return bool(app.property("calibrate_dark"))
