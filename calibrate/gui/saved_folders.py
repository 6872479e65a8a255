"""Where the app keeps the lessons folders the user added in settings: its QSettings, beside
the dark-mode choice (per user, not per database: a demo database and a real one read the
same folders). The rules for which folders may be added live in workspace/folders.py."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

FOLDERS_SETTING = "lessons/folders"


def saved_folders() -> list[Path]:
    """The lessons folders added in settings (Trainer area → Lesson folders…), in order.
    A hand-edited value that is not a path (a number, a NUL byte) is left out: the app must
    start whatever the settings file says."""
    # No default argument: converting one to a QVariant builds QByteArray's enums (~0.6 ms).
    value = QSettings("Calibrate", "Calibrate").value(FOLDERS_SETTING)
    values = value if isinstance(value, list) else [value]
    return [Path(v) for v in values if isinstance(v, str) and v and "\0" not in v]


def save_folders(folders: list[Path]) -> None:
    QSettings("Calibrate", "Calibrate").setValue(FOLDERS_SETTING, [str(f) for f in folders])
