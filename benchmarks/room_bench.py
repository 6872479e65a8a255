"""One live-room host and N bots answering within the same second (issue 16): are all answers
recorded, does every bot get the reveal, how long from the lock until every bot holds it
(p50 / p99 over bots), and what does the host use (CPU seconds, peak memory)?

The host is the real `calibrate room host` process (2-case lesson, `--expect N`, so both
cases open to all N at once and every bot answers as it opens: answer delay 0). The bots run
in WORKERS processes of the real `calibrate.net.bots.Bot`, each noting when (wall clock) each
frame arrived; the lock time is the host's `room_locked` event (same machine, same clock).
Everything on 127.0.0.1.

Run: PYTHONPATH=. .venv/bin/python benchmarks/room_bench.py --bots 200 500 1000
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
CLK = os.sysconf("SC_CLK_TCK")


def worker(code: str, first: int, count: int, out: Path) -> None:
    """Bots first..first+count-1 in this process; their frame arrival times to `out`."""
    from calibrate.core.live.join_code import decode_join_code
    from calibrate.net.bots import Bot
    from calibrate.net.loop import EventLoop

    loop = EventLoop()
    done: set[int] = set()
    bots = []
    for number in range(first, first + count):
        bot = Bot(decode_join_code(code), number, 1, 0.0, None, None, loop.owner)
        bot.finished.connect(lambda n: done.add(n) or (len(done) == count and loop.quit(0)))
        bot.gave_up.connect(lambda n, why: print(f"bot {n}: {why}", file=sys.stderr))
        bots.append(bot)
    for bot in bots:
        bot.start()
    loop.later(600, lambda: loop.quit(1))
    loop.run()
    out.write_text(json.dumps({b.number: b.received_at for b in bots}))
    for bot in bots:
        bot.stop()
    loop.close()


def _proc_usage(pid: int) -> tuple[float, int]:
    """CPU seconds (user + system) and peak RSS (bytes) of a live process."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / CLK
    status = Path(f"/proc/{pid}/status").read_text()
    peak = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM"))
    return cpu, peak * 1024


def _stamp(text: str) -> float:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp()


def run(bots: int, workers: int, folder: Path) -> dict:
    from room_processes import room_lessons

    lessons = room_lessons(folder, ("c1", "c2"))
    db = folder / "host.db"
    host_log = (folder / "host-stderr.txt").open("w+")  # a line per join: never a full pipe
    host = subprocess.Popen(
        [sys.executable, "-m", "calibrate", "room", "host", "--db", str(db),
         "--lessons", str(lessons), "--pack", "alpha", "--lesson", "basics",
         "--expect", str(bots), "--answer-time", "120", "--reveal-time", "1",
         "--auto-advance", "0.1"],
        stdout=subprocess.PIPE, stderr=host_log, text=True, env=ENV,
    )  # fmt: skip
    assert host.stdout is not None
    code = host.stdout.readline().strip()
    started = time.monotonic()
    share = [bots // workers + (i < bots % workers) for i in range(workers)]
    outs, procs, first = [], [], 1
    for i, count in enumerate(share):
        out = folder / f"worker-{i}.json"
        outs.append(out)
        procs.append(subprocess.Popen(
            [sys.executable, __file__, "--worker", code, str(first), str(count), str(out)],
            env=ENV, stderr=subprocess.PIPE, text=True,
        ))  # fmt: skip
        first += count
    cpu, peak = 0.0, 0
    bots_gone_at: float | None = None
    while host.poll() is None:
        try:
            cpu, peak = _proc_usage(host.pid)
        except (FileNotFoundError, ProcessLookupError, StopIteration):
            break
        now = time.monotonic()
        if bots_gone_at is None and all(p.poll() is not None for p in procs):
            bots_gone_at = now
        if now - started > 900 or (bots_gone_at is not None and now - bots_gone_at > 10):
            host.kill()  # every bot ended or gave up, and the room still runs: it broke
            break
        time.sleep(0.2)
    host.communicate()
    host_log.seek(0)
    host_err = "".join(line for line in host_log if line.startswith("calibrate room host:"))
    host_log.close()
    errors = [p.communicate()[1] for p in procs]
    elapsed = time.monotonic() - started
    received: dict[str, list] = {}
    for out in outs:
        if out.exists():
            received.update(json.loads(out.read_text()))
    with sqlite3.connect(db) as conn:
        answers = conn.execute("SELECT COUNT(*) FROM answers").fetchone()[0]
        locks = [_stamp(r[0]) for r in conn.execute(
            "SELECT at FROM events WHERE kind = 'room_locked' ORDER BY id")]  # fmt: skip
    per_case = []
    for index, locked_at in enumerate(locks):
        delays = []
        for frames in received.values():
            reveals = [at for at, kind in frames if kind == "reveal"]
            if len(reveals) > index:
                delays.append(reveals[index] - locked_at)
        per_case.append(delays)
    everyone = [d for delays in per_case for d in delays]
    q = statistics.quantiles(everyone, n=100) if len(everyone) > 1 else [0.0] * 99
    return {
        "bots": bots,
        "host_exit": host.returncode,
        "answers": f"{answers}/{2 * bots}",
        "reveals_held": f"{sum(len(d) for d in per_case)}/{2 * bots}",
        "lock_to_reveal_p50_ms": round(q[49] * 1000, 1),
        "lock_to_reveal_p99_ms": round(q[98] * 1000, 1),
        "lock_to_all_ms": [round(max(d) * 1000, 1) for d in per_case if d],
        "host_cpu_s": round(cpu, 2),
        "host_peak_rss_mb": round(peak / 2**20, 1),
        "wall_s": round(elapsed, 1),
        "errors": sorted({line for e in [host_err, *errors] for line in e.splitlines()})[:5],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bots", type=int, nargs="+", default=[200])
    parser.add_argument("--workers", type=int, default=4, help="bot processes (default 4)")
    parser.add_argument("--worker", nargs=4, metavar=("CODE", "FIRST", "COUNT", "OUT"))
    args = parser.parse_args()
    if args.worker:
        code, first, count, out = args.worker
        worker(code, int(first), int(count), Path(out))
        return
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for bots in args.bots:
        with tempfile.TemporaryDirectory(prefix="room-bench-") as folder:
            print(json.dumps(run(bots, args.workers, Path(folder))), flush=True)


if __name__ == "__main__":
    main()
