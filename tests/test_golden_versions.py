"""A golden changed between answers: by default each answer is scored against the golden it
was given against; `--score-against current` scores it against the case's current golden;
the answers by golden version say how many answers saw each golden and how they fare under
both. Every figure is counted by hand in tests/golden_history.py."""

from __future__ import annotations

import csv
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from calibrate.core.metrics.answer_table import Filters
from calibrate.workspace import Workspace
from tests.golden_history import (
    C1_VERSIONS,
    CURRENT,
    SEEN,
    write_golden_history,
)


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> tuple[Path, Path]:
    return write_golden_history(tmp_path_factory.mktemp("golden"))


def _dashboard(db_path: Path, lessons: list[Path], score_against: str):
    ws = Workspace.open(db_path, lessons)
    try:
        ws.lessons.load()
        return ws.dashboard.complete(Filters(score_against=score_against), 0.9)
    finally:
        ws.close()


def _c1_rows(dashboard) -> list[tuple]:
    return [
        (r.version, r.decision, r.answers, r.right_seen, r.right_current)
        for r in dashboard.golden_versions.of_case("alpha", "c1")
    ]


@pytest.mark.parametrize(
    "score_against, expected", [("seen", SEEN), ("current", CURRENT)], ids=["seen", "current"]
)
def test_both_views_give_the_hand_counted_accuracy(history, score_against, expected) -> None:
    db_path, lessons = history
    d = _dashboard(db_path, [lessons], score_against)
    assert (d.headline.correct, d.headline.scored) == expected
    assert d.score_against == score_against
    # The answers by golden version are the same whichever view the rest uses.
    assert _c1_rows(d) == C1_VERSIONS
    assert [r.current for r in d.golden_versions.of_case("alpha", "c1")] == [False, True]
    assert d.golden_versions.of_case("alpha", "c2") == ()  # its golden never changed
    # The confusion matrix follows the view: c1's four first answers move to the new row.
    golden_rows = dict(zip(*_confusion_rows(d), strict=True))
    assert golden_rows["age_restricted"] == (3 if score_against == "seen" else 7)


def _confusion_rows(d) -> tuple[list[str], list[int]]:
    matrix = d.confusion.matrices[0]
    return list(matrix.labels), [int(sum(row)) for row in matrix.counts]


def test_without_the_pack_the_newest_version_in_the_database_is_current(history) -> None:
    db_path, _ = history
    d = _dashboard(db_path, [], "current")  # pack "alpha" not loaded
    assert (d.headline.correct, d.headline.scored) == CURRENT
    assert _c1_rows(d) == C1_VERSIONS


def test_a_golden_changed_again_but_not_yet_answered_is_current(history, tmp_path) -> None:
    db_path, lessons = history
    copy = tmp_path / "lessons"
    shutil.copytree(lessons, copy)
    shutil.copytree(lessons.parent / "assets", tmp_path / "assets")
    case_file = copy / "alpha" / "cases" / "c1.toml"
    case_file.write_text(
        case_file.read_text().replace('decision = "age_restricted"', 'decision = "allow"')
    )
    d = _dashboard(db_path, [copy], "current")
    # c1 now: allow was chosen once (Dee), so 1 of 7; c2 still 3 of 4.
    assert (d.headline.correct, d.headline.scored) == (4, 11)
    rows = d.golden_versions.of_case("alpha", "c1")
    assert [(r.version, r.decision, r.answers, r.right_current, r.current) for r in rows] == [
        (1, "remove", 4, 1, False),
        (2, "age_restricted", 3, 0, False),
        (3, "allow", 0, 0, True),
    ]
    assert rows[-1].accuracy_current is None  # no answers: no accuracy, never 0 %


def test_report_command_takes_score_against_and_refuses_other_values(history, tmp_path) -> None:
    db_path, lessons = history
    run = [sys.executable, "-m", "calibrate", "report", "--db", str(db_path)]
    out = tmp_path / "current.pdf"
    done = subprocess.run(
        [*run, "--out", str(out), "--lessons", str(lessons), "--score-against", "current"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    text = _pdf_text(out)
    assert "scored against its case's current golden" in " ".join(text.split())
    assert "Answers by golden version" in text
    bad = subprocess.run(
        [*run, "--out", str(tmp_path / "x.pdf"), "--score-against", "newest"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert "--score-against" in bad.stderr and not (tmp_path / "x.pdf").exists()


def _pdf_text(path: Path) -> str:
    done = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip("pdftotext is not installed")
    return done.stdout


def test_the_golden_versions_csv_holds_the_hand_counted_rows(history, tmp_path) -> None:
    db_path, lessons = history
    header, rows = _dashboard(db_path, [lessons], "current").table("golden_versions")
    path = tmp_path / "golden_versions.csv"
    with path.open("w", newline="") as handle:
        csv.writer(handle).writerows([header, *rows])
    with path.open(newline="") as handle:
        read = list(csv.DictReader(handle))
    assert [
        (r["golden_version"], r["answers"], r["right_seen"], r["right_current"]) for r in read
    ] == [
        ("1", "4", "2", "1"),
        ("2", "3", "2", "2"),
    ]
    assert read[0]["accuracy_seen"] == "0.5" and read[1]["is_current"] == "True"
