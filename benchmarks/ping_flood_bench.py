"""A client flooding a live-room host with WebSocket pings (issue 16): what does it cost the
host (peak RSS above its start, CPU seconds), is the flooder dropped, and does a participant
still go through the lesson, in how long?

Qt answers every ping with a pong by itself. Four flooders, one at a time, each against a
fresh real `calibrate room host` (a 3-case lesson, `--expect 1`, answer time 1 s) while one
real bot (`calibrate room bots`, answer delay 0.3 s) takes the lesson: pings of 125 bytes (the
most a control frame carries) or empty, their pongs read by the flooder or never read. A
flooder sends for at most --seconds, through TLS on 127.0.0.1, never joining the room (so
the lesson's pace is the bot's). "none" is the bot alone.

Run: PYTHONPATH=. .venv/bin/python benchmarks/ping_flood_bench.py [--seconds 8]
"""

from __future__ import annotations

import argparse
import json
import os
import select
import socket
import ssl
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}
CLK = os.sysconf("SC_CLK_TCK")


def flooder(port: int, payload: int, reads: bool, seconds: float) -> None:
    """Pings as fast as TCP takes them (whole frames only); reads the pongs if `reads`.
    Prints one JSON line: MB sent, MB read, and how it ended (the host also cuts every
    connection off when the lesson ends)."""
    from raw_websocket import RawWebSocket

    ws = RawWebSocket(port)
    if not reads:
        ws.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    burst = memoryview(RawWebSocket.frame(b"p" * payload, opcode=9) * (16384 // (payload + 6)))
    ws.sock.setblocking(False)
    sent = got = at = 0  # `at`: how much of the current burst went out
    start = time.monotonic()
    end, ended = start + seconds, "still connected"
    try:
        while time.monotonic() < end:
            readable, writable, _ = select.select([ws.sock] if reads else [], [ws.sock], [], 1)
            while readable:
                try:
                    chunk = ws.sock.recv(1 << 20)
                except (ssl.SSLWantReadError, BlockingIOError):
                    break
                if not chunk:
                    raise ConnectionResetError("closed")
                got += len(chunk)
            if writable:
                try:
                    n = ws.sock.send(burst[at:])
                except (ssl.SSLWantWriteError, BlockingIOError):
                    continue
                sent, at = sent + n, (at + n) % len(burst)
    except (OSError, ssl.SSLError):
        ended = f"cut off by the host after {time.monotonic() - start:.1f} s"
    print(json.dumps({"sent_mb": round(sent / 1e6), "read_mb": round(got / 1e6), "ended": ended}))


def _usage(pid: int) -> tuple[float, float]:
    """CPU seconds and peak RSS (MB) of a live process."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    status = Path(f"/proc/{pid}/status").read_text()
    peak = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmHWM"))
    return (int(fields[11]) + int(fields[12])) / CLK, peak / 1024


def run(kind: str, seconds: float, folder: Path) -> dict:
    from room_processes import FAST, Host, finish, room_lessons, start_bots

    from calibrate.core.live.join_code import decode_join_code

    lessons = room_lessons(folder)
    host = Host(folder / "host.db", lessons, "--expect", "1", "--answer-time", "1", *FAST)
    time.sleep(0.3)
    cpu0, base = _usage(host.proc.pid)
    started = time.monotonic()
    bot = start_bots(host.code, "--count", "1", "--answer-delay", "0.3")
    flood = None
    if kind != "none":
        payload, reads = kind.split("/")
        port = str(decode_join_code(host.code).port)
        flood = subprocess.Popen(
            [sys.executable, __file__, "--flooder", port, payload, reads, str(seconds)],
            stdout=subprocess.PIPE, text=True, env=ENV,
        )  # fmt: skip
    cpu, peak, lesson = cpu0, base, 0.0
    while bot.poll() is None or (flood is not None and flood.poll() is None):
        if bot.poll() is not None and not lesson:
            lesson = time.monotonic() - started
        try:
            cpu, peak = _usage(host.proc.pid)
        except (FileNotFoundError, StopIteration):
            break
        time.sleep(0.05)
    lesson = lesson or time.monotonic() - started
    status, summary = finish(bot)
    result = {
        "flooder": kind,
        "bot": f"exit {status}: {summary.strip()}",
        "lesson_s": round(lesson, 1),
        "host_peak_growth_mb": round(peak - base),
        "host_cpu_s": round(cpu - cpu0, 1),
    }
    if flood is not None:
        result.update(json.loads(flood.communicate()[0]))
    host.wait()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="flood for at most this")
    parser.add_argument("--flooder", nargs=4, metavar=("PORT", "PAYLOAD", "READS", "SECONDS"))
    args = parser.parse_args()
    if args.flooder:
        port, payload, reads, seconds = args.flooder
        flooder(int(port), int(payload), reads == "reads", float(seconds))
        return
    for kind in ("none", "125/never-reads", "0/never-reads", "125/reads", "0/reads"):
        with tempfile.TemporaryDirectory() as folder:
            print(json.dumps(run(kind, args.seconds, Path(folder))), flush=True)


if __name__ == "__main__":
    main()
