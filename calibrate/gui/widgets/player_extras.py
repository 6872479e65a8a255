"""The player panel's volume slider, A-B loop button and full-screen button."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QSlider, QToolButton, QWidget

from calibrate.gui.widgets.ab_loop import NO_LOOP_TIP, AbLoop, LoopSeekBar, loop_words
from calibrate.gui.widgets.player_keys import VOLUME_STEP

MakeButton = Callable[[str, str, str, str], QToolButton]  # name, text, accessible, tip


def build_extras(
    panel: QWidget,
    button: MakeButton,
    cycle_loop: Callable[[], None],
    toggle_full_screen: Callable[[], None],
) -> tuple[QSlider, QToolButton, QToolButton]:
    """The volume slider (0-100 %), the A-B button and the full-screen button of `panel`
    (whose event filter gives player keys priority over them, as over its other controls)."""
    volume = QSlider(Qt.Orientation.Horizontal, panel)
    volume.setObjectName("volumeSlider")
    volume.setAccessibleName("Volume")
    volume.setToolTip("Volume (Up / Down)")
    volume.setRange(0, 100)
    volume.setValue(100)
    volume.setSingleStep(VOLUME_STEP)
    volume.setPageStep(VOLUME_STEP)
    volume.setFixedWidth(72)
    volume.setFocusPolicy(Qt.FocusPolicy.TabFocus)
    volume.installEventFilter(panel)
    loop = button("abLoopButton", "A–B", "A-B loop", NO_LOOP_TIP)
    loop.clicked.connect(cycle_loop)
    full = button(
        "fullScreenButton", "Full screen", "Full screen", "Full screen on / off (F; Esc leaves)"
    )
    full.clicked.connect(toggle_full_screen)
    return volume, loop, full


def show_loop(loop: AbLoop, bar: LoopSeekBar, button: QToolButton) -> None:
    """The loop's span on the seek bar, its state on the A-B button."""
    bar.set_span(None if loop.a is None else (loop.a, loop.b))
    text, tip = loop_words(loop)
    button.setText(text)
    button.setToolTip(tip)
