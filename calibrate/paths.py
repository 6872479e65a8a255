"""Where Calibrate keeps its files: the user data dir, the default database, the log, packs."""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_data_path, user_log_path

APP_NAME = "Calibrate"
PACKAGE_DIR = Path(__file__).resolve().parent


def data_dir() -> Path:
    return user_data_path(APP_NAME, appauthor=False, ensure_exists=True)


def default_database() -> Path:
    return data_dir() / "calibrate.sqlite3"


def demo_database() -> Path:
    """The demo history lives in its own file so demo rows never mix with real answers."""
    return data_dir() / "calibrate-demo.sqlite3"


def log_file() -> Path:
    return user_log_path(APP_NAME, appauthor=False, ensure_exists=True) / "calibrate.log"


def bundled_lessons_dir() -> Path | None:
    """The demo packs: the checkout's own lessons/ when run in place, else the installed copy."""
    for candidate in (PACKAGE_DIR.parent / "lessons", PACKAGE_DIR / "bundled" / "lessons"):
        if candidate.is_dir():
            return candidate
    return None
