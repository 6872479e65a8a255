"""One pack export or import in progress: a progress bar, Cancel, then the result or the
refusal in words, in the same window (no message box on top of it).

The work runs on a TaskRunner thread; the GUI thread never waits. The work gets a `Progress`
(its `report` and `cancelled` are the plain callables ws.packs takes); Cancel only asks, and
the window says what happened once the work has stopped.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from calibrate.gui import theme
from calibrate.gui.tasks import Progress, TaskRunner

STEPS = 1000  # the bar counts in thousandths: a byte count passes QProgressBar's int range


def _size(count: int) -> str:
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("KB", 1e3)):
        if count >= scale:
            return f"{count / scale:.1f} {unit}"
    return f"{count} bytes"


class TransferDialog(QDialog):
    """`start(heading, work, describe)` runs `work(progress)`; on success the window shows
    `describe(result)` and emits `succeeded(result)`. On an error, `refused(error)` (set by
    the caller) may start again (e.g. after "Replace it?") and returns True; else the
    window shows `explain(error)`: a sentence and the lines below it."""

    succeeded = Signal(object)

    def __init__(self, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("transferDialog")
        self.setWindowTitle(title)
        self.setMinimumWidth(680)
        self._doing = ""
        self._runner = TaskRunner(self)
        self._progress: Progress | None = None
        self.outcome = ""  # "", "done", "refused" or "cancelled": what tests and callers read
        self.refused: Callable[[BaseException], bool] = lambda _error: False
        self.explain: Callable[[BaseException], tuple[str, list[str]]] = lambda e: (str(e), [])
        layout = QVBoxLayout(self)
        self.heading = QLabel(objectName="transferHeading", wordWrap=True)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)  # pack titles and paths
        layout.addWidget(self.heading)
        self.bar = QProgressBar(objectName="transferProgress")
        self.bar.setAccessibleName("Progress")
        layout.addWidget(self.bar)
        self.message = QLabel(objectName="transferMessage", wordWrap=True)
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message.setAccessibleName("Result")
        layout.addWidget(self.message)
        self.details = QPlainTextEdit(objectName="transferDetails", readOnly=True)
        self.details.setAccessibleName("Why, one line each")
        self.details.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.details.setVisible(False)
        layout.addWidget(self.details, stretch=1)
        buttons = QDialogButtonBox()
        self.cancel_button = QPushButton("Cancel", objectName="transferCancelButton")
        self.cancel_button.setAccessibleName("Cancel: nothing is written")
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button = QPushButton("Close", objectName="transferCloseButton")
        self.close_button.clicked.connect(self.accept)
        buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.RejectRole)
        buttons.addButton(self.close_button, QDialogButtonBox.ButtonRole.AcceptRole)
        layout.addWidget(buttons)

    @property
    def running(self) -> bool:
        return self._progress is not None

    def start(
        self,
        heading: str,
        doing: str,
        work: Callable[[Progress], Any],
        describe: Callable[[Any], str],
    ) -> None:
        """`heading`: what goes where (it stays); `doing`: the bar's word while it runs."""
        self.heading.setText(heading)
        self._doing = doing
        self.outcome = ""
        self._show_message("", [])
        self.bar.setRange(0, 0)  # busy until the first report says how much there is
        self.bar.setFormat(f"{doing}…")
        self.bar.setVisible(True)
        progress = self._progress = Progress(self)
        progress.changed.connect(self._on_progress_changed)
        self._set_running(True)
        self._runner.run(
            "transfer",
            lambda: work(progress),
            lambda result: self._on_done(result, describe),
            self._on_failed,
        )

    def cancel(self) -> None:
        """Ask the work to stop; the window says so once it has (nothing written)."""
        if self._progress is not None:
            self._progress.cancel()
            self.cancel_button.setEnabled(False)
            self.cancel_button.setText("Cancelling…")

    def wait(self) -> None:
        """Cancel and wait for the work to stop (the window is closing, or the app)."""
        self.cancel()
        self._runner.wait()

    def _on_progress_changed(self, done: int, total: int) -> None:
        if total <= 0:
            return
        self.bar.setRange(0, STEPS)
        self.bar.setValue(min(STEPS, round(STEPS * done / total)))
        self.bar.setFormat(f"{self._doing}… {_size(done)} of {_size(total)}")

    def _on_done(self, result: object, describe: Callable[[Any], str]) -> None:
        self._set_running(False)
        self.outcome = "done"
        self.bar.setRange(0, STEPS)
        self.bar.setValue(STEPS)
        self.bar.setFormat("Done")
        self._show_message(describe(result), [])
        self.succeeded.emit(result)

    def _on_failed(self, error: BaseException) -> None:
        cancelled = self._progress is not None and self._progress.cancelled()
        self._set_running(False)
        if cancelled:
            self.outcome = "cancelled"
            self.bar.setVisible(False)
            self._show_message("Cancelled. Nothing was written.", [])
            return
        if self.refused(error):  # started again (the user said replace)
            return
        self.outcome = "refused"
        self.bar.setVisible(False)
        sentence, lines = self.explain(error)
        self._show_message(sentence, lines, refused=True)

    def _show_message(self, text: str, lines: list[str], refused: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet(f"color: {theme.WRONG}; font-weight: bold" if refused else "")
        self.details.setPlainText("\n".join(lines))
        self.details.setVisible(bool(lines))
        self.adjustSize()

    def _set_running(self, running: bool) -> None:
        if not running:
            self._progress = None
        self.cancel_button.setVisible(running)
        self.cancel_button.setEnabled(running)
        self.cancel_button.setText("Cancel")
        self.close_button.setVisible(not running)
        (self.cancel_button if running else self.close_button).setFocus()
        self.close_button.setDefault(not running)

    def reject(self) -> None:
        """Esc or the window's close button: while the work runs, it cancels it."""
        if self.running:
            self.cancel()
        else:
            super().reject()
