"""The host console (trainer area): open a live room for a pack's lesson and pace it by hand.

The join code large, copyable and as a QR code; the participants as they join, with Remove
and Let rejoin; Next, Back to a slide, Lock answers, Reveal, Close to new joins, End; a
live count "answered 17 / 23" (never who chose what); an optional answer timer; the
presenter view (presenter.py) for the projector. Every control has a key (CONSOLE_KEYS).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from calibrate.core.live import narration
from calibrate.gui import prompts, theme
from calibrate.gui.screens.trainer.console_parts import (
    JoinCodePanel,
    LessonPicker,
    RosterTable,
    count_text,
    keys_html,
    step_html,
)
from calibrate.gui.screens.trainer.live_host import EVERY_NETWORK, LOCAL_ONLY, LiveHost
from calibrate.gui.shortcuts import bind_keys

if TYPE_CHECKING:
    from calibrate.gui.context import AppContext
    from calibrate.gui.screens.trainer.presenter import PresenterWindow


class HostConsole(QWidget):
    """A window of its own (the main window stays usable); closing it closes the room's
    server — the room is saved, and opening the same lesson again resumes it."""

    def __init__(self, context: AppContext, parent: QWidget | None = None):
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("hostConsole")
        self.setWindowTitle("Calibrate — live room console")
        self.resize(1280, 780)
        self.context = context
        self.host = LiveHost(context, self)
        self.presenter: PresenterWindow | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 10, 16, 10)
        outer.addLayout(self._build_setup())
        self.note = QLabel(objectName="consoleNote", wordWrap=True)
        self.note.setTextFormat(Qt.TextFormat.PlainText)
        outer.addWidget(self.note)
        middle = QHBoxLayout()
        self.join_panel = JoinCodePanel(self)
        middle.addWidget(self.join_panel, stretch=2)
        middle.addLayout(self._build_roster(), stretch=3)
        outer.addLayout(middle, stretch=1)
        outer.addLayout(self._build_step())
        outer.addLayout(self._build_controls())
        self.events = QPlainTextEdit(objectName="consoleEvents", readOnly=True)
        self.events.setMaximumHeight(90)
        self.events.setMaximumBlockCount(1000)  # a long room keeps its last thousand lines
        self.events.setAccessibleName("What happened in the room")
        outer.addWidget(self.events)
        self._clock = QTimer(self, interval=500)  # the timer's countdown
        self._clock.timeout.connect(self.refresh)
        self.host.opened.connect(self._on_host_opened)
        self.host.failed.connect(self._on_host_failed)
        # A burst of frames (200 answers within a second) is one refresh, not 200.
        self._soon = QTimer(self, singleShot=True, interval=100)
        self._soon.timeout.connect(self.refresh)
        self.host.changed.connect(self._soon.start)
        self.host.told.connect(self.events.appendPlainText)
        self.host.ended.connect(self._on_host_ended)
        self._bind_keys()
        self._on_lesson_changed()
        self.refresh()

    # --- building ---------------------------------------------------------------------------
    def _build_setup(self) -> QHBoxLayout:
        row = QHBoxLayout()
        row.addWidget(QLabel("<h2>Live room</h2>"))
        self.picker = LessonPicker(self.context.library.packs, self)
        self.picker.changed.connect(self._on_lesson_changed)
        row.addWidget(self.picker, stretch=1)
        self.address_box = QComboBox(objectName="consoleAddress")
        self.address_box.setAccessibleName("Who can join")
        self.address_box.addItem("Anyone on this network", EVERY_NETWORK)
        self.address_box.addItem("This computer only (127.0.0.1)", LOCAL_ONLY)
        row.addWidget(self.address_box)
        self.open_button = self._button("&Open room", "openRoomButton", row)
        self.open_button.clicked.connect(lambda: self.open_room(new_room=False))
        self.new_button = self._button("Start a &new room", "newRoomButton", row)
        self.new_button.clicked.connect(lambda: self.open_room(new_room=True))
        return row

    def _build_roster(self) -> QVBoxLayout:
        column = QVBoxLayout()
        self.roster_title = QLabel(objectName="rosterTitle")
        column.addWidget(self.roster_title)
        self.roster = RosterTable(self)
        self.roster.chosen_changed.connect(self._update_buttons)
        column.addWidget(self.roster, stretch=1)
        row = QHBoxLayout()
        self.remove_button = self._button("Remove…  (Del)", "removeParticipantButton", row)
        self.remove_button.clicked.connect(self.remove_chosen)
        self.rejoin_button = self._button(
            "Let rejoin from another device  (A)", "letRejoinButton", row
        )
        self.rejoin_button.clicked.connect(self.let_chosen_rejoin)
        row.addStretch()
        self.close_joins_button = self._button("Close to new joins  (J)", "closeJoinsButton", row)
        self.close_joins_button.clicked.connect(self.host.close_joins)
        column.addLayout(row)
        return column

    def _build_step(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.step_label = QLabel(objectName="consoleStep", wordWrap=True)
        self.step_label.setTextFormat(Qt.TextFormat.RichText)
        row.addWidget(self.step_label, stretch=1)
        self.count_label = QLabel(objectName="answeredCount")
        self.count_label.setStyleSheet(f"font-size: 20pt; font-weight: bold; color: {theme.ACCENT}")
        self.count_label.setAccessibleName("Answers to the open case")
        row.addWidget(self.count_label)
        return row

    def _build_controls(self) -> QGridLayout:
        grid = QGridLayout()
        self.next_button = self._button("Next  ▶  (N)", "consoleNextButton")
        self.next_button.clicked.connect(lambda: self.host.control("next"))
        self.lock_button = self._button("Lock answers  (L)", "lockAnswersButton")
        self.lock_button.clicked.connect(lambda: self.host.control("lock"))
        self.reveal_button = self._button("Reveal  (R)", "revealButton")
        self.reveal_button.clicked.connect(lambda: self.host.control("reveal"))
        self.back_box = QComboBox(objectName="backSlideBox")
        self.back_box.setAccessibleName("The slide to show again")
        self.back_button = self._button("◀ Back to slide  (B)", "backToSlideButton")
        self.back_button.clicked.connect(self.back_to_slide)
        self.end_button = self._button("End room…  (Ctrl+E)", "endRoomButton")
        self.end_button.clicked.connect(self.end_room)
        for column, widget in enumerate(
            (self.next_button, self.lock_button, self.reveal_button, self.back_box,
             self.back_button, self.end_button)
        ):  # fmt: skip
            grid.addWidget(widget, 0, column)
        self.timer_box = QCheckBox("Answer &timer (T)", objectName="answerTimerBox")
        self.timer_box.toggled.connect(self._on_timer_changed)
        self.timer_seconds = QSpinBox(objectName="answerTimerSeconds", suffix=" s")
        self.timer_seconds.setRange(5, 3600)
        self.timer_seconds.setValue(60)
        self.timer_seconds.valueChanged.connect(self._on_timer_changed)
        self.presenter_button = self._button("Presenter view  (P)", "presenterButton")
        self.presenter_button.clicked.connect(self.show_presenter)
        self.unshield_box = QCheckBox("Show this clip &unshielded (U)", objectName="unshieldBox")
        self.unshield_box.toggled.connect(self._update_presenter)
        self.help_button = self._button("Keys  (F1)", "consoleKeysButton")
        self.help_button.clicked.connect(self.show_keys)
        row = (self.timer_box, self.timer_seconds, self.presenter_button, self.unshield_box)
        for column, widget in enumerate((*row, self.help_button)):
            grid.addWidget(widget, 1, column)
        return grid

    def _button(self, text: str, name: str, row: QHBoxLayout | None = None) -> QPushButton:
        button = QPushButton(text, objectName=name)
        button.setAutoDefault(False)
        button.setMinimumHeight(34)
        if row is not None:
            row.addWidget(button)
        return button

    def _bind_keys(self) -> None:
        bind_keys(self, ("N", "Right"), lambda: self._if_enabled(self.next_button))
        bind_keys(self, ("L",), lambda: self._if_enabled(self.lock_button))
        bind_keys(self, ("R",), lambda: self._if_enabled(self.reveal_button))
        bind_keys(self, ("B",), lambda: self._if_enabled(self.back_button))
        bind_keys(self, ("J",), lambda: self._if_enabled(self.close_joins_button))
        bind_keys(self, ("Ctrl+E",), lambda: self._if_enabled(self.end_button))
        bind_keys(self, ("Del",), lambda: self._if_enabled(self.remove_button))
        bind_keys(self, ("A",), lambda: self._if_enabled(self.rejoin_button))
        bind_keys(self, ("T",), self.timer_box.toggle)
        bind_keys(self, ("C",), self.join_panel.copy)
        bind_keys(self, ("P",), self.show_presenter)
        bind_keys(self, ("U",), self.unshield_box.toggle)
        bind_keys(self, ("Space",), lambda: self.presenter and self.presenter.toggle_play())
        bind_keys(self, ("F1",), self.show_keys)

    def _if_enabled(self, button: QPushButton) -> None:
        """A key presses its button if that control works now (a refresh still pending
        from a burst of frames is done first: the buttons say what works now)."""
        if self._soon.isActive():
            self._soon.stop()
            self.refresh()
        if button.isEnabled():
            button.click()

    def choose(self, pack_id: str, lesson_id: str, address: str = LOCAL_ONLY) -> None:
        """Pick a pack, a lesson and who can join (tests, screenshots)."""
        self.picker.choose(pack_id, lesson_id)
        self.address_box.setCurrentIndex(self.address_box.findData(address))

    def _on_lesson_changed(self) -> None:
        pack, lesson = self.picker.chosen()
        unfinished, resumable = (
            self.host.unfinished(pack, lesson) if pack and lesson else ("", False)
        )
        self.open_button.setText("Resume r&oom" if resumable else "&Open room")
        self.new_button.setVisible(bool(unfinished))
        if self.host.room is None:
            self.note.setText(unfinished or "Choose a lesson and open its room.")
        self._update_buttons()

    # --- the room -----------------------------------------------------------------------------
    def open_room(self, new_room: bool) -> None:
        pack, lesson = self.picker.chosen()
        if pack is None or lesson is None:
            return
        if new_room and not prompts.confirm(
            self,
            "Start a new room",
            "End the unfinished room of this lesson and start a new one, with a new join "
            "code? The answers it recorded are kept.",
        ):
            return
        self.note.setText("Opening the room…")
        self.open_button.setEnabled(False)
        self.new_button.setEnabled(False)
        self.host.open(pack, lesson, str(self.address_box.currentData()), new_room=new_room)

    def _on_host_opened(self) -> None:
        hosted, room = self.host.hosted, self.host.room
        assert hosted is not None and room is not None
        way = (
            narration.resumed(room.steps, hosted.position.step).capitalize()
            if hosted.resumed
            else "A new room"
        )
        replaced = (
            f" The unfinished room ended ({narration.count(hosted.replaced_answers, 'answer')}"
            " kept)."
            if hosted.replaces
            else ""
        )
        self.note.setText(
            f"{way}, on {hosted.bind} port {hosted.port}: share the join code. Next (N) "
            f"starts.{replaced}"
        )
        self.join_panel.show_code(self.host.code)
        self.setWindowTitle(f"Calibrate — live room: {room.lesson.title}")
        self._clock.start()
        self.refresh()

    def _on_host_failed(self, message: str) -> None:
        self.note.setText(f"The room could not open: {message}")
        self._update_buttons()

    def _on_host_ended(self) -> None:
        self._clock.stop()
        self.join_panel.show_code("")
        self.refresh()

    def refresh(self) -> None:
        """The roster, the step, the count and which controls work now."""
        room = self.host.room
        entries = self.host.roster()
        self.roster.show_roster(entries)
        connected = sum(1 for e in entries if e.connected)
        self.roster_title.setText(
            f"<b>Participants</b>: {connected} connected, {len(entries)} joined"
            + ("" if room is None or room.rules.joins_open else " · closed to new joins")
        )
        self.step_label.setText(step_html(room) if room is not None else "")
        self.count_label.setText(count_text(room))
        self._update_buttons()
        self._update_presenter()

    def _update_buttons(self) -> None:
        room = self.host.room
        can = room.available() if room is not None else set()
        opening = self.host.listening is None and not self.host.runner.busy
        self.open_button.setEnabled(opening and self.picker.chosen()[1] is not None)
        self.new_button.setEnabled(opening)
        for box in (self.picker, self.address_box):
            box.setEnabled(opening)
        self.next_button.setEnabled("next" in can)
        self.lock_button.setEnabled("lock" in can)
        self.reveal_button.setEnabled("reveal" in can)
        self.end_button.setEnabled("end" in can)
        self._fill_back_box(room.slides_shown() if room and "back" in can else [])
        self.back_button.setEnabled(self.back_box.count() > 0)
        self.back_box.setEnabled(self.back_box.count() > 0)
        chosen = self.roster.chosen()
        live = room is not None and not room.ended
        self.remove_button.setEnabled(live and chosen is not None and not chosen.removed)
        self.rejoin_button.setEnabled(  # a connected member is on its own device: no seat free
            live and chosen is not None and not chosen.removed and not chosen.connected
        )
        self.close_joins_button.setEnabled(live and bool(room and room.rules.joins_open))

    def _fill_back_box(self, steps: list[int]) -> None:
        room = self.host.room
        if [self.back_box.itemData(i) for i in range(self.back_box.count())] == steps:
            return
        self.back_box.clear()
        for step in steps:
            assert room is not None
            self.back_box.addItem(narration.step_label(room.steps, step).capitalize(), step)
        self.back_box.setCurrentIndex(self.back_box.count() - 1)  # the latest slide

    # --- the controls ----------------------------------------------------------------------
    def back_to_slide(self) -> None:
        step = self.back_box.currentData()
        if step is not None:
            self.host.control("back_to", int(step))

    def end_room(self) -> None:
        if prompts.confirm(
            self,
            "End the room",
            "End the room now? Answers recorded so far are kept; nobody can answer after.",
        ):
            self.host.control("end")

    def remove_chosen(self) -> None:
        chosen = self.roster.chosen()
        if chosen is not None and prompts.confirm(
            self,
            "Remove a participant",
            f"Remove {narration.shown_name(chosen.name)} from the room? They are disconnected "
            "and cannot rejoin; their answers so far are kept.",
        ):
            self.host.remove(chosen.profile_id)

    def let_chosen_rejoin(self) -> None:
        chosen = self.roster.chosen()
        if chosen is not None and prompts.confirm(
            self,
            "Let rejoin from another device",
            f"Let {narration.shown_name(chosen.name)} rejoin from another device? The next "
            "device to join with their profile takes their seat; their old one cannot come "
            "back. Do this only when they ask for it.",
        ):
            self.host.let_rejoin(chosen.profile_id)
            name = narration.shown_name(chosen.name)
            self.events.appendPlainText(f"{name} may rejoin once from another device")

    def _on_timer_changed(self) -> None:
        on = self.timer_box.isChecked()
        self.host.set_timer(float(self.timer_seconds.value()) if on else None)

    def show_keys(self) -> None:
        prompts.inform(self, "Live room console: keys", keys_html())

    # --- the presenter ---------------------------------------------------------------------
    def show_presenter(self) -> PresenterWindow:
        from calibrate.gui.screens.trainer.presenter import PresenterWindow

        if self.presenter is None:
            self.presenter = PresenterWindow(self)
        self._update_presenter()
        self.presenter.show()
        self.presenter.raise_()
        return self.presenter

    def _update_presenter(self) -> None:
        if self.presenter is not None:
            self.presenter.show_room(
                self.host.room, self.host.code, unshielded=self.unshield_box.isChecked()
            )

    # --- closing ---------------------------------------------------------------------------
    def closeEvent(self, event) -> None:  # noqa: N802 - Qt override
        self.shutdown()
        super().closeEvent(event)

    def shutdown(self) -> None:
        self._clock.stop()
        if self.presenter is not None:
            self.presenter.shutdown()
            self.presenter.close()
        self.host.shutdown()
