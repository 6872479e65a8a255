""" "Show me" on the reveal: each golden moment of the clip, looped, after the answer only.

The golden moments are part of the golden answer (DESIGN.md, "Blind means blind"), so this
lives on the reveal screen, which the flow opens only once the answer is recorded; the case
screen has no such control. A button per moment (S: the next one) opens the clip paused on
the moment's first frame — a paused seek lands exactly (calibrate/player/stepping.py) — and
loops the moment with the player's A-B loop. A warned clip opens with every shield on, as
"Watch" does on the case screen; lifting one stays the moderator's deliberate choice.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QHideEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from calibrate.core.models import Case
from calibrate.core.moments import milliseconds
from calibrate.gui.widgets.player_controls import PlayerPanel
from calibrate.player.clock import format_clock
from calibrate.player.playback import PlayerState
from calibrate.player.shields import Shields

SHOW_ME_KEY = "S"
LABEL_CHARS = 40  # of a moment's label on its button (the whole label is its tooltip)
_NO_PICTURE = (PlayerState.EMPTY, PlayerState.UNAVAILABLE)


class ShowMePanel(QWidget):
    """The "Show me" buttons and, once one is pressed, a player looping that moment."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("showMePanel")
        self._case: Case | None = None
        self._pending: int | None = None  # the moment to loop once the clip has opened
        self._current = -1  # the moment looped last (S goes on to the next)
        self.panel: PlayerPanel | None = None  # made on the first press (a libVLC player)
        # Called with the panel when it is made (the controller keeps speed and volume).
        self.on_panel_created: Callable[[PlayerPanel], None] | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 4)
        self._row = QHBoxLayout()
        self._title = QLabel(f"<b>Show me</b> ({SHOW_ME_KEY}):", self)
        self._row.addWidget(self._title)
        self._row.addStretch(1)
        layout.addLayout(self._row)
        self.buttons: list[QPushButton] = []

    def set_case(self, case: Case) -> None:
        """A button per golden moment of the revealed case; none (hidden) without moments."""
        self.stop()
        self._case, self._current, self._pending = case, -1, None
        for button in self.buttons:
            self._row.removeWidget(button)
            button.deleteLater()
        self.buttons = []
        for index, moment in enumerate(case.moments):
            span = f"{format_clock(milliseconds(moment.start))}–"
            span += format_clock(milliseconds(moment.end))
            label = (
                moment.label
                if len(moment.label) <= LABEL_CHARS
                else moment.label[: LABEL_CHARS - 1] + "…"
            )
            button = QPushButton(f"▶ {span}  {label}".rstrip(), self)
            button.setObjectName(f"showMeButton{index}")
            button.setAccessibleName(f"Show me moment {index + 1}: {moment.label}")
            button.setToolTip(f"{span} {moment.label}: jump to this moment of the clip, looped")
            # A long label never widens the window: a button shrinks below its text if need be.
            button.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
            button.setMinimumWidth(button.fontMetrics().horizontalAdvance(f"▶ {span}") + 24)
            button.clicked.connect(lambda _checked=False, i=index: self.show_moment(i))
            self._row.insertWidget(self._row.count() - 1, button)
            self.buttons.append(button)
        self.setVisible(bool(self.buttons))

    def show_next(self) -> None:
        """S: the next golden moment (after the last, the first again)."""
        if self.buttons:
            self.show_moment((self._current + 1) % len(self.buttons))

    def show_moment(self, index: int) -> None:
        """Open the clip (paused) if need be, then loop moment `index` from its first frame."""
        if self._case is None or not 0 <= index < len(self._case.moments):
            return
        self._current = index
        panel = self._ensure_panel()
        panel.show()
        if panel.player.state in _NO_PICTURE:
            self._pending = index
            warned = self._case.is_warned
            panel.load(self._case.video, autoplay=False, shields=Shields(warned, warned, warned))
        else:
            self._loop(index)
        panel.setFocus()

    def stop(self) -> None:
        """Stop and hide the clip (another case, or leaving the reveal)."""
        self._pending = None
        if self.panel is not None:
            self.panel.unload()  # the loop and full screen go with the clip
            self.panel.hide()

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 - Qt override
        self.stop()  # the reveal went away: no clip plays on behind the next screen
        super().hideEvent(event)

    def _ensure_panel(self) -> PlayerPanel:
        if self.panel is None:
            self.panel = PlayerPanel(self)
            self.panel.setMinimumHeight(200)
            self.panel.player.state_changed.connect(self._on_state_changed)
            self.layout().addWidget(self.panel, 1)
            if self.on_panel_created is not None:
                self.on_panel_created(self.panel)
        return self.panel

    def _on_state_changed(self, state: PlayerState) -> None:
        if state is PlayerState.PAUSED and self._pending is not None:
            index, self._pending = self._pending, None
            self._loop(index)

    def _loop(self, index: int) -> None:
        if self._case is None or self.panel is None:
            return
        moment = self._case.moments[index]
        self.panel.loop.set_span(milliseconds(moment.start), milliseconds(moment.end))
        self.panel.loop.jump_to_a(play=True)
