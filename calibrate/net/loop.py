"""Qt's event loop for the headless room commands (no widgets, no screen)."""

from __future__ import annotations

import ipaddress
import signal
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, QTimer
from PySide6.QtNetwork import QHostAddress, QNetworkInterface


class EventLoop:
    """One QCoreApplication; `quit(status)` ends `run()` with that exit status. Ctrl+C and
    SIGTERM end it at once: everything a room recorded is already committed."""

    def __init__(self) -> None:
        app = QCoreApplication.instance() or QCoreApplication([])
        assert isinstance(app, QCoreApplication)
        self.app = app
        self.owner = QObject(app)  # parent of the room's objects
        signal.signal(signal.SIGINT, lambda *_: app.exit(130))
        signal.signal(signal.SIGTERM, lambda *_: app.exit(143))
        # Python runs signal handlers only between bytecodes: wake it now and then.
        self._wake = QTimer(self.owner)
        self._wake.timeout.connect(lambda: None)

    def quit(self, status: int) -> None:
        self.app.exit(status)

    def later(self, seconds: float, call: Callable[[], None]) -> None:
        QTimer.singleShot(int(seconds * 1000), self.owner, call)

    def run(self) -> int:
        self._wake.start(200)
        try:
            return int(self.app.exec())
        finally:
            self._wake.stop()

    def close(self) -> None:
        """Delete the room's objects while Qt's event loop still exists (not at exit)."""
        from PySide6.QtCore import QCoreApplication, QEvent

        for child in self.owner.children():
            child.deleteLater()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)


def advertised_address(bind: str) -> str:
    """The address a join code names: the bound one, or for 0.0.0.0 / :: one of this
    machine's own (its loopback if it has no other)."""
    address = ipaddress.ip_address(bind)
    if not address.is_unspecified:
        return bind
    family = (
        QHostAddress.NetworkLayerProtocol.IPv4Protocol
        if address.version == 4
        else QHostAddress.NetworkLayerProtocol.IPv6Protocol
    )
    for candidate in QNetworkInterface.allAddresses():
        if (
            candidate.protocol() == family
            and not candidate.isLoopback()
            and not candidate.isLinkLocal()
        ):
            return candidate.toString().split("%")[0]
    return "127.0.0.1" if address.version == 4 else "::1"
