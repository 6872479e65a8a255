"""The main window: one stack of screens, menus, global shortcuts, the status bar."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QMainWindow,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from calibrate.core.errors import counted
from calibrate.gui import theme
from calibrate.gui.errors import show_error
from calibrate.gui.screens.home import HomeScreen
from calibrate.gui.theme import apply_theme, is_dark

# Names only annotations use: each module imported after PySide6 costs a source read in its
# import hook (see calibrate/app.py), so the first screen's modules import little.
if TYPE_CHECKING:
    import threading
    from collections.abc import Callable

    from calibrate.gui.context import AppContext
    from calibrate.gui.screens.lesson_list import LessonListScreen
    from calibrate.gui.tasks import TaskRunner


log = logging.getLogger(__name__)


def __getattr__(name: str) -> object:
    """SHORTCUTS (what Help > Keyboard shortcuts lists) lives in help_dialogs, loaded on use."""
    if name == "SHORTCUTS":
        from calibrate.gui.help_dialogs import SHORTCUTS

        return SHORTCUTS
    raise AttributeError(name)


class MainWindow(QMainWindow):
    def __init__(self, context: AppContext, after_first_paint: Callable[[], None] | None = None):
        """after_first_paint runs once the window painted: start-up work waits until it shows."""
        super().__init__()
        self.context = context
        self._after_first_paint = after_first_paint
        self.setObjectName("mainWindow")
        self.setWindowTitle("Calibrate")
        self.resize(1280, 760)
        self.stack = QStackedWidget(objectName="screens")
        central = QWidget(objectName="central")
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        if context.is_demo:
            banner = QLabel(
                "DEMO DATA — a seeded, made-up history for trying Calibrate out. "
                "Nothing here is anyone's real answer.",
                objectName="demoBanner",
            )
            banner.setAccessibleName("Demo data")
            banner.setStyleSheet(
                f"background: {theme.WARNING}; color: #1b1d21; "
                "font-weight: bold; padding: 6px 16px;"
            )
            layout.addWidget(banner)
        layout.addWidget(self.stack)
        self.setCentralWidget(central)
        self.lesson = None  # the LessonController of the open lesson
        self._runner: TaskRunner | None = None  # made on first use, after the first paint
        self.dashboard = None  # the DashboardScreen, created when a lead unlocks it
        self.trainer = None  # the TrainerArea, created when a trainer unlocks it
        self.lessons_loading = False
        self.cache_warming: threading.Thread | None = None  # see _warm_answer_cache
        self.home = HomeScreen(context)
        self.home.profile_chosen.connect(self._on_profile_chosen)
        self.home.lead_requested.connect(self.open_dashboard)
        self.home.trainer_requested.connect(self.open_trainer_area)
        self.home.join_requested.connect(self.join_room)
        self.room = None  # the RoomController of a live room joined
        self.home.review_requested.connect(self.open_review)
        self._lesson_list = None  # built on first use: start-up shows only the home screen
        self.show_screen(self.home)
        self._build_menus()
        self._problems_button: QPushButton | None = None
        self._status = QLabel(objectName="statusDatabase")
        self.statusBar().addPermanentWidget(self._status)
        self._refresh_status()

    @property
    def runner(self) -> TaskRunner:
        if self._runner is None:
            from calibrate.gui.tasks import TaskRunner

            self._runner = TaskRunner(self)
        return self._runner

    @property
    def lesson_list(self) -> LessonListScreen:
        if self._lesson_list is None:
            from calibrate.gui.screens.lesson_list import LessonListScreen

            self._lesson_list = LessonListScreen(self.context)
            self._lesson_list.lesson_chosen.connect(self.open_lesson)
            self._lesson_list.switch_profile_requested.connect(self._on_switch_profile_requested)
            self._lesson_list.review_requested.connect(self.open_review)
            self.stack.addWidget(self._lesson_list)
        return self._lesson_list

    def show_screen(self, screen: QWidget) -> None:
        if self.stack.indexOf(screen) < 0:
            self.stack.addWidget(screen)
        self.stack.setCurrentWidget(screen)
        take_focus = getattr(screen, "take_focus", None)
        if take_focus is not None:
            take_focus()  # the screen knows where the keyboard should start
        else:
            screen.setFocus()

    def open_lesson(self, pack_id: str, lesson_id: str, force_new: bool = False) -> None:
        """Start or resume a lesson for the current profile."""
        from calibrate.gui.screens.lesson.controller import LessonController  # libVLC, later

        self._close_lesson()
        pack = self.context.pack(pack_id)
        self.lesson = LessonController(
            self.context, pack, pack.lesson(lesson_id), self.show_screen, force_new=force_new
        )
        for screen in self.lesson.screens:
            self.stack.addWidget(screen)
        self.lesson.finished.connect(self._on_lesson_finished)
        self.lesson.retake_requested.connect(self._on_retake_requested)
        self.lesson.start()

    def join_room(self, profile) -> None:
        """Join a live session as this profile (gui/screens/room)."""
        from calibrate.gui.screens.room.joining import open_join_dialog

        open_join_dialog(self, profile)

    def open_review(self, profile=None) -> None:
        """A review of the due cases, across packs (`profile`: home's choice continues)."""
        from calibrate.gui.screens.lesson.review import ReviewController  # libVLC, later

        if profile is not None:
            self._on_profile_chosen(profile)
        run = self.context.review.start(self.context.profile)
        if not run.items:  # due no more (answers imported, packs reloaded): say so
            self.lesson_list.show_review_due()
            return
        self._close_lesson()
        self.lesson = ReviewController(self.context, run, self.show_screen)
        for screen in self.lesson.screens:
            self.stack.addWidget(screen)
        self.lesson.finished.connect(self._on_lesson_finished)
        self.lesson.start()

    def _unlocked(self, role: str, screen: QWidget | None) -> bool:
        """The role's passcode, asked at each opening (the next person here may be a
        moderator); the first one who opens the area sets it."""
        from calibrate.gui import prompts
        from calibrate.gui.passcode_dialog import PasscodeDialog

        if screen is not None and self.stack.currentWidget() is screen:
            return False  # open already
        dialog = PasscodeDialog(self.context.profiles, role, self)
        return prompts.run_dialog(dialog) == PasscodeDialog.DialogCode.Accepted

    def open_dashboard(self) -> None:
        """The lead area, behind the lead passcode."""
        if self._unlocked("lead", self.dashboard):
            self.open_dashboard_unlocked()

    def open_trainer_area(self) -> None:
        """The trainer area (packs, sharing, lesson folders), behind the trainer passcode."""
        if self._unlocked("trainer", self.trainer):
            self.open_trainer_area_unlocked()

    def open_trainer_area_unlocked(self) -> None:
        from calibrate.gui.screens.trainer.area import TrainerArea

        if self.lesson is not None:
            self.lesson.leave()
        if self.trainer is None:
            self.trainer = TrainerArea(self.context, self.show_screen)
            self.trainer.leave_requested.connect(self._on_dashboard_left)
            self.trainer.reload_requested.connect(self.reload_lessons)
        self.show_screen(self.trainer)
        self.trainer.refresh()

    def open_case_in_editor(self, pack_id: str, case_id: str, room_html: str = "") -> None:
        """A case from the dashboard in the trainer's case editor (trainer passcode)."""
        if self._unlocked("trainer", None):
            self.open_trainer_area_unlocked()
            self.trainer.edit_case(pack_id, case_id, room_html)

    def open_dashboard_unlocked(self) -> None:
        from calibrate.gui.screens.dashboard.screen import DashboardScreen

        if self.lesson is not None:
            self.lesson.leave()
        if self.dashboard is None:
            self.dashboard = DashboardScreen(self.context)
            self.dashboard.leave_requested.connect(self._on_dashboard_left)
            self.dashboard.edit_case_requested.connect(self.open_case_in_editor)
            self.stack.addWidget(self.dashboard)
        self.show_screen(self.dashboard)
        self.dashboard.refresh()

    def _on_dashboard_left(self) -> None:
        self.show_screen(self.home if self.context.profile is None else self.lesson_list)

    def _close_lesson(self) -> None:
        if self.lesson is None:
            return
        self.lesson.shutdown()
        for screen in self.lesson.screens:
            self.stack.removeWidget(screen)
            screen.deleteLater()
        self.lesson.deleteLater()
        self.lesson = None

    def _on_lesson_finished(self) -> None:
        self.lesson_list.refresh()
        self.show_screen(self.lesson_list)
        self._close_lesson()

    def _on_retake_requested(self, pack_id: str, lesson_id: str) -> None:
        self.open_lesson(pack_id, lesson_id, force_new=True)

    def _on_profile_chosen(self, profile) -> None:
        self.context.profile = profile
        self.setWindowTitle(f"Calibrate — {profile.name}")
        self.lesson_list.refresh()
        self.show_screen(self.lesson_list)
        self.lesson_list.tree.setFocus()

    def _on_switch_profile_requested(self) -> None:
        self.context.profile = None  # the last person's lessons are not the next one's
        self.setWindowTitle("Calibrate")
        self.home.refresh(switching=True)
        self.show_screen(self.home)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        if self.trainer is not None and not self.trainer.may_close():
            return event.ignore()  # unsaved edits in the editor: the trainer stays
        self._close_lesson()
        if self.room is not None:
            from calibrate.gui.screens.room.joining import close_room

            close_room(self)
        if self.dashboard is not None:
            self.dashboard.shutdown()
        if self.trainer is not None:
            self.trainer.shutdown()  # a pack export or import under way is cancelled
        if self._runner is not None:
            self._runner.wait()
        log.info("window closed")
        super().closeEvent(event)

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().paintEvent(event)
        if self._after_first_paint is not None:
            work, self._after_first_paint = self._after_first_paint, None
            QTimer.singleShot(0, work)

    def _build_menus(self) -> None:
        # menu.addAction(text): QAction(text, parent)'s overload check would build PySide's
        # QIcon type (its 151-member ThemeIcon enum) before the first paint.
        file_menu = self.menuBar().addMenu("&File")
        reload_action = file_menu.addAction("&Reload lessons")
        reload_action.triggered.connect(self._on_reload_triggered)
        quit_action = file_menu.addAction("&Quit")
        quit_action.triggered.connect(self.close)
        view_menu = self.menuBar().addMenu("&View")
        lead = view_menu.addAction("&Lead dashboard…")
        lead.triggered.connect(self.open_dashboard)
        trainer = view_menu.addAction("&Trainer area…")
        trainer.triggered.connect(self.open_trainer_area)
        problems = view_menu.addAction("Lesson &problems…")
        problems.triggered.connect(self.show_lesson_problems)
        dark = view_menu.addAction("&Dark mode")
        dark.setCheckable(True)
        dark.setChecked(is_dark(QApplication.instance()))
        dark.toggled.connect(self._on_dark_toggled)
        help_menu = self.menuBar().addMenu("&Help")
        shortcuts = help_menu.addAction("&Keyboard shortcuts")
        shortcuts.triggered.connect(self._on_keys_triggered)
        about = help_menu.addAction("&About Calibrate")
        about.triggered.connect(self._on_about_triggered)
        # setShortcuts with a list: setShortcut's overload check builds PySide's whole Qt
        # namespace (~12-20 ms, once per process) and would hold the first window still.
        for action, keys in (
            (reload_action, "Ctrl+R"),
            (quit_action, "Ctrl+Q"),  # StandardKey.Quit: empty without a desktop
            (lead, "Ctrl+L"),
            (trainer, "Ctrl+T"),
            (dark, "Ctrl+Shift+D"),
            (shortcuts, "F1"),
        ):
            action.setShortcuts([QKeySequence(keys)])

    def _refresh_status(self) -> None:
        packs = len(self.context.library.packs)
        problems = sum(1 for p in self.context.library.problems if not p.is_warning)
        # A database made by this start says so: a mistyped --db would otherwise put
        # someone's answers in a new file unnoticed.
        made = "new database (created now)" if self.context.is_new else "database"
        self._status.setText(f"{counted(packs, 'pack')} · {made} {self.context.db_path}")
        if problems and self._problems_button is None:  # built only when there is one
            self._problems_button = QPushButton(objectName="statusProblemsButton")
            self._problems_button.setFlat(True)
            self._problems_button.setAccessibleName("Show the problems found in lesson files")
            self._problems_button.clicked.connect(self.show_lesson_problems)
            self.statusBar().insertPermanentWidget(0, self._problems_button)
        if self._problems_button is not None:
            self._problems_button.setText(f"⚠ {counted(problems, 'lesson problem')}…")
            self._problems_button.setVisible(bool(problems))

    def show_lesson_problems(self) -> None:
        """The Problems view: every problem in the lesson files, one copyable line each."""
        from calibrate.gui.problems_dialog import ProblemsDialog

        self.problems_dialog = ProblemsDialog(self.context.library, self)
        self.problems_dialog.open()  # window-modal, without a nested event loop

    def reload_lessons(self) -> None:
        """Scan the lesson folders in the background; the lists refresh when it is done."""
        self.lessons_loading = True
        self._status.setText("Loading lessons…")
        folders = list(self.context.lessons_dirs)
        self.runner.run(
            "lessons",
            lambda: self.context.lessons.read(folders),
            self._on_lessons_loaded,
            self._on_lessons_failed,
        )

    def _on_lessons_loaded(self, library) -> None:
        self.context.library = library
        self.lessons_loading = False
        if self._lesson_list is not None:
            self._lesson_list.refresh()
        self.home.show_review_due()
        if self.trainer is not None:
            self.trainer.lessons_reloaded()
        self._refresh_status()
        if self.cache_warming is None:  # once, after the first load
            self._warm_answer_cache()

    def _warm_answer_cache(self) -> None:
        """A lead's database (tens of thousands of answers and more) has the dashboard's
        answer cache file brought up to date in the background, so the first dashboard open
        reads only new rows (a million answers: ~0.5 s instead of ~3.7 s). Smaller ones: a
        query. Detached from the runner's pool: quitting never waits for it (its file is
        written atomically, so a cut-short write leaves the old cache)."""
        context = self.context  # ws.dashboard imports numpy: on the worker, not here
        self.cache_warming = self.runner.run_detached(
            "answer-cache",
            lambda: context.dashboard.warm_cache(),
            lambda _read: None,
            _on_warming_failed,
            name="answer-cache",
        )

    def _on_lessons_failed(self, error: BaseException) -> None:
        self.lessons_loading = False
        self._refresh_status()
        show_error(self, error, self.context.log_path, title="Lessons could not be loaded")

    def _on_reload_triggered(self) -> None:
        if self.lesson is None:
            self.reload_lessons()

    def _on_dark_toggled(self, dark: bool) -> None:
        apply_theme(QApplication.instance(), dark)
        QSettings("Calibrate", "Calibrate").setValue("view/dark", dark)

    def _on_keys_triggered(self) -> None:
        from calibrate.gui.help_dialogs import show_shortcuts

        show_shortcuts(self)

    def _on_about_triggered(self) -> None:
        from calibrate.gui.help_dialogs import show_about

        show_about(self, self.context.log_path)


def _on_warming_failed(_error: BaseException) -> None:
    """Logged by the runner; nothing to show: the dashboard reads what is missing on open."""
    log.warning("the answer cache was not brought up to date")
