"""One lesson of pack.toml: its title and description, which guidance slides and which cases
it takes, in what order, and its own pass mark (blank: the pack's). Saved with pack.toml
(Ctrl+S)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from calibrate.gui.screens.editor.field_problems import FieldProblems
from calibrate.gui.screens.editor.optional_percent import OptionalPercentBox
from calibrate.gui.shortcuts import bind_keys

if TYPE_CHECKING:
    from calibrate.workspace.authoring import PackEditor

CHECK_DELAY_MS = 100


class OrderedPicker(QWidget):
    """The items a lesson takes, in order, beside the ones it does not."""

    changed = Signal(list)  # the chosen items, in order

    def __init__(self, name: str, what: str):
        super().__init__()
        self.setObjectName(name)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.addWidget(QLabel("In this lesson, in order"), 0, 0)
        grid.addWidget(QLabel(f"Other {what} of the pack"), 0, 2)
        self.chosen = QListWidget(objectName=f"{name}Chosen")
        self.chosen.setAccessibleName(f"The lesson's {what}, in order")
        self.others = QListWidget(objectName=f"{name}Others")
        self.others.setAccessibleName(f"{what} not in the lesson")
        self.others.itemDoubleClicked.connect(lambda _item: self._add())
        grid.addWidget(self.chosen, 1, 0)
        grid.addWidget(self.others, 1, 2)
        middle = QVBoxLayout()
        self.add_button = self._button("◀ Add", f"{name}AddButton", self._add, middle)
        self.remove_button = self._button("Remove ▶", f"{name}RemoveButton", self._remove, middle)
        self.up_button = self._button("Up", f"{name}UpButton", lambda: self._move(-1), middle)
        self.down_button = self._button("Down", f"{name}DownButton", lambda: self._move(1), middle)
        middle.addStretch(1)
        grid.addLayout(middle, 1, 1)

    @staticmethod
    def _button(text: str, name: str, slot: Callable[[], None], column) -> QPushButton:
        button = QPushButton(text, objectName=name)
        button.setAutoDefault(False)
        button.clicked.connect(slot)
        column.addWidget(button)
        return button

    def show_items(self, chosen: list[str], every: list[str]) -> None:
        self.chosen.clear()
        self.chosen.addItems(chosen)
        self.others.clear()
        self.others.addItems([item for item in every if item not in chosen])

    def items(self) -> list[str]:
        return [self.chosen.item(i).text() for i in range(self.chosen.count())]

    def add(self, text: str) -> None:
        """Move `text` from the others to the end of the lesson (tests, keyboard users)."""
        found = self.others.findItems(text, Qt.MatchFlag.MatchExactly)
        if found:
            self.others.setCurrentItem(found[0])
            self._add()

    def _add(self) -> None:
        item = self.others.currentItem()
        if item is None:
            return
        self.chosen.addItem(self.others.takeItem(self.others.row(item)).text())
        self.changed.emit(self.items())

    def _remove(self) -> None:
        row = self.chosen.currentRow()
        if row >= 0:
            self.others.addItem(self.chosen.takeItem(row).text())
            self.changed.emit(self.items())

    def _move(self, by: int) -> None:
        row = self.chosen.currentRow()
        to = row + by
        if row < 0 or not 0 <= to < self.chosen.count():
            return
        self.chosen.insertItem(to, self.chosen.takeItem(row))
        self.chosen.setCurrentRow(to)
        self.changed.emit(self.items())


class LessonPage(QWidget):
    saved = Signal()
    edited = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("lessonPage")
        self.pack: PackEditor | None = None
        self.lesson_id = ""
        self.dirty = False
        self.blocking: list = []
        self._filling = False
        self.problems = FieldProblems(QLabel(objectName="lessonGeneralProblems"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.problems.general)
        about = QGroupBox("The lesson")
        form = QFormLayout(about)
        self.id_label = QLabel(objectName="lessonIdLabel")
        self.id_label.setTextFormat(Qt.TextFormat.PlainText)
        form.addRow("Id", self.id_label)
        self.title = QLineEdit(objectName="lessonTitleField")
        self.title.setAccessibleName("Lesson title")
        self.title.textEdited.connect(lambda text: self._edit(title=text))
        form.addRow("&Title", self.problems.box(self.title, "title"))
        self.description = QLineEdit(objectName="lessonDescriptionField")
        self.description.setAccessibleName("Lesson description")
        self.description.textEdited.connect(lambda text: self._edit(description=text))
        form.addRow("&Description", self.problems.box(self.description, "description"))
        self.pass_mark = OptionalPercentBox(objectName="lessonPassMarkField")
        self.pass_mark.setAccessibleName("Pass mark: share of cases right to pass this lesson")
        self.pass_mark.setToolTip("Blank: the pack's pass mark (set on the pack's page)")
        self.pass_mark.valueChanged.connect(lambda _: self._edit(pass_mark=self.pass_mark.share()))
        form.addRow(
            "&Pass mark (blank = the pack's)", self.problems.box(self.pass_mark, "pass_mark")
        )
        layout.addWidget(about)
        self.slides = OrderedPicker("lessonSlides", "guidance slides")
        self.slides.changed.connect(lambda names: self._edit(guidance=names))
        self.cases = OrderedPicker("lessonCases", "cases")
        self.cases.changed.connect(lambda ids: self._edit(cases=ids))
        for title, picker, key in (
            ("Guidance slides (read before the cases)", self.slides, "guidance"),
            ("Cases", self.cases, "cases"),
        ):
            group = QGroupBox(title)
            QVBoxLayout(group).addWidget(self.problems.box(picker, key))
            layout.addWidget(group, stretch=1)
        row = QHBoxLayout()
        self.status = QLabel(objectName="lessonStatus", wordWrap=True)
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        row.addWidget(self.status, stretch=1)
        self.save_button = QPushButton("&Save pack.toml  (Ctrl+S)", objectName="saveLessonButton")
        self.save_button.setAutoDefault(False)
        self.save_button.clicked.connect(self.save)
        row.addWidget(self.save_button)
        layout.addLayout(row)
        self._timer = QTimer(self, singleShot=True, interval=CHECK_DELAY_MS)
        self._timer.timeout.connect(self.check)
        bind_keys(self, ("Ctrl+S",), self.save)

    def open_lesson(self, pack: PackEditor, lesson_id: str) -> None:
        self.pack, self.lesson_id = pack, lesson_id
        lesson = next(row for row in pack.lessons() if row.id == lesson_id)
        self._filling = True
        self.id_label.setText(lesson.id)
        self.title.setText(lesson.title)
        self.description.setText(lesson.description)
        packs = pack.get("pass_mark")
        packs = packs if isinstance(packs, int | float) and not isinstance(packs, bool) else 0.8
        self.pass_mark.lineEdit().setPlaceholderText(f"the pack's: {round(packs * 100)} %")
        own = lesson.pass_mark
        valid = isinstance(own, int | float) and not isinstance(own, bool) and 0 <= own <= 1
        self.pass_mark.set_share(float(own) if valid else None)  # type: ignore[arg-type]
        self.slides.show_items(list(lesson.guidance), pack.slide_names())
        self.cases.show_items(list(lesson.cases), pack.case_ids())
        self._filling = False
        self.dirty = False
        self.check()

    def _edit(self, **change: object) -> None:
        if self._filling or self.pack is None:
            return
        self.pack.edit_lesson(self.lesson_id, **change)  # type: ignore[arg-type]
        self.dirty = True
        self.status.setText("Unsaved changes to pack.toml.")
        self._timer.start()
        self.edited.emit()

    def _index(self) -> int:
        assert self.pack is not None
        return [row.id for row in self.pack.lessons()].index(self.lesson_id)

    def check(self) -> None:
        """pack.toml's problems with this lesson, at its fields."""
        self._timer.stop()
        if self.pack is None:
            return
        prefix = f"lessons[{self._index()}]"
        mine = [
            p._replace(key_path=(p.key_path or "")[len(prefix) + 1 :] or None)
            for p in self.pack.check()
            if (p.key_path or "").startswith(prefix)
        ]
        self.blocking = self.problems.show(mine)
        self.save_button.setEnabled(not self.blocking)

    def save(self) -> bool:
        from calibrate.core.authoring.errors import AuthoringRefused

        if self.pack is None:
            return False
        try:
            self.pack.save()
        except (AuthoringRefused, OSError) as refused:
            self.check()
            self.status.setText(f"Not saved: {refused}")
            return False
        self.dirty = False
        self.status.setText("Saved pack.toml.")
        self.saved.emit()
        return True
