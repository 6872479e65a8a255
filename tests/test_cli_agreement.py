"""`calibrate agreement`: the headless contract of DESIGN.md, as a user or a script meets it."""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from pathlib import Path

import krippendorff
import numpy as np
import pytest

from calibrate.commands import agreement as command
from calibrate.tabular import csv_scan as scanning
from calibrate.tabular import ratings_csv as reading


def write(path: Path, text: str | bytes) -> Path:
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return path


def run(capsys, *argv: str) -> tuple[int, str, str]:
    """The command as the dispatcher wires it, in-process."""
    parser = argparse.ArgumentParser(prog="calibrate")
    command.register(parser.add_subparsers())
    args = parser.parse_args(["agreement", *argv])
    code = args.run(args)
    out, err = capsys.readouterr()
    return code, out, err


def no_nan(text: str) -> dict:
    def refuse(name: str) -> None:
        raise AssertionError(f"{name} in JSON output")

    return json.loads(text, parse_constant=refuse)


def refusal(out: str) -> tuple[str, str | None, int | None]:
    """The `error` object a refusal prints on stdout with --json: (message, file, row)."""
    error = no_nan(out)["error"]
    assert set(error) == {"message", "file", "row"}
    return error["message"], error["file"], error["row"]


RATINGS = """case_id,rater_id,label,comment
c1,ana,remove,
c1,bo,remove,"sure, clear"
c1,cy,allow,
c2,ana,allow,
c2,bo,allow,
c2,cy,allow,
c3,ana,warning_screen,
c3,bo,remove,
c4,cy,remove,"line one
line two"
"""


def test_json_has_every_contract_key_and_no_cohen_for_three_raters(tmp_path, capsys):
    code, out, err = run(capsys, str(write(tmp_path / "r.csv", RATINGS)), "--json")
    assert code == 0 and err == ""
    result = no_nan(out)
    assert (result["cases"], result["raters"], result["ratings"]) == (4, 3, 9)
    assert result["categories"] == ["allow", "remove", "warning_screen"]
    for key in (
        "percent_agreement",
        "fleiss_kappa",
        "gwet_ac1",
        "brennan_prediger",
        "krippendorff_alpha_nominal",
    ):
        assert set(result[key]) >= {"value", "ci95", "method"}
    for absent in ("cohen_kappa", "krippendorff_alpha_ordinal", "krippendorff_alpha_interval"):
        assert absent not in result


def test_alpha_of_the_file_equals_the_krippendorff_package(tmp_path, capsys):
    code, out, _ = run(capsys, str(write(tmp_path / "r.csv", RATINGS)), "--json")
    codes = {"allow": 0, "remove": 1, "warning_screen": 2}
    data = np.full((3, 4), np.nan)
    for line in [row for row in RATINGS.splitlines()[1:] if row.startswith("c")]:
        case, rater, label = line.split(",")[:3]
        data[["ana", "bo", "cy"].index(rater), int(case[1]) - 1] = codes[label]
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert no_nan(out)["krippendorff_alpha_nominal"]["value"] == pytest.approx(expected)


def test_order_ranks_categories_and_adds_ordinal_alpha(tmp_path, capsys):
    path = write(tmp_path / "r.csv", RATINGS)
    _, out, _ = run(capsys, str(path), "--order", "allow,warning_screen,remove", "--json")
    result = no_nan(out)
    assert result["categories"] == ["allow", "warning_screen", "remove"]
    assert "krippendorff_alpha_ordinal" in result


def test_label_missing_from_order_names_file_and_row(tmp_path, capsys):
    path = write(tmp_path / "r.csv", RATINGS)
    code, out, err = run(capsys, str(path), "--order", "allow,remove", "--json")
    assert code == 2 and refusal(out) == ("label 'warning_screen' is not in --order", str(path), 8)
    assert err == f"calibrate agreement: {path}: row 8: label 'warning_screen' is not in --order\n"


def test_numeric_labels_compare_as_numbers_and_give_interval_and_ratio(tmp_path, capsys):
    path = write(
        tmp_path / "r.csv",
        "case_id,rater_id,label\na,x,1\na,y,1.0\nb,x,2\nb,y,3\nc,x,3\nc,y,3.00\n",
    )
    result = no_nan(run(capsys, str(path), "--json")[1])
    assert result["categories"] == [1, 2, 3]
    assert result["cohen_kappa"]["value"] is not None
    data = np.array([[1, 2, 3], [1, 3, 3]], dtype=float)
    for level in ("ordinal", "interval", "ratio"):
        assert result[f"krippendorff_alpha_{level}"]["value"] == pytest.approx(
            krippendorff.alpha(reliability_data=data, level_of_measurement=level)
        )


def test_one_category_gives_null_with_a_note_not_nan(tmp_path, capsys):
    path = write(
        tmp_path / "r.csv",
        "case_id,rater_id,label\na,x,remove\na,y,remove\nb,x,remove\nb,y,remove\n",
    )
    code, out, _ = run(capsys, str(path), "--json")
    result = no_nan(out)
    assert code == 0
    assert result["percent_agreement"]["value"] == 1.0
    for key in (
        "cohen_kappa",
        "fleiss_kappa",
        "gwet_ac1",
        "brennan_prediger",
        "krippendorff_alpha_nominal",
    ):
        assert result[key]["value"] is None and "undefined" in result[key]["note"]


def test_chance_corrected_coefficients_from_under_five_rated_cases_carry_a_note(tmp_path, capsys):
    # Three cases rated twice or more (c4 once): each coefficient keeps its number and its
    # bounds as computed (upper capped at 1, lower not clamped) and says it is too few.
    result = no_nan(
        run(capsys, str(write(tmp_path / "r.csv", RATINGS)), "--json", "--bootstrap", "50")[1]
    )
    for key in ("fleiss_kappa", "gwet_ac1", "brennan_prediger", "krippendorff_alpha_nominal"):
        assert result[key]["value"] is not None
        assert "too few cases: 3 cases rated by two or more raters" in result[key]["note"]
    assert "note" not in result["percent_agreement"]  # not chance-corrected
    assert result["fleiss_kappa"]["ci95"][0] < -1  # as docs/metrics.md states: not clamped
    five = RATINGS + "c5,ana,allow,\nc5,bo,allow,\nc6,ana,remove,\nc6,cy,remove,\n"
    result = no_nan(run(capsys, str(write(tmp_path / "five.csv", five)), "--json")[1])
    assert "note" not in result["fleiss_kappa"] and "note" not in result["gwet_ac1"]


def test_one_rater_only_gives_nulls(tmp_path, capsys):
    path = write(tmp_path / "r.csv", "case_id,rater_id,label\na,x,allow\nb,x,remove\n")
    result = no_nan(run(capsys, str(path), "--json")[1])
    assert result["raters"] == 1
    assert result["fleiss_kappa"]["value"] is None
    assert "two or more raters" in result["percent_agreement"]["note"]


def test_same_rater_twice_is_an_error_naming_both_rows_unless_keep(tmp_path, capsys):
    path = write(
        tmp_path / "r.csv",
        "case_id,rater_id,label\na,x,allow\na,y,allow\nb,x,remove\na,x,remove\nb,y,remove\n",
    )
    code, _, err = run(capsys, str(path), "--json")
    assert code == 2 and "rows 2 and 5" in err and "--keep" in err
    first = no_nan(run(capsys, str(path), "--keep", "first", "--json")[1])
    last = no_nan(run(capsys, str(path), "--keep", "last", "--json")[1])
    assert first["ratings"] == last["ratings"] == 4
    assert first["percent_agreement"]["value"] == 1.0  # x's first answer on a was allow
    assert last["percent_agreement"]["value"] == 0.5


@pytest.mark.parametrize("reader", ["fast", "row by row"])
def test_a_duplicate_in_a_later_chunk_still_names_both_rows(tmp_path, capsys, monkeypatch, reader):
    lines = ["case_id,rater_id,note,label", "a,x,,allow", "", 'b,x,"two\nlines",remove']
    lines += [f"c{i},y,,warn" for i in range(40)]
    lines += ["b,y,,remove", "a,x,,remove", "d,x,,allow"]  # (a, x) again: row 46
    path = write(tmp_path / "r.csv", "\n".join(lines) + "\n")
    monkeypatch.setattr(reading, "CHUNK_ROWS", 8)  # row 2 is chunks before row 46
    if reader != "fast":
        monkeypatch.setattr(reading, "scan", lambda *a: "forced")
    code, out, err = run(capsys, str(path), "--json")
    assert code == 2 and refusal(out)[1:] == (str(path), 46)
    assert "rater 'x' rated case 'a' twice (rows 2 and 46)" in err and "--keep" in err
    first = no_nan(run(capsys, str(path), "--keep", "first", "--json")[1])
    last = no_nan(run(capsys, str(path), "--keep", "last", "--json")[1])
    assert first["ignored_rows"]["duplicate"] == last["ignored_rows"]["duplicate"] == 1
    assert first["categories"] == ["allow", "remove", "warn"]
    assert first["percent_agreement"] == last["percent_agreement"]  # (a) has one rater


def test_keep_last_replaces_the_earlier_label_in_every_count(tmp_path, capsys):
    ratings = write(
        tmp_path / "r.csv",
        "case_id,rater_id,label\na,x,allow\na,y,remove\nb,x,remove\nb,y,remove\na,x,remove\n",
    )
    gold = write(tmp_path / "g.csv", "case_id,gold\na,remove\nb,remove\n")
    result = no_nan(run(capsys, str(ratings), "--gold", str(gold), "--keep", "last", "--json")[1])
    assert result["percent_agreement"]["value"] == 1.0
    assert result["accuracy_by_rater"]["x"] == {
        **result["accuracy_by_rater"]["x"],
        "n": 2,
        "correct": 2,
    }
    assert result["confusion_matrix"]["counts"] == [[0, 0], [0, 4]]
    assert result["cohen_kappa"]["value"] is None  # one category left


def test_gold_gives_accuracy_by_rater_with_wilson_and_confusion(tmp_path, capsys):
    ratings = write(tmp_path / "r.csv", RATINGS)
    gold = write(tmp_path / "g.csv", "case_id,gold\nc1,remove\nc2,allow\nc3,remove\nc9,allow\n")
    result = no_nan(run(capsys, str(ratings), "--gold", str(gold), "--json")[1])
    ana = result["accuracy_by_rater"]["ana"]
    assert (ana["n"], ana["correct"]) == (3, 2)
    assert ana["ci95"][0] < 2 / 3 < ana["ci95"][1]
    assert result["accuracy_overall"]["n"] == 8  # c4 has no golden answer
    labels, counts = result["confusion_matrix"]["labels"], result["confusion_matrix"]["counts"]
    assert counts[labels.index("remove")][labels.index("warning_screen")] == 1
    assert sum(map(sum, counts)) == 8


def test_enforcement_direction_with_gold_and_order(tmp_path, capsys):
    ratings = write(
        tmp_path / "r.csv",
        "case_id,rater_id,label\na,x,allow\na,y,remove\nb,x,escalate\nb,y,allow\n",
    )
    gold = write(tmp_path / "g.csv", "case_id,gold\na,warn\nb,escalate\n")
    result = no_nan(
        run(
            capsys,
            str(ratings),
            "--gold",
            str(gold),
            "--order",
            "allow,warn,remove,escalate",
            "--json",
        )[1]
    )
    e = result["enforcement"]
    assert (e["over"], e["under"], e["missed_escalations"], e["correct"]) == (1, 1, 1, 1)


def test_conflicting_gold_rows_are_named(tmp_path, capsys):
    ratings = write(tmp_path / "r.csv", RATINGS)
    gold = write(tmp_path / "g.csv", "case_id,gold\nc1,remove\nc1,allow\n")
    code, _, err = run(capsys, str(ratings), "--gold", str(gold))
    assert code == 2 and f"{gold}: row 3" in err and "rows 2 and 3" in err


@pytest.mark.parametrize(
    ("content", "row", "words"),
    [
        (b"", 1, "empty"),
        (b"case_id,rater,label\na,x,allow\n", 1, "missing column rater_id"),
        (b"case_id,rater_id,label\na,x,allow\nb,y,caf\xe9\n", 3, "UTF-8"),
        (b"case_id,rater_id,label\na,x,allow\nb,y\n", 3, "2 fields"),
        (b"case_id,rater_id,label\na,x,allow\nb,y,remove, now\n", 3, "4 fields"),
        (b'case_id,rater_id,label\na,x,allow\nb,y,"remove\n', 3, "never closed"),
        (b"case_id,rater_id,label\na,x,allow\n,y,remove\n", 3, "empty case_id"),
    ],
)
def test_bad_input_is_one_line_naming_file_and_row(tmp_path, capsys, content, row, words):
    path = write(tmp_path / "r.csv", content)
    code, out, err = run(capsys, str(path), "--json")
    assert code == 2 and refusal(out)[1:] == (str(path), row)
    assert err.count("\n") == 1 and f"{path}: row {row}:" in err and words in err
    assert err == f"calibrate agreement: {path}: row {row}: {refusal(out)[0]}\n"


def test_quoted_commas_newlines_and_unicode_labels_are_read_as_written(tmp_path, capsys):
    path = write(
        tmp_path / "r.csv",
        "case_id,rater_id,label\r\n"
        'é1,Zoë,"remove, then ban"\r\n'
        'é1,李,"remove, then ban"\r\n'
        "\r\n"
        'é2,Zoë,"warn\nscreen"\r\n'
        "é2,李,🙂\r\n",
    )
    result = no_nan(run(capsys, str(path), "--json")[1])
    assert result["categories"] == sorted(["remove, then ban", "warn\nscreen", "🙂"])
    assert (result["cases"], result["raters"], result["ratings"]) == (2, 2, 4)


def test_fast_and_row_by_row_readers_agree_across_chunk_and_block_edges(
    tmp_path, capsys, monkeypatch
):
    rng = np.random.default_rng(3)
    lines = ["case_id,rater_id,note,label"]
    for i in range(3000):
        note = '"a, ""quoted""\nnote"' if i % 7 == 0 else ""
        label = ["allow", "warn", "remove"][rng.integers(3)] if i % 11 else ""
        lines.append(f"c{i // 4},r{i % 4},{note},{label}")
        if i % 500 == 0:
            lines.append("")
    path = write(tmp_path / "r.csv", "\n".join(lines) + "\n")
    monkeypatch.setattr(reading, "CHUNK_ROWS", 97)
    monkeypatch.setattr(scanning, "SCAN_BLOCK", 101)
    fast = no_nan(run(capsys, str(path), "--json")[1])
    monkeypatch.setattr(reading, "scan", lambda *a: "forced")
    slow = no_nan(run(capsys, str(path), "--json")[1])
    assert fast == slow
    assert fast["ignored_rows"]["blank_label"] == len([i for i in range(3000) if i % 11 == 0])


def test_bootstrap_gives_a_reproducible_alpha_interval(tmp_path, capsys):
    path = write(tmp_path / "r.csv", RATINGS)
    first = no_nan(run(capsys, str(path), "--bootstrap", "200", "--json")[1])
    again = no_nan(run(capsys, str(path), "--bootstrap", "200", "--json")[1])
    alpha = first["krippendorff_alpha_nominal"]
    assert alpha["ci95"] is not None and "bootstrap" in alpha["method"]
    assert first == again
    without = no_nan(run(capsys, str(path), "--json")[1])["krippendorff_alpha_nominal"]
    # Without --bootstrap, α's interval is Gwet's analytic one, and the method says so.
    assert without["ci95"] is not None and without["ci95"] != alpha["ci95"]
    assert without["method"].startswith("Gwet (2014) analytic variance of Krippendorff's alpha")


def test_readable_table_names_metrics_and_notes(tmp_path, capsys):
    ratings = write(tmp_path / "r.csv", RATINGS)
    gold = write(tmp_path / "g.csv", "case_id,gold\nc1,remove\n")
    code, out, _ = run(capsys, str(ratings), "--gold", str(gold))
    assert code == 0
    for words in (
        "Fleiss' kappa",
        "Krippendorff alpha (nominal)",
        "Gwet's AC1",
        "Confusion matrix",
        "ana",
    ):
        assert words in out


def test_console_command_runs_as_a_fresh_process(tmp_path):
    path = write(tmp_path / "r.csv", RATINGS)
    done = subprocess.run(
        [sys.executable, "-m", "calibrate", "agreement", str(path), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert no_nan(done.stdout)["ratings"] == 9
    bad = subprocess.run(
        [sys.executable, "-m", "calibrate", "agreement", str(tmp_path / "missing.csv")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert bad.returncode == 2 and "no such file" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_bootstrap_refuses_an_absurd_number_of_resamples(tmp_path, capsys):
    path = write(tmp_path / "r.csv", RATINGS)
    with pytest.raises(SystemExit) as exit_info:
        run(capsys, str(path), "--bootstrap", "1000000000", "--json")
    assert exit_info.value.code == 2
    assert "at most 100,000 resamples" in capsys.readouterr().err


def test_help_and_table_write_95_percent_as_the_rest_of_the_app(tmp_path, capsys):
    from calibrate.cli import main

    with pytest.raises(SystemExit) as exit_info:
        main(["agreement", "--help"])
    assert exit_info.value.code == 0
    help_text = capsys.readouterr().out
    assert "%%" not in help_text and "with 95 % intervals" in " ".join(help_text.split())
    ratings = write(tmp_path / "r.csv", RATINGS)
    gold = write(tmp_path / "g.csv", "case_id,gold\nc1,remove\nc2,allow\n")
    assert main(["agreement", str(ratings), "--gold", str(gold)]) == 0
    table = capsys.readouterr().out
    assert "95%" not in table
    assert "95 % interval" in table and table.count("95 % Wilson") == 2


def test_ratio_alpha_is_null_with_a_note_when_labels_go_below_zero(capsys, tmp_path: Path) -> None:
    ratings = tmp_path / "r.csv"
    rows = [
        f"c{case},r{rater},{(case * 7 + rater * 3) % 6 - 2}"
        for case in range(8)
        for rater in range(3)
    ]
    ratings.write_text("case_id,rater_id,label\n" + "\n".join(rows) + "\n")
    code, out, _ = run(capsys, str(ratings), "--json")
    report = json.loads(out)
    assert code == 0
    assert report["krippendorff_alpha_interval"]["value"] is not None
    ratio = report["krippendorff_alpha_ratio"]
    assert ratio["value"] is None and "needs labels ≥ 0" in ratio["note"]


def test_the_json_is_cores_result_printed_unchanged(tmp_path, capsys):
    """The command only reads and prints: core's `agreement_result`, given the same tally and
    golden answers, is the very object --json prints, key for key and in the same order."""
    from calibrate.core.metrics import accuracy
    from calibrate.core.metrics.agreement_result import GoldenAnswers, agreement_result
    from calibrate.core.metrics.rating_builders import TallyBuilder

    ratings = write(tmp_path / "r.csv", RATINGS)
    gold_rows = {"c1": "remove", "c2": "allow", "c3": "remove", "c9": "allow"}
    gold = write(
        tmp_path / "g.csv", "case_id,gold\n" + "".join(f"{c},{g}\n" for c, g in gold_rows.items())
    )
    order = "allow,warning_screen,remove"
    code, out, err = run(capsys, str(ratings), "--gold", str(gold), "--order", order, "--json")
    assert code == 0 and err.count("warning:") == 2
    printed = json.loads(out)

    builder = TallyBuilder(order=order.split(","))
    for line in [row for row in RATINGS.splitlines()[1:] if row.startswith("c")]:
        builder.add(*line.split(",")[:3])
    table = builder.build()
    codes = accuracy.gold_codes(table, gold_rows)
    result = agreement_result(
        table, gold=GoldenAnswers(str(gold), codes, ["c9"]), ordered_by_user=True
    )
    assert list(printed) == list(result) == [
        "cases", "raters", "ratings", "categories", "percent_agreement", "fleiss_kappa",
        "gwet_ac1", "brennan_prediger", "gwet_ac2_linear", "gwet_ac2_quadratic",
        "krippendorff_alpha_nominal", "krippendorff_alpha_ordinal", "ignored_rows", "warnings",
        "accuracy_overall",
        "accuracy_by_rater", "confusion_matrix", "enforcement",
    ]  # fmt: skip
    assert printed == json.loads(json.dumps(result, allow_nan=False))


def test_the_table_lines_up_long_rater_ids_and_prints_no_negative_zero(tmp_path, capsys):
    # Rater ids exported from the app are UUIDs (36 characters); two raters who never agree
    # beyond chance give estimates of ±1e-17, which must read 0.0000, not -0.0000.
    long_a, long_b = "7d0c1c2e-8f4b-4b4e-9a51-0c4f1d2b3a4c", "b"
    rows = "".join(
        f"c{i},{rater},{label}\n"
        for i, (x, y) in enumerate([("allow", "remove"), ("remove", "allow")] * 3)
        for rater, label in ((long_a, x), (long_b, y))
    )
    ratings = write(tmp_path / "r.csv", "case_id,rater_id,label\n" + rows)
    gold = write(
        tmp_path / "g.csv", "".join(["case_id,gold\n"] + [f"c{i},allow\n" for i in range(6)])
    )
    code, out, _ = run(capsys, str(ratings), "--gold", str(gold))
    assert code == 0
    assert "-0.0000" not in out
    lines = out.splitlines()
    header = next(x for x in lines if x.startswith("rater ") and "correct" in x)
    row = next(x for x in lines if x.startswith(long_a))
    n_column_end = header.index(" n ") + 2
    assert re.match(r"\S+\s+\d+", row).end() == n_column_end, (header, row)


def test_an_estimate_that_rounds_to_zero_prints_without_a_minus_sign():
    from calibrate.commands.agreement_table import fmt

    assert [fmt(-3.47e-17), fmt(-0.00004), fmt(-0.0001), fmt(None)] == [
        "0.0000",
        "0.0000",
        "-0.0001",
        "-",
    ]
