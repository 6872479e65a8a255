"""From the trainer area to the editor: "Edit…" on a pack (a bundled one is copied into the
trainer's lessons folder first: the app never writes into the bundled folder), "New pack…",
a case opened from the dashboard, and the lesson preview. The editor and the preview are
screens of the main window's stack (show_screen), each returning to the one it came from."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from calibrate.gui import prompts
from calibrate.gui.screens.trainer import sharing

if TYPE_CHECKING:
    from calibrate.gui.screens.editor.screen import EditorScreen
    from calibrate.gui.screens.trainer.area import TrainerArea
    from calibrate.workspace.folders import FoundPack

COPY_QUESTION = (
    "“{title}” is bundled with Calibrate and read-only. Copy it into your lessons folder "
    "{folder} to edit it? From then on moderators get your copy, with your edits."
)


def editable_folder(area: TrainerArea, pack_id: str, title: str, bundled: bool, folder: Path):
    """The pack folder to edit: `folder`, or for a bundled pack a copy in the trainer's own
    lessons folder (asked first; None when they decline or the copy is refused)."""
    from calibrate.core.authoring.errors import AuthoringRefused

    if not bundled:
        return folder
    target = sharing.choose_target(area.context, area, verb="Copy")
    if target is None:
        return None
    question = COPY_QUESTION.format(title=title, folder=target)
    if not prompts.confirm(area, "Copy the bundled pack?", question):
        return None
    try:
        copied = area.context.authoring.copy_for_editing(pack_id, target)
    except (AuthoringRefused, OSError) as refused:
        prompts.inform(area, "The pack was not copied", str(refused))
        return None
    area.reload_requested.emit()  # the copy replaces the bundled pack in the lesson list
    return copied


def edit_entry(area: TrainerArea, entry: FoundPack) -> EditorScreen | None:
    """ "Edit…" on a pack of the list."""
    folder = edit_folder_of(area, entry)
    return None if folder is None else open_editor(area, folder)


def new_pack(area: TrainerArea) -> EditorScreen | None:
    """ "New pack…": its id and title, in one of the trainer's own lessons folders."""
    from calibrate.core.authoring.errors import AuthoringRefused

    target = sharing.choose_target(area.context, area, verb="Create")
    if target is None:
        return None
    pack_id = prompts.ask_line(
        area, "New pack", "The pack's id (its folder name: lowercase letters, digits, -):"
    )
    if not pack_id:
        return None
    title = prompts.ask_line(area, "New pack", "Its title:") or pack_id
    try:
        editor = area.context.authoring.new_pack(target, pack_id, title)
    except (AuthoringRefused, OSError) as refused:
        prompts.inform(area, "The pack was not created", str(refused))
        return None
    area.reload_requested.emit()
    return _show_editor(area, editor)


def open_editor(area: TrainerArea, folder: Path) -> EditorScreen | None:
    from calibrate.core.authoring.errors import AuthoringRefused

    try:
        editor = area.context.authoring.open_pack(folder)
    except (AuthoringRefused, OSError) as refused:
        prompts.inform(area, "The pack cannot be edited", str(refused))
        return None
    return _show_editor(area, editor)


def _show_editor(area: TrainerArea, pack) -> EditorScreen:
    from calibrate.gui.screens.editor.screen import EditorScreen

    close_editor(area)
    screen = EditorScreen(area.context, pack)
    screen.leave_requested.connect(lambda: _on_editor_left(area))
    screen.pack_saved.connect(area.reload_requested.emit)
    screen.preview_requested.connect(lambda lesson_id: open_preview(area, lesson_id))
    area.editor = screen
    area.show_screen(screen)
    return screen


def edit_case(area: TrainerArea, pack_id: str, case_id: str, room_html: str = ""):
    """A case from the dashboard (a split case, a disputed golden) in the case editor."""
    entry = next((e for e in area.found if e.pack_id == pack_id and e.pack is not None), None)
    if entry is None:
        pack = area.context.pack(pack_id)
        bundled = any(
            f.read_only and pack.folder.parent == f.path for f in area.context.lessons.folders()
        )
        folder = editable_folder(area, pack_id, pack.title, bundled, pack.folder)
    else:
        folder = edit_folder_of(area, entry)
    screen = None if folder is None else open_editor(area, folder)
    if screen is not None:
        screen.open_case(case_id, room_html)
    return screen


def edit_folder_of(area: TrainerArea, entry: FoundPack) -> Path | None:
    return editable_folder(
        area, entry.pack_id, entry.title, entry.lessons_folder.read_only, entry.folder
    )


def _on_editor_left(area: TrainerArea) -> None:
    area.show_screen(area)
    area.refresh()
    close_editor(area)


def close_editor(area: TrainerArea) -> None:
    if area.editor is not None:
        area.editor.shutdown()
        area.editor.deleteLater()
        area.editor = None


def open_preview(area: TrainerArea, lesson_id: str) -> None:
    """The lesson as saved, through the real lesson screens; nothing recorded."""
    from calibrate.gui.screens.editor.preview import PreviewScreen

    editor = area.editor
    if editor is None:
        return
    editor.case_page.player.unload()  # one clip plays at a time
    preview = PreviewScreen(area.context, editor.pack.folder, lesson_id)
    area.preview = preview

    def back() -> None:
        area.show_screen(editor)
        preview.shutdown()
        preview.deleteLater()
        area.preview = None

    preview.closed.connect(back)
    area.show_screen(preview)
    preview.start()
