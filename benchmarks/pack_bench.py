"""`calibrate pack export` and `import` of a pack with 1 GiB of clips, beside `cp -r`,
`zip -r` (and `zip -r -0`, which stores as our export stores clips) and `unzip` of the same
files: wall time and peak memory, each a fresh process, ours and its peer run as a pair
(the pair's order alternating round by round), the median of the rounds and of the pairs'
own ratios printed.

Peak memory is GNU time's %M (/usr/bin/time: it forks each command from its own ~1 MB, so
the figure is the command's own). The clips are random bytes behind an mp4 header, as
incompressible as real video, in a temporary folder (--dir) that is removed at the end.

    python benchmarks/pack_bench.py [--clip-mib 32] [--clips 32] [--rounds 3] [--dir /tmp]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.pack_factory import FAKE_MP4, write_pack  # noqa: E402

MIB = 1024 * 1024
CALIBRATE = [sys.executable, "-m", "calibrate", "pack"]


def make_pack(src: Path, clips: int, clip_mib: int) -> Path:
    """Pack 'bench' at src/lessons/bench with `clips` cases, each clip `clip_mib` MiB."""
    case_ids = tuple(f"c{i:03}" for i in range(clips))
    folder = write_pack(src / "lessons", "bench", case_ids=case_ids)
    for case_id in case_ids:
        with open(src / "assets" / "bench" / f"{case_id}.mp4", "wb") as clip:
            clip.write(FAKE_MP4)
            for _ in range(clip_mib):
                clip.write(os.urandom(MIB))
    return folder


def measured(command: list[str], cwd: Path) -> tuple[float, int]:
    """(seconds, peak KiB) of one fresh run of `command`."""
    report = cwd / ".time"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    subprocess.run(
        ["/usr/bin/time", "-o", str(report), "-f", "%e %M", *command],
        cwd=cwd,
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    seconds, peak = report.read_text().split()[-2:]
    report.unlink()
    return float(seconds), int(peak)


def one_round(src: Path, work: Path, flip: bool) -> dict[str, tuple[float, int]]:
    """Every command once, on fresh output folders; ours and its peer as pairs."""
    work.mkdir()
    (work / "site").mkdir()
    runs = {
        "export": [*CALIBRATE, "export", str(src / "lessons/bench"), "--out", "bench.calpack"],
        "zip -r": ["zip", "-r", "-q", str(work / "bench.zip"), "lessons/bench", "assets/bench"],
        "zip -r -0": [
            "zip",
            "-r",
            "-q",
            "-0",
            str(work / "b0.zip"),
            "lessons/bench",
            "assets/bench",
        ],
        "import": [*CALIBRATE, "import", "bench.calpack", "--into", "site/lessons"],
        "cp -r": ["cp", "-r", str(src / "lessons"), str(src / "assets"), str(work / "cp")],
        "unzip": ["unzip", "-q", str(work / "bench.zip"), "-d", str(work / "unzipped")],
    }
    (work / "cp").mkdir()
    cwd = {"zip -r": src, "zip -r -0": src}
    pairs = [
        ("export", "zip -r"),
        ("export", "zip -r -0"),
        ("import", "cp -r"),
        ("import", "unzip"),
    ]
    result: dict[str, tuple[float, int]] = {}
    for ours, peer in pairs:
        for name in (peer, ours) if flip else (ours, peer):
            if name in result:
                continue
            if name == "import" and "export" not in result:
                result["export"] = measured(runs["export"], work)
            if name == "unzip" and "zip -r" not in result:
                result["zip -r"] = measured(runs["zip -r"], cwd["zip -r"])
            result[name] = measured(runs[name], cwd.get(name, work))
    shutil.rmtree(work)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clip-mib", type=int, default=32)
    parser.add_argument("--clips", type=int, default=32)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=None, help="where to write (default /tmp)")
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="pack-bench-", dir=args.dir))
    try:
        make_pack(base / "src", args.clips, args.clip_mib)
        print(f"pack 'bench': {args.clips} clips × {args.clip_mib} MiB, {args.rounds} rounds")
        rounds = [
            one_round(base / "src", base / f"r{i}", flip=i % 2 == 1) for i in range(args.rounds)
        ]
        report(rounds)
    finally:
        shutil.rmtree(base)


def report(rounds: list[dict[str, tuple[float, int]]]) -> None:
    for name in rounds[0]:
        seconds = statistics.median(r[name][0] for r in rounds)
        peak = statistics.median(r[name][1] for r in rounds)
        print(f"{name:12} median {seconds:6.2f} s   peak {peak / 1024:6.1f} MiB")
    for ours, peer in [
        ("export", "zip -r"),
        ("export", "zip -r -0"),
        ("import", "cp -r"),
        ("import", "unzip"),
    ]:
        ratios = [r[ours][0] / max(r[peer][0], 0.01) for r in rounds]
        print(
            f"{ours} / {peer}: time ratio median {statistics.median(ratios):.2f}×"
            f" (rounds: {', '.join(f'{x:.2f}' for x in ratios)})"
        )


if __name__ == "__main__":
    main()
