"""The editor's live check of one case is `calibrate validate`'s check of that file: the same
problems, lines and key paths (a screen shows each at its field), for the file as the trainer
holds it, without reading the pack's other cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from calibrate.core.lessons.loader import validate_path
from tests.authoring_helpers import trainer_workspace

BREAKAGES = [
    ('severity = "medium"', 'severity = "extreme"'),
    ('decision = "remove"', 'decision = "delete"'),
    ('clauses = ["GR-1"]', 'clauses = ["GR-1", "GR-9"]'),
    ("at = 1.0", 'at = "soon"'),
    ('end = "0:02.5"', 'end = "0:00.5"'),
    ('video = "c1.mp4"', 'video = "../../etc/passwd"'),
    ('video = "c1.mp4"', 'video = "gone.mp4"'),
    ('id = "c1"', 'id = "c7"'),
    ("report_reason =", "report_reasn ="),
    ('title = "Case c1"', 'title = "Case c1'),
    ("[golden]", "[golden]\nextra = 1"),
    ('warnings = ["graphic"]', 'warnings = ["graphic"]\nrationale = 3'),
]


@pytest.mark.parametrize(("old", "new"), BREAKAGES)
def test_the_live_check_finds_what_validate_finds(tmp_path: Path, old: str, new: str) -> None:
    ws, lessons = trainer_workspace(tmp_path, "alpha")
    path = lessons / "alpha" / "cases" / "c1.toml"
    case = ws.authoring.open_pack(lessons / "alpha").open_case("c1")
    broken = path.read_text().replace(old, new, 1)
    case.set_text(broken)

    live = case.check()

    path.write_text(broken)
    assert live == validate_path(path)
    assert live and all(p.file == str(path) for p in live)


def test_each_problem_names_the_field_it_concerns(tmp_path: Path) -> None:
    ws, lessons = trainer_workspace(tmp_path, "alpha")
    case = ws.authoring.open_pack(lessons / "alpha").open_case("c1")
    case.set(("severity",), "extreme")
    case.edit_cue(0, text="")
    case.set(("context", "hashtags"), ["#ok", 5])
    lines = case.text().splitlines()
    assert {p.key_path: lines[p.line - 1] for p in case.check() if p.line} == {
        "severity": 'severity = "extreme"',
        "cues[0].text": 'text = ""',
        "context.hashtags[1]": 'hashtags = ["#ok", 5]',
    }


def test_only_the_edited_case_is_checked(tmp_path: Path) -> None:
    ws, lessons = trainer_workspace(tmp_path, "alpha")
    (lessons / "alpha" / "cases" / "c2.toml").write_text("this is = not [toml")
    case = ws.authoring.open_pack(lessons / "alpha").open_case("c1")
    assert case.check() == []
    assert validate_path(lessons / "alpha") != []


def test_a_case_is_checked_against_the_saved_pack_toml(tmp_path: Path) -> None:
    ws, lessons = trainer_workspace(tmp_path, "alpha")
    pack = ws.authoring.open_pack(lessons / "alpha")
    pack.add_decision("warning_screen", "Warning screen", index=2)
    case = pack.open_case("c1")
    case.set_golden("warning_screen", ["GR-1"])
    assert [p.key_path for p in case.check()] == ["golden.decision"]  # not saved yet
    pack.save()
    assert case.check() == []
