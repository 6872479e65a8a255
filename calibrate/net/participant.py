"""The app's connection to a room, as one moderator: hello with their profile and rejoin
token, the room pack into the cache when their installed pack is not the host's version,
each frame handed to their database's participation first and then to the screens, and
reconnection when the connection drops (docs/live-protocol.md, "Rejoining").

No widgets and no store: the screens listen to the signals, the participation (ws.rooms)
keeps the rejoin token and stores each acknowledged answer at its reveal.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from calibrate.core.live.join_code import JoinCode
from calibrate.core.live.messages import (
    Ack,
    AnswerMessage,
    CaseOpen,
    End,
    Hello,
    Message,
    PackOffer,
    ProfileInfo,
    Refused,
    Reveal,
    Welcome,
)
from calibrate.core.sharing.errors import PackRefused
from calibrate.net.bots import FATAL, Participant
from calibrate.net.client import RoomClient
from calibrate.net.pack_receiver import PackReceiver

log = logging.getLogger(__name__)
FIRST_JOIN_SECONDS = 30.0  # no room answering for this long: the join fails
RETRY_MS = (250, 500, 1000, 2000, 4000)  # then every 4 s, as long as the moderator waits


class RoomParticipant(QObject):
    """`received(message)` after the participation has seen it; `dropped(attempt)` when the
    connection is lost (it reconnects by itself); `failed(code, reason)` once, when joining
    cannot go on (FATAL codes, "no_host"); `pack_progress(received, size)` and
    `pack_ready(folder)` / `pack_refused(reason)` for the room pack."""

    received = Signal(object)
    dropped = Signal(int)
    failed = Signal(str, str)
    pack_progress = Signal(int, int)
    pack_ready = Signal(object)  # Path: the room pack unpacked in the cache
    pack_refused = Signal(str)

    def __init__(
        self,
        code: JoinCode,
        profile: ProfileInfo,
        participant: Participant,
        cache: Path,
        holds_pack: Callable[[str], bool],  # an installed pack of this content hash?
        parent: QObject | None = None,
    ):
        super().__init__(parent)
        self.code, self.profile, self._participant = code, profile, participant
        self._cache, self._holds_pack = cache, holds_pack
        self._pack_hash: str | None = None  # known from the first welcome
        self._token: str | None = None  # the welcome's, if this database could not keep one
        self._receiver: PackReceiver | None = None
        self._skipping = 0  # bytes of an offered pack this participant does not need
        self.welcomed = False
        self.done = False
        self._attempt = 0
        self._started = time.monotonic()
        self.client = RoomClient(code, self)
        self.client.connected.connect(self._on_client_connected)
        self.client.received.connect(self._on_client_received)
        self.client.failed.connect(self._on_client_failed)
        self.client.dropped.connect(self._on_client_dropped)
        self.client.binary_received.connect(self._on_client_binary_received)

    def start(self) -> None:
        self._started = time.monotonic()
        self.client.open()

    def leave(self) -> None:
        """No more frames and no retries (the moderator left, or the window closed)."""
        self.done = True
        if self._receiver is not None:
            self._receiver.close()
            self._receiver = None
        self.client.close()

    def send_answer(self, answer: AnswerMessage) -> None:
        self.client.send(answer)

    def cached_pack(self, pack_hash: str) -> Path | None:
        """A room pack of this version received before (this room, or an earlier one)."""
        folder = self._cache / pack_hash
        return folder if folder.is_dir() else None

    # --- the connection --------------------------------------------------------------------
    def _on_client_connected(self) -> None:
        pack_hash = self._pack_hash if self._pack_hash and self._has(self._pack_hash) else None
        self.client.send(
            Hello(
                secret=self.code.secret_text,
                profile=self.profile,
                pack_hash=pack_hash,
                rejoin=self._hello_token(),
            )
        )

    def _hello_token(self) -> str | None:
        try:
            return self._participant.hello_token()
        except Exception:  # this database cannot keep it: the host makes one (kept in memory)
            log.exception("the rejoin token could not be kept")
            return self._token

    def _on_client_received(self, _text: str, message: Message) -> None:
        if self.done:
            return
        try:
            self._keep(message)
        except Exception:  # a row this database refuses: the room goes on, it is logged
            log.exception("the room's %s could not be kept here", type(message).__name__)
        if not isinstance(message, Refused):  # a refusal arrives as `failed` next
            self.received.emit(message)

    def _keep(self, message: Message) -> None:
        """The participation's part: the rejoin token, each ack, each answer at its reveal."""
        if isinstance(message, Welcome):
            self.welcomed, self._attempt = True, 0
            self._pack_hash, self._token = message.pack.hash, message.rejoin
            self._participant.welcomed(message)
        elif isinstance(message, PackOffer):
            self._offered(message)
        elif isinstance(message, CaseOpen):
            self._participant.opened(message.case_id, message.title, message.warnings)
        elif isinstance(message, Ack):
            self._participant.acknowledged(message.case_id, message.answer)
        elif isinstance(message, Reveal):
            self._participant.revealed(message)
        elif isinstance(message, End):
            self.done = True
            self.client.close()
            self._participant.ended(message.finished_at)

    def _has(self, pack_hash: str) -> bool:
        return self._holds_pack(pack_hash) or self.cached_pack(pack_hash) is not None

    def _offered(self, offer: PackOffer) -> None:
        if self._receiver is not None:
            self._receiver.close()
            self._receiver = None
        if self._has(offer.pack_hash):  # the frames that follow are let go
            self._skipping = offer.size
            folder = self.cached_pack(offer.pack_hash)
            if folder is not None:
                self.pack_ready.emit(folder)
            return
        try:
            self._receiver = PackReceiver(offer, self._cache)
        except (PackRefused, OSError) as error:
            self.pack_refused.emit(str(error))

    def _on_client_binary_received(self, data: bytes) -> None:
        if self._skipping:
            self._skipping = max(0, self._skipping - len(data))
            return
        receiver = self._receiver
        if receiver is None:
            return
        try:
            complete = receiver.feed(data)
        except (PackRefused, OSError) as error:
            receiver.close()
            receiver.path.unlink(missing_ok=True)
            self._receiver = None
            self.pack_refused.emit(str(error))
            return
        self.pack_progress.emit(receiver.received, receiver.offer.size)
        if complete:
            receiver.path.unlink(missing_ok=True)  # unpacked: the archive is not kept
            self._receiver = None
            self.pack_ready.emit(receiver.folder)

    def _on_client_failed(self, code: str, reason: str) -> None:
        if self.done:
            return
        if code in FATAL or code == "refused:busy":
            self.done = True
            self.failed.emit(code, reason)
        else:  # flood, malformed: this client's fault, once; try again
            self._retry()

    def _on_client_dropped(self) -> None:
        if not self.done:
            self._retry()

    def _retry(self) -> None:
        if self._receiver is not None:  # a pack cut short is offered again on rejoin
            self._receiver.close()
            self._receiver.path.unlink(missing_ok=True)
            self._receiver = None
        self._skipping = 0
        if not self.welcomed and time.monotonic() - self._started > FIRST_JOIN_SECONDS:
            self.done = True
            self.failed.emit("no_host", f"no room answered within {FIRST_JOIN_SECONDS:g} s")
            return
        self._attempt += 1
        self.dropped.emit(self._attempt)
        wait = RETRY_MS[min(self._attempt - 1, len(RETRY_MS) - 1)]
        QTimer.singleShot(wait, self, self._reopen)

    def _reopen(self) -> None:
        if not self.done:
            self.client.open()
