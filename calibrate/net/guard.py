"""What the host allows one connection, whoever is at the other end (docs/live-protocol.md).

- a frame or message over MAX_CLIENT_MESSAGE_BYTES (64 KiB): Qt closes the connection with
  code 1009 as soon as the frame header announces it (nothing that size is buffered);
- more than RATE messages a second sustained (BURST at once): refused `flood`, closed;
- binary frames: refused `malformed`, closed (the protocol is text frames only);
- no hello within HELLO_SECONDS of connecting: closed (a socket that only holds a slot);
- a TLS + WebSocket handshake not done within HANDSHAKE_MS: dropped by the server;
- more than MAX_UNSENT_BYTES waiting to be written to it (a client that never reads):
  aborted, so one slow reader cannot grow the host's memory or hold up the others. Counted
  where the bytes wait — encrypted, in the TLS socket under the QWebSocket (whose own
  bytesToWrite() stays near 0) — before each send and after each read: Qt answers every
  ping with a pong by itself, queued whether or not the peer reads, so a client flooding
  pings and reading nothing grew the host by ~250 MB a second until this check;
- READ_BUFFER_BYTES: what the host takes from one connection at a time, so a ping flood is
  answered, and checked, in small bites (TCP holds the rest back at the client). Pings
  have no rate of their own: a client that reads its pongs costs CPU in proportion to what
  it reads, never memory;
- more than MAX_CONNECTIONS at once: refused `busy`.
"""

from __future__ import annotations

MAX_CONNECTIONS = 4000
RATE = 20.0  # messages per second, sustained
BURST = 40.0
HELLO_SECONDS = 10.0
HANDSHAKE_MS = 10_000
MAX_UNSENT_BYTES = 8 * 1024 * 1024
READ_BUFFER_BYTES = 256 * 1024  # > one 64 KiB frame with its header
CLOSE_GRACE_MS = 2000  # after a refusal, the close handshake; then the socket is aborted


class TokenBucket:
    """RATE tokens a second up to BURST; a message takes one."""

    def __init__(self, now: float, rate: float = RATE, burst: float = BURST):
        self.rate, self.burst = rate, burst
        self.tokens, self.at = burst, now

    def take(self, now: float) -> bool:
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens < 1.0:
            return False
        self.tokens -= 1.0
        return True
