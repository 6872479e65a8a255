"""`calibrate machine import|score` on a run whose every figure is known: κ and the
confusion matrix against sklearn and statsmodels, the rest counted by hand; the import's
rules (no-op, refusals, --replace); a model is never a moderator."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from sklearn.metrics import brier_score_loss, cohen_kappa_score, confusion_matrix
from statsmodels.stats.inter_rater import cohens_kappa
from statsmodels.stats.proportion import proportion_confint

from calibrate.cli import main
from calibrate.core.metrics.answer_table import Filters
from calibrate.workspace import Workspace
from calibrate.workspace.dashboard import complete, compute
from calibrate.workspace.exchange import import_answers
from tests.machine_data import GOLDEN, HUMANS, MODEL, history_csv, run_csv, write_alpha

LABELS = ["allow", "age_restricted", "remove", "escalate"]  # ladder order, escalate last


@pytest.fixture
def room(tmp_path: Path) -> tuple[Path, Path]:
    """A database with the four moderators' answers on pack alpha; its lessons folder."""
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    write_alpha(lessons)
    db = tmp_path / "room.sqlite3"
    ws = Workspace.open(db, [lessons])
    packs = ws.lessons.load().packs
    ws.close()
    import_answers(db, history_csv(tmp_path / "history.csv"), packs, history_csv=True)
    return db, lessons


def _run(*argv: object) -> int:
    return main([str(a) for a in argv])


def _import(db: Path, lessons: Path, file: Path, *more: str) -> int:
    return _run("machine", "import", file, "--db", db, "--name", "m", "--lessons", lessons, *more)


def _score(db: Path, capsys, *more: str) -> dict:
    capsys.readouterr()
    assert _run("machine", "score", "m", "--db", db, "--json", *more) == 0
    return json.loads(capsys.readouterr().out)


def test_score_matches_sklearn_statsmodels_and_hand_counts(room, tmp_path, capsys) -> None:
    db, lessons = room
    assert _import(db, lessons, run_csv(tmp_path / "run.csv")) == 0
    result = _score(db, capsys)
    golden = [GOLDEN[c] for c in GOLDEN]
    model = [MODEL[c][0] for c in GOLDEN]
    assert (result["rater"], result["version"], result["cases"]) == ("m", "v1", 8)
    # Accuracy: 4 of 8 right, Wilson's interval as statsmodels computes it.
    low, high = proportion_confint(4, 8, method="wilson")
    assert result["accuracy"]["correct"] == 4 and result["accuracy"]["n"] == 8
    assert result["accuracy"]["ci95"] == pytest.approx([low, high], abs=1e-9)
    # By hand: c3 over, c5 under, c7 a missed escalation, c8 an unneeded one.
    assert result["over_enforcement"] == {"value": 1 / 8, "n": 8}
    assert result["under_enforcement"] == {"value": 1 / 8, "n": 8}
    assert (result["missed_escalations"], result["unneeded_escalations"]) == (1, 1)
    right = [g == m for g, m in zip(golden, model, strict=True)]
    scores = [MODEL[c][1] for c in GOLDEN]
    assert result["brier"]["value"] == pytest.approx(brier_score_loss(right, scores))
    assert result["brier"]["n"] == 8
    pack = result["packs"]["alpha"]
    assert pack["confusion_matrix"]["labels"] == LABELS
    expected = confusion_matrix(golden, model, labels=LABELS)
    assert pack["confusion_matrix"]["counts"] == expected.tolist()
    kappa = pack["cohen_kappa_vs_golden"]
    assert kappa["value"] == pytest.approx(cohen_kappa_score(golden, model, labels=LABELS))
    reference = cohens_kappa(expected)
    assert kappa["ci95"][0] == pytest.approx(reference.kappa_low, abs=1e-9)
    assert kappa["ci95"][1] == pytest.approx(min(1.0, reference.kappa_upp), abs=1e-9)
    assert kappa["note"] is None


def test_room_figures_use_first_answers_with_a_unique_majority_of_three(
    room, tmp_path, capsys
) -> None:
    db, lessons = room
    _import(db, lessons, run_csv(tmp_path / "run.csv"))
    pack = _score(db, capsys)["packs"]["alpha"]
    # Counted here from the humans' first answers (the retake of c3 is not one).
    majority = {}
    for case in GOLDEN:
        votes = Counter(d for c, _, d, _ in HUMANS if c == case)
        (top, n), *rest = votes.most_common() + [(None, 0)]
        if sum(votes.values()) >= 3 and rest[0][1] < n:
            majority[case] = top
    assert sorted(majority) == ["c1", "c3", "c4", "c5", "c7", "c8"]  # not the tie, not c6
    agree = sum(MODEL[c][0] == m for c, m in majority.items())
    assert pack["agreement_with_room_majority"] == {"value": agree / 6, "n": 6}
    room_kappa = pack["cohen_kappa_vs_room_majority"]
    expected = cohen_kappa_score(
        list(majority.values()), [MODEL[c][0] for c in majority], labels=LABELS
    )
    assert room_kappa["value"] == pytest.approx(expected)
    assert room_kappa["note"] is None  # six cases: enough to read


def test_a_kappa_on_fewer_than_five_cases_keeps_its_value_with_a_note(
    room, tmp_path, capsys
) -> None:
    db, lessons = room
    few = {c: MODEL[c] for c in ("c1", "c3", "c4", "c5")}
    _import(db, lessons, run_csv(tmp_path / "few.csv", model=few))
    kappa = _score(db, capsys)["packs"]["alpha"]["cohen_kappa_vs_golden"]
    golden = [GOLDEN[c] for c in few]
    assert kappa["value"] == pytest.approx(
        cohen_kappa_score(golden, [few[c][0] for c in few], labels=LABELS)
    )
    assert "too few cases" in kappa["note"]


def test_the_same_run_again_is_a_no_op_and_other_rows_need_replace(room, tmp_path, capsys) -> None:
    db, lessons = room
    first = run_csv(tmp_path / "run.csv")
    assert _import(db, lessons, first) == 0
    before = Path(db).read_bytes(), _rows(db)
    capsys.readouterr()
    assert _import(db, lessons, first) == 0
    assert "already stored with the same 8 decisions" in capsys.readouterr().out
    assert _rows(db) == before[1]
    changed = dict(MODEL, c3=("allow", 0.7))
    other = run_csv(tmp_path / "other.csv", model=changed)
    assert _import(db, lessons, other) == 2
    err = capsys.readouterr().err
    assert "already stored with other decisions; pass --replace" in err
    assert _rows(db) == before[1]
    assert _import(db, lessons, other, "--replace") == 0
    assert _score(db, capsys)["accuracy"]["correct"] == 5
    events = sqlite3.connect(db).execute(
        "SELECT count(*) FROM events WHERE kind = 'machine_run_replaced'"
    )
    assert events.fetchone()[0] == 1
    # Another model version is another run; `score` takes the last imported by default.
    assert _import(db, lessons, run_csv(tmp_path / "v2.csv", version="v2", model=changed)) == 0
    assert _score(db, capsys)["version"] == "v2"
    assert _score(db, capsys, "--version", "v1")["version"] == "v1"


def _rows(db: Path) -> list[tuple]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "SELECT r.name, r.model_version, d.case_id, d.decision, d.score "
            "FROM machine_decisions d JOIN machine_runs r ON r.id = d.run_id ORDER BY 1, 2, 3"
        ).fetchall()
    finally:
        conn.close()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (("nobody",), "no run named 'nobody'"),
        (("m", "--version", "v9"), "run m has no model version 'v9'"),
        (("m", "--pack", "beta"), "run m has no decisions in pack 'beta'"),
    ],
)
def test_an_unknown_name_version_or_pack_is_refused_with_exit_2(
    room, tmp_path, capsys, argv, message
) -> None:
    db, lessons = room
    _import(db, lessons, run_csv(tmp_path / "run.csv"))
    capsys.readouterr()
    assert _run("machine", "score", *argv, "--db", db, "--json") == 2
    captured = capsys.readouterr()
    assert message in captured.err.splitlines()[0]
    assert message in json.loads(captured.out)["error"]["message"]


def test_runs_never_enter_answers_and_leave_the_human_figures_unchanged(room, tmp_path) -> None:
    db, lessons = room
    ws = Workspace.open(db, [lessons])
    packs = ws.lessons.load().packs
    ws.close()

    def human_figures():
        d = complete(compute(db, Filters(), packs, 0.9, False).dashboard)
        pack_agreement = [(r.pack, r.fleiss.value, r.percent.value) for r in d.agreement.by_pack]
        split = [(i.case, i.distribution, i.n) for i in d.items.items]
        return (
            d.headline,
            pack_agreement,
            split,
            d.completion.rows(),
            [(r.name, r.n, r.correct) for r in d.reviewers.reviewers],
        )

    def reveal_split():  # what a moderator's reveal shows of the room, per case
        ws = Workspace.open(db, [lessons])
        try:
            return {case: ws.sessions.room_split("alpha", case) for case in GOLDEN}
        finally:
            ws.close()

    answers_before = sqlite3.connect(db).execute("SELECT count(*) FROM answers").fetchone()
    before, split_before = human_figures(), reveal_split()
    assert _import(db, lessons, run_csv(tmp_path / "run.csv")) == 0
    after = human_figures()
    assert after == before
    assert reveal_split() == split_before and split_before["c3"]["remove"] == 1  # the retake
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM answers").fetchone() == answers_before
    assert conn.execute("SELECT count(*) FROM profiles WHERE name = 'm'").fetchone() == (0,)
    assert np.asarray(conn.execute("SELECT count(*) FROM machine_decisions").fetchone()) == 8
