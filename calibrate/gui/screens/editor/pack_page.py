"""The pack editor: what the pack covers (title, policy and its version, description, pass
mark), the decision ladder and the clauses; pack.toml checked on each edit, saved with
Ctrl+S. The lessons of pack.toml have their own page (lesson_page.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from calibrate.core.errors import counted
from calibrate.core.wellness import (
    DEFAULT_BREAK_AFTER_MINUTES,
    MAX_BREAK_AFTER_MINUTES,
    SHIELD_WORDS,
    SHIELDS,
)
from calibrate.gui.screens.editor.field_problems import FieldProblems
from calibrate.gui.screens.editor.pack_lists import ClausesEditor, DecisionsEditor
from calibrate.gui.shortcuts import bind_keys

if TYPE_CHECKING:
    from calibrate.workspace.authoring import PackEditor

CHECK_DELAY_MS = 100
TEXT_KEYS = (("title", "&Title"), ("policy", "&Policy"), ("policy_version", "Policy &version"))


class PackPage(QWidget):
    saved = Signal()
    edited = Signal()  # pack.toml changed in memory (the navigation may need redrawing)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("packPage")
        self.pack: PackEditor | None = None
        self.dirty = False
        self.blocking: list = []
        self._filling = False
        self.problems = FieldProblems(QLabel(objectName="packGeneralProblems"))
        self.fields: dict[str, QLineEdit] = {}
        inner = QWidget()
        column = QVBoxLayout(inner)
        column.addWidget(self.problems.general)
        column.addWidget(self._build_about())
        self.decisions = DecisionsEditor()
        self.clauses = ClausesEditor()
        for title, editor, key in (
            ("Decisions: the ladder, least to most restrictive", self.decisions, "decisions"),
            ("Clauses of the policy", self.clauses, "clauses"),
        ):
            group = QGroupBox(title)
            QVBoxLayout(group).addWidget(self.problems.box(editor, key))
            column.addWidget(group)
            editor.changed.connect(self._on_edited)
            editor.refused.connect(self._on_refused)
        column.addWidget(self._build_wellness())
        column.addStretch(1)
        scroll = QScrollArea(objectName="packFieldsScroll")
        scroll.setWidget(inner)
        scroll.setWidgetResizable(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll, stretch=1)
        row = QHBoxLayout()
        self.status = QLabel(objectName="packStatus", wordWrap=True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        row.addWidget(self.status, stretch=1)
        self.save_button = QPushButton("&Save pack.toml  (Ctrl+S)", objectName="savePackButton")
        self.save_button.setAccessibleName("Save pack.toml")
        self.save_button.setAutoDefault(False)
        self.save_button.clicked.connect(self.save)
        row.addWidget(self.save_button)
        layout.addLayout(row)
        self._timer = QTimer(self, singleShot=True, interval=CHECK_DELAY_MS)
        self._timer.timeout.connect(self.check)
        bind_keys(self, ("Ctrl+S",), self.save)

    def _build_about(self) -> QGroupBox:
        group = QGroupBox("The pack")
        form = QFormLayout(group)
        for key, label in TEXT_KEYS:
            edit = QLineEdit(objectName=f"pack_{key}Field")
            edit.setAccessibleName(label.replace("&", ""))
            edit.textEdited.connect(lambda text, k=key: self._set(k, text))
            self.fields[key] = edit
            form.addRow(label, self.problems.box(edit, key))
        self.description = QPlainTextEdit(objectName="pack_descriptionField")
        self.description.setAccessibleName("Description")
        self.description.setTabChangesFocus(True)
        self.description.setMaximumHeight(90)
        self.description.textChanged.connect(self._on_description_changed)
        form.addRow("&Description", self.problems.box(self.description, "description"))
        self.pass_mark = QDoubleSpinBox(objectName="pack_pass_markField")
        self.pass_mark.setAccessibleName("Pass mark: share of cases right to pass a lesson")
        self.pass_mark.setRange(0, 100)
        self.pass_mark.setDecimals(0)
        self.pass_mark.setSuffix(" %")
        self.pass_mark.valueChanged.connect(
            lambda value: self._set("pass_mark", round(value / 100, 2))
        )
        form.addRow("Pass &mark (every lesson)", self.problems.box(self.pass_mark, "pass_mark"))
        return group

    def _build_wellness(self) -> QGroupBox:
        """[wellness]: the organisation's exposure care defaults (moderators may only be
        stricter)."""
        group = QGroupBox("Wellness: the organisation's defaults for warned clips")
        group.setObjectName("packWellnessGroup")
        form = QFormLayout(group)
        self.break_after = QSpinBox(objectName="pack_break_after_minutesField")
        self.break_after.setAccessibleName(
            "Suggest a break after this many minutes of warned clips"
        )
        self.break_after.setRange(0, MAX_BREAK_AFTER_MINUTES)
        self.break_after.setSpecialValueText(f"default ({DEFAULT_BREAK_AFTER_MINUTES} min)")
        self.break_after.setSuffix(" min")
        self.break_after.valueChanged.connect(self._on_wellness_edited)
        box = self.problems.box(self.break_after, "wellness.break_after_minutes")
        form.addRow("Suggest a &break after", box)
        row = QWidget()
        boxes = QHBoxLayout(row)
        boxes.setContentsMargins(0, 0, 0, 0)
        self.shield_boxes: dict[str, QCheckBox] = {}
        for name in SHIELDS:
            check = QCheckBox(SHIELD_WORDS[name], objectName=f"pack_shield_{name}")
            check.setAccessibleName(f"Warned clips start {SHIELD_WORDS[name]}")
            check.toggled.connect(self._on_wellness_edited)
            boxes.addWidget(check)
            self.shield_boxes[name] = check
        boxes.addStretch()
        form.addRow("Warned clips start", self.problems.box(row, "wellness.shields"))
        note = QLabel("Moderators may choose an earlier break or more shields, never fewer.")
        note.setWordWrap(True)
        form.addRow(note)
        return group

    def _fill_wellness(self, pack: PackEditor) -> None:
        minutes, shields = pack.wellness()
        self.break_after.setValue(minutes if isinstance(minutes, int) else 0)
        written = shields if isinstance(shields, list) else list(SHIELDS)
        for name, check in self.shield_boxes.items():
            check.setChecked(name in written)

    def _on_wellness_edited(self) -> None:
        if self._filling or self.pack is None:
            return
        shields = [name for name, check in self.shield_boxes.items() if check.isChecked()]
        self.pack.set_wellness(
            break_after_minutes=self.break_after.value() or None,
            shields=None if shields == list(SHIELDS) else shields,
        )
        self._on_edited()

    def open_pack(self, pack: PackEditor) -> None:
        self.pack = pack
        self._filling = True
        for key, edit in self.fields.items():
            edit.setText(str(pack.get(key) or ""))
        self.description.setPlainText(str(pack.get("description") or ""))
        mark = pack.get("pass_mark")
        self.pass_mark.setValue(80 if mark is None else float(mark) * 100)
        self._fill_wellness(pack)
        self._filling = False
        self.decisions.open_pack(pack)
        self.clauses.open_pack(pack)
        self.dirty = False
        self.check()

    def _set(self, key: str, value: str | float | None) -> None:
        if self._filling or self.pack is None:
            return
        self.pack.set(key, value)
        self._on_edited()

    def _on_description_changed(self) -> None:
        self._set("description", self.description.toPlainText() or None)

    def _on_edited(self) -> None:
        self.dirty = True
        self.status.setText("Unsaved changes to pack.toml.")
        self._timer.start()
        self.edited.emit()

    def _on_refused(self, reason: str) -> None:
        self.status.setText(reason)

    def check(self) -> None:
        self._timer.stop()
        if self.pack is None:
            return
        problems = [p for p in self.pack.check() if not (p.key_path or "").startswith("lessons")]
        self.blocking = self.problems.show(problems)
        self.save_button.setEnabled(not self.blocking)

    def save(self) -> bool:
        """Write pack.toml (its lessons too); refused, nothing written, while it has a
        problem."""
        from calibrate.core.authoring.errors import AuthoringRefused, FileInvalid

        if self.pack is None:
            return False
        self.check()
        try:
            self.pack.save()
        except FileInvalid as invalid:
            self.blocking = self.problems.show(invalid.problems)
            self.status.setText(
                f"Not saved: {counted(len(invalid.problems), 'problem')} in pack.toml "
                "(shown in red)."
            )
            return False
        except (AuthoringRefused, OSError) as refused:
            self.status.setText(f"Not saved: {refused}")
            return False
        self.dirty = False
        self.status.setText("Saved pack.toml.")
        self.saved.emit()
        return True
