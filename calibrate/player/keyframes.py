"""Where a clip's keyframes are, so a paused seek can land on the frame asked (stepping.py).

Qt-free. libVLC 3 has no call that lists keyframes, and a paused seek lands exactly only on
one (measured on the H.264 test and demo clips: a seek to a keyframe's own time shows that
picture, any other time a stray reference picture; docs/performance.md, "Paused seeks").
FFmpeg's ffprobe (a Debian package, scripts/setup.sh) lists the container's packets without
decoding them (~30-60 ms for a 12 s clip, most of it the process start), in its own
process: PyAV did it in ~5 ms but loaded a second FFmpeg beside libVLC's, and its first
open on a worker thread while the GUI thread collected garbage crashed the process (seen 2
runs in 18 of the player tests). It runs from a worker thread started by load(), so a long
file never holds the GUI thread; a seek asked before it finished seeks the old, inexact
way. Without ffprobe, or for a file it cannot read, there is no index and seeks stay as
libVLC makes them.
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
import threading
from fractions import Fraction

# Codecs (FFmpeg's names) whose paused seeks go through the keyframe before (see above).
WALKED_CODECS = frozenset({"h264", "hevc"})
# How long a seek waits for the worker's answer before it seeks the inexact way.
READ_WAIT_S = 1.0
# ffprobe reads a clip's packets in ~30-60 ms; a file it hangs on (a pipe) is given up.
PROBE_TIMEOUT_S = 20.0
log = logging.getLogger(__name__)


def read_keyframes(path: str | os.PathLike[str], frame_ms: int) -> list[int]:
    """The start times (ms on the player's frame grid, 0 = the first frame) of the video
    track's keyframes, ascending; [] when ffprobe is missing, the file has no video track or
    its codec is not one of WALKED_CODECS. Raises on a file ffprobe cannot read."""
    ffprobe = shutil.which("ffprobe")
    if ffprobe is None:
        return []
    done = subprocess.run(
        [ffprobe, "-v", "error", "-select_streams", "v:0", "-of", "json",
         "-show_entries", "stream=codec_name,time_base:packet=pts,flags", os.fspath(path)],
        capture_output=True, check=True, timeout=PROBE_TIMEOUT_S, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    found = json.loads(done.stdout)
    streams = found.get("streams") or []
    if not streams or streams[0].get("codec_name") not in WALKED_CODECS:
        return []
    time_base = Fraction(streams[0]["time_base"])
    pts = [p["pts"] for p in found.get("packets", []) if isinstance(p.get("pts"), int)]
    keys = [
        p["pts"]
        for p in found.get("packets", [])
        if isinstance(p.get("pts"), int) and str(p.get("flags", "")).startswith("K")
    ]
    if not pts or not keys:
        return []
    first = min(pts)  # B-frames: the first packet in decode order is not always the first shown
    step = max(1, frame_ms)
    return sorted({round(float((key - first) * time_base) * 1000 / step) * step for key in keys})


class KeyframeIndex:
    """The keyframes of the loaded clip, read on a worker thread (see the module docstring)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._times: list[int] = []
        self._loads = 0  # which load() a worker's answer belongs to
        self._ready = threading.Event()  # set when the current load's answer is in

    def load(self, path: str | os.PathLike[str], frame_ms: int) -> None:
        """Start reading `path`'s keyframes; earlier answers are dropped."""
        with self._lock:
            self._loads += 1
            self._times = []
            self._ready = threading.Event()
            load = self._loads
        worker = threading.Thread(
            target=self._read, args=(load, os.fspath(path), frame_ms), daemon=True
        )
        worker.start()

    def clear(self) -> None:
        """No clip loaded: no keyframes (a worker still reading is ignored)."""
        with self._lock:
            self._loads += 1
            self._times = []
            self._ready = threading.Event()
            self._ready.set()

    def at_or_before(self, ms: int) -> int | None:
        """The last keyframe starting at or before ms (None: unknown). Waits for the worker
        up to READ_WAIT_S: a seek right after load() (a return from the guidance) comes
        before it is done on a busy machine."""
        with self._lock:
            ready = self._ready
        ready.wait(READ_WAIT_S)
        with self._lock:
            times = self._times
        index = bisect.bisect_right(times, ms)
        return times[index - 1] if index else None

    def _read(self, load: int, path: str, frame_ms: int) -> None:
        try:
            times = read_keyframes(path, frame_ms)
        except Exception as exc:  # a hostile or odd file: seeks stay inexact, nothing breaks
            log.info("keyframes not read (%s): %s", type(exc).__name__, path)
            times = []
        with self._lock:
            if load == self._loads:
                self._times = times
                self._ready.set()
