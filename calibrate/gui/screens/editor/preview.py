""" "Take this lesson as a moderator": the real lesson screens (LessonController: guidance,
case, reveal, summary) on the pack as saved in the editor's folder, under a banner, with a
PreviewSessions (workspace/preview.py) in place of ws.sessions, so nothing is recorded: no
session, answer, pack version or dispute reaches the database."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QLabel, QStackedWidget, QVBoxLayout, QWidget

from calibrate.core.errors import counted
from calibrate.gui import theme
from calibrate.workspace.preview import PREVIEW_PROFILE, PreviewSessions

if TYPE_CHECKING:
    from calibrate.gui.context import AppContext
    from calibrate.gui.screens.lesson.controller import LessonController

BANNER = (
    "PREVIEW — you are taking “{title}” as a moderator would. Nothing you answer here is "
    "recorded. “Back to lessons” or the summary's Done returns to the editor."
)


def preview_refusal(pack_folder: Path, lesson_id: str) -> str | None:
    """Why the lesson cannot be previewed as saved (one sentence), or None."""
    from calibrate.core.lessons.loader import load_pack

    pack, problems = load_pack(pack_folder)
    blocking = [p for p in problems if not p.is_warning]
    if pack is None:
        return f"pack.toml has {counted(len(blocking), 'problem')}: save it without problems first."
    lesson = next((lesson for lesson in pack.lessons if lesson.id == lesson_id), None)
    if lesson is not None:
        if not lesson.case_ids:  # moderators are not offered it either
            return "This lesson has no cases yet: add some on its page and save first."
        return None
    if any(u.lesson.id == lesson_id for u in pack.unavailable):
        return (
            "A slide or case of this lesson, as saved, has a problem: fix and save it first "
            "(the Problems view lists it)."
        )
    return "This lesson is not saved in pack.toml yet: save the pack first."


class PreviewScreen(QWidget):
    """The lesson screens in a stack of their own, under the preview banner."""

    closed = Signal()

    def __init__(self, context: AppContext, pack_folder: Path, lesson_id: str):
        from calibrate.core.lessons.loader import load_pack
        from calibrate.gui.screens.lesson.controller import LessonController

        super().__init__()
        self.setObjectName("previewScreen")
        self.context = context
        pack, _problems = load_pack(pack_folder)
        assert pack is not None, "preview_refusal() says why a pack cannot be previewed"
        lesson = pack.lesson(lesson_id)
        self.sessions = PreviewSessions(context)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        banner = QLabel(BANNER.format(title=lesson.title), objectName="previewBanner")
        banner.setTextFormat(Qt.TextFormat.PlainText)
        banner.setWordWrap(True)
        banner.setAccessibleName("Preview: nothing is recorded")
        banner.setStyleSheet(
            f"background: {theme.ACCENT}; color: #ffffff; font-weight: bold; padding: 6px 16px;"
        )
        layout.addWidget(banner)
        self.stack = QStackedWidget(objectName="previewScreens")
        layout.addWidget(self.stack, stretch=1)
        self.lesson: LessonController = LessonController(
            context,
            pack,
            lesson,
            self._show,
            sessions=self.sessions,
            profile=PREVIEW_PROFILE,
        )
        self.lesson.finished.connect(self._on_finished)
        self.lesson.retake_requested.connect(lambda *_ids: self._restart(pack, lesson))

    def _show(self, screen: QWidget) -> None:
        if self.stack.indexOf(screen) < 0:
            self.stack.addWidget(screen)
        self.stack.setCurrentWidget(screen)
        screen.setFocus()

    def start(self) -> None:
        self.lesson.start()

    def take_focus(self) -> None:
        current = self.stack.currentWidget()
        if current is not None:
            current.setFocus()

    def _restart(self, pack, lesson) -> None:
        from calibrate.gui.screens.lesson.controller import LessonController

        self._drop_lesson()
        self.lesson = LessonController(
            self.context, pack, lesson, self._show, sessions=self.sessions, profile=PREVIEW_PROFILE
        )
        self.lesson.finished.connect(self._on_finished)
        self.lesson.start()

    def _drop_lesson(self) -> None:
        self.lesson.shutdown()
        for screen in self.lesson.screens:
            self.stack.removeWidget(screen)
            screen.deleteLater()
        self.lesson.deleteLater()

    def _on_finished(self) -> None:
        self.closed.emit()

    def shutdown(self) -> None:
        """Stop the clip and let the lesson's screens go."""
        self._drop_lesson()
