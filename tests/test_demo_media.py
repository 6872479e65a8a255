"""The demo clips describe the scene, never the verdict, and say which frame is on screen.

Blind means blind (DESIGN.md): a moderator watches the clip before answering, so nothing drawn
into it may name a golden moment, a decision or a clause of the cases that use it. The
generator lists every text it drew in assets/<pack>/drawn-texts.json; these tests hold that
list against the lesson packs, and against what the generator draws today (a clip whose case
changed without re-rendering is caught here and by its length in test_demo_content.py).
"""

# ruff: noqa: F811 - the fixtures imported from player_fixtures are parameters by name

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from player_fixtures import player, vlc_instance, wait_state  # noqa: F401
from PySide6.QtGui import QImage
from test_demo_content import ASSETS, DEMO_PACKS, _cases, _media_script, _pack

from calibrate.core.lessons.schema import CaseSpec, PackSpec
from calibrate.player.playback import PlayerState
from calibrate.player.vlc_player import VideoPlayer


def _manifest(pack_id: str) -> dict[str, list[str]]:
    path = ASSETS / pack_id / _media_script().MANIFEST
    assert path.is_file(), f"missing {path}; run scripts/make_demo_media.py"
    return json.loads(path.read_text(encoding="utf-8"))["clips"]


def _as_words(phrase: str) -> re.Pattern[str]:
    """The phrase as whole words, any case: 'Remove' finds 'REMOVE it', not 'removed'."""
    return re.compile(rf"(?<!\w){re.escape(phrase)}(?!\w)", re.IGNORECASE)


def giveaways(texts: list[str], pack: PackSpec, cases: list[CaseSpec]) -> list[str]:
    """Each drawn text that names a golden moment, a decision or a clause of these cases."""
    one_line = [" ".join(text.split()) for text in texts]  # the generator wraps long lines
    named: dict[str, re.Pattern[str]] = {}
    for decision in pack.decisions:
        for name in (decision.id, decision.id.replace("_", " "), decision.label):
            named[f"decision {name!r}"] = _as_words(name)
    for case in cases:
        for clause in case.golden.clauses:
            named[f"clause {clause!r}"] = _as_words(clause)
        for moment in case.moments:
            if moment.label:
                named[f"moment {moment.label!r}"] = re.compile(re.escape(moment.label), re.I)
    return [
        f"{text!r} names {what}"
        for text in one_line
        for what, pattern in named.items()
        if pattern.search(text)
    ]


@pytest.mark.parametrize("pack_id", DEMO_PACKS)
def test_no_demo_clip_draws_a_golden_moment_decision_or_clause(pack_id: str) -> None:
    pack, drawn = _pack(pack_id), _manifest(pack_id)
    users: dict[str, list[CaseSpec]] = {}
    for case in _cases(pack_id).values():
        users.setdefault(case.video, []).append(case)
    clips = {p.name for p in (ASSETS / pack_id).iterdir() if p.suffix in (".mp4", ".webm")}
    assert set(drawn) == clips, "the manifest must list every clip of the folder"
    problems = [
        f"{clip}: {problem}"
        for clip, texts in drawn.items()
        for problem in giveaways(texts, pack, users.get(clip, []))
    ]
    assert problems == []


@pytest.mark.parametrize("pack_id", DEMO_PACKS)
def test_the_manifest_lists_what_the_generator_draws_for_each_case(pack_id: str) -> None:
    drawn = _manifest(pack_id)
    for case in _cases(pack_id).values():
        expected = _media_script().drawn_texts(pack_id, case)
        assert drawn[case.video] == expected, (
            f"{case.video} was drawn from an older {case.id}.toml: "
            "re-run scripts/make_demo_media.py"
        )


def test_the_check_catches_the_labels_older_clips_drew() -> None:
    pack = _pack("harassment")
    case = _cases("harassment")["hb-bus-stranger-mocked"]
    old = [
        "IN VIEW 0:03–0:08 · Stranger's face with mocking text\nand insults",
        "Verdict: REMOVE under hb-1",
        "Not recommended",
        "0:03 — Zoom onto his face; the man removed his cap.",  # a scene, not a verdict
    ]
    assert [p.split(" names ")[1] for p in giveaways(old, pack, [case])] == [
        'moment "Stranger\'s face with mocking text and insults"',
        "decision 'remove'",
        "decision 'Remove'",
        "clause 'HB-1'",
        "decision 'not recommended'",
        "decision 'Not recommended'",
    ]


def strip_number(image: QImage) -> int:
    """The frame number a demo clip draws as boxes in its bottom-left corner (see
    scripts/make_demo_media.py: FRAME_BITS boxes of BOX px, bit 0 leftmost)."""
    script = _media_script()
    box, scale = script.BOX, image.height() / script.HEIGHT
    step = box + box // 4
    y = round((script.HEIGHT - box // 4 - box // 2) * scale)
    number = 0
    for bit in range(script.FRAME_BITS):
        x = round((box // 4 + bit * step + box // 2) * scale)
        if (image.pixel(x, y) >> 8) & 0xFF > 128:  # green channel: white box vs black plate
            number |= 1 << bit
    return number


@pytest.mark.parametrize(
    ("clip", "at_ms", "slack"),
    [
        # libVLC's seeks land up to a frame (mp4) or two (webm, VP9) off the time asked (seen:
        # 276 for 275, 102 for 100, now and then): the strip must read a frame that close.
        (Path("harassment/hb-cafe-threat.mp4"), 11_000, 1),  # frame 275: past 8 bits
        (Path("regulated-goods/rg-naloxone-howto.webm"), 4_000, 2),
    ],
)
def test_a_demo_clip_frame_shows_its_number_through_the_real_player(
    qtbot: Any, player: VideoPlayer, clip: Path, at_ms: int, slack: int
) -> None:
    shown: list[int] = []

    def shows(number: int) -> bool:
        shown.append(-1 if player.frame.isNull() else strip_number(player.frame))
        return abs(shown[-1] - number) <= slack

    player.load(ASSETS / clip, autoplay=False, start_ms=at_ms)
    wait_state(qtbot, player, PlayerState.PAUSED)
    expected = at_ms // player.frame_ms
    try:
        qtbot.waitUntil(lambda: shows(expected), timeout=5000)
        player.seek(at_ms - 2_000)
        qtbot.waitUntil(lambda: shows(expected - 50), timeout=5000)
    except qtbot.TimeoutError as timeout:
        wanted = f"wanted frame {expected}, then {expected - 50}"
        raise AssertionError(f"{wanted}; the strip showed {shown[-5:]}") from timeout
