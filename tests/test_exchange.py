"""Moving answers between machines: export, import by UUID, history spreadsheets. A refused
file writes nothing; a second import of the same file adds nothing."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from calibrate.core.demo_history.simulation import generate_history
from calibrate.core.errors import ExchangeError
from calibrate.core.lessons.loader import load_library
from calibrate.store import catalog
from calibrate.store.db import open_database
from calibrate.store.demo_data import write_demo_history
from calibrate.store.exchange.export import export_database
from calibrate.store.exchange.export_file import load_export
from calibrate.store.exchange.merge import merge_export
from calibrate.store.settings import is_demo

TABLES = ("profiles", "pack_versions", "case_versions", "sessions", "answers", "disputes")


def calibrate(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    result = subprocess.run(
        [sys.executable, "-m", "calibrate", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )
    assert "Traceback" not in result.stderr
    return result


def rows(path: Path, table: str) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()


def count(path: Path, table: str = "answers") -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory, demo_lessons_dir: Path) -> Path:
    packs = load_library([demo_lessons_dir]).packs
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    db = open_database(path)
    write_demo_history(db, generate_history(packs, today=date(2026, 11, 25), seed=5), packs)
    db.conn.close()
    return path


@pytest.fixture(scope="module")
def export_file(tmp_path_factory, demo_file: Path) -> Path:
    out = tmp_path_factory.mktemp("export") / "demo.calibrate.jsonl"
    db = open_database(demo_file)
    export_database(db, out)
    db.conn.close()
    return out


def rewrite(source: Path, target: Path, edit, *, fix_checksum: bool) -> Path:
    """Copy an export, editing header and body lines; optionally re-sign the body."""
    header_line, *body = source.read_bytes().splitlines(keepends=True)
    header = json.loads(header_line)
    header, body = edit(header, body)
    if fix_checksum:
        header["body_sha256"] = hashlib.sha256(b"".join(body)).hexdigest()
    target.write_bytes(json.dumps(header).encode() + b"\n" + b"".join(body))
    return target


# -- export and import ----------------------------------------------------------------------


def test_export_then_import_into_an_empty_database_reproduces_every_row(
    tmp_path: Path, demo_file: Path, export_file: Path
) -> None:
    target = tmp_path / "copy.sqlite3"
    result = calibrate("import", str(export_file), "--db", str(target), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    n = count(demo_file)
    assert f"{n} answers added, 0 already present" in result.stdout
    for table in TABLES:
        assert rows(target, table) == rows(demo_file, table), table
    with sqlite3.connect(target) as conn:  # how much of each clip was watched travels too
        assert (
            conn.execute(
                "SELECT COUNT(*) FROM answers WHERE watched_share IS NULL "
                "OR clip_unavailable IS NULL"
            ).fetchone()[0]
            == 0
        )
    db = open_database(target)
    assert is_demo(db)  # demo rows stay marked as demo wherever they go
    db.conn.close()


def test_importing_twice_adds_nothing(tmp_path: Path, export_file: Path) -> None:
    target = tmp_path / "twice.sqlite3"
    assert calibrate("import", str(export_file), "--db", str(target), cwd=tmp_path).returncode == 0
    before = {t: rows(target, t) for t in TABLES}
    again = calibrate("import", str(export_file), "--db", str(target), cwd=tmp_path)
    assert again.returncode == 0
    assert f"0 answers added, {len(before['answers'])} already present" in again.stdout
    assert {t: rows(target, t) for t in TABLES} == before


def test_export_of_a_real_database_merges_into_another_real_one(
    tmp_path: Path, demo_lessons_dir: Path
) -> None:
    """Two machines' answers end up together; profiles with the same UUID merge."""
    history = tmp_path / "history.csv"
    history.write_text(
        "case_id,reviewer,decision,date,team,site\n"
        "gr-kitchen-cut,Ana Ferreira,allow,2026-03-02,Graphic EU,Lisbon\n"
    )
    laptop, desktop = tmp_path / "laptop.sqlite3", tmp_path / "desktop.sqlite3"
    assert (
        calibrate("import", "--csv", str(history), "--db", str(laptop), cwd=tmp_path).returncode
        == 0
    )
    shutil.copy(laptop, desktop)
    history.write_text(
        "case_id,reviewer,decision,date,team,site\n"
        "gr-news-crash-aftermath,Ana Ferreira,remove,2026-03-03,Graphic EU,Lisbon\n"
    )
    assert (
        calibrate("import", "--csv", str(history), "--db", str(laptop), cwd=tmp_path).returncode
        == 0
    )
    out = tmp_path / "laptop.jsonl"
    assert calibrate("export", "--db", str(laptop), "--out", str(out), cwd=tmp_path).returncode == 0
    result = calibrate("import", str(out), "--db", str(desktop), cwd=tmp_path)
    assert "1 answer added, 1 already present" in result.stdout
    assert count(desktop, "profiles") == 1
    assert rows(desktop, "answers") == rows(laptop, "answers")


# -- refusals ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "case",
    ["tampered", "newer_schema", "garbage", "empty", "truncated", "orphan_answer", "not_json_line"],
)
def test_refused_files_write_nothing(tmp_path: Path, export_file: Path, case: str) -> None:
    bad = tmp_path / "bad.jsonl"
    if case == "tampered":  # one decision changed by hand, checksum left as it was
        text = export_file.read_text()
        bad.write_text(text.replace('"decision":"allow"', '"decision":"remove"', 1))
        expected = "checksum mismatch"
    elif case == "newer_schema":
        rewrite(export_file, bad, lambda h, b: ({**h, "schema_version": 99}, b), fix_checksum=True)
        expected = "newer Calibrate"
    elif case == "garbage":
        bad.write_bytes(b"\x00\x01PK not an export at all\n")
        expected = "not a Calibrate export"
    elif case == "empty":
        bad.write_bytes(b"")
        expected = "not a Calibrate export"
    elif case == "truncated":  # the last lines lost, re-signed: the counts still disagree
        rewrite(export_file, bad, lambda h, b: (h, b[:-20]), fix_checksum=True)
        expected = "the header lists"
    elif case == "orphan_answer":  # its session removed, counts and checksum made to match

        def drop_session(h, b):
            i = next(i for i, line in enumerate(b) if b'"table":"sessions"' in line)
            counts = {**h["counts"], "sessions": h["counts"]["sessions"] - 1}
            return {**h, "counts": counts}, b[:i] + b[i + 1 :]

        rewrite(export_file, bad, drop_session, fix_checksum=True)
        expected = "neither in the file nor in the database"  # (the real one: demo data)
    else:
        rewrite(export_file, bad, lambda h, b: (h, [b"{oops\n", *b]), fix_checksum=True)
        expected = "bad.jsonl:2: not a JSON object"
    existing = tmp_path / "existing.sqlite3"
    db = open_database(existing)
    catalog.create_profile(db, "Bo", "Graphic APAC", "Manila")
    db.conn.close()
    before = existing.read_bytes()
    for target in (existing, tmp_path / "new.sqlite3"):
        result = calibrate("import", str(bad), "--db", str(target), cwd=tmp_path)
        assert result.returncode == 2
        bad_rows = case == "orphan_answer" and target != existing  # FILE: row N + a count
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 or bad_rows and lines[0].endswith("bad rows; nothing was imported")
        assert expected in result.stderr or (
            case == "orphan_answer" and target == existing and "holds demo data" in result.stderr
        )
    assert existing.read_bytes() == before
    assert count(existing, "profiles") == 1 and count(existing) == 0
    assert not (tmp_path / "new.sqlite3").exists()


def test_an_answer_changed_after_import_is_refused_as_a_conflict(
    tmp_path: Path, export_file: Path
) -> None:
    target = tmp_path / "t.sqlite3"
    db = open_database(target)
    merge_export(db, load_export(export_file))
    n = count(target)

    def change_note(h, b):
        i = next(i for i, line in enumerate(b) if b'"table":"answers"' in line)
        row = json.loads(b[i])
        row["row"]["note"] = "edited later"
        return h, b[:i] + [json.dumps(row, separators=(",", ":")).encode() + b"\n"] + b[i + 1 :]

    edited = rewrite(export_file, tmp_path / "edited.jsonl", change_note, fix_checksum=True)
    with pytest.raises(ExchangeError, match="differs from the one already in the database"):
        merge_export(db, load_export(edited))
    assert count(target) == n
    db.conn.close()


def test_demo_export_is_refused_by_a_real_database(tmp_path: Path, export_file: Path) -> None:
    real = tmp_path / "real.sqlite3"
    history = tmp_path / "h.csv"
    history.write_text(
        "case_id,reviewer,decision,date,team,site\n"
        "hb-friends-roast,Ana Ferreira,allow,2026-03-02,Harassment EU,Lisbon\n"
    )
    assert (
        calibrate("import", "--csv", str(history), "--db", str(real), cwd=tmp_path).returncode == 0
    )
    result = calibrate("import", str(export_file), "--db", str(real), cwd=tmp_path)
    assert result.returncode == 2 and "holds demo data" in result.stderr
    assert count(real) == 1


def test_export_creates_missing_folders_and_names_a_file_in_the_way(
    tmp_path: Path, demo_file: Path
) -> None:
    out = tmp_path / "exports" / "march" / "demo.calibrate.jsonl"
    result = calibrate("export", "--db", str(demo_file), "--out", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert load_export(out).path == out
    (tmp_path / "notes.txt").write_text("a file, not a folder\n")
    blocked = tmp_path / "notes.txt" / "demo.calibrate.jsonl"
    result = calibrate("export", "--db", str(demo_file), "--out", str(blocked), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"calibrate export: {blocked}: cannot create its folder ({tmp_path / 'notes.txt'} is a "
        "file, not a folder)"
    ]


def test_export_never_overwrites_the_database_or_a_foreign_file(
    tmp_path: Path, demo_file: Path
) -> None:
    db_copy = tmp_path / "db.sqlite3"
    shutil.copy(demo_file, db_copy)
    before = db_copy.read_bytes()
    result = calibrate("export", "--db", str(db_copy), "--out", str(db_copy), cwd=tmp_path)
    assert result.returncode == 2 and db_copy.read_bytes() == before
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me")
    result = calibrate("export", "--db", str(db_copy), "--out", str(precious), cwd=tmp_path)
    assert result.returncode == 2 and precious.read_text() == "keep me"
    missing = calibrate(
        "export",
        "--db",
        str(tmp_path / "nope.sqlite3"),
        "--out",
        str(tmp_path / "x.jsonl"),
        cwd=tmp_path,
    )
    assert missing.returncode == 2 and not (tmp_path / "nope.sqlite3").exists()


# -- history spreadsheets -------------------------------------------------------------------------

GOOD_CSV = """\
case_id,reviewer,decision,date,team,site,clause,confidence
gr-kitchen-cut,Ana Ferreira,allow,2026-03-02,Graphic EU,Lisbon,GR-1.1,0.8
gr-news-crash-aftermath,Ana Ferreira,Warning screen,2026-03-02,Graphic EU,Lisbon,,80%
gr-kitchen-cut,Bo Reyes,remove,2026-03-02,Graphic APAC,Manila,,Certain
gr-kitchen-cut,Bo Reyes,allow,2026-03-09,Graphic APAC,Manila,,
hb-cafe-threat,Ana Ferreira,escalate,2026-03-04T14:05:00+01:00,Graphic EU,Lisbon,HB-2.1,
"""


def test_a_good_history_csv_imports_once(tmp_path: Path) -> None:
    csv_path = tmp_path / "history.csv"
    csv_path.write_text(GOOD_CSV, encoding="utf-8")
    target = tmp_path / "t.sqlite3"
    db = open_database(target)
    ana = catalog.create_profile(db, "Ana Ferreira", "Graphic EU", "Lisbon")
    db.conn.close()
    result = calibrate("import", "--csv", str(csv_path), "--db", str(target), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "5 answers added, 0 already present" in result.stdout
    with sqlite3.connect(target) as conn:
        conn.row_factory = sqlite3.Row
        profiles = {r["name"]: r["id"] for r in conn.execute("SELECT * FROM profiles")}
        assert profiles == {"Ana Ferreira": ana.id, "Bo Reyes": profiles["Bo Reyes"]}
        sessions = conn.execute("SELECT * FROM sessions ORDER BY started_at").fetchall()
        assert [(s["lesson_id"], s["kind"], s["started_at"][:10]) for s in sessions] == [
            ("gr-context", "first_attempt", "2026-03-02"),
            ("gr-context", "first_attempt", "2026-03-02"),
            ("hb-exposure-threats", "first_attempt", "2026-03-04"),
            ("gr-context", "retake", "2026-03-09"),
        ]
        answers = {
            (a["case_id"], a["profile_id"], a["session_kind"]): a
            for a in conn.execute("SELECT * FROM answers")
        }
        news = answers[("gr-news-crash-aftermath", ana.id, "first_attempt")]
        assert (news["decision"], news["confidence"], news["clause"]) == (
            "warning_screen",
            0.8,
            None,
        )
        threat = answers[("hb-cafe-threat", ana.id, "first_attempt")]
        assert threat["answered_at"] == "2026-03-04T13:05:00.000Z"
        assert (
            answers[("gr-kitchen-cut", profiles["Bo Reyes"], "first_attempt")]["confidence"] == 0.95
        )
        # A spreadsheet does not say how much of each clip was watched: unknown, not 0.
        assert {(a["watched_share"], a["clip_unavailable"]) for a in answers.values()} == {
            (None, None)
        }
        origins = [
            json.loads(e["detail"])
            for e in conn.execute("SELECT * FROM events WHERE kind = 'session_imported'")
        ]
        assert len(origins) == 4 and all(o["origin"] == "csv" for o in origins)
    again = calibrate("import", "--csv", str(csv_path), "--db", str(target), cwd=tmp_path)
    assert "0 answers added, 5 already present" in again.stdout
    assert count(target) == 5


def test_a_bad_history_row_names_file_and_line_and_nothing_is_written(tmp_path: Path) -> None:
    csv_path = tmp_path / "history.csv"
    lines = GOOD_CSV.splitlines()
    lines[2] = lines[2].replace("Warning screen", "delet")
    lines.append("gr-nope,Ana Ferreira,allow,2026-03-02,Graphic EU,Lisbon,,")
    lines.append("gr-kitchen-cut,Ana Ferreira,allow,2026-03-02,Graphic EU,Lisbon,,")
    lines.append("gr-kitchen-cut,Cy,allow,2026-03-02,Graphic EU,Lisbon,,1.7")
    csv_path.write_text("\n".join(lines) + "\n")
    target = tmp_path / "t.sqlite3"
    result = calibrate("import", "--csv", str(csv_path), "--db", str(target), cwd=tmp_path)
    assert result.returncode == 2
    why, *problems = result.stderr.strip().splitlines()
    assert why == "calibrate import: 4 bad rows; nothing was imported"
    assert problems[0].startswith(f"{csv_path}: row 3: decision 'delet' is not one of allow, ")
    assert problems[1].startswith(f"{csv_path}: row 7: case 'gr-nope' is not in any loaded")
    assert problems[2] == (
        f"{csv_path}: row 8: Ana Ferreira already answered gr-kitchen-cut on 2026-03-02 (row 2)"
    )
    assert problems[3].startswith(f"{csv_path}: row 9: confidence '1.7'")
    assert len(problems) == 4  # and the count first, above
    assert not target.exists()
    missing = tmp_path / "no-columns.csv"
    missing.write_text("case,who\nx,y\n")
    result = calibrate("import", "--csv", str(missing), "--db", str(target), cwd=tmp_path)
    assert result.returncode == 2 and f"{missing}: row 1: missing columns" in result.stderr
    assert not target.exists()


HEADER = "case_id,reviewer,decision,date,team,site"


@pytest.mark.parametrize(
    ("kind", "problem"),
    [
        ("missing", "no such file"),
        ("folder", "is a folder, not a CSV file"),
        ("image", "not UTF-8 text; save the file as UTF-8"),
        (
            "empty",
            f"no header (the file is empty or starts with a blank line); expected a header "
            f"with {HEADER}",
        ),
        (
            "prose",
            ": row 1: missing columns case_id, reviewer, decision, date, team, site (the header "
            "has: dear team, here are the results)",
        ),
        ("no rows", "no rows to import"),
    ],
)
def test_a_history_file_that_cannot_be_read_is_one_line_and_nothing_is_written(
    tmp_path: Path, kind: str, problem: str
) -> None:
    source = tmp_path / "history.csv"
    if kind == "folder":
        source.mkdir()
    elif kind == "image":
        source.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe")
    elif kind == "empty":
        source.write_bytes(b"")
    elif kind == "prose":
        source.write_text("Dear team, here are the results\nAna did well\n")
    elif kind == "no rows":
        source.write_text(HEADER + "\n\n")
    target = tmp_path / "t.sqlite3"
    result = calibrate("import", "--csv", str(source), "--db", str(target), cwd=tmp_path)
    assert result.returncode == 2
    separator = "" if problem.startswith(":") else ": "
    assert result.stderr.splitlines() == [f"calibrate import: {source}{separator}{problem}"]
    assert result.stdout == "" and not target.exists()


def test_history_cases_are_found_in_a_trainers_own_pack(tmp_path: Path) -> None:
    from tests.pack_factory import write_pack

    pack = write_pack(tmp_path / "lessons", "alpha", case_ids=("c1", "c2"))
    csv_path = tmp_path / "history.csv"
    csv_path.write_text(
        "case_id,reviewer,decision,date,team,site,pack_id\n"
        "c1,Ana Ferreira,Age-restrict,2026-03-02,Graphic EU,Lisbon,alpha\n"
    )
    target = tmp_path / "t.sqlite3"
    without = calibrate("import", "--csv", str(csv_path), "--db", str(target), cwd=tmp_path)
    assert without.returncode == 2 and "pack 'alpha' is not loaded" in without.stderr
    result = calibrate(
        "import", "--csv", str(csv_path), "--db", str(target), "--pack-dir", str(pack), cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert rows(target, "pack_versions")[0][1] == "alpha"
    with sqlite3.connect(target) as conn:
        assert conn.execute("SELECT pack_id, decision FROM answers").fetchall() == [
            ("alpha", "age_restricted")
        ]


def test_a_history_row_is_refused_with_every_problem_and_a_nul_byte_in_a_field(
    tmp_path: Path,
) -> None:
    csv_path = tmp_path / "history.csv"
    csv_path.write_bytes(
        f"{HEADER}\n"
        "gr-kitchen-cut,Bo\0b,remove,2026-11-01,Graphic EU,Lisbon\n"  # "Bo" was stored
        "gr-kitchen-cut,Cy,delet,someday,Graphic EU,Lisbon\n".encode()
    )
    target = tmp_path / "t.sqlite3"
    result = calibrate("import", "--csv", str(csv_path), "--db", str(target), cwd=tmp_path)
    assert result.returncode == 2 and not target.exists()
    why, nul, both = result.stderr.strip().splitlines()
    assert why == "calibrate import: 2 bad rows; nothing was imported"
    assert nul == f"{csv_path}: row 2: NUL byte in field"
    assert both.startswith(f"{csv_path}: row 3: decision 'delet' is not one of ")
    assert "; date 'someday' is not a date like 2026-03-02" in both
