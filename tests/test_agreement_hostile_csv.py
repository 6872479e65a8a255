"""`calibrate agreement` on hostile CSV files: limits that hold on every reading path, NUL
bytes, huge numbers, labels that differ in case, golden files that do not match, and the
`error` / `warnings` parts of the --json contract."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import krippendorff
import numpy as np
import pytest

from calibrate.tabular import csv_scan as scanning
from calibrate.tabular import ratings_csv as reading
from tests.test_cli_agreement import RATINGS, no_nan, refusal, run, write

MiB = 1 << 20
PATHS = ["fast", "row by row"]


def on_path(monkeypatch, path: str) -> None:
    """Send the ratings file down one reading path: pandas behind the scan, or the csv
    module (as when the scan finds the structure odd)."""
    if path == "row by row":
        monkeypatch.setattr(reading, "scan", lambda *a: "forced")


# -- limits ------------------------------------------------------------------------------

PEAK = """
import atexit, runpy, sys
def peak():
    with open("/proc/self/status") as status:
        sys.stderr.write(next(line for line in status if line.startswith("VmHWM:")))
atexit.register(peak)
sys.argv[0] = "calibrate"
runpy.run_module("calibrate", run_name="__main__", alter_sys=True)
"""


def refused_in_a_process(*argv: str) -> tuple[str, float, float]:
    """(stderr without the peak line, seconds, peak MB) of a refused command, fresh process."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", PEAK, "agreement", *argv],
        capture_output=True,
        text=True,
        timeout=120,
    )
    seconds = time.perf_counter() - start
    assert done.returncode == 2, done.stderr
    *lines, peak = done.stderr.splitlines()
    assert peak.startswith("VmHWM:")
    return "\n".join(lines), seconds, int(peak.split()[1]) / 1024


needs_proc = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc")


@needs_proc
def test_a_header_of_millions_of_commas_is_refused_unread(tmp_path):
    tiny = write(tmp_path / "tiny.csv", "case_id,rater_id\n")  # refused too: a baseline
    _, _, baseline = refused_in_a_process(str(tiny))
    path = tmp_path / "commas.csv"
    path.write_bytes(b"," * (64 * MiB) + b"case_id,rater_id,label\na,x,b\n")
    err, seconds, peak = refused_in_a_process(str(path))
    assert err == (
        f"calibrate agreement: {path}: row 1: the header is longer than 1 MiB "
        "(1,048,576 bytes), the limit; is this a CSV file of ratings?"
    )
    assert peak - baseline < 20, f"{peak:.0f} MB against {baseline:.0f} MB for a 3-row file"
    assert seconds < 10


def test_a_header_of_exactly_1_mib_is_read(tmp_path, capsys):
    name = "n" * (MiB - len(",case_id,rater_id,label\n"))
    path = write(tmp_path / "r.csv", f"{name},case_id,rater_id,label\n,a,x,b\n,a,y,b\n")
    code, out, err = run(capsys, str(path), "--json")
    assert code == 0 and err == "" and no_nan(out)["ratings"] == 2


def test_a_header_of_100000_duplicate_names_is_refused_at_once(tmp_path, capsys):
    path = write(tmp_path / "r.csv", "note," * 100_000 + "case_id,rater_id,label\n")
    assert path.stat().st_size > 500_000
    start = time.perf_counter()
    code, out, err = run(capsys, str(path), "--json")
    assert time.perf_counter() - start < 2
    assert code == 2 and refusal(out) == (
        "the header has 100,003 columns; at most 10,000 are read",
        str(path),
        1,
    )
    assert err.count("\n") == 1


@pytest.mark.parametrize("path_kind", PATHS)
def test_10000_duplicate_column_names_are_read_quickly(tmp_path, capsys, monkeypatch, path_kind):
    on_path(monkeypatch, path_kind)
    filler = "note," * 9_997
    path = write(
        tmp_path / "r.csv",
        filler + "case_id,rater_id,label\n" + ("," * 9_997 + "a,x,b\n") + ("," * 9_997 + "a,y,c\n"),
    )
    start = time.perf_counter()
    code, out, err = run(capsys, str(path), "--json")
    assert time.perf_counter() - start < 2  # pandas' renaming of duplicates took ~2 s
    assert code == 0 and err == "" and no_nan(out)["categories"] == ["b", "c"]


@pytest.mark.parametrize("path_kind", PATHS)
@pytest.mark.parametrize("column", ["label", "comment"])
@pytest.mark.parametrize("quoted", [False, True])
def test_a_field_over_1_mib_is_refused_on_every_path(
    tmp_path, capsys, monkeypatch, path_kind, column, quoted
):
    on_path(monkeypatch, path_kind)
    rows = ["case_id,rater_id,label,comment", "a,x,b,", "a,y,b,"]
    for size, row in ((MiB, 4), (MiB + 1, 5)):
        # Bytes, not characters, count; a quoted field's doubled quote is one byte.
        value = "é" * ((size - 1) // 2) + "z" * ((size - 1) % 2) + ('"' if quoted else "z")
        value = '"' + value.replace('"', '""') + '"' if quoted else value
        rows.append(f"b,x,{value}," if column == "label" else f"b,x,c,{value}")
        path = write(tmp_path / "r.csv", "\n".join(rows) + "\n")
        code, out, err = run(capsys, str(path), "--json")
        if size == MiB:
            assert code == 0 and err == "", err
            continue
        assert code == 2 and refusal(out) == (
            "a field is longer than 1 MiB (1,048,576 bytes), the limit",
            str(path),
            row,
        )
        assert err.count("\n") == 1


@pytest.mark.parametrize("path_kind", PATHS)
def test_a_long_field_in_a_file_with_crlf_and_blocks_is_found_at_its_row(
    tmp_path, capsys, monkeypatch, path_kind
):
    on_path(monkeypatch, path_kind)
    monkeypatch.setattr(scanning, "SCAN_BLOCK", 4099)  # the field spans hundreds of blocks
    lines = ["case_id,rater_id,label"] + [f"c{i},x,b" for i in range(500)]
    lines.append("c9,y," + "w" * (MiB + 1))
    path = write(tmp_path / "r.csv", "\r\n".join(lines) + "\r\n")
    code, out, _ = run(capsys, str(path), "--json")
    assert code == 2 and refusal(out)[1:] == (str(path), 502)


def test_a_long_field_in_the_gold_file_is_refused(tmp_path, capsys):
    ratings = write(tmp_path / "r.csv", RATINGS)
    gold = write(tmp_path / "g.csv", "case_id,gold\nc1,remove\nc2," + "x" * (MiB + 1) + "\n")
    code, out, _ = run(capsys, str(ratings), "--gold", str(gold), "--json")
    assert code == 2 and refusal(out)[1:] == (str(gold), 3)


@needs_proc
def test_a_label_of_hundreds_of_megabytes_is_refused_in_bounded_memory(tmp_path):
    tiny = write(tmp_path / "tiny.csv", "case_id,rater_id\n")
    _, _, baseline = refused_in_a_process(str(tiny))
    path = tmp_path / "huge.csv"
    with path.open("wb") as handle:
        handle.write(b"case_id,rater_id,label\n" + b"a,x,b\n" * 1000 + b"a,y,")
        for _ in range(300):
            handle.write(b"L" * MiB)
        handle.write(b"\n")
    err, _, peak = refused_in_a_process(str(path), "--json")
    assert err == (
        f"calibrate agreement: {path}: row 1002: a field is longer than 1 MiB "
        "(1,048,576 bytes), the limit"
    )
    # pandas and numpy loaded: ~+60 MB over a header-only refusal; reading the label: +600
    assert peak - baseline < 150, f"{peak:.0f} MB against {baseline:.0f} MB"


@needs_proc
def test_a_data_row_of_millions_of_commas_is_refused_in_bounded_memory(tmp_path):
    tiny = write(tmp_path / "tiny.csv", "case_id,rater_id\n")
    _, _, baseline = refused_in_a_process(str(tiny))
    path = tmp_path / "wide.csv"
    path.write_bytes(b"case_id,rater_id,label\na,x,b\n" + b"," * (200 * MiB) + b"\n")
    err, _, peak = refused_in_a_process(str(path))
    assert err == (f"calibrate agreement: {path}: row 3: more than 3 fields, but the header has 3")
    assert peak - baseline < 150, f"{peak:.0f} MB against {baseline:.0f} MB"


# -- NUL bytes ------------------------------------------------------------------------------


@pytest.mark.parametrize("path_kind", PATHS)
def test_a_nul_byte_in_a_field_is_refused_on_every_path(tmp_path, capsys, monkeypatch, path_kind):
    on_path(monkeypatch, path_kind)
    path = write(
        tmp_path / "r.csv",
        b'case_id,rater_id,label\ncase1,x,a\ncase1,y,a\ncase\0A,x,a\n"case\0B",x,b\n',
    )
    code, out, err = run(capsys, str(path), "--json")
    assert code == 2 and refusal(out) == ("NUL byte in field", str(path), 4)
    assert err == f"calibrate agreement: {path}: row 4: NUL byte in field\n"


@pytest.mark.parametrize("where", ["header", "gold"])
def test_a_nul_byte_in_the_header_or_the_gold_file_is_refused(tmp_path, capsys, where):
    header = b"case_id,rater\0_id,label\n" if where == "header" else b"case_id,rater_id,label\n"
    ratings = write(tmp_path / "r.csv", header + b"a,x,b\n")
    gold = write(
        tmp_path / "g.csv", b"case_id,gold\na,b\n" + (b"c,\0\n" if where == "gold" else b"")
    )
    code, out, _ = run(capsys, str(ratings), "--gold", str(gold), "--json")
    expected = (str(ratings), 1) if where == "header" else (str(gold), 3)
    assert code == 2 and refusal(out) == ("NUL byte in field", *expected)


# -- numbers near the end of floating point ---------------------------------------------------


def test_labels_near_1e308_give_alpha_and_no_library_warning(tmp_path):
    labels = [
        ["1e308", "-1e308"],
        ["1e308", "1e308"],
        ["-1e308", "-1e308"],
        ["0", "1e308"],
        ["-1e308", "1e308"],
    ]
    lines = ["case_id,rater_id,label"] + [
        f"c{i},{r},{label}"
        for i, pair in enumerate(labels)
        for r, label in zip("xy", pair, strict=True)
    ]
    path = write(tmp_path / "r.csv", "\n".join(lines) + "\n")
    done = subprocess.run(
        [sys.executable, "-m", "calibrate", "agreement", str(path), "--json", "--bootstrap", "50"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0 and done.stderr == ""
    result = no_nan(done.stdout)
    data = np.array(labels, dtype=float).T / 1e308
    alpha = result["krippendorff_alpha_interval"]
    assert alpha["value"] == pytest.approx(
        krippendorff.alpha(reliability_data=data, level_of_measurement="interval")
    )
    assert alpha["ci95"] is not None
    # ratio α of these (negative) labels is undefined, said in a note, not a number
    assert result["krippendorff_alpha_ratio"]["value"] is None
    assert "needs labels ≥ 0" in result["krippendorff_alpha_ratio"]["note"]


# -- warnings ---------------------------------------------------------------------------------

CASE_SPLIT = (
    "case_id,rater_id,label\na,x,Remove\na,y,remove\nb,x,allow\nb,y,allow\n"
    "c,x,remove\nc,y,Remove\nd,x,ALLOW\nd,y,allow\n"
)


def test_labels_that_differ_only_in_case_are_warned_of(tmp_path, capsys):
    path = write(tmp_path / "r.csv", CASE_SPLIT)
    code, out, err = run(capsys, str(path), "--json")
    result = no_nan(out)
    assert code == 0 and result["categories"] == ["ALLOW", "Remove", "allow", "remove"]
    warning = (
        "labels that differ only in case count as different categories: 'ALLOW' and "
        "'allow'; 'Remove' and 'remove' (pass --ignore-case to count them as one)"
    )
    assert result["warnings"] == [warning]
    assert err == f"calibrate agreement: warning: {warning}\n"


@pytest.mark.parametrize("path_kind", PATHS)
def test_ignore_case_folds_labels_keeping_the_spelling_met_first(
    tmp_path, capsys, monkeypatch, path_kind
):
    on_path(monkeypatch, path_kind)
    monkeypatch.setattr(reading, "CHUNK_ROWS", 3)  # spellings meet across chunks
    path = write(tmp_path / "r.csv", CASE_SPLIT)
    code, out, err = run(capsys, str(path), "--ignore-case", "--json")
    result = no_nan(out)
    assert code == 0 and err == "" and result["warnings"] == []
    assert result["categories"] == ["allow", "Remove"]
    assert result["percent_agreement"]["value"] == 1.0
    assert result["cohen_kappa"]["value"] == 1.0  # -1 when the spellings count apart


def test_ignore_case_works_with_order_keep_and_gold(tmp_path, capsys):
    ratings = write(tmp_path / "r.csv", CASE_SPLIT + "a,x,ALLOW\n")
    gold = write(tmp_path / "g.csv", "case_id,gold\na,REMOVE\nb,Allow\nc,remove\nd,allow\n")
    code, out, err = run(
        capsys,
        str(ratings),
        "--ignore-case",
        "--keep",
        "first",
        "--gold",
        str(gold),
        "--order",
        "Allow,Remove",
        "--json",
    )
    result = no_nan(out)
    assert code == 0 and err == ""
    assert result["categories"] == ["Allow", "Remove"]  # as --order spells them
    assert result["ignored_rows"]["duplicate"] == 1
    assert result["accuracy_overall"]["correct"] == result["accuracy_overall"]["n"] == 8
    assert result["confusion_matrix"]["counts"] == [[4, 0], [0, 4]]
    last = no_nan(
        run(capsys, str(ratings), "--ignore-case", "--keep", "last", "--gold", str(gold), "--json")[
            1
        ]
    )
    assert last["categories"] == ["allow", "Remove"]
    assert last["accuracy_by_rater"]["x"]["correct"] == 3  # a: ALLOW replaced Remove


def test_a_gold_file_that_lacks_cases_or_names_unrated_ones_is_warned_of(tmp_path, capsys):
    ratings = write(tmp_path / "r.csv", RATINGS)  # c4 is rated once, by cy
    gold = write(
        tmp_path / "g.csv", "case_id,gold\nc1,remove\nc2,allow\nc3,remove\nc8,allow\nc9,allow\n"
    )
    code, out, err = run(capsys, str(ratings), "--gold", str(gold), "--json")
    result = no_nan(out)
    assert code == 0 and result["warnings"] == [
        f"{gold}: 1 rated case has no golden answer: 1 rating went unscored",
        f"{gold}: 2 golden answers name a case no rating has (first: 'c8')",
    ]
    assert err.splitlines() == [f"calibrate agreement: warning: {w}" for w in result["warnings"]]
    complete = write(
        tmp_path / "all.csv", "case_id,gold\nc1,remove\nc2,allow\nc3,remove\nc4,allow\n"
    )
    code, out, err = run(capsys, str(ratings), "--gold", str(complete), "--json")
    assert no_nan(out)["warnings"] == [] and err == ""


def test_warnings_go_to_stderr_beside_the_table_too(tmp_path, capsys):
    path = write(tmp_path / "r.csv", CASE_SPLIT)
    code, out, err = run(capsys, str(path))
    assert code == 0 and "Percent agreement" in out
    assert err.startswith("calibrate agreement: warning: labels that differ only in case")


# -- messages -------------------------------------------------------------------------------


@pytest.mark.parametrize(("mark", "kind"), [(";", "semicolon"), ("\t", "tab")])
def test_a_semicolon_or_tab_separated_file_is_named_as_such(tmp_path, capsys, mark, kind):
    path = write(
        tmp_path / "r.csv",
        mark.join(["case_id", "rater_id", "label"]) + "\n" + mark.join("axb") + "\n",
    )
    code, out, err = run(capsys, str(path), "--json")
    message = (
        f"missing columns case_id, rater_id, label (the header looks {kind}-separated; "
        "Calibrate reads comma-separated files)"
    )
    assert code == 2 and refusal(out) == (message, str(path), 1)
    assert err == f"calibrate agreement: {path}: row 1: {message}\n"


def test_an_empty_gold_file_asks_for_the_gold_header(tmp_path, capsys):
    ratings = write(tmp_path / "r.csv", RATINGS)
    gold = write(tmp_path / "g.csv", "")
    code, out, _ = run(capsys, str(ratings), "--gold", str(gold), "--json")
    assert code == 2 and refusal(out) == (
        "the file is empty; expected a header with case_id,gold",
        str(gold),
        1,
    )


def test_refusals_without_a_row_or_a_file_say_null(tmp_path, capsys):
    code, out, err = run(capsys, str(tmp_path / "missing.csv"), "--json")
    assert code == 2 and refusal(out) == ("no such file", str(tmp_path / "missing.csv"), None)
    path = write(tmp_path / "r.csv", RATINGS)
    code, out, err = run(capsys, str(path), "--order", "a,,b", "--json")
    assert code == 2 and refusal(out) == ("--order 'a,,b': an empty category name", None, None)
    assert err == "calibrate agreement: --order 'a,,b': an empty category name\n"
    assert json.loads(out)  # one JSON object, nothing else on stdout


def test_a_bad_option_with_json_prints_the_error_object_too(tmp_path, capsys):
    path = write(tmp_path / "r.csv", RATINGS)
    with pytest.raises(SystemExit) as exit_info:
        run(capsys, str(path), "--keep", "both", "--json")
    out, err = capsys.readouterr()
    assert exit_info.value.code == 2
    assert refusal(out) == (
        "argument --keep: invalid choice: 'both' (choose from 'first', 'last')",
        None,
        None,
    )
    assert err.splitlines()[0] == f"calibrate agreement: error: {refusal(out)[0]}"


def test_a_file_with_lone_cr_line_ends_is_named_as_such(tmp_path, capsys):
    path = write(tmp_path / "r.csv", "case_id,rater_id,label\ra,x,b\ra,y,b\r")
    code, out, _ = run(capsys, str(path), "--json")
    assert code == 2 and refusal(out) == (
        "lines end with a lone CR (carriage return); save the file with LF or CRLF line ends",
        str(path),
        1,
    )


@pytest.mark.parametrize("path_kind", PATHS)
def test_a_long_field_over_many_short_lines_is_refused(tmp_path, capsys, monkeypatch, path_kind):
    on_path(monkeypatch, path_kind)
    value = "\n".join(["é" * 100] * 5300)  # 1,065,299 bytes in 5,300 lines of 201
    path = write(tmp_path / "r.csv", f'case_id,rater_id,label\na,x,b\na,y,"{value}"\n')
    code, out, _ = run(capsys, str(path), "--json")
    assert code == 2 and refusal(out) == (
        "a field is longer than 1 MiB (1,048,576 bytes), the limit",
        str(path),
        3,
    )


@pytest.mark.parametrize("path_kind", PATHS)
def test_a_row_longer_than_its_fields_could_be_is_refused_before_it_is_parsed(
    tmp_path, capsys, monkeypatch, path_kind
):
    on_path(monkeypatch, path_kind)
    path = write(
        tmp_path / "r.csv",
        b'case_id,rater_id,label\na,x,"b"\n' + b"a,y," + b"," * (7 * MiB) + b"\n",
    )
    code, out, _ = run(capsys, str(path), "--json")
    message = (
        "the row is longer than 3 fields of at most 1 MiB each can be"
        if path_kind == "row by row"
        else "more than 3 fields, but the header has 3"
    )
    assert code == 2 and refusal(out) == (message, str(path), 3)


def test_alpha_of_values_that_cannot_be_computed_is_null_with_a_note():
    import warnings

    from calibrate.core.metrics.agreement import krippendorff_alpha

    counts = np.array([[1, 1], [2, 0], [0, 2]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no numpy warning either
        alpha = krippendorff_alpha(counts, "interval", values=np.array([0.0, np.inf]))
    assert alpha.value is None and "too far apart" in alpha.note
