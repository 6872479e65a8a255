"""Hostile signals files, built here in tmp_path: each is refused with one line naming the
file (and the row where there is one), exit 2, no traceback, nothing written; none blocks."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from calibrate.cli import main
from calibrate.tabular.signals_csv import MAX_FILE_BYTES

HEADER = "week,pack_id,metric,value\n"
ROW = "2026-01-05,harassment,appeals,4\n"


def refused(capsys, path: Path, db: Path) -> list[str]:
    code = main(["signals", "import", str(path), "--db", str(db)])
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    assert "Traceback" not in err
    assert not db.exists()  # nothing written: not even a new database file
    return err.splitlines()


def test_a_file_over_the_size_limit_is_refused_unread(tmp_path, capsys) -> None:
    path = tmp_path / "big.csv"
    with path.open("wb") as handle:  # sparse: no disk, and never read
        handle.write(HEADER.encode())
        handle.truncate(MAX_FILE_BYTES + 1)
    assert refused(capsys, path, tmp_path / "c.sqlite3") == [
        f"calibrate signals import: {path}: larger than 128 MiB, the limit for a signals "
        "file; split it by year or pack; nothing was imported"
    ]


def test_a_binary_file_is_refused_at_its_nul_byte(tmp_path, capsys) -> None:
    path = tmp_path / "picture.csv"
    path.write_bytes(HEADER.encode() + ROW.encode() + b"\0\0\0\rIHDR\x89PNG\r\n\x1a\n")
    (line,) = refused(capsys, path, tmp_path / "c.sqlite3")
    assert line == (
        f"calibrate signals import: {path}: row 3: NUL byte in field (is this a CSV file?); "
        "nothing was imported"
    )


def test_latin1_text_is_refused_naming_its_row(tmp_path, capsys) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes((HEADER + ROW).encode() + b"2026-01-05,harassment,r\xe9clamations,1\n")
    (line,) = refused(capsys, path, tmp_path / "c.sqlite3")
    assert line.startswith(f"calibrate signals import: {path}: row 3: not UTF-8 text (byte 0xe9)")


def test_a_bom_is_read_as_the_start_of_utf8_text(tmp_path, capsys) -> None:
    path, db = tmp_path / "bom.csv", tmp_path / "c.sqlite3"
    path.write_bytes(b"\xef\xbb\xbf" + (HEADER + ROW).encode())
    assert main(["signals", "import", str(path), "--db", str(db)]) == 0
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT week, metric, value FROM signals").fetchall() == [
            ("2026-01-05", "appeals", 4)
        ]


def test_a_huge_field_is_refused_naming_its_row(tmp_path, capsys) -> None:
    path = tmp_path / "huge.csv"
    path.write_text(HEADER + ROW + f"2026-01-05,harassment,{'x' * 5_000_000},1\n")
    (line,) = refused(capsys, path, tmp_path / "c.sqlite3")
    assert line == (
        f"calibrate signals import: {path}: row 3: a field is longer than 1,024 characters, "
        "the limit; nothing was imported"
    )


def test_a_long_name_within_the_field_limit_is_a_row_problem(tmp_path, capsys) -> None:
    path = tmp_path / "long.csv"
    path.write_text(HEADER + f"2026-01-05,harassment,{'m' * 300},1\n")
    assert refused(capsys, path, tmp_path / "c.sqlite3") == [
        f"calibrate signals import: {path}: row 2: metric names are letters, digits, '_', '.' "
        "and '-' (at most 200); nothing was imported"
    ]


def test_a_quote_left_open_is_refused(tmp_path, capsys) -> None:
    path = tmp_path / "open.csv"
    path.write_text(HEADER + ROW + '2026-01-05,"harassment,appeals,1\n')
    assert refused(capsys, path, tmp_path / "c.sqlite3") == [
        f"calibrate signals import: {path}: row 3: unexpected end of data (is a quote left "
        "open?); nothing was imported"
    ]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes here")
def test_a_fifo_and_a_link_to_one_are_refused_without_blocking(tmp_path, capsys) -> None:
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)  # nothing ever writes to it: opening it for reading would block
    link = tmp_path / "link.csv"
    link.symlink_to(fifo)
    for path in (fifo, link):
        assert refused(capsys, path, tmp_path / "c.sqlite3") == [
            f"calibrate signals import: {path}: is not a regular file (a pipe or a device?); "
            "refused; nothing was imported"
        ]


def test_a_link_to_a_device_a_dangling_link_and_a_folder_are_refused(tmp_path, capsys) -> None:
    zero, dangling = tmp_path / "zero.csv", tmp_path / "gone.csv"
    zero.symlink_to("/dev/zero")
    dangling.symlink_to(tmp_path / "nowhere.csv")
    db = tmp_path / "c.sqlite3"
    assert "is not a regular file" in refused(capsys, zero, db)[0]
    assert refused(capsys, dangling, db)[0].endswith(
        f"{dangling}: no such file; nothing was imported"
    )
    assert "is a folder, not a CSV file" in refused(capsys, tmp_path, db)[0]


def test_a_link_to_a_good_file_is_read(tmp_path, capsys) -> None:
    real, link = tmp_path / "real.csv", tmp_path / "link.csv"
    real.write_text(HEADER + ROW)
    link.symlink_to(real)
    assert main(["signals", "import", str(link), "--db", str(tmp_path / "c.sqlite3")]) == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "the file is empty; expected a header week,pack_id,metric,value"),
        (HEADER, "no rows after the header; nothing to import"),
        ("week;pack_id;metric;value\n", "missing columns week, pack_id, metric, value"),
        ("week,pack_id,metric,value,week\n" + ROW, "column week appears twice in the header"),
    ],
)
def test_files_without_rows_or_columns_are_refused(tmp_path, capsys, text, message) -> None:
    path = tmp_path / "s.csv"
    path.write_text(text)
    (line,) = refused(capsys, path, tmp_path / "c.sqlite3")
    assert message in line and str(path) in line
