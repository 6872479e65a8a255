"""The faces (the app and the command line) reach the database only through the workspace:
no module of theirs imports the store, and the workspace itself is Qt-free and light."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

FACES = ("calibrate/gui", "calibrate/commands", "calibrate/app.py", "calibrate/cli.py")


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every module `path` imports (function-level and TYPE_CHECKING ones included)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found += [(node.lineno, node.module)]
            found += [(node.lineno, f"{node.module}.{a.name}") for a in node.names]
    return found


def test_no_face_imports_the_store(repo_root: Path) -> None:
    files = [
        f
        for face in FACES
        for f in (
            [repo_root / face] if face.endswith(".py") else sorted((repo_root / face).rglob("*.py"))
        )
    ]
    assert len(files) > 30
    offending = [
        f"{f.relative_to(repo_root)}:{line}: {name}"
        for f in files
        for line, name in _imports(f)
        if name == "calibrate.store" or name.startswith("calibrate.store.")
    ]
    assert offending == []


def test_the_app_does_not_import_a_command(repo_root: Path) -> None:
    app = repo_root / "calibrate/app.py"
    assert [name for _, name in _imports(app) if name.startswith("calibrate.commands")] == []


def test_the_workspace_loads_no_qt_and_nothing_heavy_at_import(repo_root: Path) -> None:
    code = (
        "import sys, calibrate.workspace\n"
        "banned = ('PySide6', 'vlc', 'sqlite_utils', 'pydantic', 'numpy', 'matplotlib',"
        " 'pandas')\n"
        "print(','.join(sorted(n for n in sys.modules if n.split('.')[0] in banned)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=repo_root, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""
