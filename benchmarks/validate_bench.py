"""Time `calibrate validate lessons` on the demo packs: in-process load, and the whole command.

Baseline in the same run: bare Python start-up (`python -c pass`), which the command pays too.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from calibrate.core.lessons.loader import load_library  # noqa: E402


def timed(command: list[str], runs: int = 7) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, cwd=ROOT, check=False, capture_output=True)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1000


def main() -> None:
    loads = []
    for _ in range(10):
        start = time.perf_counter()
        result = load_library([ROOT / "lessons"])
        loads.append((time.perf_counter() - start) * 1000)
    cases = sum(len(p.cases) for p in result.packs)
    print(f"demo packs: {len(result.packs)} packs, {cases} cases, {len(result.problems)} problems")
    print(f"load + validate + hash in process   median {statistics.median(loads):7.1f} ms")
    print(
        f"`calibrate validate lessons`        median "
        f"{timed([sys.executable, '-m', 'calibrate', 'validate', 'lessons']):7.1f} ms"
    )
    print(
        f"baseline `python -c pass`           median "
        f"{timed([sys.executable, '-c', 'pass']):7.1f} ms"
    )


if __name__ == "__main__":
    main()
