"""A database file with a damaged answers page: refused with one line that says what to do,
never a report or a dashboard computed on the part that could still be read.

The damage is made with byte writes: the answers table's root page (an interior b-tree page)
is told it has fewer cells, so a scan ends early without SQLite raising anything (the report
once said 615 of 1,051 answers and exited 0); and a leaf page zeroed, which SQLite notices."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from calibrate.core.demo_history.simulation import generate_history
from calibrate.core.lessons.loader import load_library
from calibrate.store.db import open_database
from calibrate.store.demo_data import write_demo_history


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


def answers_pages(path: Path) -> tuple[int, int, list[int]]:
    """(page size, the answers root page, its leaf pages) as SQLite lays them out."""
    with sqlite3.connect(path) as conn:
        size = conn.execute("PRAGMA page_size").fetchone()[0]
        root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'answers'").fetchone()[
            0
        ]
        leaves = [
            p
            for (p,) in conn.execute(
                "SELECT pageno FROM dbstat WHERE name = 'answers' AND pagetype = 'leaf' "
                "ORDER BY path"
            )
        ]
    conn.close()
    return size, root, leaves


def varint(data: bytes, at: int) -> int:
    value = 0
    for i in range(9):
        byte = data[at + i]
        if i == 8:
            return (value << 8) | byte
        value = (value << 7) | (byte & 0x7F)
        if byte < 0x80:
            return value
    return value


def damage(path: Path, how: str) -> None:
    size, root, leaves = answers_pages(path)
    with sqlite3.connect(path) as conn:  # rows a dispute points at stay (their lookup raises)
        disputed = [
            r
            for (r,) in conn.execute(
                "SELECT a.rowid FROM disputes d JOIN answers a ON a.id = d.answer_id"
            )
        ]
    conn.close()
    with path.open("r+b") as handle:
        if how == "silent":  # the root forgets a run of its cells: their leaves go unvisited
            handle.seek((root - 1) * size)
            page = bytearray(handle.read(size))
            assert page[0] == 0x05  # an interior table page: cells of (child page, rowid key)
            cells = int.from_bytes(page[3:5], "big")
            pointers = [page[12 + 2 * i : 14 + 2 * i] for i in range(cells)]
            keys = [varint(page, int.from_bytes(p, "big") + 4) for p in pointers]
            # cell i's child holds rowids keys[i-1] < rowid <= keys[i]: drop cells holding
            # no disputed answer, the longest such run
            free = [
                not any((keys[i - 1] if i else 0) < r <= keys[i] for r in disputed)
                for i in range(cells)
            ]
            runs = [
                (j - i, i, j)
                for i in range(cells)
                for j in range(i + 1, cells + 1)
                if all(free[i:j])
            ]
            _, first, stop = max(runs)
            assert stop - first >= 5
            kept = pointers[:first] + pointers[stop:]
            page[3:5] = len(kept).to_bytes(2, "big")
            page[12 : 12 + 2 * cells] = b"".join(kept) + bytes(2 * (cells - len(kept)))
            handle.seek((root - 1) * size)
            handle.write(bytes(page))
        else:  # a leaf in the middle zeroed: SQLite says "malformed"
            handle.seek((leaves[len(leaves) // 2] - 1) * size)
            handle.write(bytes(size))


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory, demo_lessons_dir: Path) -> Path:
    packs = load_library([demo_lessons_dir]).packs
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    db = open_database(path)
    write_demo_history(db, generate_history(packs, today=date(2026, 11, 25), seed=4), packs)
    db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.conn.close()
    return path


def damaged_copy(demo_db: Path, target: Path, how: str) -> Path:
    target.write_bytes(demo_db.read_bytes())
    damage(target, how)
    return target


def assert_refused(result: subprocess.CompletedProcess, path: Path, command: str) -> None:
    assert result.returncode == 2, result.stdout
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"calibrate {command}: {path} is damaged (")
    assert "latest backup copy" in lines[0] and f"sqlite3 {path} .recover" in lines[0]


@pytest.mark.parametrize("how", ["silent", "malformed"])
def test_report_and_export_refuse_a_damaged_database(
    tmp_path: Path, demo_db: Path, how: str
) -> None:
    path = damaged_copy(demo_db, tmp_path / "damaged.sqlite3", how)
    with sqlite3.connect(path) as conn:  # what fooled the report: the count still says all
        counted = conn.execute("SELECT COUNT(*) FROM answers").fetchone()[0]
        if how == "silent":
            assert len(conn.execute("SELECT id FROM answers NOT INDEXED").fetchall()) < counted
    conn.close()
    report = calibrate("report", "--db", str(path), "--out", str(tmp_path / "r.pdf"), cwd=tmp_path)
    assert_refused(report, path, "report")
    assert not (tmp_path / "r.pdf").exists()
    export = calibrate(
        "export", "--db", str(path), "--out", str(tmp_path / "e.jsonl"), cwd=tmp_path
    )
    assert_refused(export, path, "export")
    assert not list(tmp_path.glob("e.jsonl*"))


def test_the_dashboard_says_the_file_is_damaged(
    qtbot, tmp_path: Path, demo_db: Path, dialogs: list[str]
) -> None:
    from calibrate.app import build_context
    from calibrate.gui.main_window import MainWindow

    path = damaged_copy(demo_db, tmp_path / "calibrate.sqlite3", "silent")
    import argparse

    context = build_context(
        argparse.Namespace(db=path, lessons=[], no_bundled=False, verbose=False),
        tmp_path / "calibrate.log",
    )
    window = MainWindow(context)
    qtbot.addWidget(window)
    window.show()
    window.open_dashboard_unlocked()
    qtbot.waitUntil(lambda: bool(dialogs), timeout=20000)
    assert dialogs[0].startswith(f"{path} is damaged (")
    assert ".recover" in dialogs[0] and "backup" in dialogs[0]
    assert window.dashboard.result is None  # nothing computed on part of the answers
    window.close()
