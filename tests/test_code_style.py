"""The code keeps its layers and style: ruff (incl. the banned-import rule TID251, narrowed per
package by nested ruff.toml files), `ruff format` and `mypy --strict` on the Qt-free layers
pass. Both tools come with the `dev` extra that scripts/setup.sh installs: a missing tool FAILS
these tests."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

# The layers held to `mypy --strict` (pyproject.toml [tool.mypy]), as far as they exist yet.
STRICT_PACKAGES = ("calibrate/core", "calibrate/workspace", "calibrate/tabular")


def _ruff() -> str:
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent))
    if ruff is None:
        pytest.fail("ruff is not installed: run scripts/setup.sh (it installs the dev extra)")
    return ruff


def test_ruff_finds_nothing(repo_root: Path) -> None:
    result = subprocess.run(
        [_ruff(), "check", "calibrate", "tests", "benchmarks", "scripts"],
        cwd=repo_root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


def test_the_code_is_as_ruff_format_writes_it(repo_root: Path) -> None:
    """One layout for every file, so a diff shows changes, not restyling (`ruff format`)."""
    result = subprocess.run(
        [_ruff(), "format", "--check", "calibrate", "tests", "benchmarks", "scripts"],
        cwd=repo_root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, "run: ruff format\n" + result.stdout[-3000:] + result.stderr


def test_banned_imports_are_narrowed_per_package(repo_root: Path, tmp_path: Path) -> None:
    """The real configs, copied beside planted files: each package may import only its own."""
    shutil.copy(repo_root / "pyproject.toml", tmp_path)
    configs = sorted((repo_root / "calibrate").rglob("ruff.toml"))
    assert {c.parent.name for c in configs} >= {"store", "gui", "player", "core", "tabular"}
    for config in configs:
        target = tmp_path / config.relative_to(repo_root)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(config, target)
    planted = {  # file → (its import, is it allowed there)
        "calibrate/store/a.py": ("import sqlite3", True),
        "calibrate/store/b.py": ("from PySide6 import QtCore", False),
        "calibrate/store/c.py": ("import vlc", False),
        "calibrate/gui/a.py": ("from PySide6 import QtWidgets", True),
        "calibrate/gui/b.py": ("import sqlite_utils", False),
        "calibrate/gui/c.py": ("import vlc", False),
        "calibrate/player/a.py": ("import vlc", True),
        "calibrate/player/b.py": ("from PySide6.QtCore import QObject", True),
        "calibrate/player/c.py": ("import sqlite3", False),
        "calibrate/core/a.py": ("import numpy", True),
        "calibrate/core/b.py": ("import pandas", False),
        "calibrate/core/c.py": ("from matplotlib.figure import Figure", False),
        "calibrate/core/d.py": ("import sqlite3", False),
        "calibrate/workspace/a.py": ("import sqlite_utils", False),  # through the store only
        "calibrate/workspace/b.py": ("from PySide6 import QtCore", False),
        "calibrate/commands/a.py": ("from PySide6 import QtWidgets", False),
        "calibrate/charts/a.py": ("from matplotlib.figure import Figure", True),
        "calibrate/charts/b.py": ("from PySide6 import QtGui", False),
        "calibrate/tabular/a.py": ("import pandas", True),
        "calibrate/tabular/b.py": ("from PySide6 import QtCore", False),
        "calibrate/tabular/c.py": ("import sqlite3", False),
        "calibrate/tabular/d.py": ("from matplotlib.figure import Figure", False),
    }
    for name, (line, _) in planted.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(f"{line}  # noqa: F401\n")
    result = subprocess.run(
        [_ruff(), "check", "--no-cache", "--output-format", "concise", "."],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    flagged = {line.split(":")[0] for line in result.stdout.splitlines() if "TID251" in line}
    assert flagged == {name for name, (_, allowed) in planted.items() if not allowed}, (
        result.stdout + result.stderr
    )


def test_mypy_strict_passes_on_the_qt_free_layers(repo_root: Path) -> None:
    if importlib.util.find_spec("mypy") is None:
        pytest.fail("mypy is not installed: run scripts/setup.sh (it installs the dev extra)")
    packages = [p for p in STRICT_PACKAGES if (repo_root / p / "__init__.py").is_file()]
    assert "calibrate/core" in packages
    # Its cache (.mypy_cache, gitignored) makes a re-run with few changes take about a second.
    result = subprocess.run(
        [sys.executable, "-m", "mypy", *packages],
        cwd=repo_root,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "Success: no issues found" in result.stdout
    config = tomllib.loads((repo_root / "pyproject.toml").read_text(encoding="utf-8"))
    assert config["tool"]["mypy"]["strict"] is True
