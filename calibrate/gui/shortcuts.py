"""Keyboard shortcuts that live with a screen: active only while focus is inside it.

Single keys (letters, digits, Space, Enter, arrows, PgUp/PgDn…) are also what a moderator
types into a note: while a text field has focus, or any widget of a form marked as a typing
place (the answer form: a Shift+Tab out of its note lands on its clause list), every such key
is the form's, and no shortcut of the screen fires (DESIGN.md: no keystroke meant for a text
field may reach the decision). Keys with Ctrl, Alt or Meta, Escape and the F keys stay
shortcuts everywhere; Escape is how a screen takes the keyboard back.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QApplication,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

_COMMAND_MODIFIERS = (
    Qt.KeyboardModifier.ControlModifier
    | Qt.KeyboardModifier.AltModifier
    | Qt.KeyboardModifier.MetaModifier
)
# Keys a text field uses for editing although they type no character.
_EDITING_KEYS = frozenset(
    {
        Qt.Key.Key_Return,
        Qt.Key.Key_Enter,
        Qt.Key.Key_Backspace,
        Qt.Key.Key_Delete,
        Qt.Key.Key_Left,
        Qt.Key.Key_Right,
        Qt.Key.Key_Up,
        Qt.Key.Key_Down,
        Qt.Key.Key_Home,
        Qt.Key.Key_End,
        Qt.Key.Key_PageUp,
        Qt.Key.Key_PageDown,
    }
)


def is_text_field(widget: QObject | None) -> bool:
    """True for a widget that takes typed text: an editable line, text box, spin box or
    combo box (a read-only text view, such as a guidance slide, is not one)."""
    if isinstance(widget, (QLineEdit, QTextEdit, QPlainTextEdit, QAbstractSpinBox)):
        return not widget.isReadOnly()
    return isinstance(widget, QComboBox) and widget.isEditable()


def is_typing_key(event: QKeyEvent) -> bool:
    """A key a text field takes: no Ctrl/Alt/Meta, and a character or an editing key."""
    if event.modifiers() & _COMMAND_MODIFIERS:
        return False
    text = event.text()
    return (bool(text) and text.isprintable()) or Qt.Key(event.key()) in _EDITING_KEYS


_TYPING_PLACE = "calibrateTypingPlace"


def mark_typing_place(widget: QWidget) -> None:
    """Single keys pressed anywhere inside widget are its own, never a screen's shortcuts."""
    widget.setProperty(_TYPING_PLACE, True)


def focus_is_typing() -> bool:
    """True while the keyboard focus is in a text field or inside a typing place."""
    widget = QApplication.focusWidget()
    if is_text_field(widget):
        return True
    while widget is not None:
        if widget.property(_TYPING_PLACE):
            return True
        widget = widget.parentWidget()
    return False


class _TextFieldsKeepTheirKeys(QObject):
    """On a screen: a typing key asked for as a shortcut goes to the focused text field.

    Qt asks the focus widget first (a ShortcutOverride event, passed up to the screen when
    the field does not claim it); claiming it here makes Qt deliver the key as typing."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and is_typing_key(event)
            and focus_is_typing()
        ):
            event.accept()
            return True
        return False


def bind_keys(screen: QWidget, keys: Iterable[str], action: Callable[[], object]) -> None:
    """Each key runs action while focus is in screen, except a typing key while a text
    field or typing place has focus (the field gets it)."""
    if screen.findChild(_TextFieldsKeepTheirKeys) is None:  # one guard per screen
        screen.installEventFilter(_TextFieldsKeepTheirKeys(screen))
    for key in keys:
        shortcut = QShortcut(QKeySequence(key), screen)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(action)
