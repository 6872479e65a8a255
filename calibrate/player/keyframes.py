"""Where a clip's keyframes are, so a paused seek can land on the frame asked (stepping.py).

Qt-free. libVLC 3 has no call that lists keyframes, and a paused seek lands exactly only on
one (measured on the H.264 test and demo clips: a seek to a keyframe's own time shows that
picture, any other time a stray reference picture; docs/performance.md, "Paused seeks").
FFmpeg's ffprobe (a Debian package, scripts/setup.sh) lists the container's packets without
decoding them (~30-60 ms for a 12 s clip, most of it the process start), in its own
process (PyAV did it in ~5 ms, in ours, on a worker thread: see KeyframeIndex for why no
longer). load() starts it and does not wait, so a long file never holds the GUI thread;
the first paused seek collects its answer, waiting at most READ_WAIT_S in all, then seeks
the old, inexact way. Without ffprobe, or for a file it cannot read, there is no index and
seeks stay as libVLC makes them.
Only for H.264 and H.265 (B-frames, the stray pictures): a paused VP9 seek lands on the
frame asked (mostly, see docs/performance.md) and next_frame() after its last keyframe
brought no picture at all in the VP9 test clip.
"""

from __future__ import annotations

import bisect
import json
import logging
import os
import shutil
import subprocess
import time
from fractions import Fraction

# Codecs (FFmpeg's names) whose paused seeks go through the keyframe before (see above).
WALKED_CODECS = frozenset({"h264", "hevc"})
# How long seeks wait in all for ffprobe's answer before they seek the inexact way.
READ_WAIT_S = 1.0
# ffprobe reads a clip's packets in ~30-60 ms; a file it hangs on (a pipe) is given up.
PROBE_TIMEOUT_S = 20.0
log = logging.getLogger(__name__)


def probe_command(ffprobe: str, path: str | os.PathLike[str]) -> list[str]:
    """ffprobe listing the first video track's codec, time base and packets, as JSON."""
    return [
        ffprobe, "-v", "error", "-select_streams", "v:0", "-of", "json",
        "-show_entries", "stream=codec_name,time_base:packet=pts,flags", os.fspath(path),
    ]  # fmt: skip


def keyframes_from_probe(output: bytes, frame_ms: int) -> list[int]:
    """The keyframes' start times (ms on the player's frame grid, 0 = the first frame),
    ascending, from probe_command's output; [] without a video track or for a codec not in
    WALKED_CODECS. Raises ValueError (or KeyError, TypeError) on output that is not ffprobe's."""
    found = json.loads(output)
    streams = found.get("streams") or []
    if not streams or streams[0].get("codec_name") not in WALKED_CODECS:
        return []
    time_base = Fraction(streams[0]["time_base"])
    packets = [p for p in found.get("packets", []) if isinstance(p.get("pts"), int)]
    keys = [p["pts"] for p in packets if str(p.get("flags", "")).startswith("K")]
    if not keys:
        return []
    first = min(p["pts"] for p in packets)  # B-frames: decode order is not display order
    step = max(1, frame_ms)
    return sorted({round(float((key - first) * time_base) * 1000 / step) * step for key in keys})


def read_keyframes(path: str | os.PathLike[str], frame_ms: int) -> list[int]:
    """keyframes_from_probe for `path`, waiting for ffprobe; [] when it is missing."""
    ffprobe = shutil.which("ffprobe")
    if ffprobe is None:
        return []
    done = subprocess.run(
        probe_command(ffprobe, path),
        capture_output=True, check=True, timeout=PROBE_TIMEOUT_S, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    return keyframes_from_probe(done.stdout, frame_ms)


class KeyframeIndex:
    """The keyframes of the loaded clip: ffprobe started by load(), its answer collected by
    the first seek that needs it (see the module docstring). No Python thread: a worker
    thread running while the GUI thread collected garbage crashed the process (3 times in
    ~30 runs of the player tests, whatever the worker ran: an import, PyAV, shutil.which)."""

    def __init__(self) -> None:
        self._times: list[int] = []
        self._probe: subprocess.Popen[bytes] | None = None
        self._frame_ms = 40
        self._waited = 0.0  # seconds seeks have waited for the current probe

    def load(self, path: str | os.PathLike[str], frame_ms: int) -> None:
        """Start reading `path`'s keyframes (ffprobe in its own process); earlier answers
        are dropped."""
        self.clear()
        ffprobe = shutil.which("ffprobe")
        if ffprobe is None:
            return
        try:
            self._probe = subprocess.Popen(
                probe_command(ffprobe, path),
                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            )  # fmt: skip
        except OSError as exc:
            log.info("keyframes not read (%s): %s", exc, path)
        self._frame_ms, self._waited = frame_ms, 0.0

    def clear(self) -> None:
        """No clip loaded: no keyframes; a probe still running is stopped."""
        probe, self._probe, self._times = self._probe, None, []
        if probe is not None:
            probe.kill()
            probe.communicate()  # reaped: no zombie left behind

    def at_or_before(self, ms: int) -> int | None:
        """The last keyframe starting at or before ms (None: unknown). A seek right after
        load() (a return from the guidance) can come before ffprobe is done on a busy
        machine: seeks wait for it up to READ_WAIT_S in all, then go the inexact way."""
        self._collect()
        index = bisect.bisect_right(self._times, ms)
        return self._times[index - 1] if index else None

    def _collect(self) -> None:
        probe = self._probe
        if probe is None:
            return
        began = time.monotonic()
        try:
            output, _ = probe.communicate(timeout=max(0.0, READ_WAIT_S - self._waited))
        except subprocess.TimeoutExpired:  # asked again by the next seek, output kept
            self._waited += time.monotonic() - began
            return
        self._probe = None
        if probe.returncode != 0:
            return  # a file ffprobe cannot read: seeks stay as libVLC makes them
        try:
            self._times = keyframes_from_probe(output, self._frame_ms)
        except (ValueError, KeyError, TypeError, ZeroDivisionError) as exc:
            log.info("keyframes not read (%s)", type(exc).__name__)
