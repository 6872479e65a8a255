"""The room pack: what a host sends a participant that lacks the pack — checked against its
manifest and the host's offer, unpacked in a cache, never importable as a pack."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from room_processes import room_lessons

from calibrate.core.lessons.loader import load_pack
from calibrate.core.live.room_pack import unpack_room_pack, write_room_pack
from calibrate.core.sharing.errors import PackRefused
from calibrate.workspace import Workspace


@pytest.fixture
def written(tmp_path: Path):  # type: ignore[no-untyped-def]
    lessons = room_lessons(tmp_path)
    pack, problems = load_pack(lessons / "alpha")
    assert pack is not None, problems
    return pack, write_room_pack(pack, pack.lesson("basics"), tmp_path / "room.calpack")


def test_room_pack_unpacks_into_the_cache_when_it_matches_the_offer(tmp_path, written) -> None:  # type: ignore[no-untyped-def]
    pack, room_pack = written
    hashes = {c: pack.cases[c].content_hash for c in ("c1", "c2", "c3")}
    folder = unpack_room_pack(room_pack.path, tmp_path / "cache", pack.content_hash, hashes)
    assert folder == tmp_path / "cache" / pack.content_hash
    assert sorted(p.name for p in (folder / "assets" / "alpha").iterdir()) == [
        "c1.mp4", "c2.mp4", "c3.mp4",
    ]  # fmt: skip


def test_room_pack_differing_from_the_offer_or_its_manifest_is_refused(tmp_path, written) -> None:  # type: ignore[no-untyped-def]
    pack, room_pack = written
    hashes = {c: pack.cases[c].content_hash for c in ("c1", "c2", "c3")}
    with pytest.raises(PackRefused, match="hashes differ"):
        unpack_room_pack(room_pack.path, tmp_path / "cache", pack.content_hash, {"c1": "x"})
    tampered = tmp_path / "tampered.calpack"
    with zipfile.ZipFile(room_pack.path) as source, zipfile.ZipFile(tampered, "w") as out:
        for info in source.infolist():
            data = source.read(info)
            out.writestr(info, data.replace(b"caption of c1", b"caption of cX"))
    with pytest.raises(PackRefused, match="SHA-256"):
        unpack_room_pack(tampered, tmp_path / "cache", pack.content_hash, hashes)
    assert not (tmp_path / "cache" / pack.content_hash).exists()


def test_room_pack_is_never_imported_into_a_lessons_folder(tmp_path, written) -> None:  # type: ignore[no-untyped-def]
    _, room_pack = written
    ws = Workspace.without_database([tmp_path / "mine"])
    with pytest.raises(PackRefused, match="calibrate-room-pack"):
        ws.packs.import_pack(room_pack.path, tmp_path / "mine")
    assert not (tmp_path / "mine" / "alpha").exists()
