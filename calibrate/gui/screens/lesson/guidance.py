"""A guidance slide: Markdown with clause badges; Back/Next through the lesson's slides."""

from __future__ import annotations

import html

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractSlider,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from calibrate.core.models import GuidanceSlide, Pack
from calibrate.gui import plain_text
from calibrate.gui.shortcuts import bind_keys
from calibrate.gui.widgets.markdown_view import MarkdownView


class GuidanceScreen(QWidget):
    next_requested = Signal()
    back_requested = Signal()
    leave_requested = Signal()
    return_requested = Signal()  # Esc: back to the case the guidance was opened from

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("guidanceScreen")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 16, 32, 16)
        self.heading = plain_text.fit_to_width(QLabel(objectName="guidanceHeading"))
        layout.addWidget(self.heading)
        self.view = MarkdownView(self, name="guidanceText")
        self.view.setAccessibleName("Guidance slide")
        layout.addWidget(self.view, stretch=1)
        buttons = QHBoxLayout()
        self.leave_button = QPushButton("Back to lessons", objectName="leaveLessonButton")
        self.leave_button.setAccessibleName("Back to the lesson list")
        self.leave_button.clicked.connect(self.leave_requested)
        buttons.addWidget(self.leave_button)
        buttons.addStretch()
        self.back_button = QPushButton("◀  Back", objectName="guidanceBackButton")
        self.back_button.setAccessibleName("Previous slide")
        self.back_button.clicked.connect(self.back_requested)
        buttons.addWidget(self.back_button)
        self.next_button = QPushButton("Next  ▶", objectName="guidanceNextButton")
        self.next_button.setAccessibleName("Next slide")
        self.next_button.setDefault(True)
        self.next_button.setMinimumWidth(160)
        self.next_button.clicked.connect(self.next_requested)
        buttons.addWidget(self.next_button)
        layout.addLayout(buttons)
        bind_keys(self, ("Right", "Return", "Enter", "N"), self.next_requested.emit)
        bind_keys(self, ("Left", "Backspace", "P"), self.back_requested.emit)
        bind_keys(self, ("Esc",), self.return_requested.emit)
        bind_keys(self, ("PgDown",), self._on_page_down)
        bind_keys(self, ("PgUp",), self._on_page_up)

    def set_room_mode(self) -> None:
        """In a live room the trainer turns the slides: no Back or Next here."""
        self.back_button.hide()
        self.next_button.hide()
        self.leave_button.setText("Leave the room")
        self.leave_button.setAccessibleName("Leave the live room (you can rejoin with the code)")

    def show_slide(
        self,
        pack: Pack,
        lesson_title: str,
        slide: GuidanceSlide,
        index: int,
        count: int,
        has_cases_answered: bool,
    ) -> None:
        self.heading.setText(
            f"<span style='font-size:11pt'>{html.escape(lesson_title)} · guidance {index + 1} of "
            f"{count}</span>"
        )
        self.view.set_markdown(slide.markdown, [c.id for c in pack.clauses])
        self.back_button.setEnabled(index > 0)
        last = index + 1 == count
        self.next_button.setText(
            ("Continue to the cases  ▶" if not has_cases_answered else "Back to the case  ▶")
            if last
            else "Next  ▶"
        )
        self.view.setFocus()

    def _on_page_down(self) -> None:
        """PgDn reads on: it scrolls the slide a page, and only at its end moves to the next."""
        bar = self.view.verticalScrollBar()
        if bar.value() < bar.maximum():
            bar.triggerAction(QAbstractSlider.SliderAction.SliderPageStepAdd)
        else:
            self.next_requested.emit()

    def _on_page_up(self) -> None:
        bar = self.view.verticalScrollBar()
        if bar.value() > bar.minimum():
            bar.triggerAction(QAbstractSlider.SliderAction.SliderPageStepSub)
        elif self.back_button.isEnabled():
            self.back_requested.emit()
