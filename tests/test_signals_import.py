"""`calibrate signals import`: a weekly signals file checked whole against the bundled packs,
merged into a real SQLite file; the same values again change nothing, a changed value is
refused unless --replace (then kept in the audit trail); every refusal writes nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from calibrate.cli import main

HEADER = "week,pack_id,metric,value,clause,site,team\n"
GOOD = (
    HEADER + "2026-01-05,harassment,decisions,1000,,,\n"
    "2026-01-05,harassment,appeals,40,,,\n"
    "2026-01-05,harassment,appeals_overturned,10,,,\n"
    "2026-01-05,harassment,appeals,12,HB-2,Lisbon,Trust EU\n"
    "2026-01-12,graphic-content,survey_responses,50,,,\n"
    "2026-01-12,graphic-content,survey_negative,7,,,\n"
)


def write(tmp_path: Path, text: str, name: str = "signals.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(capsys, *args: object) -> tuple[int, list[str], list[str]]:
    code = main(["signals", "import", *map(str, args)])
    out, err = capsys.readouterr()
    return code, out.splitlines(), err.splitlines()


def stored(db: Path) -> dict[tuple[str, ...], int]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute("SELECT week, pack_id, clause, site, team, metric, value FROM signals")
        return {tuple(r[:6]): r[6] for r in rows}


def events(db: Path, kind: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT detail FROM events WHERE kind = ? ORDER BY id", [kind]
        ).fetchall()


def test_a_good_file_is_stored_value_by_value(tmp_path, capsys) -> None:
    db = tmp_path / "c.sqlite3"
    code, out, err = run(capsys, write(tmp_path, GOOD), "--db", db)
    assert code == 0, err
    assert out == [
        f"{tmp_path / 'signals.csv'}: 6 values added, 0 replaced, 0 unchanged "
        "(2 packs, weeks 2026-01-05 to 2026-01-12)."
    ]
    values = stored(db)
    assert len(values) == 6
    assert values["2026-01-05", "harassment", "", "", "", "appeals_overturned"] == 10
    assert values["2026-01-05", "harassment", "HB-2", "Lisbon", "Trust EU", "appeals"] == 12


def test_the_same_file_again_is_a_no_op(tmp_path, capsys) -> None:
    db, path = tmp_path / "c.sqlite3", write(tmp_path, GOOD)
    assert run(capsys, path, "--db", db)[0] == 0
    before = (stored(db), events(db, "signals_imported"))
    code, out, _ = run(capsys, path, "--db", db)
    assert code == 0
    assert "0 values added, 0 replaced, 6 unchanged" in out[0]
    assert (stored(db), events(db, "signals_imported")) == before  # nothing written


def test_a_changed_value_is_refused_without_replace(tmp_path, capsys) -> None:
    db = tmp_path / "c.sqlite3"
    assert run(capsys, write(tmp_path, GOOD), "--db", db)[0] == 0
    changed = write(
        tmp_path, GOOD.replace("appeals_overturned,10", "appeals_overturned,12"), "b.csv"
    )
    code, out, err = run(capsys, changed, "--db", db)
    assert code == 2 and out == []
    assert err == [
        f"calibrate signals import: {changed}: row 4: appeals_overturned of week 2026-01-05, "
        "pack harassment is 10 in the database, 12 here (--replace to replace it); nothing "
        "was imported"
    ]
    assert stored(db)["2026-01-05", "harassment", "", "", "", "appeals_overturned"] == 10


def test_replace_replaces_and_keeps_the_old_value_in_the_audit_trail(tmp_path, capsys) -> None:
    import json

    db = tmp_path / "c.sqlite3"
    assert run(capsys, write(tmp_path, GOOD), "--db", db)[0] == 0
    changed = write(
        tmp_path, GOOD.replace("appeals_overturned,10", "appeals_overturned,12"), "b.csv"
    )
    code, out, _ = run(capsys, changed, "--db", db, "--replace")
    assert code == 0 and "0 values added, 1 replaced, 5 unchanged" in out[0]
    assert stored(db)["2026-01-05", "harassment", "", "", "", "appeals_overturned"] == 12
    (detail,) = events(db, "signal_replaced")
    assert json.loads(detail[0]) == {
        "week": "2026-01-05",
        "pack_id": "harassment",
        "clause": "",
        "site": "",
        "team": "",
        "metric": "appeals_overturned",
        "old": 10,
        "new": 12,
        "file": str(changed),
    }


def test_replace_still_holds_part_at_most_whole_against_the_stored_values(tmp_path, capsys) -> None:
    db = tmp_path / "c.sqlite3"
    assert run(capsys, write(tmp_path, GOOD), "--db", db)[0] == 0
    more = write(tmp_path, HEADER + "2026-01-05,harassment,appeals_overturned,41,,,\n", "b.csv")
    code, _, err = run(capsys, more, "--db", db, "--replace")
    assert code == 2
    assert err == [
        f"calibrate signals import: {more}: row 2: appeals_overturned 41 is more than appeals "
        "40 for week 2026-01-05, pack harassment (one of them stored); nothing was imported"
    ]
    assert stored(db)["2026-01-05", "harassment", "", "", "", "appeals_overturned"] == 10


BAD_ROWS = {
    "2026-01-06,harassment,appeals,1,,,": "week 2026-01-06 is a Tuesday; a week is named by "
    "its Monday",
    "2026-1-5,harassment,appeals,1,,,": "week '2026-1-5' is not an ISO date (YYYY-MM-DD)",
    "20260105,harassment,appeals,1,,,": "week '20260105' is not an ISO date (YYYY-MM-DD)",
    "2026-02-30,harassment,appeals,1,,,": "week '2026-02-30' is not an ISO date (YYYY-MM-DD)",
    "2026-01-05,harassment,appeals,-1,,,": "value '-1' is not a non-negative whole number",
    "2026-01-05,harassment,appeals,1.5,,,": "value '1.5' is not a non-negative whole number",
    "2026-01-05,harassment,appeals,,,,": "value '' is not a non-negative whole number",
    "2026-01-05,harassment,appeals,99999999999999999999,,,": "value is larger than "
    "1,000,000,000,000,000, the limit",
    "2026-01-05,spam,appeals,1,,,": "unknown pack 'spam' (not among the loaded packs; "
    "--lessons DIR?)",
    "2026-01-05,harassment,appeals,1,GC-1,,": "clause 'GC-1' is not a clause of pack harassment",
    "2026-01-05,harassment,,1,,,": "metric is empty",
    "2026-01-05,harassment,appeals,1,,,,": "8 fields, but the header has 7",
}


@pytest.mark.parametrize("row", BAD_ROWS)
def test_a_bad_row_is_named_and_nothing_is_written(tmp_path, capsys, row) -> None:
    db = tmp_path / "c.sqlite3"
    path = write(tmp_path, HEADER + "2026-01-05,harassment,decisions,9,,,\n" + row + "\n")
    code, out, err = run(capsys, path, "--db", db)
    assert code == 2 and out == []
    assert err == [
        f"calibrate signals import: {path}: row 3: {BAD_ROWS[row]}; nothing was imported"
    ]
    assert not db.exists()  # the database the import would have created is not left behind


def test_the_same_key_twice_in_a_file_names_both_rows(tmp_path, capsys) -> None:
    db = tmp_path / "c.sqlite3"
    path = write(tmp_path, GOOD + "2026-01-05,harassment,appeals,40,,,\n")
    code, _, err = run(capsys, path, "--db", db)
    assert code == 2
    assert err == [
        f"calibrate signals import: {path}: row 8: appeals of week 2026-01-05, pack harassment "
        "again (first on row 3); nothing was imported"
    ]


def test_part_more_than_whole_in_one_file_is_refused(tmp_path, capsys) -> None:
    path = write(
        tmp_path,
        HEADER + "2026-01-05,harassment,qa_sampled,5,,,\n2026-01-05,harassment,qa_correct,6,,,\n"
        "2026-01-05,harassment,survey_negative,3,HB-1,,\n"
        "2026-01-05,harassment,survey_responses,2,HB-1,,\n",
    )
    code, _, err = run(capsys, path, "--db", tmp_path / "c.sqlite3")
    assert code == 2
    assert err[0] == "calibrate signals import: 2 problems; nothing was imported"
    assert err[1:] == [
        f"{path}: row 3: qa_correct 6 is more than qa_sampled 5 for week 2026-01-05, "
        "pack harassment",
        f"{path}: row 4: survey_negative 3 is more than survey_responses 2 for week 2026-01-05, "
        "pack harassment, clause HB-1",
    ]


def test_many_bad_rows_show_twenty_lines_after_the_count(tmp_path, capsys) -> None:
    rows = "".join(f"2026-01-05,harassment,m{i},x,,,\n" for i in range(30))
    code, _, err = run(capsys, write(tmp_path, HEADER + rows), "--db", tmp_path / "c.sqlite3")
    assert code == 2
    assert (
        err[0] == "calibrate signals import: 30 problems (10 more not shown); nothing was imported"
    )
    assert len(err) == 21 and err[1].endswith("row 2: value 'x' is not a non-negative whole number")


def test_unknown_metrics_are_kept_and_named_in_one_warning(tmp_path, capsys) -> None:
    db = tmp_path / "c.sqlite3"
    path = write(
        tmp_path,
        HEADER + "2026-01-05,harassment,escalations,3,,,\n2026-01-05,harassment,strikes,2,,,\n"
        "2026-01-12,harassment,escalations,4,,,\n2026-01-05,harassment,appeals,1,,,\n",
    )
    code, out, err = run(capsys, path, "--db", db)
    assert code == 0 and "4 values added" in out[0]
    assert len(err) == 1
    assert err[0].startswith(
        f"warning: {path}: 2 metrics kept but not charted: escalations, strikes (charted: "
    )
    assert stored(db)["2026-01-12", "harassment", "", "", "", "escalations"] == 4


def test_packs_from_lessons_are_known(tmp_path, capsys, demo_lessons_dir) -> None:
    import shutil

    lessons = tmp_path / "lessons"
    shutil.copytree(demo_lessons_dir / "harassment", lessons / "my-pack")
    toml = lessons / "my-pack" / "pack.toml"
    toml.write_text(toml.read_text().replace('id = "harassment"', 'id = "my-pack"', 1))
    path = write(tmp_path, HEADER + "2026-01-05,my-pack,appeals,3,HB-2,,\n")
    db = tmp_path / "c.sqlite3"
    assert run(capsys, path, "--db", db)[0] == 2  # not known without --lessons
    code, _, err = run(capsys, path, "--db", db, "--lessons", lessons)
    assert code == 0, err
    assert stored(db) == {("2026-01-05", "my-pack", "HB-2", "", "", "appeals"): 3}


def test_a_file_too_broken_to_read_whole_says_at_least_how_many_problems(tmp_path, capsys) -> None:
    """The reader stops at 1,000 problems: a 3,000-bad-row file has at least that many, and
    the first line says so rather than a count that is false."""
    rows = "".join(f"2026-01-05,harassment,m{i},x,,,\n" for i in range(3000))
    db = tmp_path / "c.sqlite3"
    code, _, err = run(capsys, write(tmp_path, HEADER + rows), "--db", db)
    assert code == 2 and not db.exists()
    assert err[0] == (
        "calibrate signals import: at least 1000 problems (980 more not shown); "
        "nothing was imported"
    )
    assert len(err) == 21 and err[1].endswith("row 2: value 'x' is not a non-negative whole number")


def test_exactly_the_limit_of_bad_rows_is_counted_exactly(tmp_path, capsys) -> None:
    rows = "".join(f"2026-01-05,harassment,m{i},x,,,\n" for i in range(1000))
    code, _, err = run(capsys, write(tmp_path, HEADER + rows), "--db", tmp_path / "c.sqlite3")
    assert code == 2
    assert (
        err[0]
        == "calibrate signals import: 1000 problems (980 more not shown); nothing was imported"
    )


def test_overturns_by_clause_above_the_packs_appeals_are_refused(tmp_path, capsys) -> None:
    """The reviewer's file: appeals as the pack's total, overturns by clause. Each row is
    fine on its own key, but the Production tab totals the week to 16 overturns of 10
    appeals — a rate of 160 % — so the file is refused, and so is a second breakdown."""
    db = tmp_path / "c.sqlite3"
    path = write(
        tmp_path,
        "week,pack_id,metric,value,clause,site\n"
        "2026-12-07,harassment,appeals,10,,\n"
        "2026-12-07,harassment,appeals_overturned,8,HB-1,\n"
        "2026-12-07,harassment,appeals_overturned,8,HB-2,\n"
        "2026-12-07,harassment,survey_responses,5,,X\n"
        "2026-12-07,harassment,survey_responses,5,HB-1,\n"
        "2026-12-07,harassment,survey_negative,4,HB-1,\n",
    )
    code, _, err = run(capsys, path, "--db", db)
    assert code == 2 and not db.exists()
    assert err == [
        "calibrate signals import: 2 problems; nothing was imported",
        f"{path}: row 2: appeals_overturned 16 (summed by clause) is more than appeals 10 "
        "(the pack's own row) for week 2026-12-07, pack harassment, as the Production tab "
        "totals them; give both at the same level",
        f"{path}: row 5: survey_responses of week 2026-12-07, pack harassment is broken down "
        "by clause and by site, without the pack's own row: the Production tab would add them "
        "up as one total; give the pack's total (no clause, site or team) or one breakdown",
    ]


def test_the_weekly_totals_are_checked_against_what_is_stored(tmp_path, capsys) -> None:
    db = tmp_path / "c.sqlite3"
    first = write(tmp_path, HEADER + "2026-12-07,harassment,appeals,10,,,\n", "a.csv")
    assert run(capsys, first, "--db", db)[0] == 0
    path = write(
        tmp_path,
        HEADER + "2026-12-07,harassment,appeals_overturned,8,HB-1,,\n"
        "2026-12-07,harassment,appeals_overturned,8,,Lisbon,\n",
        "b.csv",
    )
    code, _, err = run(capsys, path, "--db", db)
    assert code == 2
    assert err[0] == (
        f"calibrate signals import: {path}: row 2: appeals_overturned of week 2026-12-07, "
        "pack harassment is broken down by clause and by site, without the pack's own row: the "
        "Production tab would add them up as one total; give the pack's total (no clause, site "
        "or team) or one breakdown; nothing was imported"
    )
    by_clause = write(
        tmp_path,
        HEADER + "2026-12-07,harassment,appeals_overturned,8,HB-1,,\n"
        "2026-12-07,harassment,appeals_overturned,3,HB-2,,\n",
        "c.csv",
    )
    code, _, err = run(capsys, by_clause, "--db", db)
    assert (
        code == 2 and "appeals_overturned 11 (summed by clause) is more than appeals 10" in err[0]
    )
    assert stored(db) == {("2026-12-07", "harassment", "", "", "", "appeals"): 10}
    within = write(
        tmp_path, HEADER + "2026-12-07,harassment,appeals_overturned,2,HB-2,,\n", "d.csv"
    )
    assert run(capsys, within, "--db", db)[0] == 0  # overturns by clause within the pack's appeals
