"""Keyboard shortcuts that live with a screen: active only while focus is inside it."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QWidget


def bind_keys(screen: QWidget, keys: Iterable[str], action: Callable[[], object]) -> None:
    """Each key runs action while focus is in screen (text fields still get their letters)."""
    for key in keys:
        shortcut = QShortcut(QKeySequence(key), screen)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(action)
