"""Full screen for one widget (the player panel): F toggles it, Esc leaves it.

The widget moves into a window of its own shown full screen, and back into its place in the
screen's layout on leaving; a placeholder holds that place meanwhile, so the screen's layout
does not jump. The widget keeps its state (the player plays on), only its parent changes.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QCloseEvent, QPalette
from PySide6.QtWidgets import QVBoxLayout, QWidget


class _FullScreenWindow(QWidget):
    """The window the widget lives in while full screen; closing it (Alt+F4) leaves."""

    def __init__(self, owner: FullScreen) -> None:
        super().__init__(None, Qt.WindowType.Window)
        self.setObjectName("fullScreenWindow")
        self.setWindowTitle("Calibrate — video")
        self.setBackgroundRole(QPalette.ColorRole.Window)
        self._owner = owner
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self._owner.active:
            event.ignore()
            self._owner.leave()
        else:
            super().closeEvent(event)


class FullScreen:
    """Moves `widget` into a full-screen window and back (see the module docstring)."""

    def __init__(self, widget: QWidget, changed: Callable[[bool], None] | None = None) -> None:
        self._widget, self._changed = widget, changed  # changed(active) after each switch
        self._window: _FullScreenWindow | None = None
        self._placeholder: QWidget | None = None

    @property
    def active(self) -> bool:
        return self._window is not None

    def toggle(self) -> None:
        if self.active:
            self.leave()
        else:
            self.enter()

    def enter(self) -> None:
        widget = self._widget
        parent = widget.parentWidget()
        layout = parent.layout() if parent is not None else None
        if self.active or layout is None:
            return  # not inside a layout: nothing to come back to
        self._placeholder = QWidget(parent)
        self._placeholder.setObjectName("fullScreenPlaceholder")
        self._placeholder.setMinimumSize(widget.size())
        if layout.replaceWidget(widget, self._placeholder) is None:
            self._placeholder.deleteLater()
            self._placeholder = None
            return
        self._window = _FullScreenWindow(self)
        self._window.layout().addWidget(widget)
        widget.show()
        self._window.showFullScreen()
        self._window.activateWindow()
        widget.setFocus()
        if self._changed is not None:
            self._changed(True)

    def leave(self) -> None:
        window, placeholder = self._window, self._placeholder
        if window is None or placeholder is None:
            return
        self._window = self._placeholder = None
        parent = placeholder.parentWidget()
        layout = parent.layout() if parent is not None else None
        if layout is not None:
            layout.replaceWidget(placeholder, self._widget)
        else:  # the screen went away meanwhile: the widget goes with the placeholder's parent
            self._widget.setParent(parent)
        placeholder.deleteLater()
        self._widget.show()
        window.hide()
        window.deleteLater()
        if self._widget.window() is not None:
            self._widget.window().activateWindow()
        self._widget.setFocus()
        if self._changed is not None:
            self._changed(False)
