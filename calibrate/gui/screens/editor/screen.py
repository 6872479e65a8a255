"""The pack's editor screen: its parts on the left (the pack, its lessons, slides, cases and
drafts), the part chosen on the right (pack_page, lesson_page, slide_page, case_page), and
"Take this lesson as a moderator" (preview.py). Opened from the trainer area; Esc or "Back"
returns there, after asking about unsaved changes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from calibrate.gui import prompts
from calibrate.gui.screens.editor.case_page import CasePage
from calibrate.gui.screens.editor.lesson_page import LessonPage
from calibrate.gui.screens.editor.pack_page import PackPage
from calibrate.gui.screens.editor.slide_page import SlidePage
from calibrate.gui.shortcuts import bind_keys, focus_is_typing

if TYPE_CHECKING:
    from calibrate.gui.context import AppContext
    from calibrate.workspace.authoring import PackEditor

KIND, NAME = Qt.ItemDataRole.UserRole, Qt.ItemDataRole.UserRole + 1


class EditorScreen(QWidget):
    leave_requested = Signal()
    preview_requested = Signal(str)  # lesson id
    pack_saved = Signal()  # a file of the pack was written: the lessons are read again

    def __init__(self, context: AppContext, pack: PackEditor):
        super().__init__()
        self.setObjectName("editorScreen")
        self.context = context
        self.pack = pack
        self.pages = QStackedWidget(objectName="editorPages")
        self.pack_page = PackPage()
        self.lesson_page = LessonPage()
        self.slide_page = SlidePage()
        self.case_page = CasePage()
        for page in (self.pack_page, self.lesson_page, self.slide_page, self.case_page):
            self.pages.addWidget(page)
            page.saved.connect(self._on_saved)
        self.case_page.draft_kept.connect(lambda _id: self.refresh_nav())
        self.pack_page.edited.connect(self.refresh_nav)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 10, 16, 10)
        outer.addLayout(self._build_header())
        split = QSplitter(Qt.Orientation.Horizontal)
        split.setChildrenCollapsible(False)
        split.addWidget(self._build_nav())
        split.addWidget(self.pages)
        split.setSizes([260, 1080])
        outer.addWidget(split, stretch=1)
        self._current: QTreeWidgetItem | None = None
        bind_keys(self, ("Ctrl+Shift+P",), self._on_preview_clicked)
        bind_keys(self, ("Ctrl+N",), self.ask_new_case)
        self.refresh_nav()
        self.show_part("pack", "")

    # --- building ---------------------------------------------------------------------------
    def _build_header(self) -> QHBoxLayout:
        top = QHBoxLayout()
        self.heading = QLabel(objectName="editorHeading")
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.heading.setStyleSheet("font-size: 15pt; font-weight: bold")
        top.addWidget(self.heading, stretch=1)
        self.preview_button = QPushButton(
            "Take this lesson as a &moderator…", objectName="previewLessonButton"
        )
        self.preview_button.setAccessibleName(
            "Take the chosen lesson as a moderator; nothing is recorded"
        )
        self.preview_button.setToolTip("Ctrl+Shift+P · runs the saved lesson; nothing is recorded")
        self.preview_button.clicked.connect(self._on_preview_clicked)
        top.addWidget(self.preview_button)
        back = QPushButton("&Back  (Esc)", objectName="editorBackButton")
        back.setAccessibleName("Back to the trainer area")
        back.clicked.connect(self.leave)
        top.addWidget(back)
        for button in (self.preview_button, back):
            button.setAutoDefault(False)
        return top

    def _build_nav(self) -> QWidget:
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        self.nav = QTreeWidget(objectName="editorNav")
        self.nav.setHeaderHidden(True)
        self.nav.setAccessibleName("The pack's parts")
        self.nav.currentItemChanged.connect(self._on_nav_changed)
        column.addWidget(self.nav, stretch=1)
        self.folder = QLabel(objectName="editorFolder", wordWrap=True)
        self.folder.setTextFormat(Qt.TextFormat.PlainText)
        self.folder.setStyleSheet("color: palette(placeholder-text)")
        column.addWidget(self.folder)
        for text, name, slot in (
            ("New &lesson…", "newLessonButton", self.ask_new_lesson),
            ("New s&lide…", "newSlideButton", self.ask_new_slide),
            ("New &case…  (Ctrl+N)", "newCaseButton", self.ask_new_case),
        ):
            button = QPushButton(text, objectName=name)
            button.setAutoDefault(False)
            button.clicked.connect(slot)
            column.addWidget(button)
        return box

    # --- the navigation ---------------------------------------------------------------------
    def refresh_nav(self) -> None:
        """List the pack's parts as they are now (kept on the part shown)."""
        pack = self.pack
        title = pack.get("title") or pack.pack_id
        self.heading.setText(f"Editing {title}  ({pack.pack_id})")
        self.folder.setText(f"Files: {pack.folder}\nClips: {pack.assets}")
        shown = self._current_part()
        self.nav.blockSignals(True)
        self.nav.clear()
        self._add_item(None, "Pack: title, decisions, clauses", "pack", "")
        groups = (
            ("Lessons", "lesson", [(row.id, f"{row.title}  ({row.id})") for row in pack.lessons()]),
            ("Guidance slides", "slide", [(name, name) for name in pack.slide_names()]),
            ("Cases", "case", [(cid, cid) for cid in pack.case_ids()]),
            (
                "Drafts (not in any lesson)",
                "draft",
                [(d, f"{d} (draft)") for d in pack.draft_ids()],
            ),
        )
        for heading, kind, rows in groups:
            group = self._add_item(None, heading, "", "")
            group.setFlags(group.flags() & ~Qt.ItemFlag.ItemIsSelectable)
            for name, text in rows:
                self._add_item(group, text, kind, name)
            group.setExpanded(True)
        self.nav.blockSignals(False)
        self._select(*shown)

    def _add_item(self, parent, text: str, kind: str, name: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem([text])
        item.setData(0, KIND, kind)
        item.setData(0, NAME, name)
        if parent is None:
            self.nav.addTopLevelItem(item)
        else:
            parent.addChild(item)
        return item

    def _current_part(self) -> tuple[str, str]:
        item = self._current
        return (item.data(0, KIND), item.data(0, NAME)) if item is not None else ("pack", "")

    def _select(self, kind: str, name: str) -> bool:
        for item in self._items():
            if item.data(0, KIND) == kind and item.data(0, NAME) == name:
                self.nav.blockSignals(True)
                self.nav.setCurrentItem(item)
                self.nav.blockSignals(False)
                self._current = item
                return True
        return False

    def _items(self):
        for top in range(self.nav.topLevelItemCount()):
            item = self.nav.topLevelItem(top)
            yield item
            for child in range(item.childCount()):
                yield item.child(child)

    def _on_nav_changed(self, item: QTreeWidgetItem | None, previous) -> None:
        if item is None or not item.data(0, KIND):
            return
        if not self._may_leave_part():
            self._select(*self._current_part())
            return
        self.show_part(item.data(0, KIND), item.data(0, NAME))

    def show_part(self, kind: str, name: str) -> QWidget:
        """Open one part of the pack on the right; returns its page."""
        self._select(kind, name)
        clause_ids = [c.id for c in self.pack.clauses()]
        if kind == "pack":
            self.pack_page.open_pack(self.pack)
            page: QWidget = self.pack_page
        elif kind == "lesson":
            self.lesson_page.open_lesson(self.pack, name)
            page = self.lesson_page
        elif kind == "slide":
            self.slide_page.open_slide(self.pack, name, clause_ids)
            page = self.slide_page
        else:
            case = self.pack.open_draft(name) if kind == "draft" else self.pack.open_case(name)
            self._open_case(case)
            page = self.case_page
        self.pages.setCurrentWidget(page)
        self.preview_button.setEnabled(bool(self._preview_lesson()))
        return page

    def _open_case(self, case) -> None:
        decisions = [(d.id, d.label) for d in self.pack.decisions()]
        self.case_page.open_case(case, decisions, [c.id for c in self.pack.clauses()])

    def open_case(self, case_id: str, room_html: str = "") -> CasePage:
        """The case's editor (from the dashboard: with the room's split and disputes)."""
        self.show_part("case", case_id)
        self.case_page.show_room(room_html)
        return self.case_page

    # --- unsaved work -----------------------------------------------------------------------
    def _may_leave_part(self) -> bool:
        """Ask about unsaved changes of the part shown; False to stay on it."""
        page = self.pages.currentWidget()
        if page is self.case_page and self.case_page.dirty:
            if prompts.confirm(
                self,
                "Unsaved changes",
                "This case has unsaved changes. Keep them as a draft? (No: they are lost.)",
            ):
                return self.case_page.keep_draft()
            return True
        if page is self.slide_page and self.slide_page.dirty:
            return prompts.confirm(
                self, "Unsaved changes", "This slide has unsaved changes. Leave it without saving?"
            )
        return True

    def may_close(self) -> bool:
        """Ask about every unsaved change (a case may be kept as a draft); False to stay."""
        if not self._may_leave_part():
            return False
        return not (self.pack_page.dirty or self.lesson_page.dirty) or prompts.confirm(
            self, "Unsaved changes", "pack.toml has unsaved changes. Leave without saving?"
        )

    def leave(self) -> None:
        if not self.may_close():
            return
        self.case_page.player.unload()
        self.leave_requested.emit()

    def _on_saved(self, *_what: object) -> None:
        self.pack_page.dirty = self.lesson_page.dirty = False  # both pages save pack.toml
        self.refresh_nav()
        self.pack_saved.emit()

    # --- new parts --------------------------------------------------------------------------
    def _create(self, make, kind: str, name_of) -> None:
        from calibrate.core.authoring.errors import AuthoringRefused

        if not self._may_leave_part():
            return
        try:
            made = make()
        except AuthoringRefused as refused:
            prompts.inform(self, "Not created", str(refused))
            return
        self.refresh_nav()
        if kind == "case":  # in memory until saved or kept as a draft
            self._open_case(made)
            self.pages.setCurrentWidget(self.case_page)
            self.case_page.dirty = True
        else:
            self.show_part(kind, name_of(made))

    def ask_new_lesson(self) -> None:
        lesson_id = prompts.ask_line(
            self, "New lesson", "The lesson's id (letters, digits, - _ .):"
        )
        if lesson_id:
            title = prompts.ask_line(self, "New lesson", "Its title:") or lesson_id
            self._create(
                lambda: self.pack.add_lesson(lesson_id, title), "lesson", lambda _: lesson_id
            )

    def ask_new_slide(self) -> None:
        name = prompts.ask_line(self, "New guidance slide", "File name (e.g. 03-threats.md):")
        if name:
            title = prompts.ask_line(self, "New guidance slide", "Its first heading:") or name
            self._create(lambda: self.pack.new_slide(name, title), "slide", lambda made: made)

    def ask_new_case(self) -> None:
        case_id = prompts.ask_line(self, "New case", "The case's id (it names its file):")
        if case_id:
            title = prompts.ask_line(self, "New case", "Its title:") or case_id
            self._create(lambda: self.pack.new_case(case_id, title), "case", lambda _: case_id)

    # --- preview ----------------------------------------------------------------------------
    def _preview_lesson(self) -> str:
        """The lesson to preview: the one shown, else the pack's first."""
        kind, name = self._current_part()
        if kind == "lesson":
            return name
        lessons = self.pack.lessons()
        return lessons[0].id if lessons else ""

    def _on_preview_clicked(self) -> None:
        from calibrate.gui.screens.editor.preview import preview_refusal

        lesson_id = self._preview_lesson()
        if not lesson_id:
            return
        refusal = preview_refusal(self.pack.folder, lesson_id)
        if refusal is not None:
            prompts.inform(self, "This lesson cannot be previewed yet", refusal)
            return
        self.preview_requested.emit(lesson_id)

    def take_focus(self) -> None:
        self.nav.setFocus()

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt override
        """Esc (one no field took: a table's cell editor cancels its edit with it) leaves a
        text field for the list of parts, and from there leaves the editor."""
        if event.key() != Qt.Key.Key_Escape:
            super().keyPressEvent(event)
        elif focus_is_typing():
            self.nav.setFocus()
        else:
            self.leave()

    def shutdown(self) -> None:
        self.case_page.shutdown()
