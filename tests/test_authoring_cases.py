"""ws.authoring on cases: every field of the case format set through the editor and read
back by the loader; times written as the format writes them; an invalid case kept as a
draft outside every lessons folder, never saved where it would break a lesson."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from calibrate.core.authoring.errors import AuthoringRefused, FileInvalid
from calibrate.core.lessons.loader import load_library, load_pack, validate_path
from tests.authoring_helpers import DEMO_CLIP, trainer_workspace


def probe_ok(path: Path) -> str | None:
    from calibrate.player.probe import decode_problem

    return decode_problem(path)


def test_every_field_of_a_new_case_reaches_the_loaded_case(tmp_path: Path) -> None:
    ws, lessons = trainer_workspace(tmp_path, "alpha")
    pack_editor = ws.authoring.open_pack(lessons / "alpha")
    case = pack_editor.new_case("c3", "A new case")
    case.choose_video(DEMO_CLIP, probe_ok)
    case.set(("severity",), "high")
    case.set(("difficulty",), "hard")
    case.set(("warnings",), ["violence", "distressing_audio"])
    case.set(("rationale",), "Remove under **GR-1**.\n\nA second paragraph.\n")
    case.set(("context", "caption"), 'say "hi" \\ bye')
    case.set(("context", "on_screen_text"), "LOOK")
    case.set(("context", "hashtags"), ["#a", "#b"])
    case.set(("context", "report_reason"), "Violent content")
    case.set(("context", "account"), ["New account", "Posts daily"])
    case.set(("context", "audio"), "Shouting.")
    case.set_golden("age_restricted", ["GR-1", "GR-2"])
    case.add_cue(2.5, "second cue")
    case.add_cue(0.04, "first cue")
    case.add_moment(1.0, 3.251, "the moment")
    assert [p.message for p in case.check()] == ["warning: case 'c3' is in no lesson"]
    case.save()
    pack_editor.edit_lesson("basics", cases=["c1", "c2", "c3"])
    pack_editor.save()

    pack, problems = load_pack(lessons / "alpha")
    assert pack is not None and problems == []
    loaded = pack.cases["c3"]
    assert (loaded.title, loaded.severity, loaded.difficulty) == ("A new case", "high", "hard")
    assert loaded.warnings == ("violence", "distressing_audio")
    assert loaded.rationale == "Remove under **GR-1**.\n\nA second paragraph."
    context = loaded.context
    assert context.caption == 'say "hi" \\ bye' and context.on_screen_text == "LOOK"
    assert context.hashtags == ("#a", "#b") and context.account == ("New account", "Posts daily")
    assert (context.report_reason, context.audio) == ("Violent content", "Shouting.")
    assert (loaded.golden.decision, loaded.golden.clauses) == ("age_restricted", ("GR-1", "GR-2"))
    assert [(c.at, c.text) for c in loaded.cues] == [(0.04, "first cue"), (2.5, "second cue")]
    assert [(m.start, m.end, m.label) for m in loaded.moments] == [(1.0, 3.251, "the moment")]
    written = tomllib.loads((lessons / "alpha" / "cases" / "c3.toml").read_text())
    assert [c["at"] for c in written["cues"]] == [
        "0:00.04",
        "0:02.5",
    ]  # clock text, as written by hand
    assert (written["moments"][0]["start"], written["moments"][0]["end"]) == ("0:01", "0:03.251")


def test_the_editor_keys_come_in_the_formats_order(tmp_path: Path) -> None:
    ws, lessons = trainer_workspace(tmp_path, "alpha")
    case = ws.authoring.open_pack(lessons / "alpha").new_case("c9", "Order")
    case.set_golden("remove", ["GR-1"])  # tables before keys: the keys still go on top
    case.set(("context", "audio"), "a")
    case.set(("context", "caption"), "c")
    case.set(("rationale",), "Why.\n")
    case.set(("video",), "c1.mp4")
    keys = [line.split(" ")[0] for line in case.text().splitlines() if line and line[0] != " "]
    assert keys == [
        "id", "title", "video", "severity", "rationale", "Why.", '"""',
        "[context]", "caption", "audio", "[golden]", "decision", "clauses",
    ]  # fmt: skip


def test_an_invalid_case_is_kept_as_a_draft_outside_the_lessons_folders(tmp_path: Path) -> None:
    ws, lessons = trainer_workspace(tmp_path, "alpha")
    pack_editor = ws.authoring.open_pack(lessons / "alpha")
    case = pack_editor.new_case("c3", "Half done")
    case.set_golden("delete", ["GR-1"])
    with pytest.raises(FileInvalid) as refused:
        case.save()
    assert {p.key_path for p in refused.value.problems} == {"video", "rationale", "golden.decision"}
    assert not (lessons / "alpha" / "cases" / "c3.toml").exists()

    draft = case.save_draft()
    assert draft == tmp_path / "drafts" / "alpha" / "c3.toml"  # beside the database file
    assert not draft.resolve().is_relative_to(lessons.resolve())
    assert pack_editor.draft_ids() == ["c3"]
    library = load_library([lessons, tmp_path, tmp_path / "drafts"])
    assert all(p.id != "c3" for pack in library.packs for p in pack.cases.values())
    assert validate_path(lessons) == []  # the lessons folder never saw the draft
    with pytest.raises(AuthoringRefused, match="exists already"):
        pack_editor.new_case("c3", "Twice")

    reopened = pack_editor.open_draft("c3")
    assert reopened.get(("golden", "decision")) == "delete"
    reopened.set(("golden", "decision"), "remove")
    reopened.set(("video",), "c1.mp4")
    reopened.set(("rationale",), "Now complete.\n")
    reopened.save()
    assert pack_editor.draft_ids() == [] and not draft.exists()
    assert load_pack(lessons / "alpha")[0].cases["c3"].rationale == "Now complete."  # type: ignore[union-attr]


def test_an_edit_that_breaks_a_saved_case_leaves_the_file_as_it_was(tmp_path: Path) -> None:
    ws, lessons = trainer_workspace(tmp_path, "alpha")
    path = lessons / "alpha" / "cases" / "c1.toml"
    before = path.read_text()
    case = ws.authoring.open_pack(lessons / "alpha").open_case("c1")
    case.set(("severity",), "extreme")
    case.edit_cue(0, at=-1)  # clamped: times are never negative
    case.set(("moments",), None)
    with pytest.raises(FileInvalid, match="1 problem"):
        case.save()
    assert path.read_text() == before


def test_text_that_is_not_toml_is_checked_but_not_edited_key_by_key(tmp_path: Path) -> None:
    ws, lessons = trainer_workspace(tmp_path, "alpha")
    case = ws.authoring.open_pack(lessons / "alpha").open_case("c1")
    case.set_text(case.text().replace('title = "Case c1"', 'title = "Case c1'))
    problems = case.check()
    assert (
        len(problems) == 1 and problems[0].line == 2 and "TOML syntax error" in problems[0].message
    )
    with pytest.raises(AuthoringRefused, match="not valid TOML"):
        case.set(("title",), "x")
    draft = case.save_draft()
    assert 'title = "Case c1\n' in draft.read_text()


def test_cues_and_moments_are_edited_by_index_in_time_order(tmp_path: Path) -> None:
    ws, lessons = trainer_workspace(tmp_path, "alpha")
    case = ws.authoring.open_pack(lessons / "alpha").open_case("c1")
    assert case.cues() == [(1.0, "a cue")]
    assert case.add_cue(0.5, "earlier") == 0
    assert case.add_cue(61.25, "later") == 2
    case.edit_cue(1, text="middle")
    case.remove_cue(0)
    assert case.cues() == [(1.0, "middle"), (61.25, "later")]
    assert case.moments() == [(1.0, 2.5, "the moment")]
    case.edit_moment(0, end=4.0, label="longer")
    case.add_moment(5.0, 6.0)
    case.remove_moment(0)
    assert case.moments() == [(5.0, 6.0, "")]
    case.save()
    loaded = load_pack(lessons / "alpha")[0].cases["c1"]  # type: ignore[union-attr]
    assert [(c.at, c.text) for c in loaded.cues] == [(1.0, "middle"), (61.25, "later")]
    assert [(m.start, m.end) for m in loaded.moments] == [(5.0, 6.0)]
