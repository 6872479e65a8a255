"""Logging: a rotating file in the user's log dir (the path error dialogs show), console in dev."""

from __future__ import annotations

import logging
import logging.handlers
from pathlib import Path

from calibrate.paths import log_file


def setup_logging(verbose: bool = False, path: Path | None = None) -> Path:
    """Log to a rotating file (and the console when verbose); returns the log file's path."""
    target = path or log_file()
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if verbose else logging.INFO)
    if not any(isinstance(h, logging.handlers.RotatingFileHandler) for h in root.handlers):
        handler = logging.handlers.RotatingFileHandler(
            target, maxBytes=2_000_000, backupCount=3, encoding="utf-8"
        )
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(handler)
    if verbose:
        root.addHandler(logging.StreamHandler())
    return target
