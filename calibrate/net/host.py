"""The host's side of a live room: a TLS WebSocket server in Qt's event loop driving a core
`Room` (built by ws.rooms over the host's database).

Every frame goes to the room with the time; what the room returns is sent at once. One
QTimer wakes the room at its next deadline (a case's answer time, a reveal's, a slide's).
Each connection is guarded (net/guard.py): a hostile client is refused or dropped and never
stalls the others — the room's work per frame is small and bounded.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from pathlib import Path

import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal, Slot
from PySide6.QtNetwork import (
    QHostAddress,
    QSsl,
    QSslCertificate,
    QSslConfiguration,
    QSslKey,
    QSslServer,
    QSslSocket,
)
from PySide6.QtWebSockets import QWebSocket, QWebSocketProtocol, QWebSocketServer

from calibrate.core.live.messages import MAX_CLIENT_MESSAGE_BYTES, Message, PackOffer, Refused
from calibrate.core.live.room import Outgoing, Room
from calibrate.net import guard
from calibrate.net.file_send import FileSender
from calibrate.net.tls import RoomCredentials

POLICY = QWebSocketProtocol.CloseCode.CloseCodePolicyViolated


class _Connection:
    def __init__(self, conn_id: str, socket: QWebSocket, tls: QSslSocket | None, now: float):
        self.id, self.socket, self.tls = conn_id, socket, tls
        self.bucket = guard.TokenBucket(now)
        self.closing = False

    def unsent(self) -> int:
        """Bytes queued for this peer and not yet taken by the network. They pile up
        encrypted in the TLS socket under the QWebSocket: QWebSocket.bytesToWrite() counts only
        plaintext not yet encrypted (about 0 — it is encrypted at the next turn of the loop)."""
        tls = self.tls
        if tls is not None and shiboken6.isValid(tls):
            return int(tls.encryptedBytesToWrite() + tls.bytesToWrite())
        return int(self.socket.bytesToWrite()) if shiboken6.isValid(self.socket) else 0


class _UnsentWatch(QObject):
    """Qt answers every ping with a pong on its own, queued whether or not the peer reads:
    after each read of the TLS socket (this slot is connected after QWebSocket's reader, so
    the pongs for what was read are queued), a peer with more than MAX_UNSENT_BYTES unsent
    is dropped. A QObject slot, not a lambda: QWebSocket's wildcard disconnect of the TLS
    socket then finds no Python hook on its `destroyed` (Qt would warn on the host's stderr)."""

    def __init__(self, conn: _Connection, tls: QSslSocket, drop: Callable[[_Connection], None]):
        super().__init__(conn.socket)
        self._conn, self._drop = conn, drop
        tls.readyRead.connect(self.check)

    @Slot()
    def check(self) -> None:
        if self._conn.unsent() > guard.MAX_UNSENT_BYTES:
            self._drop(self._conn)


class RoomServer(QObject):
    """Listens on one address and port with the room's certificate; `ended` once the room's
    last frame (its `end`) was handed to every connection."""

    ended = Signal()
    changed = Signal()  # after each batch of frames: who is connected, the count, the step

    def __init__(self, credentials: RoomCredentials, parent: QObject | None = None):
        super().__init__(parent)
        self._server = QWebSocketServer("calibrate", QWebSocketServer.SslMode.SecureMode, self)
        config = QSslConfiguration.defaultConfiguration()
        config.setLocalCertificate(QSslCertificate(credentials.cert_pem))
        config.setPrivateKey(QSslKey(credentials.key_pem, QSsl.KeyAlgorithm.Ec))
        config.setProtocol(QSsl.SslProtocol.TlsV1_2OrLater)
        config.setPeerVerifyMode(config.peerVerifyMode().VerifyNone)
        self._server.setSslConfiguration(config)
        self._server.setHandshakeTimeout(guard.HANDSHAKE_MS)
        self._server.setMaxPendingConnections(guard.MAX_CONNECTIONS)
        self._server.newConnection.connect(self._on_server_new_connection)
        # the TLS socket under each connection, by peer, from the QSslServer inside
        # QWebSocketServer as its TLS handshake starts (QWebSocket does not give it out)
        self._tls_by_peer: dict[tuple[str, int], QSslSocket] = {}
        self._tls_kept_at_purge = 0
        tls_server = self._server.findChild(QSslServer)
        if tls_server is not None:
            tls_server.startedEncryptionHandshake.connect(self._on_tls_started)
        self._conns: dict[str, _Connection] = {}
        # refused connections whose close handshake is under way: close() must abort them
        # too, or a socket destroyed with its parent signals into a dead wrapper
        self._closing: dict[str, _Connection] = {}
        self._ids = itertools.count(1)
        self._room: Room | None = None
        self._room_pack: Path | None = None
        self._finishing = False
        self._clock: Callable[[], float] = time.monotonic
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self._on_timer_timeout)

    def listen(self, address: str, port: int) -> int:
        """Bind; returns the port (0 when it cannot be bound)."""
        if not self._server.listen(QHostAddress(address), port):
            return 0
        return int(self._server.serverPort())

    def error_string(self) -> str:
        return str(self._server.errorString())

    def run(self, room: Room, room_pack: Path | None = None) -> None:
        """Hand frames to `room` from now on and start it (at once, or at `expect`);
        `room_pack` is the file its `pack_offer` announces, streamed after the offer."""
        self._room, self._room_pack = room, room_pack
        self._apply(room.tick(self._clock()))

    def act(self, control: Callable[[float], list[Outgoing]]) -> None:
        """A control of the host console (HandPacedRoom.next, .lock…) run now, its frames
        sent (`control` gets the time)."""
        if self._room is not None:
            self._apply(control(self._clock()))

    def close(self) -> None:
        self._timer.stop()
        for conn in [*self._conns.values(), *self._closing.values()]:
            conn.socket.disconnected.disconnect()
            conn.socket.abort()
            conn.socket.deleteLater()
        self._conns.clear()
        self._closing.clear()
        self._server.close()

    # --- connections -----------------------------------------------------------------------
    def _on_server_new_connection(self) -> None:
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            if socket is None:
                return
            self._accept(socket)

    def _on_tls_started(self, tls: QSslSocket) -> None:
        if len(self._tls_by_peer) > 2 * self._tls_kept_at_purge + 64:  # amortised: O(1)
            # sockets whose handshake failed are deleted by Qt: let their entries go
            live = {peer: s for peer, s in self._tls_by_peer.items() if shiboken6.isValid(s)}
            self._tls_by_peer, self._tls_kept_at_purge = live, len(live)
        self._tls_by_peer[(tls.peerAddress().toString(), int(tls.peerPort()))] = tls

    def _tls_socket(self, socket: QWebSocket) -> QSslSocket | None:
        """The TLS socket carrying `socket`, or None if Qt did not announce it."""
        peer = (socket.peerAddress().toString(), int(socket.peerPort()))
        tls = self._tls_by_peer.pop(peer, None)
        return tls if tls is not None and shiboken6.isValid(tls) else None

    def _accept(self, socket: QWebSocket) -> None:
        socket.setParent(self)
        socket.setMaxAllowedIncomingFrameSize(MAX_CLIENT_MESSAGE_BYTES)
        socket.setMaxAllowedIncomingMessageSize(MAX_CLIENT_MESSAGE_BYTES)
        socket.setReadBufferSize(guard.READ_BUFFER_BYTES)  # a flood is read in small bites
        tls = self._tls_socket(socket)
        conn = _Connection(f"c{next(self._ids)}", socket, tls, self._clock())
        socket.disconnected.connect(lambda: self._on_socket_disconnected(conn))
        if tls is not None:
            _UnsentWatch(conn, tls, self._drop)
        if len(self._conns) >= guard.MAX_CONNECTIONS or self._room is None:
            self._close(conn, Refused(code="busy", reason="the room is full or not open yet"))
            return
        self._conns[conn.id] = conn
        socket.textMessageReceived.connect(lambda text: self._on_socket_text(conn, text))
        socket.binaryMessageReceived.connect(lambda _data: self._on_socket_binary(conn))
        self._room.connect(conn.id)
        QTimer.singleShot(int(guard.HELLO_SECONDS * 1000), self, lambda: self._hello_due(conn))

    def _hello_due(self, conn: _Connection) -> None:
        room = self._room
        if conn.id in self._conns and room is not None and conn.id not in room.joined_connections():
            self._close(conn, Refused(code="malformed", reason="no hello within 10 s"))

    def _on_socket_text(self, conn: _Connection, text: str) -> None:
        if conn.closing or self._room is None:
            return
        now = self._clock()
        if not conn.bucket.take(now):
            self._close(conn, Refused(code="flood", reason=f"more than {guard.RATE:g} messages/s"))
            return
        self._apply([*self._room.receive(conn.id, text, now), *self._room.tick(now)])

    def _on_socket_binary(self, conn: _Connection) -> None:
        if not conn.closing:
            self._close(conn, Refused(code="malformed", reason="binary frames are not spoken"))

    def _on_socket_disconnected(self, conn: _Connection) -> None:
        closing = self._closing.pop(conn.id, None)
        joined = self._conns.pop(conn.id, None)
        if joined is not None and self._room is not None:
            self._apply(self._room.disconnect(conn.id, self._clock()))
        if (closing or joined) and shiboken6.isValid(conn.socket):  # once, and still alive
            conn.socket.deleteLater()

    # --- sending ---------------------------------------------------------------------------
    def _apply(self, out: list[Outgoing]) -> None:
        room = self._room
        assert room is not None
        for item in out:
            frame = item.message.frame()
            targets = room.joined_connections() if item.to is None else [item.to]
            for conn_id in targets:
                conn = self._conns.get(conn_id)
                if conn is None or conn.closing:
                    continue
                if item.close:
                    self._close(conn, item.message)
                else:
                    self._send(conn, frame)
                    if isinstance(item.message, PackOffer) and self._room_pack is not None:
                        FileSender(conn.socket, self._room_pack, conn.unsent).start()
        self._schedule()
        self.changed.emit()
        if room.ended and not self._finishing:
            self._finishing = True
            QTimer.singleShot(0, self, self._finish)

    def _send(self, conn: _Connection, frame: str) -> None:
        if conn.unsent() > guard.MAX_UNSENT_BYTES:  # it never reads: let go
            self._drop(conn)
            return
        conn.socket.sendTextMessage(frame)

    def _drop(self, conn: _Connection) -> None:
        """Abort at once, nothing more queued (`disconnected` then tells the room)."""
        conn.closing = True
        if shiboken6.isValid(conn.socket):
            conn.socket.abort()

    def _close(self, conn: _Connection, message: Message) -> None:
        """Send the refusal, close with a policy code, abort if the peer will not close."""
        conn.closing = True
        self._closing[conn.id] = conn
        conn.socket.sendTextMessage(message.frame())
        conn.socket.close(POLICY, str(getattr(message, "code", "closed")))
        socket = conn.socket
        QTimer.singleShot(guard.CLOSE_GRACE_MS, socket, socket.abort)
        if self._room is not None and conn.id in self._conns:
            self._conns.pop(conn.id)
            self._apply(self._room.disconnect(conn.id, self._clock()))

    # --- the clock -------------------------------------------------------------------------
    def _schedule(self) -> None:
        room = self._room
        if room is None or room.ended:
            self._timer.stop()
            return
        deadline = room.deadline
        if room.position.phase == "waiting" or deadline is None:
            self._timer.stop()
            return
        self._timer.start(max(0, int((deadline - self._clock()) * 1000) + 1))

    def _on_timer_timeout(self) -> None:
        if self._room is not None:
            self._apply(self._room.tick(self._clock()))

    def _finish(self) -> None:
        """The `end` frame is queued to everyone: give them a moment to read it, then stop."""
        for conn in list(self._conns.values()):
            conn.socket.flush()
        QTimer.singleShot(500, self, self._close_all_and_end)

    def _close_all_and_end(self) -> None:
        for conn in list(self._conns.values()):
            conn.closing = True
            conn.socket.close(QWebSocketProtocol.CloseCode.CloseCodeNormal, "the room ended")
        self.ended.emit()
