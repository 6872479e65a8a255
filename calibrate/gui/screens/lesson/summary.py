"""The end of a lesson: score, clause accuracy, skips, time, and each miss with its rationale."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from calibrate.core.models import Pack
from calibrate.core.summary import SessionSummary
from calibrate.gui import plain_text, theme
from calibrate.gui.shortcuts import bind_keys
from calibrate.gui.widgets.markdown_view import MarkdownView


def duration(seconds: float) -> str:
    minutes, rest = divmod(int(round(seconds)), 60)
    return f"{minutes} min {rest:02d} s" if minutes else f"{rest} s"


def moments_line(summary: SessionSummary) -> str:
    """ "Where does it show?" beside the score (never in it); empty when no case asked."""
    if not summary.moments_asked:
        return ""
    unmarked = summary.moments_asked - summary.moments_marked
    return (
        f"<p style='font-size:11.5pt'>Where does it show? {summary.moments_hit} of "
        f"{summary.moments_marked} marks on the golden moment"
        f"{f' · {unmarked} not marked' if unmarked else ''} (not part of the score)</p>"
    )


class SummaryScreen(QWidget):
    done_requested = Signal()
    retake_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("summaryScreen")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(32, 20, 32, 16)
        self.headline = QLabel(objectName="summaryHeadline")
        self.headline.setTextFormat(Qt.TextFormat.RichText)
        plain_text.fit_to_width(self.headline)
        layout.addWidget(self.headline)
        self.misses = MarkdownView(self, name="summaryMisses")
        self.misses.setAccessibleName("Cases you missed, with their rationale")
        layout.addWidget(self.misses, stretch=1)
        buttons = QHBoxLayout()
        buttons.addStretch()
        self.retake_button = QPushButton("Retake this lesson", objectName="retakeButton")
        self.retake_button.setAccessibleName("Retake this lesson")
        self.retake_button.clicked.connect(self.retake_requested)
        buttons.addWidget(self.retake_button)
        self.done_button = QPushButton("Back to lessons  (Enter)", objectName="summaryDoneButton")
        self.done_button.setAccessibleName("Back to the lesson list")
        self.done_button.setDefault(True)
        self.done_button.setMinimumHeight(36)
        self.done_button.clicked.connect(self.done_requested)
        buttons.addWidget(self.done_button)
        layout.addLayout(buttons)
        bind_keys(self, ("Return", "Enter"), self.done_requested.emit)

    def set_room_mode(self) -> None:
        """After a live room: no retake from here (the trainer runs the room)."""
        self.retake_button.hide()
        self.done_button.setText("Done  (Enter)")
        self.done_button.setAccessibleName("Leave the room's summary")

    def show_summary(self, pack: Pack, lesson_title: str, summary: SessionSummary) -> None:
        if summary.score is None:
            score_line = (
                "<span style='font-size:22pt'>No scored answers</span> — every case was skipped."
            )
        else:
            colour = theme.CORRECT if summary.passed else theme.WRONG
            verdict = "Passed" if summary.passed else "Below the pass mark"
            score_line = (
                f"<span style='font-size:26pt; color:{colour}'><b>"
                f"{summary.correct} of {summary.answered} right "
                f"({summary.score:.0%})</b></span>&nbsp;&nbsp;"
                f"<span style='font-size:14pt; color:{colour}'>{verdict} "
                f"(pass mark {summary.pass_mark:.0%})</span>"
            )
        clause = (
            "—"
            if summary.clause_accuracy is None
            else f"{summary.clause_correct} of {summary.answered} ({summary.clause_accuracy:.0%})"
        )
        self.headline.setText(
            f"<p style='font-size:11pt'>{html.escape(lesson_title)} · summary</p>{score_line}"
            f"<p style='font-size:11.5pt'>Deciding clause named: {clause} · skipped: "
            f"{summary.skipped} (never scored as wrong) · time taken: "
            f"{duration(summary.seconds)}</p>{moments_line(summary)}"
        )
        parts = []
        if summary.misses:
            parts.append("## Cases to look at again\n")
            for miss in summary.misses:
                chosen = pack.scale.get(miss.answer.decision)
                golden = pack.scale.get(miss.case.golden.decision)
                parts.append(
                    f"### {miss.case.title}\n\nYou chose **{chosen.label if chosen else '?'}**; "
                    f"the golden answer is **{golden.label}** under "
                    f"{', '.join(miss.case.golden.clauses)}.\n\n{miss.case.rationale}\n"
                )
        else:
            parts.append("## No misses\n\nEvery answered case matched the golden decision.\n")
        if summary.clause_misses:
            parts.append(
                "## Right call, other clause\n\nScored right; the guidance decides "
                "these under another clause.\n"
            )
            for miss in summary.clause_misses:
                parts.append(
                    f"### {miss.case.title}\n\nYou named **{miss.answer.clause or 'no clause'}**; "
                    f"the deciding clause is {', '.join(miss.case.golden.clauses)}.\n\n"
                    f"{miss.case.rationale}\n"
                )
        self.misses.set_markdown("\n".join(parts), [c.id for c in pack.clauses])
        self.done_button.setFocus()
