"""The code keeps its layers and style: ruff (incl. the banned-import rule TID251) passes."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest


def test_ruff_finds_nothing(repo_root: Path) -> None:
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent))
    if ruff is None:
        pytest.skip("ruff is not installed (scripts/setup.sh installs it with the dev extra)")
    result = subprocess.run([ruff, "check", "calibrate", "tests", "benchmarks", "scripts"],
                            cwd=repo_root, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:]
