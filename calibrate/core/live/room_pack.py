"""The room pack's pure parts: a case file with nothing a moderator may not see before the
reveal, and the manifest's extra facts (the format's name, the host's case hashes).

A room pack is a `.calpack` (calibrate/core/sharing) whose manifest says
`"format": "calibrate-room-pack"` and whose case files carry no `golden`, `rationale` or
`moments` (nor `severity`, which the reveal shows): the clips play from it before the
reveal, and a file the host sends can tell nothing the wire may not (docs/live-protocol.md).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import zipfile
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from calibrate.core.models import Case, Lesson, Pack
from calibrate.core.sharing.errors import PackRefused
from calibrate.core.sharing.manifest import (
    MANIFEST,
    MAX_TOTAL_BYTES,
    ROOM_FORMAT,
    Manifest,
    ManifestFile,
    check_names,
)
from calibrate.core.sharing.reader import PackArchive
from calibrate.core.sharing.writer import add_file, zip_entry

WITHHELD_KEYS = ("golden", "rationale", "moments", "severity", "difficulty")


def _string(text: str) -> str:
    """A TOML basic string: JSON's escapes are TOML's (json.dumps never writes `\\/`)."""
    return json.dumps(text, ensure_ascii=False)


def _strings(items: Iterable[str]) -> str:
    return "[" + ", ".join(_string(item) for item in items) + "]"


def stripped_case_toml(case: Case, video: str) -> str:
    """The case as a room participant may hold it before the reveal: id, title, clip,
    warnings, context and cues."""
    context = case.context
    lines = [
        f"id = {_string(case.id)}",
        f"title = {_string(case.title)}",
        f"video = {_string(video)}",
        f"warnings = {_strings(case.warnings)}",
        "",
        "[context]",
        f"caption = {_string(context.caption)}",
        f"on_screen_text = {_string(context.on_screen_text)}",
        f"hashtags = {_strings(context.hashtags)}",
        f"report_reason = {_string(context.report_reason)}",
        f"account = {_strings(context.account)}",
        f"audio = {_string(context.audio)}",
    ]
    for cue in case.cues:
        lines += ["", "[[cues]]", f"at = {float(cue.at)!r}", f"text = {_string(cue.text)}"]
    return "\n".join(lines) + "\n"


class RoomPackFile(NamedTuple):
    """The room pack a host offers: where it is, its size and SHA-256, what it says."""

    path: Path
    size: int
    sha256: str
    manifest: Manifest


def write_room_pack(pack: Pack, lesson: Lesson, out: Path) -> RoomPackFile:
    """The lesson's room pack at `out` (a temporary name, then renamed): pack.toml, the
    lesson's guidance, its cases stripped (`stripped_case_toml`) and their clips."""
    lessons, assets = f"lessons/{pack.id}", f"assets/{pack.id}"
    cases = pack.cases_of(lesson)
    texts = [(f"{lessons}/pack.toml", (pack.folder / "pack.toml").read_bytes())]
    texts += [
        (f"{lessons}/guidance/{n}", pack.guidance[n].source.read_bytes()) for n in lesson.guidance
    ]
    clips = {_clip(pack, case): case.video for case in cases}
    texts += [
        (
            f"{lessons}/cases/{case.source.name}",
            stripped_case_toml(case, _clip(pack, case)).encode(),
        )
        for case in cases
    ]
    check_names([n for n, _ in texts] + [f"{assets}/{c}" for c in clips], pack.id, str(out))
    temp = out.with_name(out.name + ".partial")
    listed: dict[str, ManifestFile] = {}
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)  # the room's folder: 0600
    with open(fd, "wb") as handle, zipfile.ZipFile(handle, "w") as zf:
        for name, data in texts:
            zf.writestr(zip_entry(name, deflate=True), data)
            listed[name] = ManifestFile(name, len(data), hashlib.sha256(data).hexdigest())
        for clip in sorted(clips):
            name = f"{assets}/{clip}"
            listed[name] = add_file(zf, name, clips[clip], False, lambda _n: None)
        manifest = Manifest(
            pack.id,
            pack.content_hash,
            listed,
            ROOM_FORMAT,
            {case.id: case.content_hash for case in cases},
        )
        zf.writestr(zip_entry(MANIFEST, deflate=True), manifest.to_json())
    os.replace(temp, out)
    return RoomPackFile(out, out.stat().st_size, _sha256(out), manifest)


def _clip(pack: Pack, case: Case) -> str:
    try:
        return case.video.relative_to(pack.assets).as_posix()
    except ValueError:
        return case.video.name


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def unpack_room_pack(
    archive: Path, cache: Path, pack_hash: str, case_hashes: dict[str, str]
) -> Path:
    """Check a received room pack against its manifest (every file's size and SHA-256, the
    limits of a `.calpack`) and the host's offer (pack and case hashes), and unpack it to
    `cache/<pack_hash>/` — a cache, never a lessons folder. PackRefused says what is wrong."""
    target = cache / pack_hash
    if target.is_dir():
        return target
    with PackArchive(archive, MAX_TOTAL_BYTES, ROOM_FORMAT) as opened:
        manifest = opened.manifest
        if manifest.pack_hash != pack_hash or manifest.case_hashes != case_hashes:
            raise PackRefused(f"{archive}: not the pack the host offered (its hashes differ)")
        cache.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=cache, prefix=".room-pack-"))
        try:
            opened.extract(staging)
            os.replace(staging, target)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    return target


def cached_lesson_title(cache: Path, pack_hash: str, pack_id: str, lesson_id: str) -> str | None:
    """The lesson's title from a room pack kept in `cache` (None when it is gone or does not
    say): a moderator's past live sessions are named even without the pack installed. The
    file came from a host: anything odd in it is no title, never an error."""
    import tomllib

    path = cache / pack_hash / "lessons" / pack_id / "pack.toml"
    try:
        with path.open("rb") as file:
            lessons = tomllib.load(file).get("lessons")
    except (OSError, ValueError):
        return None
    for lesson in lessons if isinstance(lessons, list) else []:
        if isinstance(lesson, dict) and lesson.get("id") == lesson_id:
            title = lesson.get("title")
            return title.strip()[:200] or None if isinstance(title, str) else None
    return None
