"""Simulated moderators for `calibrate room bots`: N clients in one event loop, each with a
profile derived from the seed and its number, answering each case `delay` seconds after it
opens with seeded choices, reconnecting when dropped, writing every frame it received.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, Protocol

from PySide6.QtCore import QObject, QTimer, Signal

from calibrate.core.live.join_code import JoinCode, new_rejoin_token
from calibrate.core.live.messages import (
    Ack,
    AnswerMessage,
    CaseOpen,
    End,
    Hello,
    Message,
    PackOffer,
    ProfileInfo,
    Reveal,
    Welcome,
)
from calibrate.core.live.narration import count
from calibrate.core.profiles import Profile
from calibrate.core.sharing.errors import PackRefused
from calibrate.net.client import RoomClient
from calibrate.net.pack_receiver import PackReceiver

NO_HOST_SECONDS = 30.0
_BOT_NAMESPACE = uuid.UUID("6f1c7c0e-2d55-4d3c-9a8e-5b0c3c2f7a10")
_TEAMS = ("Trust", "Safety", "Integrity")
_SITES = ("Dublin", "Austin", "Singapore", "Lisbon")
_CONFIDENCES = (0.2, 0.4, 0.6, 0.8, 0.95)
FATAL = {
    "fingerprint": "the host's certificate does not match the join code (wrong fingerprint)",
    "refused:secret": "the host refused the room secret",
    "refused:protocol": "the host speaks another protocol version",
    "refused:removed": "the host removed this participant",
    "refused:closed": "the room is closed to new participants",
    "refused:profile": "the host refused the profile",
    "refused:rejoin": "the host refused the rejoin",
    "protocol": "the host sent a frame this client cannot read",
}


class Participant(Protocol):
    """What a bot's database does with frames (ws.rooms.participation)."""

    def hello_token(self) -> str: ...
    def welcomed(self, welcome: Welcome) -> None: ...
    def opened(self, case_id: str, title: str, warnings: list[str]) -> None: ...
    def acknowledged(self, case_id: str, row: dict[str, Any]) -> None: ...
    def revealed(self, reveal: Reveal) -> bool: ...
    def ended(self, finished_at: str) -> None: ...


def bot_profile(seed: int, number: int) -> Profile:
    """Bot NNN of a seed: the same profile (UUID, name, team, site) every run."""
    profile_id = str(uuid.uuid5(_BOT_NAMESPACE, f"{seed}:{number}"))
    return Profile(
        profile_id,
        f"Bot {number:03d}",
        _TEAMS[number % len(_TEAMS)],
        _SITES[number % len(_SITES)],
    )


class Bot(QObject):
    finished = Signal(int)  # its number
    gave_up = Signal(int, str)  # its number, why (one line)

    def __init__(
        self,
        code: JoinCode,
        number: int,
        seed: int,
        delay: float,
        dump: IO[str] | None,
        participant: Participant | None,
        parent: QObject | None = None,
        pack_folders: tuple[Path, Path | None] | None = None,  # (cache, keep the .calpack in)
    ):
        super().__init__(parent)
        self.number, self.seed, self.delay = number, seed, delay
        self.profile = bot_profile(seed, number)
        self._dump, self._participant = dump, participant
        self._pack_folders = pack_folders
        self._receiver: PackReceiver | None = None
        self.pack_folder: Path | None = None  # the room pack, unpacked in the cache
        self._welcome: Welcome | None = None
        # made before the first hello, so a welcome lost to a drop cannot lock the bot out
        self._rejoin = participant.hello_token() if participant is not None else new_rejoin_token()
        self.answered: set[str] = set()  # cases whose answer the host recorded
        self.revealed: set[str] = set()  # cases whose reveal this bot holds
        self.received_at: list[tuple[float, str]] = []  # (wall time, type) per frame
        self._last_contact = time.monotonic()
        self.done = False
        self.pack_problem = ""
        self.client = RoomClient(code, self)
        self.client.connected.connect(self._on_client_connected)
        self.client.received.connect(self._on_client_received)
        self.client.failed.connect(self._on_client_failed)
        self.client.dropped.connect(self._on_client_dropped)
        self.client.binary_received.connect(self._on_client_binary_received)

    def start(self) -> None:
        self.client.open()

    def stop(self) -> None:
        """No more frames and no retries (the swarm is done)."""
        self.done = True
        self.client.close()

    def _on_client_connected(self) -> None:
        self._last_contact = time.monotonic()
        p = self.profile
        self.client.send(
            Hello(
                secret=self.client.code.secret_text,
                profile=ProfileInfo(id=p.id, name=p.name, team=p.team, site=p.site),
                rejoin=self._rejoin,
            )
        )

    def _on_client_received(self, text: str, message: Message) -> None:
        self._last_contact = time.monotonic()
        self.received_at.append((time.time(), str(getattr(message, "type", ""))))
        if self._dump is not None:
            self._dump.write(text + "\n")
            self._dump.flush()
        handler = _HANDLERS.get(type(message))
        if handler is not None:
            handler(self, message)

    def _welcomed(self, welcome: Welcome) -> None:
        self._welcome, self._rejoin = welcome, welcome.rejoin
        self.answered |= {str(row["case_id"]) for row in welcome.answers}
        if self._participant is not None:
            self._participant.welcomed(welcome)

    def _pack_offered(self, offer: PackOffer) -> None:
        if self._pack_folders is None or self.pack_folder is not None:
            return  # no cache to keep it in: the frames are let go
        cache, keep_in = self._pack_folders
        try:
            self._receiver = PackReceiver(offer, cache, keep_in)
        except (PackRefused, OSError) as error:
            self.pack_problem = str(error)

    def _on_client_binary_received(self, data: bytes) -> None:
        receiver = self._receiver
        if receiver is None:
            return
        try:
            if receiver.feed(data):
                self.pack_folder, self._receiver = receiver.folder, None
        except (PackRefused, OSError) as error:
            receiver.close()
            self._receiver, self.pack_problem = None, str(error)

    def _case_opened(self, case: CaseOpen) -> None:
        if self._participant is not None:
            self._participant.opened(case.case_id, case.title, case.warnings)
        if case.case_id not in self.answered:
            QTimer.singleShot(int(self.delay * 1000), self, lambda: self._answer(case.case_id))

    def _answer(self, case_id: str) -> None:
        if self._welcome is None or case_id in self.answered or self.done:
            return
        rng = random.Random(f"{self.seed}:{self.number}:{case_id}")
        pack = self._welcome.pack
        self.client.send(
            AnswerMessage(
                case_id=case_id,
                decision=rng.choice([d.id for d in pack.decisions]),
                clause=rng.choice([c.id for c in pack.clauses]) if pack.clauses else None,
                confidence=rng.choice(_CONFIDENCES),
                watched_share=round(rng.uniform(0.5, 1.0), 3),
                watched_ms=rng.randrange(1000, 9000),
            )
        )

    def _acked(self, ack: Ack) -> None:
        self.answered.add(ack.case_id)
        if self._participant is not None:
            self._participant.acknowledged(ack.case_id, ack.answer)

    def _revealed(self, reveal: Reveal) -> None:
        self.revealed.add(reveal.case_id)
        if self._participant is not None:
            self._participant.revealed(reveal)

    def _ended(self, end: End) -> None:
        if self._participant is not None:
            self._participant.ended(end.finished_at)
        self.done = True
        self.client.close()
        self.finished.emit(self.number)

    def _on_client_failed(self, code: str, reason: str) -> None:
        if self.done:
            return
        if code in FATAL:
            self.done = True
            why = FATAL[code] if reason in FATAL[code] else f"{FATAL[code]} ({reason})"
            self.gave_up.emit(self.number, why)  # the reason once, not twice
        else:  # busy, flood, malformed: try again shortly
            self._retry()

    def _on_client_dropped(self) -> None:
        if not self.done:
            self._retry()

    def _retry(self) -> None:
        if time.monotonic() - self._last_contact > NO_HOST_SECONDS:
            self.done = True
            self.gave_up.emit(self.number, f"no host answered within {NO_HOST_SECONDS:g} s")
            return
        wait = 200 + random.Random(f"{self.number}:{time.monotonic()}").randrange(300)
        QTimer.singleShot(wait, self, self._reopen)

    def _reopen(self) -> None:
        if not self.done:
            self.client.open()


_HANDLERS: dict[type, Callable[[Bot, Any], None]] = {
    Welcome: Bot._welcomed,
    PackOffer: Bot._pack_offered,
    CaseOpen: Bot._case_opened,
    Ack: Bot._acked,
    Reveal: Bot._revealed,
    End: Bot._ended,
}


def summary(bots: list[Bot]) -> str:
    """One line for the end of a swarm: `5 bots: 15 answers acknowledged, 3 reveals each`."""
    answers = sum(len(bot.answered) for bot in bots)
    reveals = sorted({len(bot.revealed) for bot in bots}) or [0]
    held = str(reveals[0]) if len(reveals) == 1 else f"{reveals[0]}-{reveals[-1]}"
    each = "" if len(bots) == 1 else " each"
    return (
        f"{count(len(bots), 'bot')}: {count(answers, 'answer')} acknowledged, "
        f"{held} reveal{'' if held == '1' else 's'}{each}"
    )


def dump_path(folder: Path, number: int) -> Path:
    return folder / f"bot-{number:03d}.jsonl"
