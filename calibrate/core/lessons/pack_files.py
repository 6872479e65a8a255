"""One pack folder's files: pack.toml read and checked, the assets folder beside it, its case
files and guidance slides each checked alone. The loader (loader.py) judges lessons from
these; the trainer's editor (core/authoring) re-checks one file with the same pieces.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from calibrate.core import models
from calibrate.core.errors import Problem
from calibrate.core.lessons.case_files import CaseResult, PackRefs, load_case_file, validate_model
from calibrate.core.lessons.files import TomlFile, parse_toml, read_text, read_toml
from calibrate.core.lessons.schema import PackSpec

PACK_FILE = "pack.toml"
log = logging.getLogger(__name__)


def find_pack_folders(path: Path) -> list[Path]:
    """A pack folder itself, or the pack folders directly inside a lessons folder."""
    if _has_pack_file(path):
        return [path]
    if not path.is_dir():
        return []
    return sorted(p for p in path.iterdir() if p.is_dir() and _has_pack_file(p))


def _has_pack_file(folder: Path) -> bool:
    """Any pack.toml, even a FIFO or a dangling link: reading it then says what is wrong,
    instead of the folder being skipped without a word."""
    pack_file = folder / PACK_FILE
    return pack_file.exists() or pack_file.is_symlink()


def folder_id(pack_folder: Path) -> str:
    """The pack id a folder stands for: its name, also when given as `.` from inside it."""
    return Path(os.path.abspath(pack_folder)).name


def assets_dir_for(pack_folder: Path, pack_id: str) -> Path:
    """Media of lessons/<pack>/ lives in assets/<pack>/ beside the lessons folder.

    Made absolute first (without resolving links, as pack import places it), so a path given
    from inside the lessons or pack folder (`.`) finds the same assets/."""
    return Path(os.path.abspath(pack_folder)).parent.parent / "assets" / pack_id


class PackFiles:
    """Everything read from one pack folder, before lessons are judged."""

    def __init__(self, folder: Path, text: str | None = None):
        """`text`: pack.toml as an editor holds it, instead of the file's."""
        self.folder = folder
        self.root = folder.resolve()  # a symlinked pack folder is fine; its files stay in it
        self.problems: list[Problem] = []  # problems of pack.toml: the pack is unavailable
        self.file: TomlFile | None = (
            read_toml(folder / PACK_FILE, self.root, self.problems, real_parent=self.root)
            if text is None
            else parse_toml(folder / PACK_FILE, text, self.problems)
        )
        self.spec: PackSpec | None = (
            validate_model(PackSpec, self.file, self.problems) if self.file else None
        )
        if self.file is not None and self.spec is not None and folder_id(folder) != self.spec.id:
            self.problems.append(
                self.file.problem(
                    ("id",),
                    f"pack id {self.spec.id!r} must match its folder name {folder_id(folder)!r}",
                )
            )
        self.assets = assets_dir_for(folder, folder_id(folder))
        self.real_assets = real_folder(self.assets)


def real_folder(folder: Path) -> Path | None:
    """The folder's path with every link followed, None when it cannot be resolved (a loop)."""
    try:
        return folder.resolve()
    except (OSError, RuntimeError):
        return None


def check_cases(cases_dir: Path, refs: PackRefs, files: PackFiles) -> list[CaseResult]:
    """Every case file checked. No two cases share an id: load_case_file refuses a case whose
    id differs from its file name, and a folder holds each name once (so a copied case is a
    file-name problem of the copy)."""
    paths = sorted(cases_dir.glob("*.toml")) if cases_dir.is_dir() else []  # none is valid
    real_parent = real_folder(cases_dir)
    return [
        load_case_file(
            path,
            refs,
            files.assets,
            files.root,
            real_parent=real_parent,
            real_assets=files.real_assets,
        )
        for path in paths
    ]


def load_guidance(
    guidance_dir: Path, root: Path
) -> tuple[dict[str, models.GuidanceSlide], dict[str, list[Problem]]]:
    """The readable slides by file name, and the problems of the others."""
    slides: dict[str, models.GuidanceSlide] = {}
    problems: dict[str, list[Problem]] = {}
    if not guidance_dir.is_dir():
        return slides, problems
    real_parent = real_folder(guidance_dir)
    for path in sorted(guidance_dir.glob("*.md")):
        found: list[Problem] = []
        text = read_text(path, root, found, real_parent=real_parent)
        if text is None:
            problems[path.name] = found
        else:
            slides[path.name] = models.GuidanceSlide(path.name, text, path)
    return slides, problems
