"""Markdown typed on the left, shown on the right exactly as the moderator will see it.

The preview is the moderator's own MarkdownView (gui/widgets/markdown_view.py: CommonMark,
raw HTML shown as text, nothing remote or local ever loaded), fed the pack's clause ids so
clause headings get their badges. While typing, a word that starts a clause id ("HB", "gr-",
not "the") offers the pack's clause ids; Enter or Tab takes the highlighted one, Esc closes
the list.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from PySide6.QtCore import QStringListModel, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QTextCursor
from PySide6.QtWidgets import (
    QCompleter,
    QLabel,
    QPlainTextEdit,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from calibrate.gui.widgets.markdown_view import MarkdownView

PREVIEW_DELAY_MS = 120  # a pause in typing, then the preview follows
# What a clause id is made of (schema: letters, digits, '.', '-', '_').
_ID_TAIL = re.compile(r"[A-Za-z0-9._-]+$")
_POPUP_KEYS = (
    Qt.Key.Key_Enter,
    Qt.Key.Key_Return,
    Qt.Key.Key_Escape,
    Qt.Key.Key_Tab,
    Qt.Key.Key_Backtab,
)


def looks_like_an_id(word: str) -> bool:
    """A word worth offering clause ids for: one with a digit or - . _ in it ("hb-", "GR2"),
    or two capitals or more ("HB") — not every prose word that starts like one ("the")."""
    if any(c.isdigit() or c in "-._" for c in word):
        return True
    return len(word) >= 2 and word.isupper()


class MarkdownSource(QPlainTextEdit):
    """The Markdown text, with the pack's clause ids offered while a word starts one."""

    def __init__(self, parent: QWidget | None = None, name: str = "markdownSource"):
        super().__init__(parent)
        self.setObjectName(name)
        self.setTabChangesFocus(True)  # Tab leaves the field (keyboard users); Markdown needs none
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self._ids = QStringListModel(self)
        self.completer = QCompleter(self._ids, self)
        self.completer.setObjectName("clauseCompleter")
        self.completer.setWidget(self)
        self.completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        self.completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.completer.popup().setObjectName("clauseCompleterPopup")
        self.completer.popup().setAccessibleName("Clause ids that match what you typed")
        self.completer.activated[str].connect(self.insert_completion)

    def set_clause_ids(self, ids: Iterable[str]) -> None:
        self._ids.setStringList(sorted(set(ids)))

    def word_before_cursor(self) -> str:
        """The clause-id-like text right before the cursor, on its line."""
        cursor = self.textCursor()
        block = cursor.block().text()[: cursor.positionInBlock()]
        match = _ID_TAIL.search(block)
        return match.group(0) if match else ""

    def insert_completion(self, clause_id: str) -> None:
        """Replace the typed start of the id with the whole id."""
        cursor = self.textCursor()
        typed = len(self.word_before_cursor())
        cursor.movePosition(QTextCursor.MoveOperation.Left, QTextCursor.MoveMode.KeepAnchor, typed)
        cursor.insertText(clause_id)
        self.setTextCursor(cursor)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        popup = self.completer.popup()
        if popup.isVisible() and event.key() in _POPUP_KEYS:
            event.ignore()  # the completer takes it: Enter/Tab choose, Esc closes
            return
        super().keyPressEvent(event)
        if event.modifiers() & (
            Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier
        ):
            return
        self._offer_ids()

    def _offer_ids(self) -> None:
        prefix = self.word_before_cursor()
        popup = self.completer.popup()
        if not looks_like_an_id(prefix) or self._ids.rowCount() == 0:
            popup.hide()
            return
        self.completer.setCompletionPrefix(prefix)
        # Typed whole, as written: nothing to offer ("hb-2" is offered "HB-2", its spelling).
        exact = self.completer.completionCount() == 1 and (
            self.completer.currentCompletion() == prefix
        )
        if self.completer.completionCount() == 0 or exact:
            popup.hide()
            return
        popup.setCurrentIndex(self.completer.completionModel().index(0, 0))
        rect = self.cursorRect()
        rect.setWidth(popup.sizeHintForColumn(0) + popup.verticalScrollBar().sizeHint().width() + 8)
        self.completer.complete(rect)


class MarkdownEditor(QWidget):
    """A Markdown source field beside its live preview (the moderator's renderer)."""

    changed = Signal()  # the text changed (typed or set)

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        name: str = "markdownEditor",
        label: str = "Markdown",
    ):
        super().__init__(parent)
        self.setObjectName(name)
        self._clause_ids: tuple[str, ...] = ()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.source = MarkdownSource(self, name=f"{name}Source")
        self.source.setAccessibleName(f"{label} (Markdown)")
        self.preview = MarkdownView(self, name=f"{name}Preview")
        self.preview.setAccessibleName(f"{label}: preview, as moderators see it")
        split = QSplitter(Qt.Orientation.Horizontal, self)
        split.setChildrenCollapsible(False)
        split.addWidget(self._titled(self.source, "Markdown"))
        split.addWidget(self._titled(self.preview, "As moderators see it"))
        split.setSizes([500, 500])
        layout.addWidget(split)
        self._timer = QTimer(self, singleShot=True, interval=PREVIEW_DELAY_MS)
        self._timer.timeout.connect(self.render_preview)
        self.source.textChanged.connect(self._timer.start)
        self.source.textChanged.connect(self.changed)

    @staticmethod
    def _titled(widget: QWidget, title: str) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        caption = QLabel(title)
        caption.setStyleSheet("color: palette(placeholder-text)")
        column.addWidget(caption)
        column.addWidget(widget, stretch=1)
        return box

    def set_clause_ids(self, ids: Iterable[str]) -> None:
        self._clause_ids = tuple(ids)
        self.source.set_clause_ids(self._clause_ids)
        self.render_preview()

    def set_text(self, text: str) -> None:
        self.source.setPlainText(text)
        self.render_preview()

    def text(self) -> str:
        return self.source.toPlainText()

    def render_preview(self) -> None:
        """Render now (the timer does it a moment after typing stops)."""
        self._timer.stop()
        bar = self.preview.verticalScrollBar()
        at = bar.value()
        self.preview.set_markdown(self.text(), self._clause_ids)
        bar.setValue(at)  # typing at the end of a long slide keeps the preview where it was
