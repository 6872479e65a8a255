"""The lesson list: every loaded pack and its lessons, and any lesson files that failed."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QLabel,
    QPlainTextEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from calibrate.gui.context import AppContext

PACK_ROLE = Qt.ItemDataRole.UserRole
LESSON_ROLE = Qt.ItemDataRole.UserRole + 1


class LessonListScreen(QWidget):
    lesson_chosen = Signal(str, str)  # pack id, lesson id

    def __init__(self, context: AppContext):
        super().__init__()
        self.context = context
        self.setObjectName("lessonListScreen")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        heading = QLabel("<h2>Lessons</h2>", objectName="lessonListHeading")
        layout.addWidget(heading)
        self.tree = QTreeWidget(objectName="lessonTree")
        self.tree.setAccessibleName("Lesson packs and their lessons")
        self.tree.setHeaderLabels(["Lesson", "Policy", "Cases", "Version"])
        self.tree.setAlternatingRowColors(True)
        self.tree.itemActivated.connect(self._on_tree_item_activated)
        layout.addWidget(self.tree, stretch=3)
        self.problems_label = QLabel(objectName="problemsLabel")
        layout.addWidget(self.problems_label)
        self.problems = QPlainTextEdit(objectName="problemsList", readOnly=True)
        self.problems.setAccessibleName("Problems found in lesson files")
        layout.addWidget(self.problems, stretch=1)
        self.refresh()

    def refresh(self) -> None:
        self.tree.clear()
        for pack in self.context.library.packs:
            pack_item = QTreeWidgetItem([pack.title, pack.policy, str(len(pack.cases)),
                                         pack.policy_version])
            pack_item.setData(0, PACK_ROLE, pack.id)
            font = pack_item.font(0)
            font.setBold(True)
            pack_item.setFont(0, font)
            for lesson in pack.lessons:
                item = QTreeWidgetItem([lesson.title, "", str(len(lesson.case_ids)), ""])
                item.setData(0, PACK_ROLE, pack.id)
                item.setData(0, LESSON_ROLE, lesson.id)
                item.setToolTip(0, lesson.description)
                pack_item.addChild(item)
            self.tree.addTopLevelItem(pack_item)
            pack_item.setExpanded(True)
        for column in range(4):
            self.tree.resizeColumnToContents(column)
        problems = self.context.library.problems
        self.problems_label.setText(
            f"<b>{len(problems)} problem(s) in lesson files</b> — packs with errors are not "
            "loaded; run <code>calibrate validate</code> for details" if problems
            else "All lesson files are valid.")
        self.problems.setPlainText("\n".join(p.format() for p in problems))
        self.problems.setVisible(bool(problems))
        first = self.tree.topLevelItem(0)
        if first is not None and first.childCount():
            self.tree.setCurrentItem(first.child(0))

    def _on_tree_item_activated(self, item: QTreeWidgetItem) -> None:
        lesson_id = item.data(0, LESSON_ROLE)
        if lesson_id:
            self.lesson_chosen.emit(item.data(0, PACK_ROLE), lesson_id)


