"""The blind answer: decision (keys 1–9, ladder order), clause, confidence, note; submit or skip.

The answer changes only on purpose: decision and confidence buttons take no keyboard focus
(Space or an arrow on a focused one would pick it: keys 1–9, Ctrl+1…5 and clicks do), and
the clause list does no type-ahead (a letter meant for the note must not pick a clause).
"""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from calibrate.core.errors import listed
from calibrate.core.models import CONFIDENCE_LEVELS, AnswerDraft, Pack
from calibrate.gui import plain_text, theme
from calibrate.gui.shortcuts import is_typing_key
from calibrate.gui.widgets.moment_mark import MomentMark


class ClauseChoice(QComboBox):
    """The clause list: arrows (and the popup) choose; typed characters do not pick a clause
    by its first letter (Qt's keyboard search)."""

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt override
        if event.text() and is_typing_key(event):
            # Ignored, not searched: the form counts as a typing place, so the case's keys
            # apply again only after Esc or Enter leaves the list.
            event.ignore()
            return
        super().keyPressEvent(event)


class AnswerForm(QWidget):
    """Emits `submitted(AnswerDraft)` when complete; `skip_requested` for warned cases."""

    submitted = Signal(object)
    skip_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("answerForm")
        self._decision_ids: list[str] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self._build_decision(layout)
        self._build_clause(layout)
        self._build_confidence(layout)
        self.moment = MomentMark(self)  # shown for a case that asks "Where does it show?"
        layout.addWidget(self.moment)
        self._build_note(layout)
        self.missing = QLabel(objectName="answerMissing")
        self.missing.setWordWrap(True)
        layout.addWidget(self.missing)
        layout.addLayout(self._build_buttons())

    # --- building ---------------------------------------------------------------------------
    def _build_decision(self, layout: QVBoxLayout) -> None:
        """The title and the grid the pack's decisions go into (set_case fills it)."""
        self._decision_title = QLabel("<b>Your decision</b>", objectName="decisionTitle")
        layout.addWidget(self._decision_title)
        self._decision_box = QGridLayout()
        self._decision_box.setSpacing(6)
        layout.addLayout(self._decision_box)
        self.decisions = QButtonGroup(self)
        self.decisions.setExclusive(True)
        self.decisions.idToggled.connect(self._on_any_changed)

    def _build_clause(self, layout: QVBoxLayout) -> None:
        layout.addWidget(
            QLabel("<b>Policy clause</b> <span style='color:gray'>(C, then ↑/↓, Enter)</span>")
        )
        self.clause = ClauseChoice(objectName="clauseChoice")
        self.clause.setAccessibleName("Policy clause")
        self.clause.currentIndexChanged.connect(self._on_any_changed)
        layout.addWidget(self.clause)

    def _build_confidence(self, layout: QVBoxLayout) -> None:
        """One radio button per confidence level; they take no focus (keys Ctrl+1…5)."""
        layout.addWidget(
            QLabel("<b>How sure are you?</b> <span style='color:gray'>(Ctrl+1…5)</span>")
        )
        confidence_row = QHBoxLayout()
        self.confidence = QButtonGroup(self)
        for index, (probability, words) in enumerate(CONFIDENCE_LEVELS):
            button = QRadioButton(words, objectName=f"confidence{index}")
            button.setAccessibleName(f"Confidence: {words} ({probability:.0%})")
            button.setToolTip(f"About {probability:.0%} sure this is the intended decision")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            self.confidence.addButton(button, index)
            confidence_row.addWidget(button)
        confidence_row.addStretch()
        self.confidence.idToggled.connect(self._on_any_changed)
        layout.addLayout(confidence_row)

    def _build_note(self, layout: QVBoxLayout) -> None:
        layout.addWidget(
            QLabel(
                "<b>Note</b> <span style='color:gray'>(optional; N to write, Esc to leave)</span>"
            )
        )
        self.note = QPlainTextEdit(objectName="answerNote")
        self.note.setAccessibleName("Note")
        self.note.setPlaceholderText("What decided it for you?")
        self.note.setFixedHeight(56)
        self.note.setTabChangesFocus(True)
        layout.addWidget(self.note)

    def _build_buttons(self) -> QHBoxLayout:
        buttons = QHBoxLayout()
        self.skip_button = QPushButton("Skip this case", objectName="skipButton")
        self.skip_button.setAccessibleName("Skip this case (warned content, never scored wrong)")
        self.skip_button.clicked.connect(self.skip_requested)
        buttons.addWidget(self.skip_button)
        buttons.addStretch()
        self.submit_button = QPushButton("Submit answer  (Ctrl+Enter)", objectName="submitButton")
        self.submit_button.setAccessibleName("Submit answer")
        self.submit_button.setDefault(True)
        self.submit_button.clicked.connect(self.submit)
        buttons.addWidget(self.submit_button)
        return buttons

    def set_case(self, pack: Pack, allow_skip: bool, mark_moment: bool = False) -> None:
        """Fresh, empty form for a case of this pack (with "Where does it show?" when the
        case asks for a marked moment)."""
        for button in self.decisions.buttons():
            self.decisions.removeButton(button)
            button.deleteLater()
        self._decision_ids = []
        ladder = [d for d in pack.scale.decisions if d.on_ladder]
        apart = [d for d in pack.scale.decisions if not d.on_ladder]
        keys = min(len(ladder) + len(apart), 9)
        self._decision_title.setText(
            f"<b>Your decision</b> <span style='color:gray'>(keys 1–{keys})</span>"
        )
        for index, decision in enumerate([*ladder, *apart]):
            key = f"{index + 1}  " if index < 9 else ""
            button = QPushButton(f"{key}{decision.label}", objectName=f"decision_{decision.id}")
            button.setCheckable(True)
            button.setAccessibleName(f"Decision: {decision.label}")
            button.setToolTip(
                plain_text.tooltip(
                    f"{decision.label}: {decision.description}"
                    if decision.description
                    else decision.label
                )
            )
            button.setMinimumHeight(34)
            # However long a pack's label, the buttons share the form's width (the tooltip
            # has it in full).
            button.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            # A checked decision must be unmistakable at a glance, in light and dark palettes.
            style = (
                f"QPushButton:checked {{ background: {theme.ACCENT}; color: white;"
                f" font-weight: bold; border: 2px solid {theme.ACCENT}; }}"
            )
            if not decision.on_ladder:
                style += " QPushButton { font-style: italic; }"
            button.setStyleSheet(style)
            self.decisions.addButton(button, index)
            row, column = divmod(index, 3)
            self._decision_box.addWidget(button, row, column)
            self._decision_ids.append(decision.id)
        self._fill_clauses(pack)
        self.confidence.setExclusive(False)
        for button in self.confidence.buttons():
            button.setChecked(False)
        self.confidence.setExclusive(True)
        self.note.clear()
        self.moment.set_mark(None)
        self.moment.setVisible(mark_moment)
        self.skip_button.setVisible(allow_skip)
        self.set_enabled(True)
        self._on_any_changed()

    def _fill_clauses(self, pack: Pack) -> None:
        """The pack's clauses, none chosen (their summaries as tooltips)."""
        self.clause.blockSignals(True)
        self.clause.clear()
        self.clause.addItem("— choose the clause that decides it —", None)
        for clause in pack.clauses:
            self.clause.addItem(f"{clause.id} · {clause.title}", clause.id)
            self.clause.setItemData(
                self.clause.count() - 1,
                plain_text.tooltip(clause.summary),
                Qt.ItemDataRole.ToolTipRole,
            )
        self.clause.blockSignals(False)

    def choose_decision(self, index: int) -> bool:
        """Keys 1–9: pick the index-th decision (0-based); False if there is none."""
        button = self.decisions.button(index)
        if button is None or not button.isEnabled():
            return False
        button.setChecked(True)
        return True

    def choose_confidence(self, index: int) -> bool:
        """Ctrl+1…5: pick a confidence step (0-based); False if there is none."""
        button = self.confidence.button(index)
        if button is None or not button.isEnabled():
            return False
        button.setChecked(True)
        return True

    def focus_clause(self) -> None:
        """C: put the keyboard on the clause list (arrows then pick a clause)."""
        self.clause.setFocus()

    def focus_note(self) -> None:
        """N: put the keyboard in the note (Esc leaves it)."""
        self.note.setFocus()

    def set_enabled(self, enabled: bool) -> None:
        for widget in (
            *self.decisions.buttons(),
            self.clause,
            *self.confidence.buttons(),
            self.note,
            self.submit_button,
            self.skip_button,
            self.moment,
        ):
            widget.setEnabled(enabled)

    def draft(self) -> AnswerDraft | None:
        """The answer as filled in, or None while something required is missing."""
        decision_index = self.decisions.checkedId()
        confidence_index = self.confidence.checkedId()
        clause = self.clause.currentData()
        if decision_index < 0 or confidence_index < 0 or clause is None:
            return None
        return AnswerDraft(
            decision=self._decision_ids[decision_index],
            clause=clause,
            confidence=CONFIDENCE_LEVELS[confidence_index][0],
            note=self.note.toPlainText().strip(),
            marked_moment=self.moment.seconds if self.moment.isVisibleTo(self) else None,
        )

    def _missing_parts(self) -> list[str]:
        missing = []
        if self.decisions.checkedId() < 0:
            missing.append("a decision")
        if self.clause.currentData() is None:
            missing.append("the clause")
        if self.confidence.checkedId() < 0:
            missing.append("how sure you are")
        return missing

    def _on_any_changed(self, *_: object) -> None:
        missing = self._missing_parts()
        self.submit_button.setEnabled(not missing and self.clause.isEnabled())
        self.missing.setText(
            f"To submit, choose {listed(missing)}."
            if missing
            else "Ready. Your answer is final once submitted."
        )

    def submit(self) -> None:
        """Ctrl+Enter or the button: emit the answer if it is complete."""
        draft = self.draft()
        if draft is not None and self.submit_button.isEnabled():
            self.submitted.emit(draft)
