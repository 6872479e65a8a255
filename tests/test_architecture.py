"""The layers hold: each loads only the libraries its layer may, and the published lesson
schema matches the code."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from calibrate.core.lessons.schema import json_schema

# What importing every module of a layer may not load (DESIGN.md "Layers"): a name here is a
# top-level package or, for Qt, the module that would mean widgets.
BANNED_BY_LAYER = {
    "core": ("PySide6", "vlc", "sqlite3", "sqlite_utils", "matplotlib"),
    "workspace": ("PySide6", "vlc"),
    "store": ("PySide6", "vlc", "matplotlib"),
    "charts": ("PySide6", "vlc", "sqlite3", "sqlite_utils", "pandas"),
    "tabular": ("PySide6", "vlc", "sqlite3", "sqlite_utils", "matplotlib"),
    "net": ("PySide6.QtWidgets", "PySide6.QtGui", "vlc", "sqlite3", "sqlite_utils", "matplotlib"),
}


@pytest.mark.parametrize("layer", sorted(BANNED_BY_LAYER))
def test_importing_a_layer_loads_none_of_what_it_must_not(repo_root: Path, layer: str) -> None:
    # Every module of the layer imported in a fresh interpreter, then sys.modules read.
    code = (
        f"import importlib, pkgutil, sys, calibrate.{layer} as layer\n"
        f"names = [m.name for m in pkgutil.walk_packages(layer.__path__, 'calibrate.{layer}.')]\n"
        "assert names, 'no modules found'\n"
        "for name in names: importlib.import_module(name)\n"
        f"banned = {BANNED_BY_LAYER[layer]!r}\n"
        "print(','.join(sorted(n for n in sys.modules if any(n == b or n.startswith(b + '.') "
        "for b in banned))))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=repo_root, timeout=120
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "", f"calibrate.{layer} loads {result.stdout.strip()}"


def test_published_json_schema_is_in_sync_with_the_models(repo_root: Path) -> None:
    published = json.loads((repo_root / "docs/schema/lesson-pack.schema.json").read_text())
    assert published == json_schema(), "run: python scripts/write_lesson_schema.py"
