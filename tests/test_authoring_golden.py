"""Golden versions: before a changed golden decision or clauses is saved, the editor says how
many recorded answers were given against an earlier golden (answers keep the case hash they
were given against; the database keeps each hash's golden)."""

from __future__ import annotations

from pathlib import Path

from calibrate.core.authoring.rows import GoldenChange
from calibrate.workspace import Workspace
from tests.authoring_helpers import record, trainer_workspace


def test_a_golden_change_counts_the_answers_given_against_the_earlier_golden(
    tmp_path: Path,
) -> None:
    ws, lessons = trainer_workspace(tmp_path, "alpha")
    record(ws, "alpha", "c1", "remove", who="Ana")
    record(ws, "alpha", "c1", "allow", who="Ben")
    record(ws, "alpha", "c2", "remove", who="Cy")  # another case: never counted
    pack = ws.authoring.open_pack(lessons / "alpha")
    case = pack.open_case("c1")
    assert case.golden_change() is None
    case.set_golden("remove", ["GR-1"])  # the same golden written again
    assert case.golden_change() is None
    case.set(("title",), "Retitled")  # a new case hash, the same golden
    assert case.golden_change() is None

    case.set_golden("age_restricted", ["GR-1"])
    assert case.golden_change() == GoldenChange(earlier_answers=2, all_answers=2)
    case.save()
    record(ws, "alpha", "c1", "age_restricted", who="Dee")  # against the new golden

    case = pack.open_case("c1")
    case.set_golden("age_restricted", ["GR-1", "GR-2"])  # a clause added is a change too
    assert case.golden_change() == GoldenChange(earlier_answers=3, all_answers=3)
    case.set_golden("remove", ["GR-1"])  # back to the first golden
    assert case.golden_change() == GoldenChange(earlier_answers=1, all_answers=3)


def test_the_order_of_golden_clauses_is_no_change(tmp_path: Path) -> None:
    ws, lessons = trainer_workspace(tmp_path, "alpha")
    case = ws.authoring.open_pack(lessons / "alpha").open_case("c1")
    case.set_golden("remove", ["GR-1", "GR-2"])
    case.save()
    record(ws, "alpha", "c1", "remove")
    case.set_golden("remove", ["GR-2", "GR-1"])
    assert case.golden_change() is None


def test_a_new_case_or_no_database_has_no_answers_to_count(tmp_path: Path) -> None:
    ws, lessons = trainer_workspace(tmp_path, "alpha")
    new = ws.authoring.open_pack(lessons / "alpha").new_case("c3", "New")
    new.set_golden("remove", ["GR-1"])
    assert new.golden_change() is None
    files_only = Workspace.without_database([lessons])
    files_only.lessons.use_folders([lessons], [])
    case = files_only.authoring.open_pack(lessons / "alpha").open_case("c1")
    case.set_golden("allow", ["GR-1"])
    assert case.golden_change() == GoldenChange(0, 0)
    assert files_only.authoring.locked_decisions("alpha") == set()
