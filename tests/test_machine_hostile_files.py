"""A model run file an adversary (or a broken export) hands to `calibrate machine import`:
refused with exit 2, one line per bad row (at most 20), nothing written, never a hang or a
traceback."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from calibrate.cli import main
from tests.machine_data import write_alpha
from tests.pack_factory import write_pack

HEADER = "case_id,decision,score,model_version\n"


@pytest.fixture
def lessons(tmp_path: Path) -> Path:
    folder = tmp_path / "lessons"
    folder.mkdir()
    write_alpha(folder)
    return folder


def _import(tmp_path: Path, lessons: Path, file: Path, *more: str) -> int:
    db = tmp_path / "runs.sqlite3"
    argv = ["machine", "import", str(file), "--db", str(db), "--name", "m"]
    return main([*argv, "--lessons", str(lessons), *more])


def _refused(tmp_path, lessons, capsys, file: Path) -> list[str]:
    """The stderr lines of a refused import, having checked nothing was written."""
    capsys.readouterr()
    assert _import(tmp_path, lessons, file) == 2
    assert not (tmp_path / "runs.sqlite3").exists()  # not even an empty database
    err = capsys.readouterr().err
    assert "Traceback" not in err
    return err.splitlines()


@pytest.mark.parametrize(
    ("body", "line"),
    [
        ("c1,remove,0.5,v1\nnope,remove,0.5,v1\n", "row 3: unknown case id 'nope'"),
        ("c1,delete,0.5,v1\n", "row 2: unknown decision 'delete' for pack alpha"),
        ("c1,remove,0.5,v1\nc1,allow,0.5,v1\n", "row 3: case alpha/c1 twice (first in row 2)"),
        ("c1,remove,1.5,v1\n", "row 2: score '1.5' is not a number from 0 to 1"),
        ("c1,remove,nan,v1\n", "row 2: score 'nan' is not a number from 0 to 1"),
        ("c1,remove,-0.1,v1\n", "row 2: score '-0.1' is not a number from 0 to 1"),
        (
            "c1,remove,0.5,v1\nc2,remove,0.5,v2\n",
            "row 3: model_version 'v2' differs from 'v1' of row 2: one model version per file",
        ),
        ("c1,remove,0.5,v1\nc2,remove,0.5,\n", "row 3: model_version '(none)' differs"),
        # float() reads other scripts' digits and underscores; a score is ASCII decimal.
        ("c1,remove,\u0660.\u0665,v1\n", "row 2: score '\u0660.\u0665' is not a number"),
        ("c1,remove,\uff10.\uff15,v1\n", "row 2: score '\uff10.\uff15' is not a number"),
        ("c1,remove,0.0_5,v1\n", "row 2: score '0.0_5' is not a number from 0 to 1"),
        # A terminal would obey these (set its title, clear the screen) if echoed raw.
        (
            "c1,remove,0.5,v1\x1b]0;pwned\x07\x1b[2J\n",
            "row 2: model_version 'v1\\x1b]0;pwned\\x07\\x1b[2J' has a control character",
        ),
        ("c1,remove,0.5,v\u202e1\n", "row 2: model_version 'v\\u202e1' has a control character"),
    ],
)
def test_bad_rows_are_named_and_nothing_is_written(tmp_path, lessons, capsys, body, line) -> None:
    file = tmp_path / "run.csv"
    file.write_text(HEADER + body)
    lines = _refused(tmp_path, lessons, capsys, file)
    # The first line says why: the first bad row, not a count.
    assert lines[0].startswith(f"calibrate machine import: {file}: {line}")
    assert lines[0].endswith("; nothing was imported") and len(lines) == 1
    assert "\x1b" not in "".join(lines) and "\u202e" not in "".join(lines)


def test_at_most_twenty_more_problems_are_listed(tmp_path, lessons, capsys) -> None:
    file = tmp_path / "run.csv"
    file.write_text(HEADER + "".join(f"x{i},remove,0.5,v1\n" for i in range(30)))
    lines = _refused(tmp_path, lessons, capsys, file)
    assert lines[0] == (
        f"calibrate machine import: {file}: row 2: unknown case id 'x0' (not in any loaded "
        "pack); nothing was imported (30 problems; 9 more not shown)"
    )
    assert len(lines) == 21 and all(line.startswith(f"{file}: row ") for line in lines[1:])
    assert lines[1].startswith(f"{file}: row 3: unknown case id 'x1'")


def test_every_bad_row_of_a_long_file_is_counted(tmp_path, lessons, capsys) -> None:
    file = tmp_path / "run.csv"
    file.write_text(HEADER + "".join(f"x{i},remove,0.5,v1\n" for i in range(3000)))
    lines = _refused(tmp_path, lessons, capsys, file)
    assert lines[0].endswith("nothing was imported (3000 problems; 2979 more not shown)")


def test_a_case_in_two_packs_needs_its_pack_id(tmp_path, lessons, capsys) -> None:
    write_pack(lessons, "beta", ("c1",))
    file = tmp_path / "run.csv"
    file.write_text(HEADER + "c1,remove,0.5,v1\n")
    lines = _refused(tmp_path, lessons, capsys, file)
    assert "case id 'c1' is in packs alpha, beta: add a pack_id column" in lines[0]
    file.write_text("pack_id,case_id,decision\nbeta,c1,remove\nalpha,c1,allow\n")
    assert _import(tmp_path, lessons, file) == 0


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "row 1: the file is empty"),
        (
            b"case_id;decision\nc1;remove\n",
            "missing columns case_id, decision (the header looks semicolon",
        ),
        (HEADER.encode(), "no rows: the file has a header but no decisions"),
        (HEADER.encode() + b"c1,re\x00move,0.5,v1\n", "row 2: NUL byte in field"),
        (HEADER.encode() + b"c1,remove,0.5,\xff\xfe\n", "row 2: not UTF-8 text"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "row 1: not UTF-8 text (byte 0x89)"),
        (b"case_id,decision\x00\nc1,remove\n", "row 1: NUL byte in field"),
        (HEADER.encode() + b'c1,"remove,0.5,v1\n', "row 2: 2 fields, but the header has 4"),
        (HEADER.encode() + b"c1,remove,0.5\n", "row 2: 3 fields, but the header has 4"),
        (
            HEADER.encode() + b"c1," + b"x" * (1 << 20 + 1) + b",0.5,v1\n",
            "row 2: a field is longer than 1 MiB",
        ),
        (b"case_id,decision," + b"x" * (1 << 20) + b"\n", "the limit; is this a run file?"),
    ],
)
def test_unreadable_files_are_refused_in_one_line(tmp_path, lessons, capsys, raw, message) -> None:
    file = tmp_path / "run.csv"
    file.write_bytes(raw)
    lines = _refused(tmp_path, lessons, capsys, file)
    assert message in lines[0] and len(lines) <= 2


def test_a_bom_quotes_and_crlf_are_read_as_written(tmp_path, lessons, capsys) -> None:
    file = tmp_path / "run.csv"
    file.write_bytes(
        b'\xef\xbb\xbf"case_id","decision","clause"\r\n"c1","remove","GR-1"\r\nc2,"allow",\r\n'
    )
    assert _import(tmp_path, lessons, file) == 0
    rows = sqlite3.connect(tmp_path / "runs.sqlite3").execute(
        "SELECT case_id, decision, clause FROM machine_decisions ORDER BY case_id"
    )
    assert rows.fetchall() == [("c1", "remove", "GR-1"), ("c2", "allow", None)]


def test_a_fifo_or_a_symlink_to_one_is_refused_without_waiting(tmp_path, lessons, capsys) -> None:
    fifo = tmp_path / "run.csv"
    os.mkfifo(fifo)  # opening it for reading would wait for a writer forever
    lines = _refused(tmp_path, lessons, capsys, fifo)
    assert "is not a regular file (a pipe or a device); not read" in lines[0]
    link = tmp_path / "link.csv"
    link.symlink_to(fifo)
    assert "not a regular file" in _refused(tmp_path, lessons, capsys, link)[0]
    device = tmp_path / "zero.csv"
    device.symlink_to("/dev/zero")
    assert "not a regular file" in _refused(tmp_path, lessons, capsys, device)[0]


def test_a_fifo_swapped_in_after_the_check_is_refused_without_waiting(
    tmp_path, lessons, capsys, monkeypatch
) -> None:
    """The file is a regular file when checked, a FIFO when read: it is opened once, without
    blocking, and refused for what the opened descriptor is."""
    import threading

    from calibrate.tabular import run_csv

    file = tmp_path / "run.csv"
    file.write_text(HEADER + "c1,remove,0.5,v1\n")
    checked = run_csv.check_file

    def check_then_swap(path: Path) -> None:
        checked(path)
        fifo = tmp_path / "swap"
        os.mkfifo(fifo)
        os.replace(fifo, path)

    monkeypatch.setattr(run_csv, "check_file", check_then_swap)
    done = threading.Event()

    def unblock_a_waiting_reader() -> None:  # a reader blocked on the FIFO would hang the test
        if not done.wait(10):
            try:
                os.close(os.open(file, os.O_WRONLY | os.O_NONBLOCK))
            except OSError:
                pass

    threading.Thread(target=unblock_a_waiting_reader, daemon=True).start()
    try:
        lines = _refused(tmp_path, lessons, capsys, file)
    finally:
        done.set()
    assert "is not a regular file (a pipe or a device); not read" in lines[0]


def test_an_oversized_file_is_refused_unread(tmp_path, lessons, capsys) -> None:
    file = tmp_path / "run.csv"
    with file.open("wb") as handle:  # sparse: 300 MiB on paper, nothing on disk
        handle.write(HEADER.encode())
        handle.truncate(300 << 20)
    lines = _refused(tmp_path, lessons, capsys, file)
    assert "a run file may hold at most 268,435,456 bytes" in lines[0]


def test_a_missing_file_or_folder_is_refused(tmp_path, lessons, capsys) -> None:
    assert "no such file" in _refused(tmp_path, lessons, capsys, tmp_path / "none.csv")[0]
    assert "is a folder" in _refused(tmp_path, lessons, capsys, tmp_path)[0]
