"""Real `calibrate room host` and `calibrate room bots` processes on 127.0.0.1 for the tests."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from pack_factory import write_pack

REPO_ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
FAST = ["--reveal-time", "0.2", "--auto-advance", "0.1"]


def room_lessons(tmp_path: Path, case_ids: tuple[str, ...] = ("c1", "c2", "c3")) -> Path:
    """A pack `alpha` whose cases' rationales and moments name their own case (so a scan
    can tell one case's reveal from another's)."""
    lessons = tmp_path / "lessons"
    folder = write_pack(lessons, "alpha", case_ids)
    for case_id in case_ids:
        path = folder / "cases" / f"{case_id}.toml"
        text = path.read_text().replace("Remove under **GR-1**.", f"Rationale-{case_id} GR-1.")
        path.write_text(text.replace('label = "the moment"', f'label = "moment-{case_id}"'))
    return lessons


class Host:
    def __init__(self, db: Path, lessons: Path, *options: str):
        self.command = [*self.command_for(db, lessons), *options]
        self.proc = subprocess.Popen(
            self.command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=ENV
        )
        assert self.proc.stdout is not None
        self.code = self.proc.stdout.readline().strip()

    @staticmethod
    def command_for(db: Path, lessons: Path) -> list[str]:
        return [
            sys.executable, "-m", "calibrate", "room", "host", "--db", str(db),
            "--lessons", str(lessons), "--pack", "alpha", "--lesson", "basics",
        ]  # fmt: skip

    def wait(self, timeout: float = 60) -> tuple[int, str]:
        _, err = self.proc.communicate(timeout=timeout)
        return self.proc.returncode, err

    def kill(self) -> None:
        self.proc.kill()
        self.proc.communicate(timeout=10)


def start_bots(code: str, *options: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "calibrate", "room", "bots", code, *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
    )


def finish(proc: subprocess.Popen[str], timeout: float = 60) -> tuple[int, str]:
    _, err = proc.communicate(timeout=timeout)
    return proc.returncode, err


def frames(dump: Path) -> list[dict]:
    return [json.loads(line) for line in dump.read_text().splitlines()]


def wait_for(predicate, timeout: float = 30.0, what: str = "") -> None:  # type: ignore[no-untyped-def]
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def dumped_types(dump: Path) -> list[str]:
    if not dump.exists():
        return []
    return [f.get("type", "") for f in frames(dump)]


def walk_keys(value: object) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from walk_keys(item)
    elif isinstance(value, list):
        for item in value:
            yield from walk_keys(item)


# Every line a host may print on stderr while a room runs (core/live/narration.py, room_run).
HOST_LINE_FORMS = [
    r"room open on \S+ port \d+",
    r"resumed (at (slide|case) \d+ of \d+|before the first step) \(on \S+ port \d+\)",
    r"ended the unfinished room \(\d+ answers? kept\): a new room, a new join code",
    r"waiting for \d+ participants",
    r"(re)?joined: [^\x00-\x1f\x7f]+ \((\d+/\d+|\d+ connected)\)",
    r"left: [^\x00-\x1f\x7f]+ \(\d+ connected\)",
    r"(slide|case) \d+/\d+ open",
    r"case \d+/\d+ locked: \d+/\d+ answered",
    r"ended: \d+ answers? recorded",
]
# What the pack factory's cases hold that only a reveal may show: the golden decision (id and
# label), its clause (id and title), the rationale, the moments, and words that name them.
NEVER_ON_THE_HOST = re.compile(
    r"\bremove\b|GR-[12]|Real injury|News context|Rationale|moment|golden|split|clause",
    re.IGNORECASE,
)


def host_lines(err: str, secret_text: str) -> list[str]:
    """The host's stderr lines, each checked: a known form, no golden answer, clause,
    rationale, moment or split, not the room's secret."""
    lines = err.splitlines()
    for line in lines:
        assert any(re.fullmatch(form, line) for form in HOST_LINE_FORMS), line
        assert not NEVER_ON_THE_HOST.search(line), line
        assert secret_text not in line, line
    return lines
