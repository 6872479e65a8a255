"""The trainer area's two faces of ws.packs (docs/sharing.md): export a pack to a .calpack
file, import one into a lessons folder, each in a TransferDialog; the refusals in words."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from calibrate.core.errors import counted
from calibrate.gui import prompts
from calibrate.gui.screens.trainer.transfer_dialog import TransferDialog

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

    from calibrate.gui.context import AppContext
    from calibrate.gui.tasks import Progress
    from calibrate.workspace.folders import FoundPack
    from calibrate.workspace.packs import PackExported, PackImported

MAX_LINES = 20  # problem lines shown under a refusal (Copy from the box gives them all)


def explain(error: BaseException) -> tuple[str, list[str]]:
    """A refusal as one sentence and the lines below it (an invalid pack's problems)."""
    from calibrate.core.sharing.errors import ArchiveTooLarge, InvalidPack, PackRefused
    from calibrate.gui.errors import plain_message
    from calibrate.workspace.folders import FolderRefused

    if isinstance(error, FolderRefused):
        return f"{error} Nothing was written.", []
    if not isinstance(error, PackRefused):
        return plain_message(error) + " Nothing was written.", []
    sentence = str(error).removesuffix("; refused").removesuffix("; nothing written")
    sentence = sentence[:1].upper() + sentence[1:] + ". Nothing was written."
    if isinstance(error, ArchiveTooLarge) and error.total_limit:
        sentence += " A pack this large can be imported with `calibrate pack import --max-size`."
    lines = list(error.problems) if isinstance(error, InvalidPack) else []
    if len(lines) > MAX_LINES:
        lines = [*lines[:MAX_LINES], f"… and {len(lines) - MAX_LINES} more (calibrate validate)"]
    return sentence, lines


def export_pack(
    context: AppContext, entry: FoundPack, out: Path, parent: QWidget
) -> TransferDialog:
    """Write `entry`'s pack to `out` in a TransferDialog (opened, running)."""
    packs, folder = context.packs, entry.folder

    def work(progress: Progress) -> PackExported:
        return packs.export_pack(folder, out, progress.report, progress.cancelled)

    def describe(result: PackExported) -> str:
        return (
            f"Exported {entry.title} ({result.pack_id}) to {out.name}: "
            f"{counted(result.files, 'file')}, {_size_of(out)}. Send this one file; "
            "Import pack… (or `calibrate pack import`) takes it in."
        )

    dialog = TransferDialog("Export pack", parent)
    dialog.explain = explain
    dialog.open()
    heading = f"Pack: {entry.title} ({entry.pack_id})\nTo: {out}"
    dialog.start(heading, "Exporting", work, describe)
    return dialog


def import_pack(
    context: AppContext, file: Path, into: Path, parent: QWidget, bundled_ids: set[str]
) -> TransferDialog:
    """Import `file` into the lessons folder `into` in a TransferDialog (opened, running);
    a pack id already there asks "Replace it?" and, if yes, imports again replacing it.
    `bundled_ids`: the bundled packs' ids (the result says which one the import replaces)."""
    from calibrate.core.sharing.errors import PackIdClash

    packs, lessons = context.packs, context.lessons
    dialog = TransferDialog("Import pack", parent)
    dialog.explain = explain

    def run(replace: bool) -> None:
        def work(progress: Progress) -> PackImported:
            lessons.check_import_target(into)  # never the bundled, read-only folder
            return packs.import_pack(
                file,
                into,
                replace=replace,
                progress=progress.report,
                cancelled=progress.cancelled,
            )

        heading = f"File: {file}\nInto: {into}"
        dialog.start(
            heading, "Importing", work, lambda result: _imported(result, into, bundled_ids)
        )

    def refused(error: BaseException) -> bool:
        if not isinstance(error, PackIdClash):
            return False
        question = (
            f"{str(error).split(';')[0]}.\n\nReplace it with the pack in {file.name}? Its "
            "lessons and its clips are replaced whole; answers given so far are kept."
        )
        if not prompts.confirm(dialog, "Replace the pack?", question):
            return False
        run(replace=True)
        return True

    dialog.refused = refused
    dialog.open()
    run(replace=False)
    return dialog


def _imported(result: PackImported, into: Path, bundled_ids: set[str]) -> str:
    if result.outcome == "unchanged":
        return f"The same pack {result.pack_id!r} is in {into} already: nothing changed."
    done = "Replaced" if result.outcome == "replaced" else "Imported"
    words = f"{done} pack {result.pack_id!r} in {into} ({counted(result.files, 'file')})"
    words += f"; its clips are in {result.assets_folder}." if result.clips else "."
    if result.pack_id in bundled_ids:
        words += " It takes the place of the bundled pack of the same id in the lesson list."
    return words


def _size_of(path: Path) -> str:
    from calibrate.gui.screens.trainer.transfer_dialog import _size

    try:
        return _size(path.stat().st_size)
    except OSError:
        return "size unknown"


def choose_target(context: AppContext, parent: QWidget, verb: str = "Import") -> Path | None:
    """The lessons folder an import (or a copy for editing: verb) goes into: the trainer's
    only one, the one they pick among several, or — with none yet — Calibrate's own (created
    and added to their lessons folders once they agree)."""
    from calibrate import paths
    from calibrate.gui.saved_folders import save_folders

    targets = [f.path for f in context.lessons.import_targets()]
    if len(targets) == 1:
        return targets[0]
    if targets:
        chosen = prompts.choose(
            parent, f"{verb} into", "Which lessons folder should the pack go into?", targets
        )
        return None if chosen is None else targets[chosen]
    own = paths.data_dir() / "lessons"
    question = (
        f"You have no lessons folder of your own yet (bundled packs are read-only). {verb} "
        f"into {own}? Calibrate creates it and reads it from now on (Lesson folders…)."
    )
    if not prompts.confirm(parent, f"{verb} into", question):
        return None
    own.mkdir(parents=True, exist_ok=True)
    save_folders(context.lessons.add_folder(own))
    return own
