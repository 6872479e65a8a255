"""A deliberately dumb WebSocket client over Python's ssl, for sending what no client should:
garbage, frames announcing 100 MB, floods, binary frames (RFC 6455 by hand)."""

from __future__ import annotations

import base64
import os
import socket
import ssl
import struct
import time


def tls(port: int, timeout: float = 5.0) -> ssl.SSLSocket:
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE  # the attacker does not care who it talks to
    raw = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    return context.wrap_socket(raw)


class RawWebSocket:
    def __init__(self, port: int):
        self.sock = tls(port)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(
            (
                f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                "Sec-WebSocket-Version: 13\r\n\r\n"
            ).encode()
        )
        response = b""
        while b"\r\n\r\n" not in response:
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("closed during the handshake")
            response += chunk
        head, _, self.buffer = response.partition(b"\r\n\r\n")
        assert b" 101 " in head.split(b"\r\n")[0], head

    @staticmethod
    def frame(payload: bytes, opcode: int = 1, announced: int | None = None) -> bytes:
        length = len(payload) if announced is None else announced
        if length < 126:
            header = struct.pack("!BB", 0x80 | opcode, 0x80 | length)
        elif length < 1 << 16:
            header = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, length)
        else:
            header = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, length)
        mask = os.urandom(4)
        return header + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(payload))

    def send_text(self, text: str) -> None:
        self.sock.sendall(self.frame(text.encode()))

    def receive(self, timeout: float = 5.0) -> list[tuple[int, bytes]]:
        """Frames until the server closes (a close frame or the end of the stream)."""
        frames: list[tuple[int, bytes]] = []
        end = time.monotonic() + timeout
        data = self.buffer
        while time.monotonic() < end:
            while True:
                parsed = _parse(data)
                if parsed is None:
                    break
                opcode, payload, data = parsed
                frames.append((opcode, payload))
                if opcode == 8:
                    return frames
            try:
                self.sock.settimeout(max(0.05, end - time.monotonic()))
                chunk = self.sock.recv(65536)
            except (TimeoutError, ssl.SSLError, OSError):
                break
            if not chunk:
                break
            data += chunk
        return frames

    def close(self) -> None:
        self.sock.close()


def _parse(data: bytes) -> tuple[int, bytes, bytes] | None:
    if len(data) < 2:
        return None
    opcode, length = data[0] & 0x0F, data[1] & 0x7F
    at = 2
    if length == 126:
        if len(data) < 4:
            return None
        (length,) = struct.unpack("!H", data[2:4])
        at = 4
    elif length == 127:
        if len(data) < 10:
            return None
        (length,) = struct.unpack("!Q", data[2:10])
        at = 10
    if len(data) < at + length:
        return None
    return opcode, data[at : at + length], data[at + length :]


def texts(frames: list[tuple[int, bytes]]) -> list[str]:
    return [payload.decode() for opcode, payload in frames if opcode == 1]


def close_code(frames: list[tuple[int, bytes]]) -> int | None:
    closes = [payload for opcode, payload in frames if opcode == 8]
    return struct.unpack("!H", closes[0][:2])[0] if closes and len(closes[0]) >= 2 else None


def ping_flood(port: int, payload: int, seconds: float) -> None:
    """Send masked pings (`payload` bytes each, 125 at most) as fast as TCP takes them and
    read nothing; print how it ended: `dropped after N MB` when the host cut the connection,
    `still connected after N MB` when `seconds` passed first (exit status 1)."""
    ws = RawWebSocket(port)
    ws.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # the pongs stay unread
    burst = RawWebSocket.frame(b"p" * payload, opcode=9) * (16384 // (payload + 6))
    ws.sock.settimeout(seconds)  # whole frames only: a timed-out sendall would cut one
    sent, end = 0, time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            ws.sock.sendall(burst)
        except TimeoutError:
            break  # the host stopped reading without closing: stalled
        except (OSError, ssl.SSLError):
            print(f"dropped after {sent / 1e6:.0f} MB", flush=True)
            return
        sent += len(burst)
    print(f"still connected after {sent / 1e6:.0f} MB", flush=True)
    raise SystemExit(1)


if __name__ == "__main__":  # python tests/raw_websocket.py PORT PAYLOAD SECONDS
    import sys

    ping_flood(int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]))
