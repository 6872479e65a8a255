"""The lesson list: every loaded pack and its lessons with your progress; start or resume."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from calibrate.core.errors import counted, shown_to_moderators
from calibrate.core.live.room_pack import cached_lesson_title
from calibrate.core.models import Pack, UnavailableLesson
from calibrate.core.summary import summarise
from calibrate.gui import plain_text, theme
from calibrate.gui.context import AppContext
from calibrate.gui.problems_dialog import ProblemsDialog, problems_summary
from calibrate.gui.screens.room.joining import room_pack_cache
from calibrate.gui.shortcuts import bind_keys
from calibrate.workspace.sessions import LiveSession

PACK_ROLE = Qt.ItemDataRole.UserRole
LESSON_ROLE = Qt.ItemDataRole.UserRole + 1
DESCRIPTION_ROLE = Qt.ItemDataRole.UserRole + 2
PROBLEMS_ROLE = Qt.ItemDataRole.UserRole + 3  # an unavailable lesson's problems, as text
LIVE_ROLE = Qt.ItemDataRole.UserRole + 4  # a past live session's sentence (pack not installed)
SHOWN_PROBLEMS = 8  # in a tooltip; the Problems view has them all
COLUMNS = ["Lesson", "Policy", "Cases", "Your progress", "Last result"]


class LessonListScreen(QWidget):
    lesson_chosen = Signal(str, str)  # pack id, lesson id
    switch_profile_requested = Signal()
    review_requested = Signal()  # the profile's due cases, in a review session

    def __init__(self, context: AppContext):
        super().__init__()
        self.context = context
        self.setObjectName("lessonListScreen")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        top = QHBoxLayout()
        self.heading = plain_text.fit_to_width(QLabel(objectName="lessonListHeading"))
        top.addWidget(self.heading, stretch=1)
        self.review_button = QPushButton(objectName="reviewDueButton")
        self.review_button.setAccessibleName("Review the cases due today (Ctrl+Shift+R)")
        self.review_button.setToolTip(
            "Cases you missed or were unsure of come back, spaced out until they stick."
        )
        self.review_button.clicked.connect(self._on_review_clicked)
        top.addWidget(self.review_button)
        bind_keys(self, ("Ctrl+Shift+R",), self._on_review_clicked)
        top.addWidget(self._wellness_button())
        switch = QPushButton("Switch profile", objectName="switchProfileButton")
        switch.setAccessibleName("Switch profile")
        switch.clicked.connect(self.switch_profile_requested)
        top.addWidget(switch)
        layout.addLayout(top)
        self.tree = QTreeWidget(objectName="lessonTree")
        self.tree.setAccessibleName("Lesson packs and their lessons")
        self.tree.setHeaderLabels(COLUMNS)
        self.tree.setAlternatingRowColors(True)
        self.tree.setUniformRowHeights(True)
        self.tree.setStyleSheet("QTreeView::item { padding: 5px 2px; }")
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.header().setStretchLastSection(False)
        self.tree.itemActivated.connect(self._on_tree_item_activated)
        self.tree.currentItemChanged.connect(self._on_current_changed)
        layout.addWidget(self.tree, stretch=3)
        bottom = QHBoxLayout()
        self.description = QLabel(objectName="lessonDescription")
        self.description.setTextFormat(Qt.TextFormat.PlainText)
        plain_text.fit_to_width(self.description)
        bottom.addWidget(self.description, stretch=1)
        self.start_button = QPushButton("Start lesson  (Enter)", objectName="startLessonButton")
        self.start_button.setAccessibleName("Start or resume the selected lesson")
        self.start_button.setMinimumHeight(36)
        self.start_button.clicked.connect(self._on_start_clicked)
        bottom.addWidget(self.start_button)
        layout.addLayout(bottom)
        problems_row = QHBoxLayout()
        self.problems_label = QLabel(objectName="problemsLabel")
        self.problems_label.setTextFormat(Qt.TextFormat.PlainText)
        self.problems_label.setWordWrap(True)
        problems_row.addWidget(self.problems_label, stretch=1)
        self.problems_button = QPushButton("Show problems…", objectName="showProblemsButton")
        self.problems_button.setAccessibleName("Show every problem found in lesson files")
        self.problems_button.clicked.connect(self.show_problems)
        problems_row.addWidget(self.problems_button)
        layout.addLayout(problems_row)
        self.refresh()

    def refresh(self) -> None:
        profile = self.context.profile
        name = f" for {html.escape(profile.name)}" if profile else ""
        self.heading.setText(f"<h2>Lessons{name}</h2>")
        self.show_review_due()
        progress = self.context.sessions.lesson_progress(profile.id) if profile else {}
        self.tree.clear()
        for pack in self.context.library.packs:
            if not pack.offered_lessons and not pack.unavailable:
                continue  # nothing to take (a new pack without cases yet)
            pack_item = QTreeWidgetItem(
                [pack.title, f"{pack.policy} · {pack.policy_version}", str(len(pack.cases)), "", ""]
            )
            pack_item.setData(0, PACK_ROLE, pack.id)
            pack_item.setFlags(pack_item.flags() & ~Qt.ItemFlag.ItemIsSelectable)
            font = pack_item.font(0)
            font.setBold(True)
            pack_item.setFont(0, font)
            for lesson in pack.offered_lessons:
                status, result, colour = self._status(
                    pack, lesson.id, len(lesson.case_ids), progress.get((pack.id, lesson.id))
                )
                item = QTreeWidgetItem(
                    [lesson.title, "", str(len(lesson.case_ids)), status, result]
                )
                item.setData(0, PACK_ROLE, pack.id)
                item.setData(0, LESSON_ROLE, lesson.id)
                item.setToolTip(0, plain_text.tooltip(lesson.description))
                item.setData(0, DESCRIPTION_ROLE, lesson.description)
                if colour:
                    item.setForeground(4, QBrush(QColor(colour)))
                pack_item.addChild(item)
            for unavailable in pack.unavailable:  # in pack.toml order among the others
                pack_item.insertChild(
                    min(unavailable.position, pack_item.childCount()),
                    self._unavailable_item(pack, unavailable),
                )
            self.tree.addTopLevelItem(pack_item)
            pack_item.setExpanded(True)
        self._add_live_history()
        for column in range(1, len(COLUMNS)):
            self.tree.resizeColumnToContents(column)
        has_problems = any(not p.is_warning for p in self.context.library.problems)
        self.problems_label.setText(problems_summary(self.context.library))
        self.problems_label.setVisible(has_problems)
        self.problems_button.setVisible(bool(self.context.library.problems))
        first = self.tree.topLevelItem(0)
        if first is not None and first.childCount() and first.data(0, PACK_ROLE):
            self.tree.setCurrentItem(first.child(0))
        if not self.context.library.packs:
            self.description.setText("No lesson packs found. Add a folder with --lessons DIR.")
        self._on_current_changed()

    def show_review_due(self) -> None:
        """'Review due (N)' for the profile, shown while N > 0."""
        profile = self.context.profile
        due = self.context.review.due_count(profile.id) if profile is not None else 0
        self.review_button.setText(f"Review due ({due})  (Ctrl+Shift+R)")
        self.review_button.setVisible(due > 0)

    def _on_review_clicked(self) -> None:
        if self.review_button.isVisible():
            self.review_requested.emit()

    def _add_live_history(self) -> None:
        """Live rooms taken from a pack not installed here (its room pack was only lent for
        the room): listed under their own heading, with the result the reveals recorded."""
        profile = self.context.profile
        installed = {pack.id for pack in self.context.library.packs}
        past = self.context.sessions.live_history(profile.id, installed) if profile else []
        if not past:
            return
        group = QTreeWidgetItem(["Live sessions (pack not installed)", "", "", "", ""])
        group.setFlags(group.flags() & ~Qt.ItemFlag.ItemIsSelectable)
        font = group.font(0)
        font.setBold(True)
        group.setFont(0, font)
        for session in past:
            group.addChild(self._live_item(session))
        self.tree.addTopLevelItem(group)
        group.setExpanded(True)

    def _live_item(self, session: LiveSession) -> QTreeWidgetItem:
        title = cached_lesson_title(
            room_pack_cache(), session.pack_hash, session.pack_id, session.lesson_id
        )
        day = session.started_at[:10]
        status = f"Live, {day}" + ("" if session.finished else " (left early)")
        result, colour = "", None
        if session.score is not None:
            result = f"{session.correct}/{session.answered} right ({session.score:.0%})"
            if session.passed is not None:
                result += ", passed" if session.passed else ", below pass mark"
                colour = theme.CORRECT if session.passed else theme.WRONG
        item = QTreeWidgetItem(
            [
                f"{title or session.lesson_id} ({session.pack_title})",
                session.policy,
                str(session.recorded),
                status,
                result,
            ]
        )
        if colour:
            item.setForeground(4, QBrush(QColor(colour)))
        item.setData(
            0,
            LIVE_ROLE,
            f"A live session of {session.pack_title} on {day}: your answers are kept here. "
            "Its pack is not installed on this computer, so the lesson cannot be taken on "
            "your own; ask your trainer or lead for the pack.",
        )
        return item

    def _unavailable_item(self, pack: Pack, unavailable: UnavailableLesson) -> QTreeWidgetItem:
        """A greyed row: the lesson is listed, says why it cannot be taken, and opens the
        Problems view when activated."""
        lesson, problems = unavailable.lesson, unavailable.problems
        status = f"Unavailable: {counted(len(problems), 'problem')}"
        item = QTreeWidgetItem([lesson.title, "", str(len(lesson.case_ids)), status, ""])
        item.setData(0, PACK_ROLE, pack.id)
        item.setData(0, LESSON_ROLE, lesson.id)
        lines = [shown_to_moderators(p, str(pack.folder.parent)) for p in problems[:SHOWN_PROBLEMS]]
        if len(problems) > SHOWN_PROBLEMS:
            lines.append(f"… and {len(problems) - SHOWN_PROBLEMS} more (Show problems…)")
        text = (
            f"This lesson cannot be taken until its files are fixed "
            f"({counted(len(problems), 'problem')}):\n" + "\n".join(lines)
        )
        item.setData(0, PROBLEMS_ROLE, text)
        # Tooltips are read as rich text when they look like it: escape the pack's words.
        tooltip = f"<p style='white-space:pre'>{html.escape(text)}</p>"
        grey = QBrush(QColor(theme.NEUTRAL))
        for column in range(len(COLUMNS)):
            item.setToolTip(column, tooltip)
            item.setForeground(column, grey)
        font = item.font(3)
        font.setItalic(True)
        item.setFont(3, font)
        item.setData(3, Qt.ItemDataRole.AccessibleTextRole, f"{lesson.title}: {status}")
        return item

    def _wellness_button(self) -> QPushButton:
        button = QPushButton("Wellness…", objectName="wellnessSettingsButton")
        button.setAccessibleName("Your wellness settings: breaks, shields, pauses")
        button.clicked.connect(self.open_wellness_settings)
        return button

    def open_wellness_settings(self) -> None:
        from calibrate.gui.wellness_dialog import WellnessDialog

        if self.context.profile is not None:
            self.wellness_dialog = WellnessDialog(self.context, self.context.profile, self)
            self.wellness_dialog.open()  # window-modal, without a nested event loop

    def show_problems(self) -> None:
        """The Problems view: every problem of the lesson files, copyable."""
        self.problems_dialog = ProblemsDialog(self.context.library, self)
        self.problems_dialog.open()  # window-modal, without a nested event loop

    def take_focus(self) -> None:
        self.tree.setFocus()

    def _status(
        self, pack: Pack, lesson_id: str, total: int, entry: dict | None
    ) -> tuple[str, str, str | None]:
        if entry is None:
            return "Not started", "", None
        status = (
            f"Done ({entry['completed_sessions']}×)"
            if entry["finished"]
            else f"In progress {entry['answered']}/{total}"
        )
        result, colour = "", None
        finished = self.context.sessions.last_finished_answers(
            self.context.profile.id, pack.id, lesson_id
        )
        if finished is not None:
            summary = summarise(
                finished,
                pack.cases,
                total,
                self._pass_mark(pack, lesson_id),
            )
            if summary.score is not None:
                verdict = "passed" if summary.passed else "below pass mark"
                result = (
                    f"{summary.correct}/{summary.answered} right ({summary.score:.0%}), {verdict}"
                )
                colour = theme.CORRECT if summary.passed else theme.WRONG
        return status, result, colour

    @staticmethod
    def _pass_mark(pack: Pack, lesson_id: str) -> float:
        """The lesson's own pass mark, else the pack's (also for a lesson now unavailable)."""
        lesson = next((x for x in pack.every_lesson if x.id == lesson_id), None)
        return pack.pass_mark if lesson is None else pack.pass_mark_of(lesson)

    def _selected_lesson(self) -> tuple[str, str] | None:
        item = self.tree.currentItem()
        if item is None or not item.data(0, LESSON_ROLE) or item.data(0, PROBLEMS_ROLE):
            return None
        return item.data(0, PACK_ROLE), item.data(0, LESSON_ROLE)

    def _on_current_changed(self, *_: object) -> None:
        selected = self._selected_lesson()
        self.start_button.setEnabled(selected is not None)
        item = self.tree.currentItem()
        if item is not None and item.data(0, PROBLEMS_ROLE):
            self.description.setText(item.data(0, PROBLEMS_ROLE))
            self.start_button.setText("Unavailable  (Enter: show problems)")
            return
        if item is not None and item.data(0, LIVE_ROLE):
            self.description.setText(item.data(0, LIVE_ROLE))
            self.start_button.setText("Start lesson  (Enter)")
            return
        if selected is None:
            return
        item = self.tree.currentItem()
        self.description.setText(item.data(0, DESCRIPTION_ROLE))
        in_progress = item.text(3).startswith("In progress")
        self.start_button.setText(
            "Resume lesson  (Enter)"
            if in_progress
            else "Retake lesson  (Enter)"
            if item.text(3).startswith("Done")
            else "Start lesson  (Enter)"
        )

    def _on_tree_item_activated(self, item: QTreeWidgetItem) -> None:
        if item.data(0, PROBLEMS_ROLE):
            self.show_problems()
        elif item.data(0, LESSON_ROLE):
            self.lesson_chosen.emit(item.data(0, PACK_ROLE), item.data(0, LESSON_ROLE))

    def _on_start_clicked(self) -> None:
        selected = self._selected_lesson()
        if selected:
            self.lesson_chosen.emit(*selected)
