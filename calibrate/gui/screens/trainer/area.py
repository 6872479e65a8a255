"""The trainer area (behind the trainer passcode): the packs found in every lessons folder,
where each comes from and its problems; "Export pack…" and "Import pack…" (.calpack files,
docs/sharing.md); the lessons folders Calibrate reads (Lesson folders…)."""

from __future__ import annotations

import html
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from calibrate.core.errors import counted
from calibrate.gui import theme
from calibrate.gui.errors import show_error
from calibrate.gui.passcode_dialog import reset_notice
from calibrate.gui.screens.trainer import sharing
from calibrate.gui.screens.trainer.pack_tree import PackTree
from calibrate.gui.tasks import TaskRunner
from calibrate.gui.widgets.table_panel import remember_folder, start_folder
from calibrate.workspace.folders import Status

if TYPE_CHECKING:
    from collections.abc import Callable

    from calibrate.gui.context import AppContext
    from calibrate.gui.screens.editor.preview import PreviewScreen
    from calibrate.gui.screens.editor.screen import EditorScreen
    from calibrate.gui.screens.trainer.console import HostConsole
    from calibrate.gui.screens.trainer.folders_dialog import LessonFoldersDialog
    from calibrate.gui.screens.trainer.transfer_dialog import TransferDialog
    from calibrate.workspace.folders import FoundPack

INTRO = (
    "Every pack Calibrate found, by the lessons folder it comes from, in reading order. "
    "Bundled packs are read-only; a pack you import goes into a lessons folder of your own, "
    "and one with a bundled pack's id replaces the bundled one. Enter or a double-click on a "
    "pack lists its problems."
)
PREVIEW_LINES = 4  # problems shown under the list; Problems… lists them all


def details(entry: FoundPack) -> str:
    """What the panel under the list says about the chosen pack (HTML, every text escaped)."""
    lines: list[str] = []
    pack = entry.pack
    if pack is not None:
        lines.append(
            f"Policy: {pack.policy}, version {pack.policy_version} · "
            f"{counted(len(pack.every_lesson), 'lesson')}, {counted(len(pack.cases), 'case')}"
        )
    lines.append(f"Files: {entry.folder}")
    if pack is not None:
        lines.append(f"Clips: {pack.assets}")
    if entry.lessons_folder.read_only:
        lines.append(
            "Bundled with Calibrate: read-only here. Export it to share it; a pack of the "
            "same id imported into your own folder takes its place."
        )
    shown = [p.format(str(entry.folder.parent)) for p in entry.problems]  # a trainer's view
    if len(shown) > PREVIEW_LINES:
        more = len(shown) - PREVIEW_LINES
        shown = [*shown[:PREVIEW_LINES], f"… and {more} more: Problems… lists them all."]
    title = f"<b>{html.escape(entry.title)}</b> &nbsp;({html.escape(entry.pack_id)})"
    body = "<br>".join(html.escape(line) for line in lines)
    problems = "<br>".join(html.escape(line) for line in shown)
    if problems:
        body += f"<p style='color: {theme.WRONG}'>{problems}</p>"
    return f"<p>{title}</p><p>{body}</p>"


class TrainerArea(QWidget):
    leave_requested = Signal()
    reload_requested = Signal()  # the lessons folders or their packs changed: read them again

    def __init__(self, context: AppContext, show_screen: Callable[[QWidget], None] | None = None):
        """show_screen: the main window's, for the editor and the lesson preview."""
        super().__init__()
        self.context = context
        self.show_screen = show_screen or (lambda screen: screen.show())
        self.editor: EditorScreen | None = None  # the pack being edited (editing.py)
        self.preview: PreviewScreen | None = None
        self.setObjectName("trainerArea")
        self.runner = TaskRunner(self)
        self.found: list[FoundPack] = []
        self.transfer: TransferDialog | None = None
        self.folders_dialog: LessonFoldersDialog | None = None
        self.console: HostConsole | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 10, 16, 10)
        top = QHBoxLayout()
        top.addWidget(QLabel("<h2>Trainer area</h2>"), stretch=1)
        self.console_button = self._button("Host a &live room…", "hostLiveRoomButton", top)
        self.console_button.clicked.connect(self.open_console)
        self.folders_button = self._button("Lesson f&olders…", "lessonFoldersButton", top)
        self.folders_button.setAccessibleName("Lesson folders: where Calibrate reads packs")
        self.folders_button.clicked.connect(self.open_folders)
        self.back_button = self._button("&Back  (Esc)", "trainerBackButton", top)
        self.back_button.setAccessibleName("Leave the trainer area")
        self.back_button.clicked.connect(self.leave_requested)
        outer.addLayout(top)
        self.passcode_notice = QLabel(objectName="trainerPasscodeNotice", wordWrap=True)
        self.passcode_notice.setStyleSheet(f"color: {theme.WRONG}; font-weight: bold")
        outer.addWidget(self.passcode_notice)
        intro = QLabel(INTRO, wordWrap=True, objectName="trainerIntro")
        intro.setStyleSheet("color: palette(placeholder-text)")
        outer.addWidget(intro)
        self.table = PackTree()
        self.table.itemSelectionChanged.connect(self._on_selection_changed)
        self.table.itemActivated.connect(lambda *_: self.show_problems())
        self.details = QLabel(objectName="trainerPackDetails", wordWrap=True)
        self.details.setTextFormat(Qt.TextFormat.RichText)  # details() escapes every text
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.details.setAccessibleName("The chosen pack")
        self.details.setMargin(8)
        self.details.setStyleSheet("background: palette(base); border-radius: 4px;")
        split = QSplitter(Qt.Orientation.Vertical)
        split.setChildrenCollapsible(False)
        split.addWidget(self.table)
        split.addWidget(self.details)
        split.setSizes([640, 260])
        outer.addWidget(split, stretch=1)
        outer.addLayout(self._build_actions())
        self._on_selection_changed()

    def _build_actions(self) -> QHBoxLayout:
        """The buttons under the list and the status line beside them."""
        actions = QHBoxLayout()
        self.problems_button = self._button("&Problems…", "packProblemsButton", actions)
        self.problems_button.setAccessibleName("List the chosen pack's problems")
        self.problems_button.clicked.connect(self.show_problems)
        self.export_button = self._button("&Export pack…", "exportPackButton", actions)
        self.export_button.setAccessibleName("Export the chosen pack as a .calpack file")
        self.export_button.clicked.connect(self._on_export_clicked)
        self.import_button = self._button("&Import pack…", "importPackButton", actions)
        self.import_button.setAccessibleName("Import a .calpack file into a lessons folder")
        self.import_button.clicked.connect(self._on_import_clicked)
        self.edit_button = self._button("E&dit…", "editPackButton", actions)
        self.edit_button.setAccessibleName("Edit the chosen pack (a bundled one is copied first)")
        self.edit_button.clicked.connect(self.edit_chosen)
        self.new_pack_button = self._button("&New pack…", "newPackButton", actions)
        self.new_pack_button.setAccessibleName("Create a new pack in your lessons folder")
        self.new_pack_button.clicked.connect(self.new_pack)
        self.status = QLabel(objectName="trainerStatus", wordWrap=True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        actions.addWidget(self.status, stretch=1)
        return actions

    def _button(self, text: str, name: str, row: QHBoxLayout) -> QPushButton:
        button = QPushButton(text, objectName=name)
        button.setAutoDefault(False)
        row.addWidget(button)
        return button

    # --- the list ------------------------------------------------------------------------
    def refresh(self) -> None:
        """List the packs of the library now loaded (a folder listing, off the GUI thread)."""
        self.passcode_notice.setText(reset_notice(self.context.profiles, "trainer"))
        self.passcode_notice.setVisible(bool(self.passcode_notice.text()))
        lessons, library = self.context.lessons, self.context.library
        self.runner.run("found", lambda: lessons.found(library), self._show, self._on_failed)

    def _show(self, found: list[FoundPack]) -> None:
        self.found = found
        self.table.show_packs(found, self.context.lessons.folders(), self._missing())
        self._on_selection_changed()

    def chosen(self) -> FoundPack | None:
        return self.table.chosen()

    def choose(self, pack_id: str, bundled: bool | None = None) -> FoundPack:
        """Select the pack with this id (tests, screenshots); bundled picks which copy."""
        return self.table.choose(pack_id, bundled)

    def _on_selection_changed(self) -> None:
        entry = self.chosen()
        self.problems_button.setEnabled(entry is not None)
        # A pack not in use would be refused (not loaded), or is not the copy people take.
        self.export_button.setEnabled(entry is not None and entry.status is Status.IN_USE)
        self.edit_button.setEnabled(entry is not None)
        self.details.setText(
            details(entry) if entry is not None else "Choose a pack to see where it comes from."
        )

    def _on_failed(self, error: BaseException) -> None:
        show_error(self, error, self.context.log_path, title="The packs could not be listed")

    def show_problems(self) -> None:
        """The Problems view, for the chosen pack's files only."""
        from calibrate.core.lessons.result import LoadResult
        from calibrate.gui.problems_dialog import ProblemsDialog

        entry = self.chosen()
        if entry is None:
            return
        library = LoadResult([entry.pack] if entry.pack else [], list(entry.problems))
        library.folders = list(self.context.library.folders)
        self.problems_dialog = ProblemsDialog(library, self, whole=True)  # behind the passcode
        self.problems_dialog.setWindowTitle(f"Problems of {entry.title} ({entry.pack_id})")
        self.problems_dialog.open()

    # --- export, import, folders ---------------------------------------------------------
    def _on_export_clicked(self) -> None:
        entry = self.chosen()
        if entry is None:
            return
        path, _ = QFileDialog.getSaveFileName(
            self,
            f"Export {entry.title}",
            str(start_folder() / f"{entry.pack_id}.calpack"),
            "Calibrate pack (*.calpack)",
        )
        if path:
            out = Path(path) if path.endswith(".calpack") else Path(path + ".calpack")
            remember_folder(out)
            self.export_pack(entry, out)

    def export_pack(self, entry: FoundPack, out: Path) -> TransferDialog:
        self.transfer = sharing.export_pack(self.context, entry, out, self)
        return self.transfer

    def _on_import_clicked(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Import pack", str(start_folder()), "Calibrate pack (*.calpack);;All files (*)"
        )
        if path:
            remember_folder(Path(path))
            self.import_pack(Path(path))

    def import_pack(self, file: Path, into: Path | None = None) -> TransferDialog | None:
        """Import `file` into `into`, or into the folder the trainer picks (asked only when
        they have more than one of their own)."""
        into = into or sharing.choose_target(self.context, self)
        if into is None:
            return None
        bundled = {e.pack_id for e in self.found if e.lessons_folder.read_only}
        self.transfer = sharing.import_pack(self.context, file, into, self, bundled)
        self.transfer.succeeded.connect(lambda _result: self._on_folders_changed())
        return self.transfer

    def open_console(self) -> HostConsole:
        """The live room console, a window of its own (one at a time)."""
        from calibrate.gui.screens.trainer.console import HostConsole

        if self.console is None:
            self.console = HostConsole(self.context, self)
        self.console.show()
        self.console.raise_()
        return self.console

    def open_folders(self) -> LessonFoldersDialog:
        from calibrate.gui.screens.trainer.folders_dialog import LessonFoldersDialog

        self.folders_dialog = LessonFoldersDialog(self.context.lessons, self)
        self.folders_dialog.refresh(self._missing())
        self.folders_dialog.folders_changed.connect(self._on_folders_changed)
        self.folders_dialog.open()
        return self.folders_dialog

    def _on_folders_changed(self) -> None:
        self.status.setText("Reading the lessons again…")
        self.reload_requested.emit()

    def _missing(self) -> dict[Path, str]:
        """The lessons folders the last reading could not read ("not found"), by folder."""
        from calibrate.workspace.folders import folder_problems

        return folder_problems(self.context.library, self.context.lessons.folders())

    def lessons_reloaded(self) -> None:
        """The main window read the lessons again: list what is there now."""
        library = self.context.library
        self.status.setText(
            f"{counted(len(library.packs), 'pack')} in use, from "
            f"{counted(len(self.context.lessons_dirs), 'lessons folder')}."
        )
        if self.folders_dialog is not None and self.folders_dialog.isVisible():
            self.folders_dialog.refresh(self._missing())
            self.folders_dialog.say(self.status.text())
        self.refresh()

    # --- the editor (editing.py) ---------------------------------------------------------
    def edit_chosen(self) -> EditorScreen | None:
        from calibrate.gui.screens.trainer import editing

        entry = self.chosen()
        return None if entry is None else editing.edit_entry(self, entry)

    def new_pack(self) -> EditorScreen | None:
        from calibrate.gui.screens.trainer import editing

        return editing.new_pack(self)

    def edit_case(self, pack_id: str, case_id: str, room_html: str = "") -> EditorScreen | None:
        from calibrate.gui.screens.trainer import editing

        return editing.edit_case(self, pack_id, case_id, room_html)

    # --- keys and shutdown ---------------------------------------------------------------
    def take_focus(self) -> None:
        self.table.setFocus()

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt override
        if event.key() == Qt.Key.Key_Escape:
            self.leave_requested.emit()
            return
        super().keyPressEvent(event)

    def may_close(self) -> bool:
        """False when the trainer chose to stay with unsaved edits (the window stays open)."""
        return self.editor is None or not self.editor.isVisible() or self.editor.may_close()

    def shutdown(self) -> None:
        """Cancel a transfer under way and wait for it (the window is closing)."""
        if self.transfer is not None:
            self.transfer.wait()
        if self.preview is not None:
            self.preview.shutdown()
        if self.editor is not None:
            self.editor.shutdown()
        if self.console is not None:
            self.console.close()  # its room's server closes; the room resumes next time
        self.runner.wait()
