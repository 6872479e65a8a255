"""A participant receiving the room pack: the binary frames after a `pack_offer`, written to
a file as they come (never the whole pack in memory), then checked — its size and SHA-256
against the offer, its files against its manifest (core/live/room_pack) — and unpacked into
the participant's cache, never into a lessons folder."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path
from typing import IO

from calibrate.core.live.messages import PackOffer
from calibrate.core.live.room_pack import unpack_room_pack
from calibrate.core.sharing.errors import PackRefused
from calibrate.core.sharing.manifest import MAX_TOTAL_BYTES


class PackReceiver:
    """`feed` each binary frame; `folder` is the unpacked pack once complete. `keep_in`
    keeps the received .calpack there (`room bots --dump`: DIR/bot-NNN-files/)."""

    def __init__(self, offer: PackOffer, cache: Path, keep_in: Path | None = None):
        if not 0 < offer.size <= MAX_TOTAL_BYTES:
            raise PackRefused(f"the host offered a room pack of {offer.size:,} bytes; refused")
        self.offer, self.cache = offer, cache
        folder = keep_in if keep_in is not None else cache
        folder.mkdir(parents=True, exist_ok=True)
        if keep_in is not None:
            self.path = keep_in / f"room-pack-{offer.pack_id}.calpack"
        else:
            self.path = Path(tempfile.mkstemp(dir=folder, suffix=".calpack.partial")[1])
        self._file: IO[bytes] | None = self.path.open("wb")
        self._digest = hashlib.sha256()
        self.received = 0
        self.folder: Path | None = None

    def feed(self, data: bytes) -> bool:
        """Write one frame; True once the pack is complete, checked and unpacked."""
        if self._file is None:
            raise PackRefused("the host sent more than the room pack it offered")
        self.received += len(data)
        if self.received > self.offer.size:
            self.close()
            raise PackRefused("the host sent more than the room pack it offered")
        self._digest.update(data)
        self._file.write(data)
        if self.received < self.offer.size:
            return False
        self.close()
        if self._digest.hexdigest() != self.offer.sha256:
            raise PackRefused("the room pack received differs from the one offered (SHA-256)")
        self.folder = unpack_room_pack(
            self.path, self.cache, self.offer.pack_hash, self.offer.case_hashes
        )
        return True

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
