"""Choosing a case's video: real libVLC decides, the clip is copied into assets/<pack>/ under
its content hash (never referenced outside the pack), a clip that does not decode is refused
with libVLC's reason and nothing copied; the clip facts are cached for the live checks."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import pytest

from calibrate.core.authoring.errors import AuthoringRefused
from calibrate.core.lessons.loader import load_pack
from calibrate.player.probe import decode_problem
from tests.authoring_helpers import DEMO_CLIP, OTHER_DEMO_CLIP, trainer_workspace


def test_a_chosen_clip_is_copied_under_its_content_hash(tmp_path: Path) -> None:
    ws, lessons = trainer_workspace(tmp_path, "alpha")
    outside = tmp_path / "Downloads" / "My Clip.MP4"
    outside.parent.mkdir()
    outside.write_bytes(DEMO_CLIP.read_bytes())
    case = ws.authoring.open_pack(lessons / "alpha").open_case("c1")

    name = case.choose_video(outside, decode_problem)

    digest = hashlib.sha256(DEMO_CLIP.read_bytes()).hexdigest()
    assert name == digest[:16] + ".mp4"
    assert case.get(("video",)) == name
    assert case.video_path() == tmp_path / "assets" / "alpha" / name
    assert (tmp_path / "assets" / "alpha" / name).read_bytes() == DEMO_CLIP.read_bytes()
    case.save()
    outside.unlink()  # the pack never points at where the clip came from
    loaded = load_pack(lessons / "alpha")[0].cases["c1"]  # type: ignore[union-attr]
    assert loaded.video == (tmp_path / "assets" / "alpha" / name).resolve()

    again = ws.authoring.open_pack(lessons / "alpha").open_case("c2")
    assert again.choose_video(DEMO_CLIP, decode_problem) == name  # the same bytes: one file
    assert again.choose_video(OTHER_DEMO_CLIP, decode_problem).endswith(".webm")
    clips = sorted(p.name for p in (tmp_path / "assets" / "alpha").iterdir())
    assert clips == sorted(["c1.mp4", "c2.mp4", name, again.get(("video",))])


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (
            b"\x00\x00\x00\x18ftypisom" + b"\x00" * 4000,
            "could not be decoded",
        ),  # an mp4 header, no video
        (b"", "empty"),
        (b"just some text, not a video\n" * 50, "could not be decoded"),
    ],
)
def test_a_clip_libvlc_cannot_decode_is_refused_with_the_reason(
    tmp_path: Path, content: bytes, reason: str
) -> None:
    ws, lessons = trainer_workspace(tmp_path, "alpha")
    bad = tmp_path / "bad.mp4"
    bad.write_bytes(content)
    case = ws.authoring.open_pack(lessons / "alpha").open_case("c1")
    before = sorted((tmp_path / "assets" / "alpha").iterdir())
    with pytest.raises(AuthoringRefused, match=f"bad.mp4 was not added: .*{reason}"):
        case.choose_video(bad, decode_problem)
    assert sorted((tmp_path / "assets" / "alpha").iterdir()) == before
    assert case.get(("video",)) == "c1.mp4"


def test_a_fifo_or_a_folder_is_refused_without_blocking(tmp_path: Path) -> None:
    ws, lessons = trainer_workspace(tmp_path, "alpha")
    case = ws.authoring.open_pack(lessons / "alpha").open_case("c1")
    fifo = tmp_path / "pipe.mp4"
    os.mkfifo(fifo)
    with pytest.raises(AuthoringRefused, match="not a regular file"):
        case.choose_video(fifo, decode_problem)
    with pytest.raises(AuthoringRefused, match="not a regular file"):
        case.choose_video(tmp_path, decode_problem)
    with pytest.raises(AuthoringRefused, match="cannot be read"):
        case.choose_video(tmp_path / "missing.mp4", decode_problem)


def test_libvlc_is_asked_once_per_clip_content(tmp_path: Path) -> None:
    ws, lessons = trainer_workspace(tmp_path, "alpha")
    asked: list[Path] = []

    def counting_probe(path: Path) -> str | None:
        asked.append(path)
        return decode_problem(path)

    pack = ws.authoring.open_pack(lessons / "alpha")
    pack.open_case("c1").choose_video(DEMO_CLIP, counting_probe)
    pack.open_case("c2").choose_video(DEMO_CLIP, counting_probe)
    assert asked == [DEMO_CLIP]


def test_the_live_check_reads_a_clip_again_only_when_it_changed(
    tmp_path: Path, monkeypatch
) -> None:
    from calibrate.core.authoring import clips

    ws, lessons = trainer_workspace(tmp_path, "alpha")
    case = ws.authoring.open_pack(lessons / "alpha").open_case("c1")
    reads: list[Path] = []
    real = clips.clip_problem

    def counted(path: Path, root: Path, real_parent: Path | None = None) -> str | None:
        reads.append(path)
        return real(path, root, real_parent)

    monkeypatch.setattr(clips, "clip_problem", counted)
    for _ in range(5):
        assert case.check() == []
    assert len(reads) == 1
    clip = tmp_path / "assets" / "alpha" / "c1.mp4"
    clip.write_bytes(b"")  # emptied (new size, new mtime): checked again
    assert [p.message.split(":")[0] for p in case.check()] == ["media file is empty (0 bytes)"]
    assert len(reads) == 2
