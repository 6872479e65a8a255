"""Resolving a disputed golden answer from the dashboard's disputes table (trainer passcode).

A trainer upholds the golden or marks it changed, with a reply the moderator who filed the
dispute reads on their home screen. The golden itself is changed in the case editor; here the
resolution records "changed" and, when the trainer has it, the new case version's hash.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from calibrate.gui import prompts
from calibrate.gui.widgets.table_model import ROW_ROLE

if TYPE_CHECKING:
    from calibrate.core.lead.sections.completion import DisputeRow
    from calibrate.gui.screens.dashboard.screen import DashboardScreen
    from calibrate.workspace.disputes import DisputesManager

OUTCOME_WORDS = {"upheld": "Golden upheld", "changed": "Golden changed"}


class ResolveDisputeDialog(QDialog):
    """Uphold / Golden changed, a reply, and (changed) the new case version's hash."""

    def __init__(
        self,
        dispute: DisputeRow,
        disputes: DisputesManager,
        case_title: str = "",
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.setObjectName("resolveDisputeDialog")
        self.setWindowTitle("Resolve dispute")
        self.setMinimumWidth(520)
        self.dispute, self._disputes = dispute, disputes
        self.resolution_id: str | None = None
        layout = QVBoxLayout(self)
        about = QLabel(objectName="resolveDisputeAbout", wordWrap=True)
        about.setTextFormat(Qt.TextFormat.RichText)
        about.setText(_about(dispute, case_title))
        layout.addWidget(about)
        self.uphold = QRadioButton("Uphold the golden answer", objectName="resolveUphold")
        self.changed = QRadioButton(
            "Golden changed (the case editor changes the file)", objectName="resolveChanged"
        )
        self.outcome = QButtonGroup(self)
        for button in (self.uphold, self.changed):
            self.outcome.addButton(button)
            layout.addWidget(button)
        form = QFormLayout()
        self.reply = QPlainTextEdit(objectName="resolveReply")
        self.reply.setPlaceholderText("Your reply to the moderator who disputed it")
        self.reply.setAccessibleName("Reply to the moderator")
        self.reply.setTabChangesFocus(True)
        self.reply.setFixedHeight(110)
        form.addRow("Reply", self.reply)
        self.new_hash = QLineEdit(objectName="resolveNewCaseHash")
        self.new_hash.setPlaceholderText("optional: the new case version's hash")
        self.new_hash.setAccessibleName("New case version hash (optional)")
        form.addRow("New version", self.new_hash)
        layout.addLayout(form)
        self.error = QLabel(objectName="resolveError", wordWrap=True)
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setStyleSheet("color: #D55E00")
        layout.addWidget(self.error)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Record resolution")
        self.buttons.accepted.connect(self._on_record)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.changed.toggled.connect(self.new_hash.setEnabled)
        (self.changed if dispute.resolution == "changed" else self.uphold).setChecked(True)
        self.new_hash.setEnabled(self.changed.isChecked())
        self.reply.setFocus()

    def _on_record(self) -> None:
        outcome = "changed" if self.changed.isChecked() else "upheld"
        new_hash = self.new_hash.text() if outcome == "changed" else None
        try:
            self.resolution_id = self._disputes.resolve(
                self.dispute.id, outcome, self.reply.toPlainText(), new_hash
            )
        except ValueError as problem:
            self.error.setText(_in_words(str(problem)))
            return
        self.accept()


def _about(d: DisputeRow, case_title: str) -> str:
    """The dispute as the trainer needs it: the case, what was chosen, the note, and the
    resolution so far."""
    case = html.escape(case_title or d.case)
    lines = [
        f"<b>{case}</b> <span style='color: palette(placeholder-text)'>"
        f"({html.escape(d.pack)}/{html.escape(d.case)})</span>",
        f"Disputed {html.escape(d.created_at[:10])} by a moderator who chose "
        f"<i>{html.escape(d.chosen or 'nothing (skipped)')}</i>:",
        f"“{html.escape(' '.join(d.note.split()))}”",
    ]
    if d.resolution:
        lines.append(
            f"So far: <b>{OUTCOME_WORDS.get(d.resolution, d.resolution)}</b> on "
            f"{html.escape((d.resolved_at or '')[:10])}. A new resolution replaces it."
        )
    return "<br>".join(lines)


def _in_words(problem: str) -> str:
    """The store's refusal as the trainer reads it."""
    if "reply" in problem and "non-empty" in problem:
        return "Write a reply: the moderator who disputed it will read it."
    return problem[0].upper() + problem[1:] + "."


class DisputeResolver:
    """The disputes table's "Resolve…" button and double-click, behind the trainer passcode
    (asked once per visit to the dashboard)."""

    def __init__(self, screen: DashboardScreen):
        self.screen = screen
        self.unlocked = False
        panel = screen.tables["disputes"]
        self.button = QPushButton("Resolve…", objectName="resolveDisputeButton")
        self.button.setAccessibleName("Resolve the selected dispute (trainer passcode)")
        self.button.setToolTip("Uphold the golden answer or mark it changed, with a reply")
        self.button.clicked.connect(self._on_resolve_clicked)
        panel.add_action(self.button)
        panel.row_activated.connect(self.resolve_row)
        screen.leave_requested.connect(self._lock)

    def _lock(self) -> None:
        self.unlocked = False

    def _on_resolve_clicked(self) -> None:
        index = self.screen.tables["disputes"].table.currentIndex()
        if not index.isValid():
            prompts.inform(self.screen, "Resolve dispute", "Choose a dispute in the table first.")
            return
        self.resolve_row(index.data(ROW_ROLE))

    def resolve_row(self, row: int) -> None:
        """Resolve the dispute of table row `row`; the dashboard refreshes after."""
        result = self.screen.result
        if result is None or not 0 <= row < len(result.dashboard.disputes.disputes):
            return
        dispute = result.dashboard.disputes.disputes[row]
        if not self.unlocked:
            from calibrate.gui.passcode_dialog import PasscodeDialog

            passcode = PasscodeDialog(self.screen.context.profiles, "trainer", self.screen)
            if prompts.run_dialog(passcode) != QDialog.DialogCode.Accepted:
                return
            self.unlocked = True
        ws = self.screen.context
        case = next(
            (p.cases.get(dispute.case) for p in ws.library.packs if p.id == dispute.pack), None
        )
        dialog = ResolveDisputeDialog(dispute, ws.disputes, case.title if case else "", self.screen)
        if prompts.run_dialog(dialog) == QDialog.DialogCode.Accepted:
            self.screen.refresh()
