"""libVLC's error and end events: queued on libVLC's threads, taken on the GUI thread.

libVLC calls back on its own threads, where no Qt object may be touched: the callback only
queues, and the player's tick takes the events on the GUI thread. Each run (a load, a replay,
a restart) is a generation: events a halted run still sends are dropped.
"""

from __future__ import annotations

import queue
from collections.abc import Iterator
from typing import Any


class VlcEvents:
    """The error and end events of one libVLC media player, for the current run only."""

    def __init__(self) -> None:
        self._queue: queue.SimpleQueue[tuple[int, str]] = queue.SimpleQueue()
        self._generation = 0

    def attach(self, mp: Any, vlc: Any) -> None:
        """Listen to `mp` (a vlc.MediaPlayer)."""
        events = mp.event_manager()
        events.event_attach(vlc.EventType.MediaPlayerEncounteredError, self._on_vlc, "error")
        events.event_attach(vlc.EventType.MediaPlayerEndReached, self._on_vlc, "end")

    @staticmethod
    def detach(mp: Any, vlc: Any) -> None:
        """Stop listening to `mp` (before it is released)."""
        events = mp.event_manager()
        events.event_detach(vlc.EventType.MediaPlayerEncounteredError)
        events.event_detach(vlc.EventType.MediaPlayerEndReached)

    def new_run(self) -> None:
        """The run ended (libVLC stopped): drop its events, queued or still to come."""
        self._generation += 1
        while not self._queue.empty():
            self._queue.get_nowait()

    def take(self) -> Iterator[str]:
        """GUI thread: "error" or "end" for each event of the current run, oldest first."""
        while not self._queue.empty():
            generation, kind = self._queue.get_nowait()
            if generation == self._generation:
                yield kind

    def _on_vlc(self, _event: Any, kind: str) -> None:
        # libVLC thread: only queue; the tick handles it on the GUI thread.
        self._queue.put((self._generation, kind))
