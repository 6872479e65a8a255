"""Speed of `calibrate agreement` and of each metric, beside the peers, measured in one run.

0. The paired ratio (issue 19): `calibrate agreement --json`, as is and with `--order` (AC2,
   ordinal alpha), against the fastest peer a user writes (pandas.read_csv(dtype=str) +
   pd.factorize + fancy-indexing + krippendorff.alpha), fresh processes alternated pair by
   pair after a warm-up; the median of the pairwise ratios, with the load average.
1. Whole command, as fresh processes: `python -m calibrate agreement RATINGS.csv --json`
   against the pipeline a user would otherwise write (start Python, pandas.read_csv, pivot to a
   rater × case matrix, krippendorff.alpha for one metric). Median wall time and peak RSS.
2. Each metric on the prepared table: ours from the RatingsTable (codes and counts built once)
   against its reference library on that library's own input.
3. With --big: the whole command once on a ~2 GB file (1,000,000 cases x 110 raters, 10 %
   missing, rows shuffled: ~99 M ratings), wall time and peak RSS. The file is written in
   constant memory by generate_ratings.generate_streamed (~30 s), into --big-file if given
   (and kept, so later runs reuse it), else into a temporary folder.

Run: .venv/bin/python benchmarks/agreement_bench.py [--cases 10000 --raters 100 ...] [--big]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate_ratings import DECISIONS, generate, generate_streamed  # noqa: E402

PEER_PIPELINE = """
import sys
import krippendorff
import pandas as pd
df = pd.read_csv(sys.argv[1])
df["code"] = df["label"].astype("category").cat.codes
wide = df.pivot(index="rater_id", columns="case_id", values="code")
print(krippendorff.alpha(reliability_data=wide.to_numpy(dtype=float),
                         level_of_measurement="nominal"))
"""


# The fastest pipeline a skilled user writes (../shared/STACK.md, issue 19): read as text,
# factorise the three columns, fancy-index into a raters x cases matrix, one alpha.
PEER_FACTORIZE = """
import sys
import krippendorff
import numpy as np
import pandas as pd
df = pd.read_csv(sys.argv[1], dtype=str)
case, _ = pd.factorize(df["case_id"])
rater, raters = pd.factorize(df["rater_id"])
label, _ = pd.factorize(df["label"])
m = np.full((len(raters), case.max() + 1), np.nan)
m[rater, case] = label
print(krippendorff.alpha(reliability_data=m, level_of_measurement="nominal"))
"""


# Each measured process reports its own peak resident memory (VmHWM) as it exits. wait4's
# ru_maxrss is not used on Linux: it keeps the high-water mark from before exec, i.e. the
# size of this benchmark process at the fork, which can exceed the child's own.
PEAK = """
import atexit, runpy, sys
def peak():
    with open("/proc/self/status") as status:
        sys.stderr.write(next(line for line in status if line.startswith("VmHWM:")))
atexit.register(peak)
kind, target = sys.argv[1], sys.argv[2]
sys.argv = [target, *sys.argv[3:]]
if kind == "-m":
    runpy.run_module(target, run_name="__main__", alter_sys=True)
else:
    exec(compile(target, "<string>", "exec"), {"__name__": "__main__"})
"""


def run_process(argv: list[str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MB) of one fresh process: argv is python -m/-c ..."""
    own_peak = Path("/proc/self/status").exists()
    if own_peak:
        argv = [argv[0], "-c", PEAK, *argv[1:]]
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    err = proc.stderr.read().decode() if proc.stderr else ""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{argv} failed: {err}")
    if own_peak:
        return wall, int(err.strip().splitlines()[-1].split()[1]) / 1024
    return wall, usage.ru_maxrss / (1024 if sys.platform != "darwin" else 1024 * 1024)


def best(fn: Callable[[], object], repeat: int) -> float:
    """Fastest of `repeat` runs, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def processes(path: Path, rounds: int) -> None:
    ours_cmd = [sys.executable, "-m", "calibrate", "agreement", str(path), "--json"]
    peer_cmd = [sys.executable, "-c", PEER_PIPELINE, str(path)]
    ours, peer = [], []
    for _ in range(rounds):  # interleaved, so both see the same machine state
        ours.append(run_process(ours_cmd))
        peer.append(run_process(peer_cmd))
    print(f"\n## Whole command, fresh processes (median of {rounds})")
    print(f"{'':52}{'wall s':>8}{'peak MB':>9}")
    for name, runs in (
        ("calibrate agreement --json (every metric)", ours),
        ("peer: pandas.read_csv + pivot + krippendorff.alpha", peer),
    ):
        wall = statistics.median(r[0] for r in runs)
        rss = max(r[1] for r in runs)
        print(f"{name:52}{wall:8.2f}{rss:9.0f}")


def paired(path: Path, pairs: int, extra: list[str]) -> tuple[float, list[float]]:
    """Median of the pairwise wall-time ratios ours / peer (PEER_FACTORIZE): fresh processes
    alternated pair by pair after a warm-up of each, so both see the same machine."""
    ours_cmd = [sys.executable, "-m", "calibrate", "agreement", str(path), "--json", *extra]
    peer_cmd = [sys.executable, "-c", PEER_FACTORIZE, str(path)]
    run_process(ours_cmd), run_process(peer_cmd)  # warm-up: the page cache, .pyc files
    ratios, walls = [], []
    for _ in range(pairs):
        ours, peer = run_process(ours_cmd)[0], run_process(peer_cmd)[0]
        ratios.append(ours / peer)
        walls.append((ours, peer))
    label = " ".join(["calibrate agreement --json", *extra])
    print(f"\n## {label} against the factorize peer: {pairs} alternated pairs")
    print("pairs (ours s, peer s): " + ", ".join(f"({a:.2f}, {b:.2f})" for a, b in walls))
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"median ours {statistics.median(a for a, _ in walls):.2f} s, peer "
        f"{statistics.median(b for _, b in walls):.2f} s; median ratio "
        f"{statistics.median(ratios):.2f} (min {min(ratios):.2f}, max {max(ratios):.2f}); "
        f"load average {load}"
    )
    return statistics.median(ratios), ratios


def metrics(path: Path, gold_path: Path, repeat: int) -> None:
    import irrCAC.raw
    import krippendorff
    import numpy as np
    import pandas as pd
    from sklearn.metrics import cohen_kappa_score, confusion_matrix
    from statsmodels.stats.inter_rater import cohens_kappa, to_table
    from statsmodels.stats.proportion import proportion_confint

    from calibrate.core.metrics import accuracy, agreement
    from calibrate.core.metrics.rating_builders import RatingsBuilder

    df = pd.read_csv(path, dtype=str)
    gold_df = pd.read_csv(gold_path, dtype=str)
    start = time.perf_counter()
    builder = RatingsBuilder()
    for label in gold_df["gold"].unique():
        builder.add_reference_label(label)
    cols = [df[c].astype("category") for c in ("case_id", "rater_id", "label")]
    builder.add_coded(*[x for c in cols for x in (c.cat.codes.to_numpy(), list(c.cat.categories))])
    table = builder.build()
    counts = table.counts
    build_time = time.perf_counter() - start
    gold = accuracy.gold_codes(table, dict(zip(gold_df["case_id"], gold_df["gold"], strict=True)))
    wide = table.codes.T.astype(float)  # raters × cases for krippendorff
    wide[wide < 0] = np.nan
    frame = pd.DataFrame(wide.T)  # cases × raters for irrCAC
    a, b = table.codes[:, 0], table.codes[:, 1]
    both = (a >= 0) & (b >= 0)
    values = np.arange(table.n_categories, dtype=float) + 1

    rows: list[tuple[str, Callable[[], object], str, Callable[[], object]]] = [
        (
            "Krippendorff alpha, nominal",
            lambda: agreement.krippendorff_alpha(counts),
            "krippendorff.alpha",
            lambda: krippendorff.alpha(reliability_data=wide, level_of_measurement="nominal"),
        ),
        (
            "Krippendorff alpha, ordinal",
            lambda: agreement.krippendorff_alpha(counts, "ordinal"),
            "krippendorff.alpha",
            lambda: krippendorff.alpha(reliability_data=wide, level_of_measurement="ordinal"),
        ),
        (
            "Krippendorff alpha, interval",
            lambda: agreement.krippendorff_alpha(counts, "interval", values),
            "krippendorff.alpha",
            lambda: krippendorff.alpha(reliability_data=wide + 1, level_of_measurement="interval"),
        ),
        (
            "Fleiss kappa + interval",
            lambda: agreement.fleiss_kappa(counts),
            "irrCAC CAC.fleiss",
            lambda: irrCAC.raw.CAC(frame).fleiss(),
        ),
        (
            "Gwet AC1 + interval",
            lambda: agreement.gwet_ac1(counts),
            "irrCAC CAC.gwet",
            lambda: irrCAC.raw.CAC(frame).gwet(),
        ),
        (
            "Brennan-Prediger + interval",
            lambda: agreement.brennan_prediger(counts),
            "irrCAC CAC.bp",
            lambda: irrCAC.raw.CAC(frame).bp(),
        ),
        (
            "Percent agreement + interval",
            lambda: agreement.percent_agreement(counts),
            "irrCAC CAC.bp (its pa)",
            lambda: irrCAC.raw.CAC(frame).bp(),
        ),
        (
            "Cohen kappa (raters 1-2) + interval",
            lambda: agreement.cohen_kappa(a, b, table.n_categories),
            "statsmodels to_table+cohens_kappa",
            lambda: cohens_kappa(to_table(np.column_stack([a[both], b[both]]))[0]),
        ),
        (
            "Cohen kappa (raters 1-2), value only",
            lambda: agreement.cohen_kappa(a, b, table.n_categories),
            "sklearn cohen_kappa_score",
            lambda: cohen_kappa_score(a[both], b[both]),
        ),
        (
            "Accuracy by rater + Wilson",
            lambda: accuracy.accuracy_by_rater(table, gold),
            "pandas groupby + statsmodels wilson",
            lambda: _peer_accuracy(df, gold_df, proportion_confint),
        ),
        (
            "Confusion matrix golden x chosen",
            lambda: accuracy.confusion_matrix(table, gold),
            "sklearn confusion_matrix",
            lambda: confusion_matrix(
                gold[table.case], table.code, labels=range(table.n_categories)
            ),
        ),
    ]
    print(
        f"\n## Each metric on the prepared table ({table.n_cases} cases x {table.n_raters} "
        f"raters, {table.n_ratings} ratings; best of {repeat})"
    )
    print(f"building the table from the read columns (once): {build_time * 1000:.0f} ms")
    print(f"{'metric':38}{'ours ms':>9}  {'peer':36}{'peer ms':>10}{'speed-up':>10}")
    for name, ours, peer_name, peer in rows:
        t_ours = best(ours, repeat)
        t_peer = best(peer, 1 if "irrCAC" in peer_name else repeat)
        print(
            f"{name:38}{t_ours * 1000:9.2f}  {peer_name:36}{t_peer * 1000:10.1f}"
            f"{t_peer / t_ours:9.0f}x"
        )
    boot = best(
        lambda: agreement.krippendorff_alphas(
            counts, {"nominal": None, "ordinal": None}, bootstrap=1000
        ),
        1,
    )
    print(
        f"Krippendorff alpha nominal+ordinal, 1000-resample bootstrap: {boot:.2f} s "
        "(no peer offers it)"
    )


def _peer_accuracy(df, gold_df, confint) -> object:
    merged = df.merge(gold_df, on="case_id")
    grouped = (merged["label"] == merged["gold"]).groupby(merged["rater_id"]).agg(["sum", "count"])
    return confint(grouped["sum"], grouped["count"], method="wilson")


def big(path: Path | None, cases: int, raters: int, gold: bool) -> None:
    """The whole command once on a big file, made first if it is not there."""
    with tempfile.TemporaryDirectory() as folder:
        if path is None:
            path = Path(folder) / "big.csv"
        gold_path = path.with_name(path.stem + "_gold.csv")
        if not path.exists() or (gold and not gold_path.exists()):
            start = time.perf_counter()
            n = generate_streamed(path, cases=cases, raters=raters, gold=gold_path)
            print(f"\nwrote {path} ({n} ratings) in {time.perf_counter() - start:.0f} s")
        size = path.stat().st_size / 1e9
        argv = [sys.executable, "-m", "calibrate", "agreement", str(path), "--json"]
        if gold:
            argv[4:4] = ["--gold", str(gold_path)]
        wall, rss = run_process(argv)
        print(
            f"\n## Whole command on a {size:.2f} GB file ({cases} cases x {raters} raters"
            f"{', with --gold' if gold else ''}), one run"
        )
        print(f"{'':52}{'wall s':>8}{'peak MB':>9}")
        print(f"{'calibrate agreement --json (every metric)':52}{wall:8.1f}{rss:9.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--raters", type=int, default=100)
    parser.add_argument("--categories", type=int, default=4)
    parser.add_argument("--missing", type=float, default=0.10)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--big", action="store_true", help="also run the command once on a ~2 GB file"
    )
    parser.add_argument(
        "--big-file", type=Path, help="where the big file is (made there if missing, and kept)"
    )
    parser.add_argument("--big-cases", type=int, default=1_000_000)
    parser.add_argument("--big-raters", type=int, default=110)
    parser.add_argument(
        "--big-gold", action="store_true", help="pass golden answers too on the big file"
    )
    parser.add_argument("--only-big", action="store_true", help="skip parts 1 and 2")
    parser.add_argument("--pairs", type=int, default=7, help="alternated pairs against the peer")
    parser.add_argument(
        "--only-paired", action="store_true", help="only the paired ratio against the peer"
    )
    args = parser.parse_args()
    if args.big or args.only_big:
        big(args.big_file, args.big_cases, args.big_raters, args.big_gold)
    if args.only_big:
        return
    with tempfile.TemporaryDirectory() as folder:
        path, gold = Path(folder) / "ratings.csv", Path(folder) / "gold.csv"
        n = generate(
            path,
            cases=args.cases,
            raters=args.raters,
            categories=args.categories,
            missing=args.missing,
            gold=gold,
        )
        size = path.stat().st_size / 1e6
        print(
            f"# {n} ratings, {args.cases} cases x {args.raters} raters, {args.categories} "
            f"categories, {args.missing:.0%} missing: {size:.1f} MB CSV"
        )
        order = ",".join(DECISIONS[: args.categories])  # ranks them: AC2 and ordinal alpha
        paired(path, args.pairs, [])
        paired(path, args.pairs, ["--order", order])
        if args.only_paired:
            return
        processes(path, args.rounds)
        metrics(path, gold, args.repeat)


if __name__ == "__main__":
    main()
