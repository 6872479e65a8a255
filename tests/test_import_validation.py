"""Hostile exports: rows with impossible values, a demo flag flipped in the header, an old
format's header, a database holding a value JSON cannot carry. Every bad row is named as
`FILE: row N: ...` (N: the file's line, the header is line 1) and nothing is written."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from calibrate.core.answer_rules import is_demo_id
from calibrate.core.demo_history.simulation import generate_history
from calibrate.core.lessons.loader import load_library
from calibrate.core.models import Answer
from calibrate.store import catalog
from calibrate.store.answers import insert_answer
from calibrate.store.db import open_database
from calibrate.store.demo_data import write_demo_history
from calibrate.store.exchange.export import export_database


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


def count(path: Path, table: str = "answers") -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


@pytest.fixture(scope="module")
def packs(demo_lessons_dir: Path):
    return load_library([demo_lessons_dir]).packs


@pytest.fixture(scope="module")
def demo_export(tmp_path_factory, packs) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    db = open_database(folder / "demo.sqlite3")
    write_demo_history(db, generate_history(packs, today=date(2026, 11, 25), seed=3), packs)
    export_database(db, folder / "demo.jsonl")
    db.conn.close()
    return folder / "demo.jsonl"


@pytest.fixture()
def real_db(tmp_path: Path) -> Path:
    """A real (not demo) database holding one answer, imported from a spreadsheet."""
    history = tmp_path / "h.csv"
    history.write_text(
        "case_id,reviewer,decision,date,team,site\n"
        "hb-friends-roast,Ana Ferreira,allow,2026-03-02,Harassment EU,Lisbon\n"
    )
    path = tmp_path / "real.sqlite3"
    assert (
        calibrate("import", "--csv", str(history), "--db", str(path), cwd=tmp_path).returncode == 0
    )
    return path


def real_export(tmp_path: Path, real_db: Path) -> Path:
    out = tmp_path / "real.jsonl"
    assert (
        calibrate("export", "--db", str(real_db), "--out", str(out), cwd=tmp_path).returncode == 0
    )
    return out


def edit_lines(source: Path, target: Path, edit) -> Path:
    """Copy an export, editing its lines (header first) as JSON; the body is re-signed, as a
    forger can: the checksum is plain SHA-256."""
    import hashlib

    header, *body = [json.loads(line) for line in source.read_text().splitlines()]
    header, body = edit(header, body)
    text = [json.dumps(item, separators=(",", ":")) + "\n" for item in body]
    header["counts"] = {t: sum(1 for b in body if b["table"] == t) for t in header["counts"]}
    header["body_sha256"] = hashlib.sha256("".join(text).encode()).hexdigest()
    target.write_text(json.dumps(header) + "\n" + "".join(text))
    return target


FORGERIES = {  # column: (forged value, what the refusal says)
    "confidence": (5.0, "confidence 5.0 is not a probability between 0 and 1"),
    "decision": ("obliterate", "decision 'obliterate' is not one of"),
    "skipped": (7, "skipped 7 must be 0 or 1"),
    "answered_at": ("yesterday", "answered_at 'yesterday' is not an ISO 8601 UTC time"),
    "time_to_answer_ms": (-5, "time_to_answer_ms -5 must be a whole number of milliseconds"),
    "case_hash": ("ffffffffffffffff", "case version 'ffffffffffffffff' is neither in the file"),
    "clause": ("XX-99", "clause 'XX-99' is not one of"),
}


def test_every_forged_answer_is_named_by_its_line_and_nothing_is_written(
    tmp_path: Path, real_db: Path
) -> None:
    source = real_export(tmp_path, real_db)
    forged_lines = {}

    def forge(header, body):
        answer = next(b for b in body if b["table"] == "answers")
        body = [b for b in body if b["table"] != "answers"]
        others = [
            b["row"]
            for b in body
            if b["table"] == "case_versions"
            and b["row"]["pack_id"] == answer["row"]["pack_id"]
            and b["row"]["case_id"] != answer["row"]["case_id"]
        ]
        for i, (column, (value, _)) in enumerate(FORGERIES.items()):
            row = {
                **answer["row"],
                "id": f"00000000-0000-4000-8000-00000000000{i}",
                "case_id": others[i]["case_id"],
                "case_hash": others[i]["case_hash"],
                column: value,
            }  # one case each: a session answers a case once
            body.append({"table": "answers", "row": row})
            forged_lines[column] = len(body) + 1  # + the header line
        return header, body

    bad = edit_lines(source, tmp_path / "forged.jsonl", forge)
    target = tmp_path / "target.sqlite3"
    before = real_db.read_bytes()
    for db in (real_db, target):
        result = calibrate("import", str(bad), "--db", str(db), cwd=tmp_path)
        assert result.returncode == 2
        lines = result.stderr.strip().splitlines()
        for column, (_, message) in FORGERIES.items():
            line = next(x for x in lines if x.startswith(f"{bad}: row {forged_lines[column]}:"))
            assert message in line, line
        assert lines[0] == f"calibrate import: {len(FORGERIES)} bad rows; nothing was imported"
    assert real_db.read_bytes() == before and count(real_db) == 1
    assert not target.exists()


def test_infinity_and_a_negative_confidence_are_refused_and_the_report_still_works(
    tmp_path: Path, real_db: Path
) -> None:
    source = real_export(tmp_path, real_db)
    raw = source.read_text()

    def another_case(header, body):
        answer = next(b["row"] for b in body if b["table"] == "answers")
        other = next(
            b["row"]
            for b in body
            if b["table"] == "case_versions"
            and b["row"]["pack_id"] == answer["pack_id"]
            and b["row"]["case_id"] != answer["case_id"]
        )
        return header, [
            {
                **x,
                "row": {
                    **x["row"],
                    "id": "00000000-0000-4000-8000-000000000001",
                    "case_id": other["case_id"],
                    "case_hash": other["case_hash"],
                },
            }
            if x["table"] == "answers"
            else x
            for x in body
        ]

    for value in ("Infinity", "1e999", "-1", "NaN"):
        forged = edit_lines(source, tmp_path / "f.jsonl", another_case)
        forged.write_text(forged.read_text().replace('"confidence":null', f'"confidence":{value}'))
        edit_lines(forged, forged, lambda h, b: (h, b))  # re-signed
        result = calibrate("import", str(forged), "--db", str(real_db), cwd=tmp_path)
        assert result.returncode == 2, value
        assert "is not a probability between 0 and 1" in result.stderr
    assert count(real_db) == 1 and source.read_text() == raw
    report = calibrate(
        "report", "--db", str(real_db), "--out", str(tmp_path / "r.pdf"), cwd=tmp_path
    )
    assert report.returncode == 0, report.stderr


def test_an_export_never_writes_infinity_or_nan(tmp_path: Path, real_db: Path) -> None:
    with sqlite3.connect(real_db) as conn:  # a value Calibrate never writes, put in by hand
        conn.execute("DROP TRIGGER answers_are_immutable")
        conn.execute("UPDATE answers SET confidence = 9e999")
    out = tmp_path / "out.jsonl"
    result = calibrate("export", "--db", str(real_db), "--out", str(out), cwd=tmp_path)
    assert result.returncode == 2
    assert "holds confidence = inf, a value Calibrate never writes" in result.stderr
    assert not out.exists() and list(tmp_path.glob("out.jsonl*")) == []


def test_the_store_refuses_an_impossible_answer(tmp_path: Path, real_db: Path) -> None:
    db = open_database(real_db)
    row = dict(next(db.query("SELECT * FROM answers")))
    other = next(
        db.query(
            "SELECT case_id, case_hash FROM case_versions WHERE pack_id = ? AND case_id != ?",
            [row["pack_id"], row["case_id"]],
        )
    )
    row.update(
        id="00000000-0000-4000-8000-000000000009", confidence=float("inf"), skipped=False, **other
    )
    with pytest.raises(ValueError, match="confidence inf is not a probability"):
        insert_answer(db, Answer(**row))
    assert count(real_db) == 1
    db.conn.close()


# -- the demo mark -------------------------------------------------------------------------


def test_demo_rows_carry_the_mark_in_their_ids_and_in_every_body_line(demo_export: Path) -> None:
    header, *body = [json.loads(line) for line in demo_export.read_text().splitlines()]
    assert header["format_version"] >= 2 and header["demo"] is True
    assert all(item.get("demo") is True for item in body)
    people = [b["row"] for b in body if b["table"] in ("profiles", "sessions", "answers")]
    assert people and all(is_demo_id(row["id"]) for row in people)


def test_a_header_flipped_to_not_demo_cannot_put_demo_rows_in_a_real_database(
    tmp_path: Path, demo_export: Path, real_db: Path
) -> None:
    header, _, body = demo_export.read_bytes().partition(b"\n")
    flipped = tmp_path / "flipped.jsonl"  # only the header edited: the checksum still holds
    flipped.write_bytes(header.replace(b'"demo": true', b'"demo": false') + b"\n" + body)
    assert b'"demo": false' in flipped.read_bytes()
    before = real_db.read_bytes()
    result = calibrate("import", str(flipped), "--db", str(real_db), cwd=tmp_path)
    assert result.returncode == 2 and "holds demo data" in result.stderr
    # The per-line marks stripped too and the body re-signed: the ids still say demo.
    stripped = edit_lines(
        demo_export,
        tmp_path / "stripped.jsonl",
        lambda h, b: ({**h, "demo": False}, [{"table": x["table"], "row": x["row"]} for x in b]),
    )
    result = calibrate("import", str(stripped), "--db", str(real_db), cwd=tmp_path)
    assert result.returncode == 2 and "holds demo data" in result.stderr
    assert real_db.read_bytes() == before and count(real_db) == 1


def test_format_1_files_are_refused_unless_they_say_demo(
    tmp_path: Path, demo_export: Path, real_db: Path
) -> None:
    def as_version_1(demo: bool):
        return lambda h, b: (
            {**h, "format_version": 1, "demo": demo},
            [{"table": x["table"], "row": x["row"]} for x in b],
        )

    old = edit_lines(demo_export, tmp_path / "old.jsonl", as_version_1(False))
    result = calibrate("import", str(old), "--db", str(real_db), cwd=tmp_path)
    assert result.returncode == 2
    assert "export of format 1" in result.stderr and "export the database again" in result.stderr
    assert count(real_db) == 1
    old_demo = edit_lines(demo_export, tmp_path / "old-demo.jsonl", as_version_1(True))
    assert (
        calibrate("import", str(old_demo), "--db", str(real_db), cwd=tmp_path).returncode == 2
    )  # demo into real: refused
    zero = edit_lines(
        demo_export,
        tmp_path / "zero.jsonl",
        lambda h, b: ({**h, "format_version": 0, "demo": True}, b),
    )
    result = calibrate("import", str(zero), "--db", str(real_db), cwd=tmp_path)
    assert result.returncode == 2 and "format_version 0 is not one" in result.stderr
    fresh = tmp_path / "fresh.sqlite3"
    result = calibrate("import", str(old_demo), "--db", str(fresh), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    db = open_database(fresh)
    assert (
        catalog.list_profiles(db)
        and db.execute("SELECT value FROM meta WHERE key = 'demo'").fetchone()[0] == "1"
    )
    db.conn.close()


def test_a_number_too_large_for_sqlite_is_one_line_not_an_unexpected_error(
    tmp_path: Path, real_db: Path
) -> None:
    source = real_export(tmp_path, real_db)
    huge = edit_lines(
        source,
        tmp_path / "huge.jsonl",
        lambda h, b: (
            h,
            [
                {**x, "row": {**x["row"], "team": 10**30}} if x["table"] == "profiles" else x
                for x in b
            ],
        ),
    )
    result = calibrate("import", str(huge), "--db", str(real_db), cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        f"calibrate import: {huge}:2: profiles.team must be text, a number SQLite can hold, or null"
    )


def test_an_impossible_share_watched_is_named_by_its_line_and_nothing_is_written(
    tmp_path: Path, real_db: Path
) -> None:
    source = real_export(tmp_path, real_db)
    forged = {
        "watched_share": (1.5, "watched_share 1.5 is not a share between 0 and 1"),
        "clip_unavailable": (2, "clip_unavailable 2 must be 0, 1 or null"),
    }
    lines_of = {}

    def forge(header, body):
        answer = next(b for b in body if b["table"] == "answers")
        others = [
            b["row"]
            for b in body
            if b["table"] == "case_versions"
            and b["row"]["pack_id"] == answer["row"]["pack_id"]
            and b["row"]["case_id"] != answer["row"]["case_id"]
        ]
        for i, (column, (value, _)) in enumerate(forged.items()):
            body.append(
                {
                    "table": "answers",
                    "row": {
                        **answer["row"],
                        "id": f"00000000-0000-4000-8000-0000000001{i}0",
                        "case_id": others[i]["case_id"],
                        "case_hash": others[i]["case_hash"],
                        column: value,
                    },
                }
            )
            lines_of[column] = len(body) + 1
        return header, body

    bad = edit_lines(source, tmp_path / "forged.jsonl", forge)
    before = real_db.read_bytes()
    result = calibrate("import", str(bad), "--db", str(real_db), cwd=tmp_path)
    assert result.returncode == 2
    for column, (_, message) in forged.items():
        assert any(
            x.startswith(f"{bad}: row {lines_of[column]}:") and message in x
            for x in result.stderr.splitlines()
        ), result.stderr
    assert real_db.read_bytes() == before


@pytest.mark.parametrize(
    ("edit", "refusal"),
    [
        (  # a header without its schema version
            lambda h, b: ({k: v for k, v in h.items() if k != "schema_version"}, b),
            ":1: the export header is incomplete",
        ),
        (lambda h, b: (h, b[-1:] + b[:-1]), ":3: profiles rows must come before disputes rows"),
        (
            lambda h, b: (h, [{**b[0], "row": {"name": "No id"}}, *b[1:]]),
            ":2: profiles row without its id",
        ),
    ],
    ids=["incomplete header", "tables out of order", "row without its key"],
)
def test_a_malformed_export_is_refused_naming_its_line(
    tmp_path: Path, demo_export: Path, edit, refusal: str
) -> None:
    from calibrate.core.errors import ExchangeError
    from calibrate.store.exchange.export_file import load_export

    forged = edit_lines(demo_export, tmp_path / "forged.jsonl", edit)
    with pytest.raises(ExchangeError) as refused:
        load_export(forged)
    assert str(refused.value).startswith(f"{forged}{refusal}")
