"""Logging: a file in the user's log dir (the path error dialogs show), console in dev."""

from __future__ import annotations

import logging
from pathlib import Path

from calibrate.paths import log_file

MAX_BYTES = 2_000_000
KEEP_OLD = 3


def setup_logging(verbose: bool = False, path: Path | None = None) -> Path:
    """Log to a file (and the console when verbose); returns the log file's path.

    The file is rotated when a run starts, not while it is written: logging.handlers'
    RotatingFileHandler would cost ~7 ms of every start-up to import (sockets, pickle,
    queues), and one run writes far less than MAX_BYTES.
    """
    target = path or log_file()
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    if not any(getattr(h, "calibrate_log", False) for h in root.handlers):
        rotate_if_large(target)
        handler = logging.FileHandler(target, encoding="utf-8")
        handler.calibrate_log = True  # type: ignore[attr-defined]
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    if verbose:
        root.addHandler(logging.StreamHandler())
    return target


def rotate_if_large(target: Path) -> None:
    """calibrate.log → .1 → .2 → .3 (the oldest dropped) once it passes MAX_BYTES."""
    try:
        if not target.exists() or target.stat().st_size < MAX_BYTES:
            return
        for number in range(KEEP_OLD - 1, 0, -1):
            older = target.with_name(f"{target.name}.{number}")
            if older.exists():
                older.replace(target.with_name(f"{target.name}.{number + 1}"))
        target.replace(target.with_name(f"{target.name}.1"))
    except OSError:
        pass  # a log that cannot rotate keeps growing; never a reason not to start
