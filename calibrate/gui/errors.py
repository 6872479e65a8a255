"""Turn exceptions into one plain sentence with "Copy details" and the log path; never a trace."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtWidgets import QApplication

from calibrate.core.errors import CalibrateError, LessonError, StoreError

if TYPE_CHECKING:
    from types import TracebackType

    from PySide6.QtWidgets import QWidget

log = logging.getLogger(__name__)


def plain_message(error: BaseException) -> str:
    """One sentence a moderator or trainer can act on."""
    if isinstance(error, LessonError | StoreError | CalibrateError):
        return str(error)
    if isinstance(error, PermissionError):
        return f"Calibrate was not allowed to read or write {error.filename}."
    if isinstance(error, OSError) and error.filename:
        return f"A file could not be used: {error.filename} ({error.strerror})."
    return "Something went wrong inside Calibrate. Your recorded answers are safe."


def show_error(
    parent: QWidget | None, error: BaseException, log_path: Path | None, title: str = "Calibrate"
) -> None:
    """Log the full trace, show the user one sentence, details only on request."""
    # Imported here: the app installs the hook at start-up, and the first window should not
    # wait for what only an error needs (~3 ms).
    import traceback

    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QMessageBox

    from calibrate.gui import prompts

    details = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    log.error("shown to user: %s\n%s", plain_message(error), details)
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    box.setTextFormat(Qt.TextFormat.PlainText)  # messages quote file names and pack text
    box.setText(plain_message(error))
    if log_path is not None:
        box.setInformativeText(f"Details are in the log: {log_path}")
    copy = box.addButton("Copy details", QMessageBox.ButtonRole.ActionRole)
    box.addButton(QMessageBox.StandardButton.Ok)
    box.setObjectName("errorDialog")
    prompts.run_dialog(box)
    if box.clickedButton() is copy:
        QApplication.clipboard().setText(details)


def install_excepthook(log_path: Path | None) -> None:
    """Uncaught errors in slots land here instead of printing a traceback and aborting."""

    def hook(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            QApplication.quit()
            return
        error.__traceback__ = tb
        try:
            show_error(QApplication.activeWindow(), error, log_path)
        except Exception:  # never let the hook itself raise
            log.exception("error while showing an error")
            sys.__excepthook__(kind, error, tb)

    sys.excepthook = hook
