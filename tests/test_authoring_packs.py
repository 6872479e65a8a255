"""ws.authoring on packs: bundled packs copied before editing, new packs, pack.toml edited
(fields, the decision ladder, clauses, lessons) and read back by the loader as edited; a
decision with recorded answers keeps its id."""

from __future__ import annotations

from pathlib import Path

import pytest

from calibrate import paths
from calibrate.core.authoring.errors import AuthoringRefused, FileInvalid
from calibrate.core.lessons.loader import load_pack, validate_path
from tests.authoring_helpers import record, trainer_workspace


def test_a_bundled_pack_is_copied_with_its_clips_before_editing(tmp_path: Path) -> None:
    ws, lessons = trainer_workspace(tmp_path)
    bundled = paths.bundled_lessons_dir()
    assert bundled is not None
    with pytest.raises(AuthoringRefused, match="read-only"):
        ws.authoring.open_pack(bundled / "harassment")
    assert ws.authoring.is_read_only(bundled / "harassment")

    copy = ws.authoring.copy_for_editing("harassment", lessons)

    assert copy == lessons / "harassment"
    original, _ = load_pack(bundled / "harassment")
    copied, problems = load_pack(copy)
    assert original is not None and copied is not None and problems == []
    assert copied.content_hash == original.content_hash  # the same pack, clips included
    assert all(
        c.video.is_relative_to(tmp_path / "assets" / "harassment") for c in copied.cases.values()
    )
    ws.lessons.load()
    assert ws.pack("harassment").folder == copy  # the copy replaces the bundled pack
    assert not ws.authoring.is_read_only(copy)
    ws.authoring.open_pack(copy)


def test_copying_refuses_an_id_already_there_and_a_folder_not_the_trainers(tmp_path: Path) -> None:
    ws, lessons = trainer_workspace(tmp_path)
    (lessons / "harassment").mkdir()
    (lessons / "harassment" / "notes.txt").write_text("mine")
    with pytest.raises(AuthoringRefused, match="exists already"):
        ws.authoring.copy_for_editing("harassment", lessons)
    assert sorted(p.name for p in (lessons / "harassment").iterdir()) == ["notes.txt"]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    with pytest.raises(AuthoringRefused, match="does not read"):
        ws.authoring.copy_for_editing("regulated-goods", elsewhere)
    with pytest.raises(AuthoringRefused, match="no bundled pack"):
        ws.authoring.copy_for_editing("nope", lessons)
    assert not (tmp_path / "assets" / "regulated-goods").exists()


def test_a_new_pack_opens_valid_and_its_fields_save_as_edited(tmp_path: Path) -> None:
    ws, lessons = trainer_workspace(tmp_path)
    editor = ws.authoring.new_pack(lessons, "scams", "Scams & fraud")
    editor.set("title", "Scams and fraud")
    editor.set("policy_version", "2026.12")
    editor.set("pass_mark", 0.75)
    editor.set("description", "Money taken by lies.")
    assert editor.check() == []
    editor.save()
    pack, problems = load_pack(lessons / "scams")
    assert pack is not None and problems == []
    assert (pack.title, pack.policy_version, pack.pass_mark) == ("Scams and fraud", "2026.12", 0.75)
    assert pack.description == "Money taken by lies."
    with pytest.raises(AuthoringRefused, match="already exists"):
        ws.authoring.new_pack(lessons, "scams", "Again")


def test_the_ladder_is_added_to_reordered_and_relabelled_with_escalate_apart(
    tmp_path: Path,
) -> None:
    ws, lessons = trainer_workspace(tmp_path, "alpha")
    editor = ws.authoring.open_pack(lessons / "alpha")
    editor.add_decision("warning_screen", "Warning screen", index=2)
    editor.add_decision("not_recommended", "Not recommended", index=1)
    editor.move_decision("remove", 0)
    editor.move_decision("remove", 99)  # back to the most restrictive end
    editor.edit_decision("allow", label="Leave up")
    editor.add_decision("refer_legal", "Refer to legal", ladder=False)
    with pytest.raises(AuthoringRefused, match="off the ladder"):
        editor.move_decision("escalate", 0)
    with pytest.raises(AuthoringRefused, match="already"):
        editor.add_decision("allow", "Again")
    rows = editor.decisions()
    assert [(r.id, r.ladder) for r in rows] == [
        ("allow", True),
        ("not_recommended", True),
        ("age_restricted", True),
        ("warning_screen", True),
        ("remove", True),
        ("escalate", False),
        ("refer_legal", False),
    ]
    editor.save()
    pack, problems = load_pack(lessons / "alpha")
    assert pack is not None and problems == []
    assert pack.scale.ladder == (
        "allow",
        "not_recommended",
        "age_restricted",
        "warning_screen",
        "remove",
    )
    assert pack.scale.get("allow").label == "Leave up"  # type: ignore[union-attr]
    assert "refer_legal" in pack.scale.ids and "refer_legal" not in pack.scale.ladder


def test_a_decision_with_recorded_answers_keeps_its_id_but_not_its_label(tmp_path: Path) -> None:
    ws, lessons = trainer_workspace(tmp_path, "alpha")
    record(ws, "alpha", "c1", "age_restricted")
    editor = ws.authoring.open_pack(lessons / "alpha")
    locked = {r.id for r in editor.decisions() if r.locked}
    assert locked == {"age_restricted", "remove"}  # answered, and c1's golden when answered
    with pytest.raises(AuthoringRefused, match="recorded answers"):
        editor.rename_decision("age_restricted", "restricted")
    with pytest.raises(AuthoringRefused, match="recorded answers"):
        editor.remove_decision("remove")
    editor.edit_decision("age_restricted", label="18+ only")
    editor.save()
    pack = load_pack(lessons / "alpha")[0]
    assert pack is not None and pack.scale.get("age_restricted").label == "18+ only"  # type: ignore[union-attr]


def test_renaming_a_decision_without_answers_renames_it_in_the_cases_too(tmp_path: Path) -> None:
    ws, lessons = trainer_workspace(tmp_path, "alpha")
    editor = ws.authoring.open_pack(lessons / "alpha")
    with pytest.raises(AuthoringRefused, match="golden decision of c1, c2"):
        editor.remove_decision("remove")
    editor.rename_decision("remove", "take_down")
    editor.rename_decision("take_down", "takedown")
    editor.save()
    assert validate_path(lessons / "alpha") == []
    pack = load_pack(lessons / "alpha")[0]
    assert pack is not None and pack.cases["c1"].golden.decision == "takedown"
    editor.remove_decision("allow")  # no case names it, no answer either
    editor.save()
    assert load_pack(lessons / "alpha")[0].scale.ladder == ("age_restricted", "takedown")  # type: ignore[union-attr]


def test_clauses_and_lessons_are_edited_in_order(tmp_path: Path) -> None:
    ws, lessons = trainer_workspace(tmp_path, "alpha")
    editor = ws.authoring.open_pack(lessons / "alpha")
    editor.add_clause("GR-3", "Medical context", "Surgery, first aid.")
    editor.edit_clause("GR-2", title="News and documentary")
    editor.move_clause("GR-3", 0)
    with pytest.raises(AuthoringRefused, match="golden clause of c1, c2"):
        editor.remove_clause("GR-1")
    slide = editor.new_slide("02-medical", "Medical context")
    editor.add_lesson("advanced", "Advanced")
    editor.edit_lesson("advanced", guidance=[slide, "01-intro.md"], cases=["c2", "c1"])
    editor.move_lesson("advanced", 0)
    editor.edit_lesson("basics", cases=["c1"])
    assert [c.id for c in editor.clauses()] == ["GR-3", "GR-1", "GR-2"]
    assert [(x.id, x.cases) for x in editor.lessons()] == [
        ("advanced", ("c2", "c1")),
        ("basics", ("c1",)),
    ]
    editor.save()
    pack, problems = load_pack(lessons / "alpha")
    assert pack is not None and problems == []
    assert [c.id for c in pack.clauses] == ["GR-3", "GR-1", "GR-2"]
    assert pack.clause("GR-2").title == "News and documentary"  # type: ignore[union-attr]
    assert [(x.id, x.guidance, x.case_ids) for x in pack.lessons] == [
        ("advanced", ("02-medical.md", "01-intro.md"), ("c2", "c1")),
        ("basics", ("01-intro.md",), ("c1",)),
    ]
    editor.remove_lesson("advanced")
    assert [x.id for x in editor.lessons()] == ["basics"]


def test_an_invalid_pack_toml_is_not_saved(tmp_path: Path) -> None:
    ws, lessons = trainer_workspace(tmp_path, "alpha")
    before = (lessons / "alpha" / "pack.toml").read_text()
    editor = ws.authoring.open_pack(lessons / "alpha")
    editor.set("title", "")
    editor.set("pass_mark", 1.5)
    editor.edit_lesson("basics", cases=["c1", "ghost"])
    problems = editor.check()
    assert {p.key_path for p in problems} == {"title", "pass_mark"}
    assert all(p.line is not None for p in problems if p.key_path == "pass_mark")
    with pytest.raises(FileInvalid) as refused:
        editor.save()
    assert len(refused.value.problems) == 2
    # As `calibrate validate` does, lessons are judged once the pack's own keys are valid.
    editor.set("title", "Alpha")
    editor.set("pass_mark", 0.9)
    assert [(p.key_path, p.message) for p in editor.check()] == [
        ("lessons[0].cases[1]", "case 'ghost' not found in cases/"),
        ("lessons", "warning: case 'c2' is in no lesson"),
    ]
    with pytest.raises(FileInvalid):
        editor.save()
    assert (lessons / "alpha" / "pack.toml").read_text() == before


def test_slides_are_created_and_saved_in_guidance(tmp_path: Path) -> None:
    ws, lessons = trainer_workspace(tmp_path, "alpha")
    editor = ws.authoring.open_pack(lessons / "alpha")
    name = editor.new_slide("02-news", "News context")
    assert name == "02-news.md" and editor.slide_names() == ["01-intro.md", "02-news.md"]
    editor.save_slide(name, "# News context\n\n## GR-2 · News\n\nShown when it informs.\n")
    assert "GR-2 · News" in editor.read_slide(name)
    for bad in ("../escape.md", "sub/dir.md", "notes.txt", ".hidden.md"):
        with pytest.raises(AuthoringRefused):
            editor.save_slide(bad, "x")
    with pytest.raises(AuthoringRefused, match="exists already"):
        editor.new_slide("02-news.md", "Again")
    with pytest.raises(FileInvalid):
        editor.save_slide(name, "x" * (1024 * 1024 + 1))
    assert validate_path(lessons / "alpha") == []


def test_ids_that_are_paths_are_refused_before_any_file_is_touched(tmp_path: Path) -> None:
    ws, lessons = trainer_workspace(tmp_path, "alpha")
    (tmp_path / "secret.toml").write_text('id = "secret"\n')
    editor = ws.authoring.open_pack(lessons / "alpha")
    for bad in ("../../../secret", "../c1", "c1/../c2", ""):
        with pytest.raises(AuthoringRefused, match="cannot be a case id"):
            editor.open_case(bad)
        with pytest.raises(AuthoringRefused, match="cannot be a case id"):
            editor.open_draft(bad)
        with pytest.raises(AuthoringRefused, match="cannot be a case id"):
            editor.new_case(bad, "x")
    with pytest.raises(AuthoringRefused, match="cannot be a pack id"):
        ws.authoring.copy_for_editing("harassment/../regulated-goods", lessons)
    assert sorted(p.name for p in lessons.iterdir()) == ["alpha"]
