"""What the headless commands print for people reads as sentences: `1 rater`, `2 raters`.

Real runs of calibrate.cli.main on real files in tmp_path; the JSON of `calibrate agreement
--json` is a contract and keeps its text as it is.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from calibrate.cli import main

HEADER = "case_id,reviewer,decision,date,team,site"
ONE_ROW = HEADER + "\ngr-kitchen-cut,Ana Ferreira,allow,2026-03-02,Graphic EU,Lisbon\n"


@pytest.fixture(autouse=True)
def cache_dir(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("CALIBRATE_CACHE_DIR", str(tmp_path / "cache"))


def calibrate(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    ("ratings", "counts"),
    [
        ("c1,ana,remove\n", "1 case, 1 rater, 1 rating, 1 category (remove)"),
        (
            "c1,ana,remove\nc2,ana,allow\n",
            "2 cases, 1 rater, 2 ratings, 2 categories (allow, remove)",
        ),
        ("c1,ana,remove\nc1,bo,remove\n", "1 case, 2 raters, 2 ratings, 1 category (remove)"),
    ],
)
def test_agreement_table_counts_cases_raters_ratings_and_categories_in_words(
    tmp_path: Path, capsys, ratings: str, counts: str
) -> None:
    path = tmp_path / "r.csv"
    path.write_text("case_id,rater_id,label\n" + ratings)
    code, out, err = calibrate(capsys, "agreement", str(path))
    assert code == 0, err
    assert out.splitlines()[0] == f"{path}: {counts}"


def test_one_resample_reads_singular_in_the_table_while_the_json_keeps_its_text(
    tmp_path: Path, capsys
) -> None:
    path = tmp_path / "r.csv"
    path.write_text(
        "case_id,rater_id,label\na,x,allow\na,y,allow\nb,x,remove\nb,y,allow\n"
        "c,x,remove\nc,y,remove\n"
    )
    code, out, err = calibrate(capsys, "agreement", str(path), "--bootstrap", "1")
    assert code == 0, err
    assert "bootstrap over cases: 1 resample, percentile, seed 0" in out
    assert "1 resamples" not in out
    code, out, _ = calibrate(capsys, "agreement", str(path), "--bootstrap", "1", "--json")
    method = json.loads(out)["krippendorff_alpha_nominal"]["method"]
    assert method == "bootstrap over cases: 1 resamples, percentile, seed 0"


def test_agreement_enforcement_line_counts_one_missed_escalation(tmp_path: Path, capsys) -> None:
    ratings = tmp_path / "r.csv"
    ratings.write_text("case_id,rater_id,label\na,x,allow\na,y,remove\nb,x,escalate\nb,y,allow\n")
    gold = tmp_path / "g.csv"
    gold.write_text("case_id,gold\na,warn\nb,escalate\n")
    code, out, err = calibrate(
        capsys,
        "agreement",
        str(ratings),
        "--gold",
        str(gold),
        "--order",
        "allow,warn,remove,escalate",
    )
    assert code == 0, err
    assert (
        "Enforcement: 1 over, 1 under, 1 missed escalation (critical), 0 unneeded "
        "escalations, of 4 scored"
    ) in out


def test_agreement_names_a_row_of_one_field(tmp_path: Path, capsys) -> None:
    path = tmp_path / "r.csv"
    path.write_text("case_id,rater_id,label\nc1\n")
    code, _, err = calibrate(capsys, "agreement", str(path))
    assert code == 2
    assert err.splitlines() == [
        f"calibrate agreement: {path}: row 2: 1 field, but the header "
        "has 3 (quote values that contain commas or line breaks)"
    ]


@pytest.mark.parametrize(("bad", "count"), [(1, "1 bad row"), (2, "2 bad rows")])
def test_history_import_counts_its_bad_rows_in_words(
    tmp_path: Path, capsys, bad: int, count: str
) -> None:
    path = tmp_path / "history.csv"
    rows = ["gr-nope,Ana Ferreira,allow,2026-03-02,Graphic EU,Lisbon", "gr-kitchen-cut"]
    path.write_text(HEADER + "\n" + "\n".join(rows[:bad]) + "\n")
    code, out, err = calibrate(
        capsys, "import", "--csv", str(path), "--db", str(tmp_path / "t.sqlite3")
    )
    assert code == 2 and out == ""
    lines = err.splitlines()
    assert len(lines) == bad + 1
    assert lines[0] == f"calibrate import: {count}; nothing was imported"  # why, first
    if bad == 2:
        assert lines[2] == f"{path}: row 3: 1 field, but the header has 6"


def test_a_history_csv_missing_one_column_names_the_column(tmp_path: Path, capsys) -> None:
    path = tmp_path / "history.csv"
    path.write_text("case_id,reviewer,decision,date,team\nx,y,allow,2026-03-02,z\n")
    code, _, err = calibrate(
        capsys, "import", "--csv", str(path), "--db", str(tmp_path / "t.sqlite3")
    )
    assert code == 2
    assert err.splitlines() == [
        f"calibrate import: {path}: row 1: missing column site (the header "
        "has: case_id, reviewer, decision, date, team)"
    ]


def test_import_and_export_of_one_answer_say_one_answer(tmp_path: Path, capsys) -> None:
    path = tmp_path / "history.csv"
    path.write_text(ONE_ROW)
    db, out = tmp_path / "t.sqlite3", tmp_path / "t.calibrate.jsonl"
    code, stdout, err = calibrate(capsys, "import", "--csv", str(path), "--db", str(db))
    assert code == 0, err
    assert stdout == (
        f"{path}: 1 answer added, 0 already present (1 profile, 1 session, 0 disputes added).\n"
    )
    code, stdout, err = calibrate(capsys, "export", "--db", str(db), "--out", str(out))
    assert code == 0, err
    assert stdout == f"Exported 1 answer (1 profile, 1 session, 0 disputes) to {out}.\n"
    code, stdout, err = calibrate(capsys, "demo", "--db", str(db))
    assert code == 2
    assert "already holds data (1 answer, 1 profile)" in err


def test_validate_counts_one_problem_in_words(tmp_path: Path, capsys) -> None:
    from tests.pack_factory import write_pack

    pack = write_pack(tmp_path / "lessons", "alpha")
    case = pack / "cases" / "c1.toml"
    case.write_text(case.read_text() + "\n[broken\n")
    code, _, err = calibrate(capsys, "validate", str(case))
    assert code == 1
    assert err.splitlines()[-1] == "1 problem found."


@pytest.mark.parametrize(
    ("argv", "reason"),
    [
        (["agreement"], "calibrate agreement: error: the following arguments are required"),
        (["report"], "calibrate report: error: the following arguments are required: --db"),
        (["demo", "--db", "x.db", "--seed", "-3"], "calibrate demo: error: argument --seed"),
        (["nosuch"], "calibrate: error: argument COMMAND: invalid choice: 'nosuch'"),
    ],
)
def test_a_refused_command_line_says_why_on_the_first_line(capsys, argv, reason) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    lines = capsys.readouterr().err.splitlines()
    assert exit_.value.code == 2
    assert lines[0].startswith(reason), lines
    assert lines[1].startswith("usage: calibrate")  # the usage follows the reason
