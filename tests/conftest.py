"""Shared test set-up: Qt offscreen, real files in tmp_path, the repo's own demo packs."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Qt must pick its platform before the first QApplication exists (pytest-qt makes one).
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO_ROOT


@pytest.fixture(scope="session")
def demo_lessons_dir() -> Path:
    return REPO_ROOT / "lessons"
