"""The case editor: every field of a case file (case_form.py), its cues and moments
(case_timeline.py) set from the player beside them (marking_player.py), checked on each edit
with the rules of `calibrate validate` (ws.authoring's CaseEditor.check) and each problem shown
at its field. "Save" is refused while the case has a problem; "Keep as draft" always works
(drafts live outside every lessons folder). Saving a changed golden answer first says how
many recorded answers were given against the earlier one."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from calibrate.core.errors import counted
from calibrate.gui import prompts
from calibrate.gui.screens.editor.case_form import CaseForm
from calibrate.gui.screens.editor.case_timeline import (
    MomentQuestion,
    TimedTable,
    format_knows_mark_moment,
)
from calibrate.gui.screens.editor.marking_player import MarkingPlayer, clip_time
from calibrate.gui.shortcuts import bind_keys
from calibrate.gui.widgets.table_panel import remember_folder, start_folder

if TYPE_CHECKING:
    from calibrate.workspace.authoring import CaseEditor, GoldenChange

CHECK_DELAY_MS = 60  # re-check this long after the last keystroke (one file: milliseconds)
VALUE_KEYS = (
    "id",
    "title",
    "video",
    "severity",
    "difficulty",
    "warnings",
    "context.caption",
    "context.on_screen_text",
    "context.hashtags",
    "context.report_reason",
    "context.account",
    "context.audio",
    "golden.decision",
    "golden.clauses",
    "rationale",
)
VIDEO_FILTER = "Video (*.mp4 *.webm *.mkv *.mov *.m4v *.ogv *.avi);;All files (*)"


def golden_question(change: GoldenChange) -> str:
    """What the trainer is asked before saving a changed golden answer."""
    earlier = counted(change.earlier_answers, "recorded answer")
    return (
        f"{earlier} of this case {'was' if change.earlier_answers == 1 else 'were'} given "
        f"against the earlier golden answer (of {change.all_answers} in all). They stay "
        "scored against the golden answer they were given against; the dashboard and "
        "`calibrate report --score-against current` can score them against the new one.\n\n"
        "Save the new golden answer?"
    )


class CasePage(QWidget):
    saved = Signal(str)  # case id, written to cases/
    draft_kept = Signal(str)  # case id, kept as a draft

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("casePage")
        self.editor: CaseEditor | None = None
        self.dirty = False
        self.blocking: list = []
        self._timer = QTimer(self, singleShot=True, interval=CHECK_DELAY_MS)
        self._timer.timeout.connect(self.check)
        self.form = CaseForm()
        self.form.edited.connect(self._on_form_edited)
        self.form.video_requested.connect(self._on_video_requested)
        self.cues = TimedTable(
            "cues", ["At", "What happens (shown while the clip plays)"], 1, "Cues"
        )
        self.cues.hint.setText("Pause on a frame, then “Add cue here”.")
        self.moments = TimedTable(
            "moments", ["Start", "End", "Label (where the violation shows)"], 2, "Moments"
        )
        self.moments.hint.setText("Pause, “Mark moment start”; pause later, “Mark moment end”.")
        self.question = MomentQuestion() if format_knows_mark_moment() else None
        if self.question is not None:
            self.question.edited.connect(self._on_question_edited)
        self.player = MarkingPlayer(self)
        self._wire_timeline()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.setChildrenCollapsible(False)
        split.addWidget(self._build_fields())
        split.addWidget(self._build_player_column())
        split.setSizes([520, 600])
        outer.addWidget(split, stretch=1)
        outer.addLayout(self._build_actions())
        bind_keys(self, ("Ctrl+S",), self.save)
        bind_keys(self, ("Ctrl+Shift+S",), self.keep_draft)
        bind_keys(self, ("Ctrl+K",), self.player.cue_button.click)
        bind_keys(self, ("Ctrl+B",), self.player.start_button.click)
        bind_keys(self, ("Ctrl+E",), self.player.end_button.click)

    # --- building ---------------------------------------------------------------------------
    def _build_fields(self) -> QScrollArea:
        scroll = QScrollArea(objectName="caseFieldsScroll")
        scroll.setWidget(self.form)
        scroll.setWidgetResizable(True)
        return scroll

    def _build_timeline(self) -> QWidget:
        """The cues and moments, under the player that sets them."""
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        for title, table, key in (
            ("Cues: shown while the clip plays", self.cues, "cues"),
            ("Moments: where the violation is visible", self.moments, "moments"),
        ):
            group = QGroupBox(title)
            QVBoxLayout(group).addWidget(self.form.problems.box(table, key))
            column.addWidget(group)
        if self.question is not None:  # the format has "Where does it show?"
            question = self.form.problems.box(self.question, "mark_moment")
            self.form.problems.boxes["moment_tolerance"] = question
            group.layout().addWidget(question)
        return box

    def _build_player_column(self) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        self.room = QLabel(objectName="caseRoomNote", wordWrap=True)
        self.room.setTextFormat(Qt.TextFormat.RichText)  # built by the dashboard, escaped there
        self.room.setStyleSheet("background: palette(base); border-radius: 4px; padding: 6px;")
        self.room.hide()
        column.addWidget(self.room)
        split = QSplitter(Qt.Orientation.Vertical)
        split.setChildrenCollapsible(False)
        split.addWidget(self.player)
        split.addWidget(self._build_timeline())
        split.setSizes([420, 260])
        column.addWidget(split, stretch=1)
        return box

    def _build_actions(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.status = QLabel(objectName="caseStatus", wordWrap=True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        row.addWidget(self.status, stretch=1)
        self.draft_button = QPushButton(
            "Keep as &draft  (Ctrl+Shift+S)", objectName="keepDraftButton"
        )
        self.draft_button.setAccessibleName("Keep the case as a draft, outside the lessons")
        self.draft_button.clicked.connect(self.keep_draft)
        row.addWidget(self.draft_button)
        self.save_button = QPushButton("&Save  (Ctrl+S)", objectName="saveCaseButton")
        self.save_button.setAccessibleName("Save the case into the pack")
        self.save_button.clicked.connect(self.save)
        row.addWidget(self.save_button)
        for button in (self.draft_button, self.save_button):
            button.setAutoDefault(False)
        return row

    def _wire_timeline(self) -> None:
        self.player.cue_requested.connect(self._on_cue_requested)
        self.player.moment_marked.connect(self._on_moment_marked)
        for table in (self.cues, self.moments):
            table.seek_requested.connect(self.player.player.seek)
        self.cues.row_edited.connect(self._on_cue_edited)
        self.moments.row_edited.connect(self._on_moment_edited)
        self.cues.remove_requested.connect(lambda row: self._edit(self._editor().remove_cue, row))
        self.moments.remove_requested.connect(
            lambda row: self._edit(self._editor().remove_moment, row)
        )

    # --- showing a case ---------------------------------------------------------------------
    def open_case(
        self, editor: CaseEditor, decisions: list[tuple[str, str]], clause_ids: list[str]
    ) -> None:
        """Show `editor`'s case; decisions (id, label) and clauses are the pack's."""
        self.editor = editor
        self.form.set_pack(decisions, clause_ids)
        self.form.fill({key: editor.get(tuple(key.split("."))) for key in VALUE_KEYS})
        self.form.problems.boxes["video"].set_problems([])
        self._show_timeline()
        if self.question is not None:
            self.question.fill(editor.get(("mark_moment",)), editor.get(("moment_tolerance",)))
        self.dirty = False
        self.room.hide()
        clip = editor.video_path()
        if clip is not None and clip.is_file():
            self.player.load(clip)
        else:
            self.player.unload()
        self.check()

    def show_room(self, html_text: str) -> None:
        """The room's split and the disputes (opened from the dashboard), beside the clip."""
        self.room.setText(html_text)
        self.room.setVisible(bool(html_text))

    def _editor(self) -> CaseEditor:
        assert self.editor is not None, "no case is open"
        return self.editor

    def _show_timeline(self) -> None:
        editor = self._editor()
        self.cues.show_rows([(c.at, c.text) for c in editor.cues()])
        self.moments.show_rows([(m.start, m.end, m.label) for m in editor.moments()])

    # --- edits ------------------------------------------------------------------------------
    def _edit(self, change, *args, **kwargs) -> None:
        """Make one change to the case in memory, then re-check it shortly."""
        from calibrate.core.authoring.errors import AuthoringRefused

        try:
            change(*args, **kwargs)
        except AuthoringRefused as refused:
            self.status.setText(str(refused))
            return
        self.dirty = True
        self._show_timeline()
        self._timer.start()

    def _on_form_edited(self, key: str) -> None:
        editor = self._editor()
        if key == "golden":
            decision, clauses = self.form.golden()
            editor.set_golden(decision, clauses)
        else:
            editor.set(tuple(key.split(".")), self.form.value(key))
        self.dirty = True
        self.status.setText("Unsaved changes.")
        self._timer.start()

    def _on_question_edited(self, key: str, value: object) -> None:
        self._edit(self._editor().set, (key,), value)
        self.status.setText("Unsaved changes.")

    def _on_cue_requested(self, ms: int) -> None:
        index = self._editor().add_cue(ms / 1000, "")
        self._edit(lambda: None)
        self.status.setText(f"Cue added at {clip_time(ms)}: type what happens there.")
        self._edit_cell(self.cues, index, 1)

    def _on_moment_marked(self, start_ms: int, end_ms: int) -> None:
        index = self._editor().add_moment(start_ms / 1000, end_ms / 1000, "")
        self._edit(lambda: None)
        self.status.setText(f"Moment {clip_time(start_ms)}–{clip_time(end_ms)} added.")
        self._edit_cell(self.moments, index, 2)

    @staticmethod
    def _edit_cell(table: TimedTable, row: int, column: int) -> None:
        table.table.setCurrentCell(row, column)
        table.table.editItem(table.table.item(row, column))

    def _on_cue_edited(self, row: int, column: int, value: object) -> None:
        key = "at" if column == 0 else "text"
        self._edit(self._editor().edit_cue, row, **{key: value})

    def _on_moment_edited(self, row: int, column: int, value: object) -> None:
        key = ("start", "end", "label")[column]
        self._edit(self._editor().edit_moment, row, **{key: value})

    def _on_video_requested(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, "Choose the case's clip", str(start_folder()), VIDEO_FILTER
        )
        if path:
            remember_folder(Path(path))
            self.choose_video(Path(path))

    def choose_video(self, source: Path) -> bool:
        """Copy `source` into the pack as the case's clip; a clip libVLC cannot decode is
        refused, its reason shown under the field. True when chosen."""
        from calibrate.core.authoring.errors import AuthoringRefused
        from calibrate.player.probe import decode_problem

        box = self.form.problems.boxes["video"]
        try:
            name = self._editor().choose_video(source, decode_problem)
        except (AuthoringRefused, OSError) as refused:
            box.set_problems([f"{source.name}: {refused}"])
            return False
        box.set_problems([])
        self.form.video.setText(name)
        self.dirty = True
        clip = self._editor().video_path()
        if clip is not None:
            self.player.load(clip)
        self.check()
        return True

    # --- checking and saving ----------------------------------------------------------------
    def check(self) -> None:
        """Re-check this file now and show each problem at its field."""
        self._timer.stop()
        if self.editor is None:
            return
        self.blocking = self.form.problems.show(self.editor.check())
        self.save_button.setEnabled(not self.blocking)
        if self.blocking:
            self.save_button.setToolTip(
                f"{counted(len(self.blocking), 'problem')} to fix first (red, at their "
                "fields); Keep as draft works meanwhile."
            )
        else:
            self.save_button.setToolTip("")

    def save(self) -> bool:
        """Save into cases/ (asked first when the golden answer changed); True when saved."""
        from calibrate.core.authoring.errors import AuthoringRefused, FileInvalid

        self.check()
        editor = self._editor()
        if self.blocking:
            self.status.setText(
                f"Not saved: {counted(len(self.blocking), 'problem')} (red, at their fields). "
                "“Keep as draft” keeps your work outside the lessons."
            )
            return False
        change = editor.golden_change()
        if (
            change is not None
            and change.earlier_answers
            and not prompts.confirm(self, "The golden answer changed", golden_question(change))
        ):
            self.status.setText("Not saved: the golden answer is as you left it, unsaved.")
            return False
        try:
            path = editor.save()
        except FileInvalid as invalid:
            self.blocking = self.form.problems.show(invalid.problems)
            self.status.setText(f"Not saved: {invalid}")
            return False
        except (AuthoringRefused, OSError) as refused:
            self.status.setText(f"Not saved: {refused}")
            return False
        self.dirty = False
        self.status.setText(f"Saved {path.name}.")
        self.saved.emit(editor.case_id)
        return True

    def keep_draft(self) -> bool:
        from calibrate.core.authoring.errors import AuthoringRefused

        editor = self._editor()
        try:
            path = editor.save_draft()
        except (AuthoringRefused, OSError) as refused:
            self.status.setText(f"The draft was not kept: {refused}")
            return False
        self.dirty = False
        self.status.setText(
            f"Kept as a draft ({path}): not in any lesson until it is saved without problems."
        )
        self.draft_kept.emit(editor.case_id)
        return True

    def shutdown(self) -> None:
        self.player.shutdown()
