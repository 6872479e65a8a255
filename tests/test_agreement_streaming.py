"""Streaming `calibrate agreement`: the tally (one label per case × rater, no per-row arrays)
gives exactly what the per-rating table gives, whatever the chunking, keep rule or store form;
and a file of millions of ratings is read in memory that does not grow with the ratings."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from calibrate.core.metrics import accuracy, agreement, rating_cells
from calibrate.core.metrics import ratings as ratings_module
from calibrate.core.metrics.rating_builders import RatingsBuilder, TallyBuilder
from calibrate.core.metrics.ratings import DuplicateRatingError, RatingsTable, RatingsTally

Row = tuple[str, str, str]


def random_rows(
    seed: int, n: int, cases: int, raters: int, labels: list[str], blank: float = 0.05
) -> list[Row]:
    """Random (case, rater, label) rows; pairs repeat, so there are duplicates to resolve."""
    rng = np.random.default_rng(seed)
    return [
        (
            f"k{rng.integers(cases)}",
            f"q{rng.integers(raters)}",
            "" if rng.random() < blank else labels[rng.integers(len(labels))],
        )
        for _ in range(n)
    ]


def factorise(values: list[str]) -> tuple[np.ndarray, list[str]]:
    """Codes and distinct values in order of first appearance, as pandas.factorize gives."""
    index: dict[str, int] = {}
    codes = np.array([index.setdefault(v, len(index)) for v in values], dtype=np.int64)
    return codes, list(index)


def feed(builder, rows: list[Row], chunk: int) -> None:
    for start in range(0, len(rows), chunk):
        part = rows[start : start + chunk]
        args: list = []
        for column in zip(*part, strict=True):
            args += factorise(list(column))
        builder.add_coded(*args)


def both(
    rows: list[Row], chunk: int, keep: str = "first", **kwargs
) -> tuple[RatingsTable, RatingsTally, TallyBuilder]:
    table_builder = RatingsBuilder(keep=keep, **kwargs)
    tally_builder = TallyBuilder(keep=keep, **kwargs)
    feed(table_builder, rows, chunk)
    feed(tally_builder, rows, chunk)
    return table_builder.build(), tally_builder.build(), tally_builder


def as_json(table) -> str:
    report = agreement.agreement_report(table, bootstrap=20)
    return json.dumps({name: e.as_json() for name, e in report.items()}, allow_nan=False)


def assert_same(table: RatingsTable, tally: RatingsTally) -> None:
    for name in (
        "case_ids",
        "rater_ids",
        "categories",
        "n_ratings",
        "numeric",
        "ordered",
        "blank_labels",
        "duplicates_dropped",
    ):
        assert getattr(tally, name) == getattr(table, name), name
    assert np.array_equal(tally.counts, table.counts)
    assert tally.counts.dtype == table.counts.dtype
    assert as_json(tally) == as_json(table)
    gold = np.random.default_rng(1).integers(-1, table.n_categories, size=table.n_cases)
    assert all(
        np.array_equal(a, b)
        for a, b in zip(tally.rater_tally(gold), table.rater_tally(gold), strict=True)
    )
    assert np.array_equal(
        accuracy.confusion_matrix(tally, gold), accuracy.confusion_matrix(table, gold)
    )
    if table.n_raters == 2:
        assert np.array_equal(tally.cohen_table(), table.cohen_table())


@pytest.mark.parametrize("keep", ["first", "last"])
@pytest.mark.parametrize("chunk", [7, 250, 100_000])
def test_tally_equals_the_per_rating_table(keep, chunk):
    rows = random_rows(2, 4000, cases=300, raters=9, labels=["allow", "warn", "remove"])
    table, tally, builder = both(rows, chunk, keep)
    assert builder._cells.dense
    assert table.duplicates_dropped > 0  # the data does exercise the keep rule
    assert_same(table, tally)


@pytest.mark.parametrize("keep", ["first", "last"])
def test_sparse_store_gives_the_same_as_the_dense_grid(monkeypatch, keep):
    # Many raters, few ratings per case: the grid is mostly empty, so the store goes sparse.
    rows = random_rows(3, 6000, cases=2000, raters=400, labels=["1", "2", "3", "4.0", "4"])
    rows += rows[:500]  # repeats across chunks
    monkeypatch.setattr(rating_cells, "DENSE_FREE_BYTES", 0)
    table, tally, builder = both(rows, 333, keep)
    assert not builder._cells.dense
    assert len(builder._cells._runs) > 1  # several runs, some merged
    assert_same(table, tally)


def test_two_raters_give_the_same_cohen_table_and_kappa():
    rows = random_rows(4, 3000, cases=1500, raters=2, labels=["a", "b", "c"])
    table, tally, _ = both(rows, 128, "last")
    assert_same(table, tally)
    assert agreement.agreement_report(tally)["cohen_kappa"].value is not None


def test_hundreds_of_labels_widen_the_store_and_numbers_still_compare_as_numbers():
    labels = [str(i) for i in range(300)] + ["7.0", "12.00"]
    rows = random_rows(5, 5000, cases=400, raters=6, labels=labels)
    table, tally, builder = both(rows, 999, "last")
    assert builder._cells._dtype == np.uint16
    assert tally.numeric and tally.n_categories == 300
    assert_same(table, tally)


def test_order_and_reference_labels_and_blank_rows_match():
    rows = random_rows(6, 2000, cases=200, raters=5, labels=["allow", "warn", "remove"], blank=0.2)
    rows[10] = ("", "", "")  # a blank line
    table, tally, _ = both(rows, 64, "first", order=["allow", "warn", "remove", "ban"])
    assert tally.categories == ("allow", "warn", "remove", "ban")
    assert_same(table, tally)


def test_ids_do_not_depend_on_the_order_a_reader_lists_a_chunks_values():
    rows = random_rows(7, 500, cases=80, raters=4, labels=["x", "y", "z"], blank=0)
    forward, backward = TallyBuilder(keep="last"), TallyBuilder(keep="last")
    for builder, flip in ((forward, False), (backward, True)):
        args: list = []
        for column in zip(*rows, strict=True):
            codes, names = factorise(list(column))
            if flip:  # the same chunk, its distinct values listed the other way round
                codes, names = len(names) - 1 - codes, names[::-1]
            args += [codes, names]
        builder.add_coded(*args)
    a, b = forward.build(), backward.build()
    assert a.case_ids == b.case_ids and a.categories == b.categories
    assert np.array_equal(a.counts, b.counts)
    # New names are numbered in sorted order, as a sorted categorical listed them before.
    assert list(a.case_ids) == sorted(a.case_ids)
    table = RatingsBuilder(keep="last")
    table.add_coded(*[x for column in zip(*rows, strict=True) for x in _sorted_codes(list(column))])
    assert table.build().case_ids == a.case_ids


def _sorted_codes(values: list[str]) -> tuple[np.ndarray, list[str]]:
    names = sorted(set(values))
    index = {v: i for i, v in enumerate(names)}
    return np.array([index[v] for v in values]), names


def test_a_duplicate_names_both_rows_within_a_chunk_and_across_chunks():
    rows = [
        ("a", "x", "1"),
        ("b", "x", "2"),
        ("", "", ""),
        ("c", "y", "1"),
        ("b", "y", "1"),
        ("a", "y", "2"),
        ("c", "x", "2"),
        ("b", "x", "3"),
        ("a", "x", "1"),
    ]
    # row numbers: header is row 1, so rows[i] is row i + 2; (b, x) repeats at rows 3 and 9.
    expected = RatingsBuilder()
    feed(expected, rows, 100)
    with pytest.raises(DuplicateRatingError) as want:
        expected.build()
    assert want.value.rows == (3, 9)
    for chunk in (100, 4, 1):
        builder = TallyBuilder()
        feed(builder, rows, chunk)
        asked: list[tuple[str, str, int]] = []

        def locate(case: str, rater: str, before: int, asked: list = asked) -> int:
            asked.append((case, rater, before))
            return 3

        with pytest.raises(DuplicateRatingError) as got:
            builder.build(locate=locate)
        assert (got.value.case_id, got.value.rater_id, got.value.rows) == ("b", "x", (3, 9))
        assert asked == ([] if chunk == 100 else [("b", "x", 9)])
    builder = TallyBuilder()
    feed(builder, rows, 1)
    with pytest.raises(DuplicateRatingError, match=r"row 9 and an earlier row"):
        builder.build()


def test_labels_off_order_are_reported_before_duplicates_as_before():
    rows = [("a", "x", "allow"), ("a", "x", "allow"), ("b", "x", "ban")]
    for builder in (RatingsBuilder(order=["allow"]), TallyBuilder(order=["allow"])):
        feed(builder, rows, 1)
        with pytest.raises(ratings_module.RatingsInputError, match="'ban' is not in --order"):
            builder.build()


# -- memory ----------------------------------------------------------------------------


def write_ratings(
    path: Path,
    cases: int,
    raters: int,
    *,
    missing: float = 0.1,
    seed: int = 0,
    step: int = 1_000_000,
) -> int:
    """A shuffled ratings CSV (`c012345,r042,b`), written with numpy in chunks."""
    rng = np.random.default_rng(seed)
    cells = rng.permutation(cases * raters)
    n = 0
    with path.open("wb") as handle:
        handle.write(b"case_id,rater_id,label\n")
        for start in range(0, cells.size, step):
            cell = cells[start : start + step]
            cell = cell[rng.random(cell.size) >= missing]
            case, rater = np.divmod(cell, raters)
            label = (case + (rng.random(cell.size) < 0.3) * rng.integers(1, 4, cell.size)) % 4
            row = np.empty((cell.size, 15), dtype=np.uint8)
            row[:, 0], row[:, 7], row[:, 8], row[:, 12], row[:, 14] = (
                ord("c"),
                ord(","),
                ord("r"),
                ord(","),
                ord("\n"),
            )
            for i in range(6):
                row[:, 6 - i] = ord("0") + case // 10**i % 10
            for i in range(3):
                row[:, 11 - i] = ord("0") + rater // 10**i % 10
            row[:, 13] = np.frombuffer(b"abcd", dtype=np.uint8)[label]
            handle.write(row.tobytes())
            n += cell.size
    return n


# The child reports its own peak: VmHWM of the process after exec. (ru_maxrss from wait4
# would not do: Linux carries the pre-exec high-water mark over exec, i.e. the size of the
# forking pytest process, often larger than the command itself.)
PEAK = """
import atexit, runpy, sys
def peak():
    with open("/proc/self/status") as status:
        sys.stderr.write(next(line for line in status if line.startswith("VmHWM:")))
atexit.register(peak)
sys.argv[0] = "calibrate"
runpy.run_module("calibrate", run_name="__main__", alter_sys=True)
"""


def peak_rss_mb(argv: list[str]) -> tuple[float, str]:
    """Peak resident memory (MB) of `python -m calibrate ARGV` in a fresh process, and its
    stdout."""
    done = subprocess.run(
        [sys.executable, "-c", PEAK, *argv], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("VmHWM:") and last.endswith("kB"), done.stderr
    return int(last.split()[1]) / 1024, done.stdout


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs /proc")
def test_millions_of_ratings_are_read_in_bounded_memory(tmp_path):
    # ~7.9 M ratings (120 MB of CSV). Keeping them, as the per-rating reader did (~26 bytes
    # each at its peak), would need ~200 MB more than the baseline; the tally needs the
    # case x rater grid (~10 MB here) and one chunk of rows at a time.
    big = tmp_path / "big.csv"
    n = write_ratings(big, cases=80_000, raters=110)
    tiny = tmp_path / "tiny.csv"
    tiny.write_text("case_id,rater_id,label\na,x,b\na,y,b\nb,x,c\n")
    baseline, _ = peak_rss_mb(["agreement", str(tiny), "--json"])
    peak, out = peak_rss_mb(["agreement", str(big), "--json"])
    result = json.loads(out)
    assert (result["ratings"], result["cases"], result["raters"]) == (n, 80_000, 110)
    assert peak < 300, f"peak {peak:.0f} MB for {n} ratings (baseline {baseline:.0f} MB)"
    assert peak - baseline < 200, f"grew {peak - baseline:.0f} MB over a 3-row file"
