"""The presenter view: what the room sees on the projector or the shared screen, apart from
the console — the guidance slide, the case with its clip, the count, and after the reveal
the split chart, the golden answer, its clause and the rationale, large.

Blind means blind: the reveal page's widgets are filled only once the room has revealed
the case, and emptied as soon as it moves on (tests/test_host_console.py walks every
widget's text before the reveal). A warned clip plays shielded, as self-paced, unless the
trainer chooses per case to show it unshielded (the console's U).
"""

from __future__ import annotations

import html
from collections import Counter
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QHBoxLayout,
    QLabel,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from calibrate.gui import plain_text, theme
from calibrate.gui.screens.lesson.case import warning_words
from calibrate.gui.screens.lesson.reveal import clock
from calibrate.gui.widgets.markdown_view import STYLE, MarkdownView, render_markdown
from calibrate.gui.widgets.player_controls import PlayerPanel
from calibrate.gui.widgets.qr_code import QrLabel
from calibrate.player.shields import Shields

if TYPE_CHECKING:
    from calibrate.core.live.pacing import HandPacedRoom
    from calibrate.core.models import Case, Pack
    from calibrate.gui.widgets.chart_canvas import ChartCanvas

LARGE = "font-size: 22pt"
# The slide's and the rationale's Markdown, sized to read from the back of a room.
ROOM_STYLE = """
<style>
h1 { font-size: 34pt; margin-bottom: 10px; }
h2 { font-size: 26pt; margin-top: 16px; }
h3 { font-size: 22pt; }
p, li { font-size: 20pt; line-height: 135%; }
code { font-family: monospace; }
.clause { background-color: #0b63b5; color: #ffffff; font-weight: bold; }
blockquote { margin-left: 16px; font-style: italic; }
</style>
"""


class PresenterWindow(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("presenterWindow")
        self.setWindowTitle("Calibrate — presenter view (F11: full screen)")
        self.resize(1280, 720)
        # Its own labels large (the player's controls keep their size).
        self.setStyleSheet(
            "".join(f"QLabel#{name} {{ {LARGE} }}" for name in ("presenterHeading",
                    "presenterWaitingText", "presenterSplitTitle"))
        )  # fmt: skip
        outer = QVBoxLayout(self)
        outer.setContentsMargins(28, 18, 28, 18)
        self.heading = plain_text.fit_to_width(QLabel(objectName="presenterHeading"))
        self.heading.setTextFormat(Qt.TextFormat.RichText)  # every text in it is escaped
        outer.addWidget(self.heading)
        self.pages = QStackedWidget(objectName="presenterPages")
        outer.addWidget(self.pages, stretch=1)
        self.count = QLabel(objectName="presenterCount")
        self.count.setStyleSheet(f"font-size: 28pt; font-weight: bold; color: {theme.ACCENT}")
        outer.addWidget(self.count, alignment=Qt.AlignmentFlag.AlignRight)
        self._build_waiting()
        self.slide = MarkdownView(self, name="presenterSlide")
        self.pages.addWidget(self.slide)
        self._build_case()
        self._build_reveal()
        self._key: tuple[object, ...] = ()
        self._case_video = ""
        for key, action in (("F11", self.toggle_full_screen), ("S", self.next_screen)):
            QShortcut(QKeySequence(key), self, activated=action)
        QShortcut(QKeySequence("Space"), self, activated=self.toggle_play)

    def _build_waiting(self) -> None:
        self.waiting = QWidget(objectName="presenterWaiting")
        layout = QVBoxLayout(self.waiting)
        self.waiting_text = QLabel(objectName="presenterWaitingText", wordWrap=True)
        self.waiting_text.setTextFormat(Qt.TextFormat.PlainText)
        self.waiting_text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.waiting_text)
        self.qr = QrLabel(360, self.waiting, name="presenterQrCode")
        layout.addWidget(self.qr, stretch=1)
        self.pages.addWidget(self.waiting)

    def _build_case(self) -> None:
        self.case_page = QWidget(objectName="presenterCase")
        layout = QVBoxLayout(self.case_page)
        layout.setContentsMargins(0, 0, 0, 0)
        self.case_note = QLabel(objectName="presenterCaseNote", wordWrap=True)
        self.case_note.setTextFormat(Qt.TextFormat.PlainText)
        self.case_note.setStyleSheet(f"font-size: 16pt; color: {theme.WARNING}")
        layout.addWidget(self.case_note)
        self.player = PlayerPanel(self.case_page)
        layout.addWidget(self.player, stretch=1)
        self.pages.addWidget(self.case_page)

    def _build_reveal(self) -> None:
        self.reveal_page = QWidget(objectName="presenterReveal")
        columns = QHBoxLayout(self.reveal_page)
        columns.setContentsMargins(0, 0, 0, 0)
        left = QVBoxLayout()
        self.golden = QLabel(objectName="presenterGolden", wordWrap=True)  # escaped HTML
        self.golden.setTextFormat(Qt.TextFormat.RichText)
        left.addWidget(self.golden)
        self.rationale = MarkdownView(self, name="presenterRationale")
        left.addWidget(self.rationale, stretch=1)
        columns.addLayout(left, stretch=3)
        right = QVBoxLayout()
        self.split_title = QLabel(objectName="presenterSplitTitle", wordWrap=True)
        right.addWidget(self.split_title)
        self.chart: ChartCanvas | None = None
        self._chart_slot = QVBoxLayout()
        right.addLayout(self._chart_slot, stretch=1)
        columns.addLayout(right, stretch=2)
        self.pages.addWidget(self.reveal_page)

    # --- showing the room ---------------------------------------------------------------------
    def show_room(self, room: HandPacedRoom | None, code: str, *, unshielded: bool) -> None:
        """What the room is at now (called after every change; a page is rebuilt only when
        the step, the phase or the shield choice changed)."""
        if room is None:
            self._page(("none",), self._show_waiting, None, "")
            return
        step, phase = room.position
        if room.showing is not None:
            step, phase = room.showing, "slide"
        page = "case" if phase in ("open", "locked") else phase
        self._page((page, step, unshielded), self._show_page, room, code, unshielded)
        counted = phase in ("open", "locked", "revealed") and room.showing is None
        answered, of = room.answer_count()
        locked = " · answers locked" if phase == "locked" else ""
        self.count.setText(f"answered {answered} / {of}{locked}" if counted else "")

    def _page(self, key: tuple[object, ...], show, *args) -> None:  # noqa: ANN001
        if key != self._key:
            self._key = key
            self._clear_reveal()
            show(*args)

    def _show_page(self, room: HandPacedRoom, code: str, unshielded: bool) -> None:
        step, phase = room.position
        if room.showing is not None:
            step, phase = room.showing, "slide"
        if phase in ("waiting", "ended"):
            self._show_waiting(room, code)
            return
        kind, name = room.steps[step]
        if kind == "slide":
            self.heading.setText(f"{html.escape(room.lesson.title)} · guidance")
            self.player.unload()
            self.slide.setHtml(_room_html(room.pack.guidance[name].markdown, room))
            self.pages.setCurrentWidget(self.slide)
        elif phase == "revealed":
            self._show_reveal(room, name)
        else:
            self._show_case(room, name, unshielded)

    def _show_waiting(self, room: HandPacedRoom | None, code: str) -> None:
        self.player.unload()
        ended = room is not None and room.ended
        title = html.escape(room.lesson.title) if room is not None else "Live room"
        self.heading.setText(title)
        self.waiting_text.setText(
            "The room has ended. Thank you."
            if ended
            else "Join in Calibrate: Join a live session, then paste the code or scan it."
            if code
            else "The room is not open yet."
        )
        self.qr.show_code("" if ended else code)
        self.pages.setCurrentWidget(self.waiting)

    def _show_case(self, room: HandPacedRoom, case_id: str, unshielded: bool) -> None:
        case = room.pack.cases[case_id]
        number = room.lesson.case_ids.index(case_id) + 1
        self.heading.setText(
            f"Case {number} of {len(room.lesson.case_ids)} · {html.escape(case.title)}"
        )
        shielded = case.is_warned and not unshielded
        self.case_note.setText(
            f"⚠ Content warning: {warning_words(case.warnings)}. "
            + ("Shown shielded: grayscale, blurred, muted." if shielded else "Shown unshielded.")
            if case.is_warned
            else ""
        )
        self.case_note.setVisible(case.is_warned)
        shields = Shields(shielded, shielded, shielded)
        if self._case_video == str(case.video):  # the same case, the shield choice changed
            self.player.set_shields(shields)
        else:
            self.player.load(case.video, autoplay=False, shields=shields)
            self._case_video = str(case.video)
        self.pages.setCurrentWidget(self.case_page)

    def _show_reveal(self, room: HandPacedRoom, case_id: str) -> None:
        """Only here, after the room revealed the case: golden, clause, rationale, split."""
        self.player.unload()
        self._case_video = ""
        case, pack = room.pack.cases[case_id], room.pack
        split = Counter(room.revealed_split(case_id) or {})
        number = room.lesson.case_ids.index(case_id) + 1
        self.heading.setText(f"Case {number} · {html.escape(case.title)} · the reveal")
        self.golden.setText(golden_html(pack, case))
        self.rationale.setHtml(_room_html("**Rationale**\n\n" + case.rationale, room))
        total = sum(split.values())
        agreeing = split.get(case.golden.decision, 0)
        self.split_title.setText(
            f"<b>How the room decided</b> (N = {total}): {agreeing} chose the golden decision"
        )
        from calibrate.charts.figures import decision_split_figure
        from calibrate.gui.widgets.chart_canvas import ChartCanvas

        figure = decision_split_figure(
            split,
            [(d.id, d.label) for d in pack.scale.decisions],
            case.golden.decision,
            None,
            dark=theme.is_dark(QApplication.instance()),
            font_size=15,
        )
        self.chart = ChartCanvas(figure, name="presenterSplitChart", accessible_name="The split")
        self._chart_slot.addWidget(self.chart)
        self.pages.setCurrentWidget(self.reveal_page)

    def _clear_reveal(self) -> None:
        """Nothing of the last reveal stays in a widget once the room moved on."""
        self.golden.clear()
        self.rationale.clear()
        self.split_title.clear()
        if self.chart is not None:
            self.chart.setParent(None)
            self.chart.deleteLater()
            self.chart = None

    # --- the window ----------------------------------------------------------------------------
    def toggle_play(self) -> None:
        if self.pages.currentWidget() is self.case_page:
            self.player.player.toggle()

    def toggle_full_screen(self) -> None:
        self.showNormal() if self.isFullScreen() else self.showFullScreen()

    def next_screen(self) -> None:
        """S: on to the next screen (a projector), full screen there."""
        screens = QGuiApplication.screens()
        if len(screens) < 2:
            return
        here = screens.index(self.screen()) if self.screen() in screens else 0
        target = screens[(here + 1) % len(screens)]
        self.showNormal()
        self.move(target.geometry().topLeft())
        self.showFullScreen()

    def shutdown(self) -> None:
        self.player.shutdown()


def _room_html(markdown: str, room: HandPacedRoom) -> str:
    """The Markdown as the moderators' screens render it, in the room's larger sizes."""
    clause_ids = [c.id for c in room.pack.clauses]
    return render_markdown(markdown, clause_ids).replace(STYLE, ROOM_STYLE)


def golden_html(pack: Pack, case: Case) -> str:
    """The golden decision large, its clauses with their summaries, and its moments."""
    label = html.escape(pack.scale.get(case.golden.decision).label)
    clauses = "".join(
        f"<p style='font-size:20pt'><b>{html.escape(c)}</b> · {html.escape(pack.clause(c).title)}"
        + (f"<br><span style='font-size:16pt'>{html.escape(pack.clause(c).summary)}</span>"
           if pack.clause(c).summary else "")
        + "</p>"
        for c in case.golden.clauses
    )  # fmt: skip
    moments = ", ".join(
        f"{clock(m.start)}–{clock(m.end)} {html.escape(m.label)}" for m in case.moments
    )
    return (
        f"<p style='font-size:30pt'>Golden answer: <b style='color:{theme.CORRECT}'>{label}</b>"
        f"</p>{clauses}"
        + (f"<p style='font-size:16pt'>Where it shows: {moments}</p>" if moments else "")
    )
