"""Run plain callables off the GUI thread; their result or error comes back on the main thread.

The GUI never waits on metrics over many rows, imports, exports or report rendering. A task
opens its own database connection when it needs one (connections are never shared across
threads). Results are delivered only for the newest task of a given key, so a quick series of
filter changes shows the last one's numbers, not whichever finished last.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from calibrate.core.errors import CalibrateError

if TYPE_CHECKING:
    import threading

log = logging.getLogger(__name__)


class _Relay(QObject):
    finished = Signal(int, object)
    failed = Signal(int, object)


class _Job(QRunnable):
    def __init__(self, ticket: int, work: Callable[[], Any], relay: _Relay):
        super().__init__()
        self.ticket, self.work, self.relay = ticket, work, relay

    def run(self) -> None:
        try:
            result = self.work()
        except CalibrateError as error:  # expected (a refused file, a cancel): one line
            log.warning("background task refused: %s", error)
            self.relay.failed.emit(self.ticket, error)
        except BaseException as error:  # delivered to the caller's error handler
            log.exception("background task failed")
            self.relay.failed.emit(self.ticket, error)
        else:
            self.relay.finished.emit(self.ticket, result)


class TaskRunner(QObject):
    """One runner per screen; `run(key, work, on_done, on_error)` supersedes older `key` tasks."""

    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(2)
        self._relay = _Relay(self)  # lives on the GUI thread: its signals arrive queued here
        self._relay.finished.connect(self._on_finished)
        self._relay.failed.connect(self._on_failed)
        self._ticket = 0
        self._latest: dict[str, int] = {}
        self._handlers: dict[int, tuple[str, Callable, Callable]] = {}

    def run(
        self,
        key: str,
        work: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
    ) -> None:
        self._ticket += 1
        self._latest[key] = self._ticket
        self._handlers[self._ticket] = (key, on_done, on_error)
        self.busy_changed.emit(True)
        self._pool.start(_Job(self._ticket, work, self._relay))

    def run_detached(
        self,
        key: str,
        work: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None],
        name: str = "detached-task",
    ) -> threading.Thread:
        """`run`, on a daemon thread of its own instead of the pool: for work that quitting
        must not wait for (the pool's threads are waited for when the window closes). Only
        for work that a cut-short run cannot harm. Returns the thread (tests join it)."""
        import threading  # not at start-up: the first screen runs no task

        self._ticket += 1
        self._latest[key] = self._ticket
        self._handlers[self._ticket] = (key, on_done, on_error)
        self.busy_changed.emit(True)
        job = _Job(self._ticket, work, self._relay)

        def run_job() -> None:
            try:
                job.run()
            except RuntimeError:  # the runner closed with its window: nobody awaits the result
                log.debug("%s finished after its runner was gone", name)

        thread = threading.Thread(target=run_job, name=name, daemon=True)
        thread.start()
        return thread

    @property
    def busy(self) -> bool:
        return bool(self._handlers)

    def wait(self, msecs: int = 30000) -> bool:
        """Block until every task is done (shutdown and tests)."""
        return self._pool.waitForDone(msecs)

    def _take(self, ticket: int) -> tuple[Callable, Callable] | None:
        key, on_done, on_error = self._handlers.pop(ticket)
        if not self._handlers:
            self.busy_changed.emit(False)
        return (on_done, on_error) if self._latest.get(key) == ticket else None

    def _on_finished(self, ticket: int, result: object) -> None:
        handlers = self._take(ticket)
        if handlers:
            handlers[0](result)

    def _on_failed(self, ticket: int, error: BaseException) -> None:
        handlers = self._take(ticket)
        if handlers:
            handlers[1](error)


class Progress(QObject):
    """A long task's progress and the user's cancel, between the GUI and a worker thread.

    The task calls `report(done, total)` and `cancelled()` from its thread (the plain
    callables core and workspace functions take, STYLE.md "Threading"); `changed` reaches the
    GUI thread queued, at most every `interval` seconds (and always for the last step), so a
    task reporting per 64 KiB block does not flood the event loop. Connect `changed` to a
    QObject's method, not a lambda: only then does Qt deliver it on that object's thread."""

    changed = Signal(object, object)  # done, total (object: byte counts pass 2^31)

    def __init__(self, parent: QObject | None = None, interval: float = 0.05):
        import threading
        import time

        super().__init__(parent)
        self._interval, self._clock = interval, time.monotonic
        self._last = -interval
        self._cancel = threading.Event()

    def report(self, done: int, total: int) -> None:
        now = self._clock()
        if done < total and now - self._last < self._interval:
            return
        self._last = now
        self.changed.emit(done, total)

    def cancel(self) -> None:
        self._cancel.set()

    def cancelled(self) -> bool:
        return self._cancel.is_set()
