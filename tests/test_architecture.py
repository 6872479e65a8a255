"""The layers hold: core stays pure, and the published lesson schema matches the code."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from calibrate.core.lesson_schema import json_schema


def test_importing_core_loads_no_qt_vlc_or_sqlite(repo_root: Path) -> None:
    code = (
        "import importlib, pkgutil, sys, calibrate.core as core\n"
        "for m in pkgutil.iter_modules(core.__path__): importlib.import_module('calibrate.core.' + m.name)\n"
        "bad = [n for n in sys.modules if n.split('.')[0] in ('PySide6', 'vlc', 'sqlite3', 'sqlite_utils', 'matplotlib')]\n"
        "print(','.join(sorted(bad)))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            cwd=repo_root, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_published_json_schema_is_in_sync_with_the_models(repo_root: Path) -> None:
    published = json.loads((repo_root / "docs/schema/lesson-pack.schema.json").read_text())
    assert published == json_schema(), "run: python scripts/write_lesson_schema.py"
