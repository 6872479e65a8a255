"""Where a clip's keyframes are, so a paused seek can land on the frame asked (stepping.py).

Qt-free. libVLC 3 has no call that lists keyframes, and a paused seek lands exactly only on
one (measured on the H.264 test and demo clips: a seek to a keyframe's own time shows that
picture, any other time a stray reference picture; docs/performance.md, "Paused seeks").
PyAV reads the container's packets without decoding them (~2-5 ms for a 12 s clip, the
file read once); that runs on a worker thread from load(), so a long file never holds the
GUI thread, and a seek asked before it finished seeks the old, inexact way. Without PyAV,
or for a file it cannot read, there is no index and seeks stay as libVLC makes them.
Only for H.264 and H.265 (B-frames, the stray pictures): a paused VP9 seek lands on the
frame asked (mostly, see docs/performance.md) and next_frame() after its last keyframe
brought no picture at all in the VP9 test clip.
"""

from __future__ import annotations

import bisect
import logging
import os
import threading

# Codecs (FFmpeg's names) whose paused seeks go through the keyframe before (see above).
WALKED_CODECS = frozenset({"h264", "hevc"})
# How long a seek waits for the worker's answer before it seeks the inexact way.
READ_WAIT_S = 1.0
log = logging.getLogger(__name__)


def read_keyframes(path: str | os.PathLike[str], frame_ms: int) -> list[int]:
    """The start times (ms on the player's frame grid, 0 = the first frame) of the video
    track's keyframes, ascending; [] when PyAV is missing, the file has no video track or
    its codec is not one of WALKED_CODECS."""
    try:
        import av  # lazily: only paused seeks need it, and it loads FFmpeg's libraries
    except ImportError:
        return []
    pts: list[int] = []
    keys: list[int] = []
    with av.open(os.fspath(path)) as container:
        if not container.streams.video:
            return []
        stream = container.streams.video[0]
        if stream.codec_context.name not in WALKED_CODECS:
            return []
        time_base = stream.time_base
        for packet in container.demux(stream):
            if packet.pts is None:
                continue
            pts.append(packet.pts)
            if packet.is_keyframe:
                keys.append(packet.pts)
    if not pts or time_base is None:
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
        before it is done on a busy machine, and PyAV's first import takes ~0.2 s."""
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
