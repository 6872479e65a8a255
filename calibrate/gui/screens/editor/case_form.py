"""The case editor's fields: every key of a case file, each in a FieldBox that shows its
problems (field_problems.py). The form only shows and reads values; case_page.py writes them
to the CaseEditor and checks them."""

from __future__ import annotations

import typing
from collections.abc import Iterable

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from calibrate.core.lessons.schema import Difficulty, Severity, Warning_
from calibrate.gui.screens.editor.field_problems import FieldProblems
from calibrate.gui.screens.editor.markdown_editor import MarkdownEditor
from calibrate.gui.screens.lesson.warning_card import WARNING_WORDS

SEVERITIES = typing.get_args(Severity)
DIFFICULTIES = typing.get_args(Difficulty)
WARNINGS = typing.get_args(Warning_)
# Single-line context texts: (key under [context], label).
CONTEXT_LINES = (
    ("caption", "Caption"),
    ("on_screen_text", "On-screen text"),
    ("report_reason", "Report reason"),
    ("audio", "Audio"),
)


def _checklist(name: str, accessible: str, rows: int = 5) -> QListWidget:
    box = QListWidget(objectName=name)
    box.setAccessibleName(accessible)
    box.setMaximumHeight(box.sizeHintForRow(0) * rows + 12 if box.count() else 22 * rows)
    return box


def _set_checked(box: QListWidget, items: Iterable[tuple[str, str]], chosen: Iterable[str]):
    wanted = set(chosen)
    box.blockSignals(True)
    box.clear()
    for value, text in items:
        item = QListWidgetItem(text, box)
        item.setData(Qt.ItemDataRole.UserRole, value)
        item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
        item.setCheckState(Qt.CheckState.Checked if value in wanted else Qt.CheckState.Unchecked)
    box.blockSignals(False)


def checked(box: QListWidget) -> list[str]:
    return [
        box.item(i).data(Qt.ItemDataRole.UserRole)
        for i in range(box.count())
        if box.item(i).checkState() == Qt.CheckState.Checked
    ]


class CaseForm(QWidget):
    """The fields; `edited(key)` says which one the trainer changed."""

    edited = Signal(str)  # "title", "context.caption", "golden", "rationale", …
    video_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("caseForm")
        self._filling = False
        self.problems = FieldProblems(QLabel(objectName="caseGeneralProblems"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.problems.general)
        layout.addWidget(self._build_about())
        layout.addWidget(self._build_context())
        layout.addWidget(self._build_answer())

    # --- building ---------------------------------------------------------------------------
    def _line(self, name: str, key: str, accessible: str) -> QLineEdit:
        edit = QLineEdit(objectName=name)
        edit.setAccessibleName(accessible)
        edit.textEdited.connect(lambda _text: self._on_edited(key))
        return edit

    def _combo(self, name: str, key: str, accessible: str, items) -> QComboBox:
        combo = QComboBox(objectName=name)
        combo.setAccessibleName(accessible)
        for value, text in items:
            combo.addItem(text, value)
        combo.currentIndexChanged.connect(lambda _i: self._on_edited(key))
        return combo

    def _build_about(self) -> QGroupBox:
        group = QGroupBox("The case")
        form = QFormLayout(group)
        self.case_id = QLabel(objectName="caseIdLabel")
        self.case_id.setTextFormat(Qt.TextFormat.PlainText)
        form.addRow("Id (the file name)", self.case_id)
        self.title = self._line("caseTitleField", "title", "Case title")
        form.addRow("&Title", self.problems.box(self.title, "title"))
        video_row = QWidget()
        row = QHBoxLayout(video_row)
        row.setContentsMargins(0, 0, 0, 0)
        self.video = QLabel(objectName="caseVideoLabel")
        self.video.setTextFormat(Qt.TextFormat.PlainText)
        self.video.setAccessibleName("The case's clip")
        row.addWidget(self.video, stretch=1)
        self.video_button = QPushButton("Choose &video…", objectName="chooseVideoButton")
        self.video_button.setAccessibleName("Choose the clip; it is copied into the pack")
        self.video_button.setAutoDefault(False)
        self.video_button.clicked.connect(self.video_requested)
        row.addWidget(self.video_button)
        form.addRow("Video", self.problems.box(video_row, "video"))
        self.severity = self._combo(
            "caseSeverityField", "severity", "Severity", [(s, s) for s in SEVERITIES]
        )
        form.addRow("Se&verity", self.problems.box(self.severity, "severity"))
        self.difficulty = self._combo(
            "caseDifficultyField",
            "difficulty",
            "Difficulty",
            [("", "(not said)"), *((d, d) for d in DIFFICULTIES)],
        )
        form.addRow("&Difficulty", self.problems.box(self.difficulty, "difficulty"))
        self.warnings = _checklist("caseWarningsField", "Content warnings", rows=4)
        _set_checked(self.warnings, [(w, WARNING_WORDS.get(w, w)) for w in WARNINGS], ())
        self.warnings.itemChanged.connect(lambda _item: self._on_edited("warnings"))
        form.addRow("Content &warnings", self.problems.box(self.warnings, "warnings"))
        return group

    def _build_context(self) -> QGroupBox:
        group = QGroupBox("What the moderator sees beside the clip")
        form = QFormLayout(group)
        self.context: dict[str, QLineEdit] = {}
        for key, label in CONTEXT_LINES:
            edit = self._line(f"context_{key}Field", f"context.{key}", label)
            self.context[key] = edit
            form.addRow(label, self.problems.box(edit, f"context.{key}"))
        self.hashtags = self._line("context_hashtagsField", "context.hashtags", "Hashtags")
        self.hashtags.setPlaceholderText("#one #two (separated by spaces)")
        form.addRow("Hashtags", self.problems.box(self.hashtags, "context.hashtags"))
        self.account = QPlainTextEdit(objectName="context_accountField")
        self.account.setAccessibleName("Account facts, one per line")
        self.account.setPlaceholderText("One fact per line")
        self.account.setTabChangesFocus(True)
        self.account.setMaximumHeight(80)
        self.account.textChanged.connect(lambda: self._on_edited("context.account"))
        form.addRow("Account facts", self.problems.box(self.account, "context.account"))
        return group

    def _build_answer(self) -> QGroupBox:
        group = QGroupBox("The golden answer (shown only at the reveal)")
        form = QFormLayout(group)
        golden = QWidget()
        column = QVBoxLayout(golden)
        column.setContentsMargins(0, 0, 0, 0)
        self.decision = QComboBox(objectName="goldenDecisionField")
        self.decision.setAccessibleName("Golden decision")
        self.decision.currentIndexChanged.connect(lambda _i: self._on_edited("golden"))
        column.addWidget(self.decision)
        self.clauses = _checklist("goldenClausesField", "Golden clauses", rows=5)
        self.clauses.itemChanged.connect(lambda _item: self._on_edited("golden"))
        column.addWidget(self.clauses)
        form.addRow("&Golden decision\nand clauses", self.problems.box(golden, "golden"))
        self.rationale = MarkdownEditor(self, name="rationaleEditor", label="Rationale")
        self.rationale.setMinimumHeight(220)
        self.rationale.changed.connect(lambda: self._on_edited("rationale"))
        form.addRow("&Rationale", self.problems.box(self.rationale, "rationale"))
        return group

    # --- values -----------------------------------------------------------------------------
    def _on_edited(self, key: str) -> None:
        if not self._filling:
            self.edited.emit(key)

    def set_pack(self, decisions: list[tuple[str, str]], clause_ids: list[str]) -> None:
        """The pack's decisions (id, label) and clause ids the golden answer chooses from."""
        self._filling = True
        self.decision.clear()
        self.decision.addItem("(choose the golden decision)", "")
        for decision_id, label in decisions:
            self.decision.addItem(f"{label}  ({decision_id})", decision_id)
        self._clause_ids = list(clause_ids)
        self.rationale.set_clause_ids(clause_ids)
        self._filling = False

    def fill(self, values: dict[str, typing.Any]) -> None:
        """Show a case's values (key → value as written; None when absent)."""
        self._filling = True
        try:
            self.case_id.setText(str(values.get("id") or ""))
            self.title.setText(str(values.get("title") or ""))
            self.video.setText(str(values.get("video") or "No clip chosen yet."))
            self._choose(self.severity, values.get("severity") or "medium")
            self._choose(self.difficulty, values.get("difficulty") or "")
            warnings = values.get("warnings") or []
            _set_checked(self.warnings, [(w, WARNING_WORDS.get(w, w)) for w in WARNINGS], warnings)
            for key, edit in self.context.items():
                edit.setText(str(values.get(f"context.{key}") or ""))
            self.hashtags.setText(" ".join(values.get("context.hashtags") or []))
            self.account.setPlainText("\n".join(values.get("context.account") or []))
            self._choose(self.decision, values.get("golden.decision") or "")
            chosen = values.get("golden.clauses") or []
            ids = self._clause_ids + [c for c in chosen if c not in self._clause_ids]
            _set_checked(self.clauses, [(c, c) for c in ids], chosen)
            self.rationale.set_text(str(values.get("rationale") or ""))
        finally:
            self._filling = False

    @staticmethod
    def _choose(combo: QComboBox, value: str) -> None:
        index = combo.findData(value)
        if index < 0:  # a value the file has but the list does not: shown, so it can be fixed
            combo.addItem(f"{value}  (not in the pack)", value)
            index = combo.count() - 1
        combo.setCurrentIndex(index)

    def value(self, key: str) -> typing.Any:
        """The field's value as the file would hold it (None: leave the key out)."""
        if key == "title":
            return self.title.text()
        if key == "severity":
            return self.severity.currentData()
        if key == "difficulty":
            return self.difficulty.currentData() or None
        if key == "warnings":
            return checked(self.warnings) or None
        if key == "context.hashtags":
            return self.hashtags.text().split() or None
        if key == "context.account":
            lines = [line.strip() for line in self.account.toPlainText().splitlines()]
            return [line for line in lines if line] or None
        if key.startswith("context."):
            return self.context[key.split(".", 1)[1]].text() or None
        if key == "rationale":
            return self.rationale.text()
        raise KeyError(key)

    def golden(self) -> tuple[str, list[str]]:
        return str(self.decision.currentData() or ""), checked(self.clauses)
