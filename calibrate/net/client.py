"""A participant's connection to a room: TLS pinned to the join code's fingerprint.

The host's certificate is self-made, so no CA vouches for it: the client accepts the TLS
session only when the certificate's SHA-256 equals the join code's fingerprint (an impostor
on the address gets nothing, not even the hello with the secret), and checks it again once
connected before sending anything.
"""

from __future__ import annotations

from PySide6.QtCore import QCryptographicHash, QObject, QUrl, Signal
from PySide6.QtNetwork import QAbstractSocket, QSslCertificate
from PySide6.QtWebSockets import QWebSocket

from calibrate.core.live.join_code import JoinCode
from calibrate.core.live.messages import (
    MAX_HOST_MESSAGE_BYTES,
    Message,
    ProtocolError,
    Refused,
    parse_host_message,
)


def room_url(code: JoinCode) -> QUrl:
    host = f"[{code.host}]" if ":" in code.host else code.host
    return QUrl(f"wss://{host}:{code.port}/")


def _digest(cert: QSslCertificate) -> bytes:
    return bytes(cert.digest(QCryptographicHash.Algorithm.Sha256).data())


class RoomClient(QObject):
    """One connection. `received(text, message)` for each valid frame (the text verbatim);
    `failed(code, reason)` when joining cannot work (fingerprint, refused by the host, a
    frame not of this protocol); `dropped()` when the connection ended otherwise."""

    connected = Signal()
    received = Signal(str, object)
    binary_received = Signal(bytes)  # a piece of the room pack the host offered
    failed = Signal(str, str)
    dropped = Signal()

    def __init__(self, code: JoinCode, parent: QObject | None = None):
        super().__init__(parent)
        self.code = code
        self._socket: QWebSocket | None = None
        self._failed = False

    def open(self) -> None:
        """(Re)connect; the previous socket, if any, is let go."""
        self._drop_socket()
        self._failed = False
        socket = QWebSocket(parent=self)
        socket.setMaxAllowedIncomingFrameSize(MAX_HOST_MESSAGE_BYTES)
        socket.setMaxAllowedIncomingMessageSize(MAX_HOST_MESSAGE_BYTES)
        socket.sslErrors.connect(lambda errors: self._on_socket_ssl_errors(socket, errors))
        socket.connected.connect(lambda: self._on_socket_connected(socket))
        socket.disconnected.connect(lambda: self._on_socket_disconnected(socket))
        socket.textMessageReceived.connect(self._on_socket_text)
        socket.binaryMessageReceived.connect(lambda data: self.binary_received.emit(bytes(data)))
        self._socket = socket
        socket.open(room_url(self.code))

    def send(self, message: Message) -> None:
        if (
            self._socket is not None
            and self._socket.state() == QAbstractSocket.SocketState.ConnectedState
        ):
            self._socket.sendTextMessage(message.frame())

    def send_text(self, text: str) -> None:
        """A raw frame (tests and the attack scripts send what no client should)."""
        if self._socket is not None:
            self._socket.sendTextMessage(text)

    def close(self) -> None:
        self._drop_socket()

    def _drop_socket(self) -> None:
        socket, self._socket = self._socket, None
        if socket is not None:
            socket.disconnected.disconnect()
            socket.abort()
            socket.deleteLater()

    def _fail(self, code: str, reason: str) -> None:
        if not self._failed:
            self._failed = True
            self.failed.emit(code, reason)
        self._drop_socket()

    def _on_socket_ssl_errors(self, socket: QWebSocket, errors: list) -> None:
        # Self-signed by design: the only error accepted is "no CA vouches for it", and only
        # for the certificate whose fingerprint the join code carries.
        certs = [e.certificate() for e in errors if not e.certificate().isNull()]
        if certs and all(_digest(c) == self.code.fingerprint for c in certs):
            socket.ignoreSslErrors()
        else:
            self._fail("fingerprint", "the host's certificate does not match the join code")

    def _on_socket_connected(self, socket: QWebSocket) -> None:
        peer = socket.sslConfiguration().peerCertificate()
        if peer.isNull() or _digest(peer) != self.code.fingerprint:
            self._fail("fingerprint", "the host's certificate does not match the join code")
            return
        self.connected.emit()

    def _on_socket_text(self, text: str) -> None:
        try:
            message = parse_host_message(text)
        except ProtocolError as error:
            self._fail("protocol", f"the host sent a frame this client cannot read: {error}")
            return
        self.received.emit(text, message)
        if isinstance(message, Refused):
            self._fail(f"refused:{message.code}", message.reason)

    def _on_socket_disconnected(self, socket: QWebSocket) -> None:
        if socket is self._socket and not self._failed:
            self._socket = None
            socket.deleteLater()
            self.dropped.emit()


__all__ = ["RoomClient", "room_url"]
