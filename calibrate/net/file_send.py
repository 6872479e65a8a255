"""Sending the room pack to a participant without holding it in memory: binary frames of
CHUNK bytes read from the file only while less than WINDOW bytes wait to be written to that
participant, so 200 participants fetching a 500 MB pack cost the host 200 × WINDOW, not
200 × 500 MB, and a participant that stops reading stops its own transfer only.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import IO

from PySide6.QtCore import QObject
from PySide6.QtWebSockets import QWebSocket

CHUNK = 256 * 1024
WINDOW = 1024 * 1024


class FileSender(QObject):
    """Streams one file to one socket as binary frames, paced by what the socket wrote."""

    def __init__(self, socket: QWebSocket, path: Path, unsent: Callable[[], int]):
        """`unsent`: the bytes queued to that peer and not yet sent (the TLS socket's)."""
        super().__init__(socket)
        self._socket, self._unsent = socket, unsent
        self._file: IO[bytes] | None = path.open("rb")
        socket.bytesWritten.connect(self._on_socket_bytes_written)
        socket.disconnected.connect(self.stop)

    def start(self) -> None:
        self._pump()

    def stop(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    @property
    def done(self) -> bool:
        return self._file is None

    def _on_socket_bytes_written(self, _count: int) -> None:
        self._pump()

    def _pump(self) -> None:
        while self._file is not None and self._unsent() < WINDOW:
            chunk = self._file.read(CHUNK)
            if not chunk:
                self.stop()
                return
            self._socket.sendBinaryMessage(chunk)
