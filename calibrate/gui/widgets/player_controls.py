"""PlayerPanel: the case video (VideoView) with its controls and keyboard handling.

Keys: player_keys.py (the case screen forwards its key presses to handle_key(); the panel
handles them itself when it or a control has focus). Speeds 0.25×-3×, volume, the A-B loop
(ab_loop.py, on the seek bar), full screen (full_screen.py) are the moderator's; the screen
keeps them per user from `speed_chosen` / `volume_chosen`, `apply_settings()` brings them back.

Wiring in a screen: `panel = PlayerPanel(self)`; `panel.set_shields(grayscale=...,
blurred=..., muted=...)` before `panel.load(path)` so no frame shows unshielded; listen to
`panel.shield_changed` (a shield lifted on purpose) and `panel.player.position_changed`;
read `panel.player.watched_ms` for the answer record; forward key presses with
`panel.handle_key(event)`; call `panel.unload()` between cases and `panel.shutdown()`
before the panel is destroyed (if forgotten, libVLC is stopped when Qt deletes it).
"""

from __future__ import annotations

import os

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from calibrate.gui.widgets.ab_loop import AbLoop, LoopSeekBar
from calibrate.gui.widgets.full_screen import FullScreen
from calibrate.gui.widgets.player_extras import build_extras, show_loop
from calibrate.gui.widgets.player_keys import SEEK_STEP_MS, key_action
from calibrate.gui.widgets.video_view import VideoView
from calibrate.player.clock import format_clock
from calibrate.player.playback import PlayerState
from calibrate.player.shields import Shields
from calibrate.player.vlc_player import VideoPlayer

SPEEDS = (0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0, 2.5, 3.0)
_NO_PICTURE = (PlayerState.EMPTY, PlayerState.UNAVAILABLE)


def _name(widget: QWidget, object_name: str, accessible: str, tip: str) -> None:
    widget.setObjectName(object_name)
    widget.setAccessibleName(accessible)
    widget.setToolTip(tip)


class PlayerPanel(QWidget):
    """VideoView + play/pause, seek bar, time, speed, frame steps, mute and shield toggles."""

    shield_changed = Signal(str, bool)  # "grayscale" | "blurred" | "muted", now on?
    speed_chosen = Signal(float)  # the moderator chose a speed (kept per user by the screen)
    volume_chosen = Signal(int)  # ... a volume in percent

    def __init__(self, parent: QWidget | None = None, *, player: VideoPlayer | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("playerPanel")
        self.setAccessibleName("Video player")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._player = player if player is not None else VideoPlayer(self)
        self._shields = Shields(muted=self._player.muted)
        self._syncing = False  # True while code (not the user) moves the seek bar
        self._applying = False  # True while set_shields() moves the toggle buttons
        self._view = VideoView(self)
        self._view.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self._view.setFocusProxy(self)  # a click on the picture gives the keys to the panel
        self.loop = AbLoop(self._player, self)
        self.full_screen = FullScreen(
            self, lambda on: self._full_button.setText("Exit full screen" if on else "Full screen")
        )
        self._build_controls()
        self._connect_player()
        self._on_player_state_changed(self._player.state)
        self._on_player_duration_changed(self._player.duration)

    # -- public ------------------------------------------------------------------------
    @property
    def player(self) -> VideoPlayer:
        return self._player

    @property
    def video_view(self) -> VideoView:
        return self._view

    @property
    def shields(self) -> Shields:
        return self._shields

    def load(
        self,
        path: str | os.PathLike[str],
        *,
        autoplay: bool = True,
        shields: Shields | None = None,
        start_ms: int = 0,
    ) -> None:
        """Apply the case's shields first, then open the clip (so nothing shows unshielded)."""
        if shields is not None:
            self.set_shields(shields)
        self._player.load(path, autoplay=autoplay, start_ms=start_ms)

    def set_shields(
        self,
        shields: Shields | None = None,
        *,
        grayscale: bool | None = None,
        blurred: bool | None = None,
        muted: bool | None = None,
    ) -> None:
        """Set shields (a Shields, and/or keywords overriding it); emits shield_changed."""
        base = shields if shields is not None else self._shields
        wanted = Shields(
            base.grayscale if grayscale is None else grayscale,
            base.blurred if blurred is None else blurred,
            base.muted if muted is None else muted,
        )
        old, self._shields = self._shields, wanted
        self._applying = True  # the buttons' toggled signals must not re-enter
        try:
            self._gray_button.setChecked(wanted.grayscale)
            self._blur_button.setChecked(wanted.blurred)
            self._mute_button.setChecked(wanted.muted)
        finally:
            self._applying = False
        self._mute_button.setText("Muted" if wanted.muted else "Mute")
        # A checked tool button is only a shade darker in most styles: say it in words.
        self._gray_button.setText(("✓ " if wanted.grayscale else "") + "Grayscale")
        self._blur_button.setText(("✓ " if wanted.blurred else "") + "Blur")
        self._view.set_shields(wanted)
        self._player.set_muted(wanted.muted)
        for name in ("grayscale", "blurred", "muted"):
            if getattr(old, name) != getattr(wanted, name):
                self.shield_changed.emit(name, getattr(wanted, name))

    def toggle_shield(self, name: str) -> None:
        """Flip one shield: "grayscale", "blurred" or "muted"."""
        self.set_shields(**{name: not getattr(self._shields, name)})

    def unload(self) -> None:
        """Stop and clear the picture, the loop and full screen (between cases)."""
        self.full_screen.leave()
        self.loop.clear()
        self._player.unload()

    def change_speed(self, steps: int) -> None:
        """Move the speed selector by steps (negative: slower)."""
        index = min(len(SPEEDS) - 1, max(0, self._speed_combo.currentIndex() + steps))
        self._speed_combo.setCurrentIndex(index)

    def change_volume(self, percent: int) -> None:
        """Louder (positive) or quieter by percent; the choice is the moderator's own."""
        self._volume_slider.setValue(self._volume_slider.value() + percent)

    def apply_settings(self, rate: float | None, volume: int | None) -> None:
        """The speed and volume kept for this moderator (None: leave as is); not a choice."""
        self._restoring = True  # no speed_chosen / volume_chosen: nothing new to keep
        if rate is not None and rate in SPEEDS:
            self._speed_combo.setCurrentIndex(SPEEDS.index(rate))
        if volume is not None:
            self._volume_slider.setValue(volume)
        self._restoring = False

    def handle_key(self, event: QKeyEvent) -> bool:
        """Act on a player key (the table: player_keys.py); True when it was one."""
        action = key_action(event, self)
        if action is None:
            return False
        action()
        return True

    def shutdown(self) -> None:
        """Shut the player down (call before the panel is destroyed)."""
        self.full_screen.leave()
        self._player.shutdown()

    # -- Qt overrides --------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not self.handle_key(event):
            super().keyPressEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # A focused button would take Space as a click, the slider the arrows: player keys
        # win while focus is inside the panel.
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            if self.handle_key(event):
                return True
        return super().eventFilter(watched, event)

    # -- building ------------------------------------------------------------------------
    def _button(self, name: str, text: str, accessible: str, tip: str) -> QToolButton:
        button = QToolButton(self)
        button.setText(text)
        # Text glyphs, not style icons: Fusion's media icons are dark on a dark palette.
        button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        _name(button, name, accessible, tip)
        button.installEventFilter(self)
        return button

    def _build_controls(self) -> None:
        # Created in Tab order: play, frame steps, speed, mute, shields, seek bar.
        self._build_transport()
        self._build_shield_buttons()
        self._build_seek_bar()
        self._lay_out_controls()

    def _build_transport(self) -> None:
        """Play/pause, the frame steps, the speed list and mute."""
        self._play_button = self._button(
            "playPauseButton", "▶ Play", "Play or pause", "Play / pause (Space; K pauses)"
        )
        self._play_button.setMinimumWidth(92)
        self._play_button.clicked.connect(self._player.toggle)
        self._back_button = self._button(
            "frameBackButton", "◀ Frame", "One frame back", "One frame back (,)"
        )
        self._back_button.clicked.connect(lambda: self._player.frame_step(-1))
        self._fwd_button = self._button(
            "frameForwardButton", "Frame ▶", "One frame forward", "One frame forward (.)"
        )
        self._fwd_button.clicked.connect(lambda: self._player.frame_step(1))
        self._speed_combo = QComboBox(self)
        _name(
            self._speed_combo, "speedCombo", "Playback speed", "Playback speed (< slower, > faster)"
        )
        for speed in SPEEDS:
            self._speed_combo.addItem(f"{speed:g}×", speed)
        self._speed_combo.setCurrentIndex(SPEEDS.index(1.0))
        self._speed_combo.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self._speed_combo.installEventFilter(self)
        self._speed_combo.currentIndexChanged.connect(self._on_speed_combo_changed)
        self._mute_button = self._button("muteButton", "Mute", "Mute sound", "Mute / unmute (M)")
        self._mute_button.setCheckable(True)
        self._mute_button.toggled.connect(self._on_shield_button_toggled)
        self._build_extras()

    def _build_extras(self) -> None:
        """Volume, the A-B loop button and full screen (player_extras.py)."""
        self._restoring = False  # True while apply_settings() moves the controls
        extras = build_extras(self, self._button, self.loop.cycle, self.toggle_full_screen)
        self._volume_slider, self._loop_button, self._full_button = extras
        self._volume_slider.valueChanged.connect(self._on_volume_slider_changed)
        self.loop.changed.connect(self._on_loop_changed)

    def toggle_full_screen(self) -> None:
        self.full_screen.toggle()  # F, F11 or the Full screen button (full_screen.py)

    def _build_shield_buttons(self) -> None:
        self._gray_button = self._button(
            "grayscaleShieldButton",
            "Grayscale",
            "Grayscale shield",
            "Grayscale shield on / off (Shift+G)",
        )
        self._blur_button = self._button(
            "blurShieldButton", "Blur", "Blur shield", "Blur shield on / off (Shift+B)"
        )
        for button in (self._gray_button, self._blur_button):
            button.setCheckable(True)
            button.toggled.connect(self._on_shield_button_toggled)

    def _build_seek_bar(self) -> None:
        """The seek slider (a click jumps there) and the position / length label."""
        self._slider = LoopSeekBar(self)
        _name(
            self._slider,
            "seekSlider",
            "Video position",
            "Seek: drag or click (Left/Right or J/L: 5 s, Home: start); the A-B loop in amber",
        )
        self._slider.setPageStep(SEEK_STEP_MS)
        self._slider.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        self._slider.installEventFilter(self)
        self._slider.valueChanged.connect(self._on_slider_value_changed)
        self._time_label = QLabel(self)
        _name(self._time_label, "timeLabel", "Time", "Position / length")
        self._time_label.setMinimumWidth(
            self.fontMetrics().horizontalAdvance("00:00.0 · frame 0000 / 00:00.0") + 8
        )
        self._time_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)

    def _lay_out_controls(self) -> None:
        """The picture on top, the seek row, then the buttons with the shields at the right."""
        shields_label = QLabel("Shields:", self)
        shields_label.setObjectName("shieldsLabel")
        seek_row = QHBoxLayout()
        seek_row.addWidget(self._slider, 1)
        seek_row.addWidget(self._time_label)
        buttons = QHBoxLayout()
        for widget in (
            self._play_button,
            self._back_button,
            self._fwd_button,
            self._speed_combo,
            self._loop_button,
            self._mute_button,
            self._volume_slider,
            self._full_button,
        ):
            buttons.addWidget(widget)
        buttons.addStretch(1)
        for widget in (shields_label, self._gray_button, self._blur_button):
            buttons.addWidget(widget)
        seek_row.setContentsMargins(8, 4, 8, 0)
        buttons.setContentsMargins(8, 0, 8, 6)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self._view, 1)
        layout.addLayout(seek_row)
        layout.addLayout(buttons)

    def _connect_player(self) -> None:
        p = self._player
        p.frame_changed.connect(self._view.set_frame)
        p.state_changed.connect(self._on_player_state_changed)
        p.position_changed.connect(self._on_player_position_changed)
        p.duration_changed.connect(self._on_player_duration_changed)
        p.rate_changed.connect(self._on_player_rate_changed)
        p.muted_changed.connect(self._on_player_muted_changed)
        p.volume_changed.connect(self._volume_slider.setValue)

    # -- slots ---------------------------------------------------------------------------
    def _on_player_state_changed(self, state: PlayerState) -> None:
        self._view.set_state(state, self._player.reason)
        labels = {PlayerState.PLAYING: "❚❚ Pause", PlayerState.ENDED: "↻ Replay"}
        self._play_button.setText(labels.get(state, "▶ Play"))
        usable = state not in _NO_PICTURE
        for widget in (
            self._play_button,
            self._back_button,
            self._fwd_button,
            self._slider,
            self._speed_combo,
            self._loop_button,
        ):
            widget.setEnabled(usable)
        self._update_time_label(self._player.position)

    def _on_player_position_changed(self, ms: int) -> None:
        if not self._slider.isSliderDown():
            self._syncing = True
            self._slider.setValue(ms)
            self._syncing = False
        self._update_time_label(ms)

    def _on_player_duration_changed(self, ms: int) -> None:
        self._syncing = True
        self._slider.setRange(0, max(0, ms))
        self._slider.setSingleStep(self._player.frame_ms)
        self._syncing = False
        self._update_time_label(self._player.position)

    def _on_player_rate_changed(self, rate: float) -> None:
        index = self._speed_combo.findData(rate)
        if index >= 0 and index != self._speed_combo.currentIndex():
            self._speed_combo.setCurrentIndex(index)

    def _on_player_muted_changed(self, muted: bool) -> None:
        if muted != self._shields.muted:  # muted through the player, not the panel
            self.set_shields(muted=muted)

    def _on_speed_combo_changed(self, index: int) -> None:
        rate = float(self._speed_combo.itemData(index))
        self._player.set_rate(rate)
        if not self._restoring:
            self.speed_chosen.emit(rate)

    def _on_volume_slider_changed(self, value: int) -> None:
        self._player.set_volume(value)
        if not self._restoring:
            self.volume_chosen.emit(value)

    def _on_loop_changed(self) -> None:
        show_loop(self.loop, self._slider, self._loop_button)

    def _on_slider_value_changed(self, value: int) -> None:
        if not self._syncing:
            self._player.seek(value)
            self._update_time_label(value)

    def _on_shield_button_toggled(self, _checked: bool) -> None:
        if self._applying:
            return
        self.set_shields(
            grayscale=self._gray_button.isChecked(),
            blurred=self._blur_button.isChecked(),
            muted=self._mute_button.isChecked(),
        )

    def _update_time_label(self, ms: int) -> None:
        """Time and frame number of the picture on screen: frame n starts at n × frame
        length, the numbering the case files' cue times and the demo clips' strip use."""
        duration, frame = self._player.duration, ms // max(1, self._player.frame_ms)
        self._time_label.setText(f"{format_clock(ms)} · frame {frame} / {format_clock(duration)}")
        self._slider.setAccessibleDescription(f"{format_clock(ms)} of {format_clock(duration)}")
