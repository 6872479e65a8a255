"""The reveal: your answer against the golden one, the clause, the rationale, the room's split."""

from __future__ import annotations

import html
from collections import Counter
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from calibrate.core.models import CONFIDENCE_LEVELS, Answer, Case, Pack
from calibrate.core.moments import HIT, UNMARKED, milliseconds, score_mark
from calibrate.core.scoring import Outcome, score_answer
from calibrate.core.watching import answered_unwatched
from calibrate.gui import plain_text, theme
from calibrate.gui.screens.lesson.show_me import SHOW_ME_KEY, ShowMePanel
from calibrate.gui.shortcuts import bind_keys
from calibrate.gui.widgets.markdown_view import MarkdownView
from calibrate.player.clock import format_clock

if TYPE_CHECKING:
    from calibrate.gui.widgets.chart_canvas import ChartCanvas


DIRECTION_WORDS = {
    Outcome.OVER: " — over-enforcement (more restrictive than intended)",
    Outcome.UNDER: " — under-enforcement (less restrictive than intended)",
    Outcome.MISSED_ESCALATION: " — a missed escalation is a critical error",
    Outcome.UNNEEDED_ESCALATION: " — an escalation the case did not need",
}


def clock(seconds: float) -> str:
    """A time in a clip as the player shows it (0:04.2)."""
    return format_clock(milliseconds(seconds))


def confidence_words(probability: float | None) -> str:
    for value, words in CONFIDENCE_LEVELS:
        if probability is not None and abs(value - probability) < 1e-9:
            return words
    return "—" if probability is None else f"{probability:.0%}"


class RevealScreen(QWidget):
    next_requested = Signal()
    dispute_requested = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("revealScreen")
        self._in_room = False
        outer = QVBoxLayout(self)
        outer.setContentsMargins(24, 14, 24, 14)
        self._build_verdict(outer)
        columns = QHBoxLayout()
        columns.setSpacing(20)
        outer.addLayout(columns, stretch=1)
        columns.addLayout(self._build_golden_column(), stretch=3)
        columns.addLayout(self._build_split_column(), stretch=2)
        outer.addLayout(self._build_buttons())
        bind_keys(self, ("Return", "Enter", "N"), self.next_requested.emit)
        bind_keys(self, (SHOW_ME_KEY,), self.show_me.show_next)

    # --- building ---------------------------------------------------------------------------
    def _build_verdict(self, outer: QVBoxLayout) -> None:
        """The heading, your answer against the golden one, and the 'unwatched' flag."""
        self.heading = plain_text.fit_to_width(QLabel(objectName="revealHeading"))
        outer.addWidget(self.heading)
        self.verdict = QLabel(objectName="revealVerdict")
        self.verdict.setTextFormat(Qt.TextFormat.RichText)
        plain_text.fit_to_width(self.verdict)
        outer.addWidget(self.verdict)
        self.unwatched = QLabel(objectName="revealUnwatched")
        self.unwatched.setTextFormat(Qt.TextFormat.PlainText)
        # Dark text on the warning amber (as the demo banner): amber text on the light
        # theme's grey read at about 2:1.
        self.unwatched.setStyleSheet(
            f"background: {theme.WARNING}; color: #1b1d21; "
            "font-weight: bold; padding: 2px 8px; border-radius: 3px;"
        )
        self.unwatched.hide()
        outer.addWidget(self.unwatched, alignment=Qt.AlignmentFlag.AlignLeft)

    def _build_golden_column(self) -> QVBoxLayout:
        """The golden answer with its clauses and moments, then the rationale."""
        left = QVBoxLayout()
        self.golden = QLabel(objectName="revealGolden")
        plain_text.fit_to_width(self.golden)
        self.golden.setTextFormat(Qt.TextFormat.RichText)
        left.addWidget(self.golden)
        self.show_me = ShowMePanel(self)  # the golden moments, looped (after the answer only)
        left.addWidget(self.show_me, stretch=2)
        self.rationale = MarkdownView(self, name="revealRationale")
        self.rationale.setAccessibleName("Rationale")
        left.addWidget(self.rationale, stretch=1)
        return left

    def _build_split_column(self) -> QVBoxLayout:
        """How the room decided (a chart, made on the first reveal), then the dispute button."""
        right = QVBoxLayout()
        self.split_title = QLabel(objectName="splitTitle")
        self.split_title.setWordWrap(True)
        right.addWidget(self.split_title)
        # matplotlib loads on the first reveal, not at start-up (it costs ~0.3 s to import).
        self.chart: ChartCanvas | None = None
        self._chart_slot = QVBoxLayout()
        right.addLayout(self._chart_slot, stretch=1)
        self.split_caption = QLabel(objectName="splitCaption")
        self.split_caption.setWordWrap(True)
        right.addWidget(self.split_caption)
        self._dispute_line = QFrame()
        self._dispute_line.setFrameShape(QFrame.Shape.HLine)
        right.addWidget(self._dispute_line)
        self.dispute_button = QPushButton("Dispute this golden answer…", objectName="disputeButton")
        self.dispute_button.setAccessibleName("Dispute this golden answer")
        self.dispute_button.setToolTip("Think the intended answer is wrong? Tell the trainers why.")
        self.dispute_button.clicked.connect(self.dispute_requested)
        right.addWidget(self.dispute_button)
        self.dispute_status = QLabel(objectName="disputeStatus")
        right.addWidget(self.dispute_status)
        return right

    def _build_buttons(self) -> QHBoxLayout:
        buttons = QHBoxLayout()
        self.recorded = QLabel(objectName="recordedStatus")
        buttons.addWidget(self.recorded)
        buttons.addStretch()
        self.next_button = QPushButton("Next case  ▶  (Enter)", objectName="revealNextButton")
        self.next_button.setAccessibleName("Continue")
        self.next_button.setDefault(True)
        self.next_button.setMinimumWidth(200)
        self.next_button.setMinimumHeight(36)
        self.next_button.clicked.connect(self.next_requested)
        buttons.addWidget(self.next_button)
        return buttons

    def set_room_mode(self) -> None:
        """A live room: the trainer moves on (no Next), the split is the room's, and a
        dispute waits for the lesson list (a dialog here would outlast the reveal)."""
        self._in_room = True
        self.next_button.hide()
        self.dispute_button.hide()
        self._dispute_line.hide()

    # --- showing ----------------------------------------------------------------------------
    def show_reveal(
        self,
        pack: Pack,
        case: Case,
        answer: Answer | None,
        split: Counter[str],
        position: str,
        is_last: bool,
    ) -> None:
        """Show a recorded answer against the golden one (the flow calls this only after
        the answer is recorded: DESIGN.md, "Blind means blind")."""
        self.heading.setText(
            f"<span style='font-size:11pt'>{position} · {html.escape(case.title)}</span>"
        )
        self.verdict.setText(verdict_html(pack, case, answer))
        self._show_unwatched(answer)
        mark = "" if answer is None else mark_html(case, answer)  # a room's latecomer: none
        self.golden.setText(golden_html(pack, case) + mark)
        self.show_me.set_case(case)
        self.rationale.set_markdown(
            "### Rationale\n\n" + case.rationale, [c.id for c in pack.clauses]
        )
        self._show_split(pack, case, answer, split)
        self.dispute_button.setEnabled(True)
        self.dispute_status.clear()
        self.recorded.setText(
            "You did not answer this case."
            if answer is None
            else "✓ Your skip is recorded (not scored)."
            if answer.skipped
            else "✓ Your answer is recorded."
        )
        if self._in_room:
            self.recorded.setText(self.recorded.text() + " The trainer moves the room on.")
        self.next_button.setText(
            "See your summary  ▶  (Enter)" if is_last else "Next case  ▶  (Enter)"
        )
        self.next_button.setFocus()

    def _show_unwatched(self, answer: Answer | None) -> None:
        unwatched = (
            answer is not None
            and not answer.skipped
            and answered_unwatched(answer.watched_share, answer.clip_unavailable)
        )
        self.unwatched.setText(
            f"You answered without watching the clip ({answer.watched_share:.0%} of it shown)."
            if unwatched and answer is not None
            else ""
        )
        self.unwatched.setVisible(bool(unwatched))

    def _show_split(
        self, pack: Pack, case: Case, answer: Answer | None, split: Counter[str]
    ) -> None:
        """The room's answers to this case: title, chart and caption."""
        total = sum(split.values())
        self.split_title.setText(f"<b>How everyone decided</b> (N = {total})")
        from calibrate.charts.figures import decision_split_figure
        from calibrate.gui.widgets.chart_canvas import ChartCanvas

        figure = decision_split_figure(
            split,
            [(d.id, d.label) for d in pack.scale.decisions],
            case.golden.decision,
            answer.decision if answer is not None else None,
            dark=theme.is_dark(QApplication.instance()),
        )
        if self.chart is None:
            self.chart = ChartCanvas(
                figure, name="splitChart", accessible_name="How everyone decided this case"
            )
            self.chart.setMinimumHeight(220)
            self._chart_slot.addWidget(self.chart)
        else:
            self.chart.replace_figure(figure)
        agreeing = split.get(case.golden.decision, 0)
        counted = (
            "Counts the room's answers to this case; no names are shown."
            if self._in_room
            else "Counts every profile's answer to this case in this database; no names are shown."
        )
        self.split_caption.setText(
            f"{agreeing} of {total} answers ({agreeing / total:.0%}) chose the golden decision. "
            + counted
            if total
            else "No answers yet besides skips."
        )

    def mark_disputed(self) -> None:
        self.dispute_button.setEnabled(False)
        self.dispute_status.setText("Dispute sent to the trainers. Thank you.")


def verdict_html(pack: Pack, case: Case, answer: Answer | None) -> str:
    """Your answer against the golden one: none (a live room moved on), skipped, or the
    mark, the direction of a miss, your decision, clause and confidence."""
    golden_label = pack.scale.get(case.golden.decision).label
    if answer is None:
        return (
            f"<span style='font-size:15pt'>Not answered</span> — not scored. The intended "
            f"decision was <b>{html.escape(golden_label)}</b>."
        )
    if answer.skipped:
        return (
            f"<span style='font-size:15pt'>Skipped</span> — not scored. The intended "
            f"decision was <b>{html.escape(golden_label)}</b>."
        )
    chosen = pack.scale.get(answer.decision)
    score = score_answer(
        answer.decision,
        case.golden.decision,
        pack.scale.ladder,
        chosen_clause=answer.clause,
        golden_clauses=case.golden.clauses,
    )
    right = bool(score.correct)
    colour = theme.CORRECT if right else theme.WRONG
    mark = "✓ Matches the golden decision" if right else "✗ Differs from the golden answer"
    direction = DIRECTION_WORDS.get(score.outcome, "")
    clause_ok = bool(score.clause_correct)
    if right and not clause_ok:  # scored right; the clause is reported beside it
        direction = (
            f" <span style='color:{theme.WARNING}'><b>— but the guidance "
            f"decides it under {html.escape(', '.join(case.golden.clauses))}"
            f"</b></span>"
        )
    return (
        f"<span style='font-size:15pt; color:{colour}'><b>{mark}</b></span>"
        f"{direction}<br>You chose <b>{html.escape(chosen.label)}</b> under "
        f"<b>{html.escape(answer.clause or '—')}</b> "
        f"({'the deciding clause' if clause_ok else 'not the deciding clause'}),"
        f" confidence: {confidence_words(answer.confidence)}."
    )


def golden_html(pack: Pack, case: Case) -> str:
    """The golden decision, its clauses with their summaries, and where it shows in the clip."""
    golden_label = pack.scale.get(case.golden.decision).label
    clauses = "".join(
        f"<li><b>{html.escape(c)}</b> · {html.escape(pack.clause(c).title)}"
        f"{' — ' + html.escape(pack.clause(c).summary) if pack.clause(c).summary else ''}"
        f"</li>"
        for c in case.golden.clauses
    )
    clause_title = "Clauses" if len(case.golden.clauses) > 1 else "Clause"
    moments = "".join(
        f"<li>{clock(m.start)}–{clock(m.end)} {html.escape(m.label)}</li>" for m in case.moments
    )
    return (
        f"<p style='font-size:12pt'>Golden answer: <b style='color:{theme.CORRECT}'>"
        f"{html.escape(golden_label)}</b></p><p>{clause_title}:</p><ul>{clauses}</ul>"
        + (f"<p>Where it shows in the clip:</p><ul>{moments}</ul>" if moments else "")
    )


def mark_html(case: Case, answer: Answer) -> str:
    """ "Where does it show?": the moderator's mark against the golden moments, beside the
    decision's verdict (never folded into it); empty when the case asked for no mark."""
    result = score_mark(
        answer.marked_moment,
        case.moments,
        case.moment_tolerance,
        asked=case.mark_moment,
        skipped=answer.skipped,
    )
    slack = f"{case.moment_tolerance:g} s either side counts"
    if result.outcome == UNMARKED:
        return f"<p>Your mark: <b>none</b> — you marked no moment ({slack}).</p>"
    if answer.marked_moment is None or result.distance is None:
        return ""
    at = clock(answer.marked_moment)
    if result.outcome == HIT:
        return (
            f"<p>Your mark: <b>{at}</b> — <b style='color:{theme.CORRECT}'>✓ on the moment"
            f"</b> ({slack}).</p>"
        )
    gap = result.distance
    off = f"{gap:.1f} s" if gap >= 0.1 else f"{round(gap * 1000)} ms"
    return (
        f"<p>Your mark: <b>{at}</b> — <b style='color:{theme.WRONG}'>✗ {off} "
        f"from the nearest moment</b> ({slack}).</p>"
    )
