"""The host console's panels: the join code (large, copyable, as a QR code), the
participants, and the console's keys (listed by its F1)."""

from __future__ import annotations

import html
import time
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from calibrate.core.live import narration
from calibrate.core.live.narration import shown_name
from calibrate.gui import theme
from calibrate.gui.widgets.qr_code import QrLabel
from calibrate.workspace.rooms import RosterEntry

if TYPE_CHECKING:
    from calibrate.core.models import Lesson, Pack

# What the console's F1 lists (docs/live-rooms.md says the same).
CONSOLE_KEYS = (
    ("Alt+P, Alt+L", "choose the pack, the lesson"),
    ("Alt+O", "open the room (or resume the lesson's unfinished one)"),
    ("Alt+N", "start a new room instead of resuming (asks first)"),
    ("N or →", "next: start the room, the next slide or case"),
    ("L", "lock answers to the open case"),
    ("R", "reveal the locked case (the split, the golden answer, the rationale)"),
    ("B", "back to the slide chosen beside Back (one already shown), to discuss it"),
    ("J", "close the room to new participants (members may still rejoin)"),
    ("Ctrl+E", "end the room (asks first)"),
    ("Del", "remove the chosen participant (asks first; they cannot rejoin)"),
    ("A", "let the chosen participant rejoin from another device"),
    ("T", "the answer timer: on or off (its seconds beside it)"),
    ("C", "copy the join code"),
    ("P", "open or raise the presenter view"),
    ("Space", "play or pause the case's clip on the presenter view"),
    ("U", "show this case's clip unshielded on the presenter view (or shielded again)"),
    ("F11 (presenter)", "full screen on or off"),
    ("F1", "this list"),
)


def keys_html() -> str:
    rows = "".join(f"<tr><td><b>{k}</b>&nbsp;&nbsp;</td><td>{w}</td></tr>" for k, w in CONSOLE_KEYS)
    return f"<table>{rows}</table>"


class LessonPicker(QWidget):
    """A pack and one of its lessons with cases; `changed` when either changes."""

    changed = Signal()

    def __init__(self, packs: list[Pack], parent: QWidget | None = None):
        super().__init__(parent)
        self.packs = packs
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        self.pack_box = QComboBox(objectName="consolePack")
        self.pack_box.setAccessibleName("Pack")
        self.lesson_box = QComboBox(objectName="consoleLesson")
        self.lesson_box.setAccessibleName("Lesson")
        for label, box in (("&Pack", self.pack_box), ("&Lesson", self.lesson_box)):
            caption = QLabel(label)
            caption.setBuddy(box)
            row.addWidget(caption)
            row.addWidget(box, stretch=1)
        for pack in packs:
            if any(lesson.case_ids for lesson in pack.lessons):
                self.pack_box.addItem(f"{pack.title} ({pack.id})", pack.id)
        self._fill_lessons()
        self.pack_box.currentIndexChanged.connect(self._fill_lessons)
        self.lesson_box.currentIndexChanged.connect(self.changed)

    def _fill_lessons(self) -> None:
        self.lesson_box.blockSignals(True)
        self.lesson_box.clear()
        pack = self.chosen()[0]
        for lesson in pack.lessons if pack is not None else []:
            if lesson.case_ids:
                self.lesson_box.addItem(f"{lesson.title} ({lesson.id})", lesson.id)
        self.lesson_box.blockSignals(False)
        self.changed.emit()

    def chosen(self) -> tuple[Pack | None, Lesson | None]:
        pack = next((p for p in self.packs if p.id == self.pack_box.currentData()), None)
        lesson_id = self.lesson_box.currentData()
        lessons = pack.lessons if pack is not None else []
        return pack, next((x for x in lessons if x.id == lesson_id), None)

    def choose(self, pack_id: str, lesson_id: str) -> None:
        self.pack_box.setCurrentIndex(self.pack_box.findData(pack_id))
        self.lesson_box.setCurrentIndex(self.lesson_box.findData(lesson_id))


class JoinCodePanel(QWidget):
    """The join code, large and selectable, a Copy button and the QR code."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.qr = QrLabel(220, self, name="consoleQrCode")
        layout.addWidget(self.qr, alignment=Qt.AlignmentFlag.AlignHCenter)
        self.code = QLabel(objectName="joinCode", wordWrap=True)
        self.code.setTextFormat(Qt.TextFormat.PlainText)
        self.code.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.Monospace)
        font.setPointSize(15)
        font.setBold(True)
        self.code.setFont(font)
        self.code.setAccessibleName("Join code")
        self.code.setMinimumWidth(300)
        layout.addWidget(self.code)
        row = QHBoxLayout()
        self.copy_button = QPushButton("&Copy join code  (C)", objectName="copyJoinCodeButton")
        self.copy_button.setAutoDefault(False)
        self.copy_button.clicked.connect(self.copy)
        row.addWidget(self.copy_button)
        self.copied = QLabel(objectName="joinCodeCopied")
        row.addWidget(self.copied, stretch=1)
        layout.addLayout(row)
        self.show_code("")

    def show_code(self, code: str) -> None:
        """The code with a break every 26 characters (it reads and types in three pieces)."""
        self.code.setText(
            " ".join(code[i : i + 26] for i in range(0, len(code), 26))
            if code
            else "No room open yet."
        )
        self.qr.show_code(code)
        self.copy_button.setEnabled(bool(code))
        self.copied.clear()
        self._code = code

    def copy(self) -> None:
        if self._code:
            QGuiApplication.clipboard().setText(self._code)
            self.copied.setText("Copied.")


class RosterTable(QTableWidget):
    """The room's members: name, team, site, connected or not (never what they answered)."""

    chosen_changed = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(0, 4, parent)
        self.setObjectName("rosterTable")
        self.setAccessibleName("Participants")
        self.setHorizontalHeaderLabels(["Name", "Team", "Site", "Status"])
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.verticalHeader().hide()
        header = self.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.itemSelectionChanged.connect(self.chosen_changed)
        self.entries: list[RosterEntry] = []

    def show_roster(self, entries: list[RosterEntry]) -> None:
        """The list as it is now; untouched when nobody joined, left or was removed (an
        answer changes nothing here), so a room answering at once costs the table nothing."""
        if entries == self.entries:
            return
        keep = self.chosen()
        self.entries = list(entries)  # a copy: the caller may change its list later
        header = self.horizontalHeader()
        # Sized to contents once for the whole list, not once per cell set (that is
        # quadratic: 200 participants took seconds).
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
        self.blockSignals(True)
        self.setRowCount(len(entries))
        for row, entry in enumerate(entries):
            status, colour = _status(entry)
            texts = (shown_name(entry.name), shown_name(entry.team), shown_name(entry.site))
            for column, text in enumerate((*texts, status)):
                item = QTableWidgetItem(text)
                if column == 3:
                    item.setForeground(_brush(colour))
                self.setItem(row, column, item)
            if keep is not None and entry.profile_id == keep.profile_id:
                self.selectRow(row)
        self.blockSignals(False)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.chosen_changed.emit()

    def chosen(self) -> RosterEntry | None:
        rows = self.selectionModel().selectedRows() if self.selectionModel() else []
        if not rows or rows[0].row() >= len(self.entries):
            return None
        return self.entries[rows[0].row()]


def _status(entry: RosterEntry) -> tuple[str, str]:
    if entry.removed:
        return "removed", theme.WRONG
    return ("connected", theme.CORRECT) if entry.connected else ("not connected", theme.NEUTRAL)


def _brush(colour: str) -> QBrush:
    return QBrush(QColor(colour))


def step_html(room) -> str:  # noqa: ANN001 - a HandPacedRoom
    """Where the room is, in words (no golden answer, no split)."""
    step, phase = room.position
    if phase == "waiting":
        return "<b>Waiting to start.</b> Next (N) opens the first step."
    if phase == "ended":
        return "<b>The room has ended.</b> Every answer is in this database."
    label = narration.step_label(room.steps, step).capitalize()
    if room.showing is not None:
        again = narration.step_label(room.steps, room.showing).capitalize()
        return f"<b>{again}</b>, shown again · the room is at {label.lower()}"
    kind, name = room.steps[step]
    title = html.escape(room.pack.cases[name].title) if kind == "case" else ""
    words = {
        "slide": "",
        "open": " — answers open",
        "locked": " — answers locked: Reveal (R) when ready",
        "revealed": " — revealed",
    }[phase]
    timer = ""
    if phase == "open" and room.deadline is not None:
        timer = f" · {max(0, int(room.deadline - time.monotonic()))} s left"
    return f"<span style='font-size:14pt'><b>{label}</b> {title}{words}{timer}</span>"


def count_text(room) -> str:  # noqa: ANN001 - a HandPacedRoom or None
    """ "answered 17 / 23" while a case is open, locked or revealed: a count, never who."""
    if room is None or room.current_case is None or room.position.phase == "waiting":
        return ""
    answered, of = room.answer_count()
    return f"answered {answered} / {of}"
