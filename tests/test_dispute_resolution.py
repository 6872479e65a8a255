"""A trainer resolves a dispute (golden upheld or changed, with a reply); the resolution shows
on the dashboard, reaches the moderator's home screen, and travels in export/import — old
format 2 files still import, hostile resolution rows are refused whole. Real SQLite files,
the real `calibrate` command."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from calibrate.core.metrics.answer_table import Filters
from calibrate.workspace import Workspace
from tests.golden_history import write_golden_history


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


def count(path: Path, table: str) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def edit_lines(source: Path, target: Path, edit) -> Path:
    """Copy an export, editing its lines (header first) as JSON, re-signed as a forger can."""
    header, *body = [json.loads(line) for line in source.read_text().splitlines()]
    header, body = edit(header, body)
    text = [json.dumps(item, separators=(",", ":")) + "\n" for item in body]
    header["counts"] = {t: sum(1 for b in body if b["table"] == t) for t in header["counts"]}
    header["body_sha256"] = hashlib.sha256("".join(text).encode()).hexdigest()
    target.write_text(json.dumps(header) + "\n" + "".join(text))
    return target


@pytest.fixture()
def history(tmp_path: Path) -> tuple[Path, Path]:
    return write_golden_history(tmp_path / "history")


def _dispute_id(db_path: Path) -> str:
    with sqlite3.connect(db_path) as conn:
        return conn.execute("SELECT id FROM disputes").fetchone()[0]


def _dee(ws: Workspace) -> str:
    return next(p.id for p in ws.profiles.listed() if p.name == "Dee")


def _disputes_on_dashboard(ws: Workspace):
    return ws.dashboard.complete(Filters(), 0.9).disputes.disputes


def test_a_dispute_resolved_both_ways_shows_its_newest_resolution(history) -> None:
    db_path, lessons = history
    ws = Workspace.open(db_path, [lessons])
    try:
        ws.lessons.load()
        (open_dispute,) = _disputes_on_dashboard(ws)
        assert open_dispute.resolution is None and open_dispute.id == _dispute_id(db_path)
        assert ws.disputes.replies(_dee(ws)) == []
        ws.disputes.resolve(open_dispute.id, "upheld", "  Remove stays: GR-1 covers it.  ")
        (upheld,) = _disputes_on_dashboard(ws)
        assert (upheld.resolution, upheld.reply) == ("upheld", "Remove stays: GR-1 covers it.")
        ws.disputes.resolve(open_dispute.id, "changed", "You were right: age-restrict.", "ab" * 8)
        (changed,) = _disputes_on_dashboard(ws)
        assert (changed.resolution, changed.new_case_hash) == ("changed", "ab" * 8)
        header, rows = ws.dashboard.complete(Filters(), 0.9).table("disputes")
        assert dict(zip(header, rows[0], strict=True))["reply"] == "You were right: age-restrict."
        (reply,) = ws.disputes.replies(_dee(ws))  # the newest only
        assert (reply.outcome, reply.case_id) == ("changed", "c1")
        ws.disputes.dismiss([reply])
        assert ws.disputes.replies(_dee(ws)) == []
        assert _disputes_on_dashboard(ws)[0].resolution == "changed"  # dismissing hides no row
    finally:
        ws.close()


@pytest.mark.parametrize(
    "outcome, reply, new_hash, message",
    [
        ("upheld", "   ", None, "reply '' must be non-empty text"),
        ("overturned", "ok", None, "outcome 'overturned' is not one of upheld, changed"),
        ("changed", "ok", "../../etc/passwd", "is not a case hash"),
        ("upheld", "ok", "ab" * 8, "an upheld golden has no new case version"),
        ("upheld", "x" * 4001, None, "longer than 4,000"),
    ],
)
def test_a_bad_resolution_is_refused_and_nothing_is_stored(
    history, outcome, reply, new_hash, message
) -> None:
    db_path, lessons = history
    ws = Workspace.open(db_path, [lessons])
    try:
        with pytest.raises(ValueError, match=message):
            ws.disputes.resolve(_dispute_id(db_path), outcome, reply, new_hash)
        with pytest.raises(ValueError, match="no dispute"):
            ws.disputes.resolve("not-a-dispute", "upheld", "fine")
    finally:
        ws.close()
    assert count(db_path, "dispute_resolutions") == 0


def test_export_and_import_carry_the_resolution_and_the_reply(history, tmp_path) -> None:
    db_path, lessons = history
    ws = Workspace.open(db_path, [lessons])
    try:
        ws.disputes.resolve(_dispute_id(db_path), "changed", "Age-restrict from now on.")
    finally:
        ws.close()
    out = tmp_path / "laptop.calibrate"
    assert (
        calibrate("export", "--db", str(db_path), "--out", str(out), cwd=tmp_path).returncode == 0
    )
    header = json.loads(out.read_text().splitlines()[0])
    assert header["format_version"] == 3 and header["counts"]["dispute_resolutions"] == 1
    other = tmp_path / "moderator.sqlite3"
    args = ("import", str(out), "--db", str(other), "--lessons", str(lessons))
    first = calibrate(*args, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "1 dispute resolution added" in first.stdout
    assert calibrate(*args, cwd=tmp_path).returncode == 0  # again: nothing new, no conflict
    assert count(other, "dispute_resolutions") == 1
    ws = Workspace.open(other, [lessons])
    try:
        (reply,) = ws.disputes.replies(_dee(ws))
        assert (reply.outcome, reply.reply) == ("changed", "Age-restrict from now on.")
        assert reply.note == "The clip shows no real injury."
    finally:
        ws.close()


def test_an_export_of_format_2_still_imports(history, tmp_path) -> None:
    db_path, lessons = history
    out = tmp_path / "new.calibrate"
    calibrate("export", "--db", str(db_path), "--out", str(out), cwd=tmp_path)

    def as_format_2(header, body):
        """What Calibrate wrote before resolutions: no such table, not even in the counts."""
        counts = {k: v for k, v in header["counts"].items() if k != "dispute_resolutions"}
        return {**header, "format_version": 2, "schema_version": 5, "counts": counts}, [
            b for b in body if b["table"] != "dispute_resolutions"
        ]

    old = edit_lines(out, tmp_path / "old.calibrate", as_format_2)
    assert "dispute_resolutions" not in old.read_text()
    target = tmp_path / "target.sqlite3"
    result = calibrate("import", str(old), "--db", str(target), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert count(target, "answers") == 11 and count(target, "disputes") == 1
    assert count(target, "dispute_resolutions") == 0


HOSTILE = {  # column: (forged value, what the refusal says)
    "outcome": ("deleted", "outcome 'deleted' is not one of upheld, changed"),
    "reply": (42, "reply 42 must be non-empty text"),
    "new_case_hash": ("<script>", "new_case_hash '<script>' is not a case hash"),
    "resolved_at": ("yesterday", "resolved_at 'yesterday' is not an ISO 8601 UTC time"),
    "dispute_id": ("ffffffff-0000-4000-8000-000000000000", "which is neither in the file"),
}


def test_hostile_resolutions_are_each_named_by_line_and_nothing_is_written(
    history, tmp_path
) -> None:
    db_path, lessons = history
    ws = Workspace.open(db_path, [lessons])
    try:
        ws.disputes.resolve(_dispute_id(db_path), "upheld", "Stays.")
    finally:
        ws.close()
    out = tmp_path / "good.calibrate"
    calibrate("export", "--db", str(db_path), "--out", str(out), cwd=tmp_path)
    lines: dict[str, int] = {}

    def forge(header, body):
        good = next(b for b in body if b["table"] == "dispute_resolutions")
        for i, (column, (value, _)) in enumerate(HOSTILE.items()):
            row = {**good["row"], "id": f"00000000-0000-4000-8000-00000000000{i}", column: value}
            body.append({"table": "dispute_resolutions", "row": row})
            lines[column] = len(body) + 1
        return header, body

    bad = edit_lines(out, tmp_path / "forged.calibrate", forge)
    target = tmp_path / "target.sqlite3"
    result = calibrate("import", str(bad), "--db", str(target), cwd=tmp_path)
    assert result.returncode == 2
    stderr = result.stderr.strip().splitlines()
    assert stderr[0] == f"calibrate import: {len(HOSTILE)} bad rows; nothing was imported"
    for column, (_, message) in HOSTILE.items():
        line = next(x for x in stderr if x.startswith(f"{bad}: row {lines[column]}:"))
        assert "dispute resolution" in line and message in line, line
    assert not target.exists()
    # A resolution changed after the fact (same id, another reply) is a conflict, as answers.
    ws_out = tmp_path / "again.calibrate"

    def rewrite(header, body):
        for b in body:
            if b["table"] == "dispute_resolutions":
                b["row"]["reply"] = "Something else entirely."
        return header, body

    edited = edit_lines(out, ws_out, rewrite)
    assert calibrate("import", str(out), "--db", str(target), cwd=tmp_path).returncode == 0
    result = calibrate("import", str(edited), "--db", str(target), cwd=tmp_path)
    assert result.returncode == 2 and "immutable" in result.stderr
