"""The layers hold: core stays pure, and the published lesson schema matches the code."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from calibrate.core.lessons.schema import json_schema


def test_importing_core_loads_no_qt_vlc_or_sqlite(repo_root: Path) -> None:
    code = (
        "import importlib, pkgutil, sys, calibrate.core as core\n"
        "names = [m.name for m in pkgutil.walk_packages(core.__path__, 'calibrate.core.')]\n"
        "assert len(names) > 20, names\n"
        "for name in names: importlib.import_module(name)\n"
        "banned = ('PySide6', 'vlc', 'sqlite3', 'sqlite_utils', 'matplotlib', 'pandas')\n"
        "print(','.join(sorted(n for n in sys.modules if n.split('.')[0] in banned)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=repo_root, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_published_json_schema_is_in_sync_with_the_models(repo_root: Path) -> None:
    published = json.loads((repo_root / "docs/schema/lesson-pack.schema.json").read_text())
    assert published == json_schema(), "run: python scripts/write_lesson_schema.py"
