"""The numpy reader of plain ratings files (calibrate/tabular/plain_csv.py): the same tally as
pandas' reader on every file it takes, the others handed to pandas, and no pandas import on
the common path (what makes `calibrate agreement` faster than its peer: docs/performance.md).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calibrate.tabular import plain_csv, ratings_csv
from calibrate.tabular.plain_csv import NotPlain

ROOT = Path(__file__).resolve().parents[1]


def read(path: Path):
    return ratings_csv.read_tally(
        path, order=None, keep="first", fold=False, reference=[], reference_file=None
    )


def same(a, b) -> None:
    """The same tally: ids are interned per chunk (in sorted order within one), so their order
    may differ with where chunks end; compare them as sets, and each case's counts."""
    assert set(a.rater_ids) == set(b.rater_ids) and a.categories == b.categories
    assert (a.n_ratings, a.blank_labels, a.duplicates_dropped) == (
        b.n_ratings,
        b.blank_labels,
        b.duplicates_dropped,
    )
    counts_a = dict(zip(a.case_ids, a.counts.tolist(), strict=True))
    assert counts_a == dict(zip(b.case_ids, b.counts.tolist(), strict=True))


def by_pandas(monkeypatch, path: Path):
    def refuse(*args, **kwargs):
        raise NotPlain("forced")

    with monkeypatch.context() as patch:
        patch.setattr(ratings_csv, "plain_blocks", refuse)
        return read(path)


ids = st.text(
    st.characters(codec="utf-8", exclude_characters=',"\r\n\x00'), min_size=0, max_size=20
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(st.tuples(ids, ids, ids, ids), min_size=1, max_size=60),
    crlf=st.booleans(),
    last_newline=st.booleans(),
    block=st.sampled_from([7, 64, 1 << 23]),
    sample=st.sampled_from([1, 3, 65_536]),
)
def test_plain_reader_gives_pandas_tally(
    tmp_path, monkeypatch, rows, crlf, last_newline, block, sample
):
    """Random ids (Unicode, spaces, empty cells, 1 to 60 bytes: one to eight key words), an
    extra column, CRLF or LF, with or without a final line end; small blocks cut rows
    anywhere and a small sample sends most ids through the second lookup."""
    rows = [(c, r, lab, x) for c, r, lab, x in rows if c.strip() and r.strip()]
    end = "\r\n" if crlf else "\n"
    text = end.join(
        ["note,label,case_id,rater_id", *(f"{x},{lab},{c},{r}" for c, r, lab, x in rows)]
    )
    path = tmp_path / "r.csv"
    path.write_bytes((text + (end if last_newline else "")).encode())
    monkeypatch.setattr(plain_csv, "BLOCK", block)
    monkeypatch.setattr(plain_csv, "SAMPLE", sample)
    if not any(lab.strip() for _, _, lab, _ in rows):
        return  # no ratings: both refuse (tested elsewhere)
    same(read(path), by_pandas(monkeypatch, path))


def test_many_distinct_ids_and_wide_ids_hash_and_probe_correctly(tmp_path, monkeypatch):
    rng = np.random.default_rng(3)
    cases = [f"case-{i:07d}-{'x' * (i % 40)}" for i in range(30_000)]
    lines = ["case_id,rater_id,label"]
    for i in rng.permutation(60_000):
        lines.append(f"{cases[i // 2]},rater{i % 2},{rng.choice(['a', 'b', 'c'])}")
    path = tmp_path / "r.csv"
    path.write_text("\n".join(lines) + "\n")
    monkeypatch.setattr(plain_csv, "SAMPLE", 1000)
    table = read(path)
    assert table.n_cases == 30_000 and table.n_ratings == 60_000
    same(table, by_pandas(monkeypatch, path))


def test_ids_crafted_to_collide_are_sorted_instead(tmp_path, monkeypatch):
    """Where the hash table would need many probes (ids made to collide), each column is
    factorised by sorting: the same tally, never quadratic time."""
    path = tmp_path / "r.csv"
    path.write_text(
        "case_id,rater_id,label\n"
        + "".join(f"case{i % 500},r{i % 7},{'ab'[i % 2]}\n" for i in range(3000))
    )
    expected = read(path)
    monkeypatch.setattr(plain_csv, "MAX_PROBES", 0)
    same(read(path), expected)
    same(read(path), by_pandas(monkeypatch, path))


@pytest.mark.parametrize(
    "body",
    [
        'c1,r1,"allow"\nc1,r2,remove\n',  # a quote
        "c1,r1,allow\n\nc1,r2,remove\n",  # a blank line
        "c1,r1,allow\rc1,r2,remove\n",  # a lone carriage return
        f"c1,r1,{'a' * 65}\nc1,r2,remove\n",  # a field wider than 64 bytes
    ],
)
def test_files_that_are_not_plain_go_to_pandas_with_the_same_result(tmp_path, monkeypatch, body):
    path = tmp_path / "r.csv"
    path.write_text("case_id,rater_id,label\n" + body)
    with pytest.raises(NotPlain):
        with path.open("rb") as raw:
            raw.readline()
            list(plain_csv.plain_blocks(raw, 3, [0, 1, 2]))
    same(read(path), by_pandas(monkeypatch, path))


def test_agreement_on_a_plain_file_does_not_import_pandas(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text(
        "case_id,rater_id,label\n"
        + "".join(f"c{i},r{j},{(i + j) % 3}\n" for i in range(9) for j in range(3))
    )
    probe = (
        "import runpy, sys, json\n"
        f"sys.argv = ['calibrate', 'agreement', {str(path)!r}, '--json']\n"
        "try:\n    runpy.run_module('calibrate', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "print(json.dumps('pandas' in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True
    ).stdout.splitlines()
    assert json.loads(out[0])["cases"] == 9
    assert json.loads(out[-1]) is False
