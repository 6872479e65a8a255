"""libVLC plumbing without Qt: can we play at all, can this file decode.

Holds the app's one vlc.Instance and media probing; frames.FrameSink is the buffer libVLC
decodes into and vlc_player.VideoPlayer the Qt face built on these.

libVLC may be missing (python-vlc then fails at import, and even calls sys.exit when
PYTHON_VLC_LIB_PATH points nowhere), a case file may be missing, empty, not a video or
audio only. Everything here turns those into one sentence a moderator can read.
"""

from __future__ import annotations

import ctypes
import logging
import os
import stat
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

# Frames larger than this are scaled down by libVLC: the case view is never bigger, and
# every frame is copied twice on its way to the screen.
MAX_FRAME_WIDTH = 1280
MAX_FRAME_HEIGHT = 720
PARSE_TIMEOUT_MS = 1500
UNDECODABLE = "The video could not be decoded"

DUMMY_AUDIO_ENV = "CALIBRATE_DUMMY_AUDIO"
log = logging.getLogger(__name__)
ALSA_CARDS = Path("/proc/asound/cards")
SOUND_SERVER_SOCKETS = ("pulse/native", "pipewire-0")  # under $XDG_RUNTIME_DIR

_vlc: ModuleType | None = None
_instance: Any = None
_vlc_error: str | None = None
_vlc_tried = False


def vlc_module() -> ModuleType | None:
    """The python-vlc module if libVLC loads, else None (see libvlc_error for why)."""
    global _vlc, _vlc_error, _vlc_tried
    if not _vlc_tried:
        _vlc_tried = True
        try:
            import vlc  # lazily, so a missing libVLC is survivable

            vlc.libvlc_get_version()
            _vlc = vlc
        except (Exception, SystemExit) as exc:  # SystemExit: python-vlc's find_lib exits
            _vlc_error = (
                "Video playback is unavailable: libVLC could not be loaded "
                f"({type(exc).__name__}: {exc}). Install the libvlc5 and vlc-plugin-base "
                "packages."
            )
    return _vlc


def libvlc_error() -> str | None:
    """None when libVLC is usable, else a sentence saying what is missing."""
    vlc_module()
    return _vlc_error


def libvlc_version() -> str:
    """libVLC's version string, or "" when it is not available."""
    vlc = vlc_module()
    return vlc.libvlc_get_version().decode("utf-8", "replace") if vlc else ""


def sound_output_found() -> bool:
    """False on a Linux machine with neither a sound server nor a sound card (a server or a
    virtual screen): there, libVLC's ALSA output prints an error line many times a second
    while a clip plays. Elsewhere, True."""
    if not sys.platform.startswith("linux"):
        return True
    if os.environ.get("PULSE_SERVER") or os.environ.get("PIPEWIRE_REMOTE"):
        return True  # a sound server named outright (containers, remote sessions)
    runtime = os.environ.get("XDG_RUNTIME_DIR") or f"/run/user/{os.getuid()}"  # unset: sudo
    if any((Path(runtime) / name).exists() for name in SOUND_SERVER_SOCKETS):
        return True
    try:
        cards = ALSA_CARDS.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return "no soundcards" not in cards and bool(cards.strip())


def instance_args(dummy_audio: bool | None = None) -> list[str]:
    """libVLC options for a desktop app; dummy audio when asked, when
    CALIBRATE_DUMMY_AUDIO=1, or when the machine has no sound output at all."""
    if dummy_audio is None:
        asked = os.environ.get(DUMMY_AUDIO_ENV)  # "1": always, "0": never
        dummy_audio = asked == "1" or (asked != "0" and not sound_output_found())
        if dummy_audio and asked != "1":
            log.info(
                "no sound card or sound server found: clips play silently "
                "(%s=0 to try the sound output anyway)",
                DUMMY_AUDIO_ENV,
            )
    args = ["--quiet", "--no-video-title-show", "--no-xlib"]
    if dummy_audio:
        # Keeps the audio clock (rate and end behave) without a sound device.
        args.append("--aout=dummy")
    return args


def shared_instance(dummy_audio: bool | None = None) -> Any:
    """The app's one vlc.Instance, created on first use (None when libVLC is missing).

    The first call decides the options; later calls return the same instance.
    """
    global _instance
    vlc = vlc_module()
    if vlc is None:
        return None
    if _instance is None:
        _instance = vlc.Instance(instance_args(dummy_audio))
    return _instance


def release_instance() -> None:
    """Release the shared instance; players must be shut down first (vlc_player does so)."""
    global _instance
    if _instance is not None:
        _instance.release()
        _instance = None


def file_problem(path: str | os.PathLike[str]) -> str | None:
    """A reason this path cannot be a playable file (missing, folder, empty, unreadable)."""
    p = Path(path)
    if not p.exists():
        return f"The video file is missing: {p}"
    if p.is_dir():
        return f"The video path is a folder, not a file: {p}"
    try:
        status = p.stat()
        if not stat.S_ISREG(status.st_mode):  # a FIFO would block the open below forever
            return f"The video path is not a regular file (a pipe or device): {p}"
        size = status.st_size
        with p.open("rb") as handle:
            handle.read(1)
    except OSError as exc:
        return f"The video file cannot be read: {p} ({exc.strerror or exc})"
    if size == 0:
        return f"The video file is empty (0 bytes): {p}"
    return None


@dataclass(frozen=True)
class MediaInfo:
    """What parsing found: the frame size to ask libVLC for, length, frame rate, or a reason."""

    path: str
    reason: str | None = None
    duration_ms: int = 0
    width: int = 0
    height: int = 0
    fps: float = 0.0
    has_audio: bool = False

    @property
    def ok(self) -> bool:
        """True when the file has a video track we can ask frames of."""
        return self.reason is None

    @property
    def frame_ms(self) -> int:
        """Duration of one frame in ms (40 when the rate is unknown)."""
        return max(1, round(1000 / self.fps)) if self.fps > 0 else 40


def frame_size(width: int, height: int, sar_num: int, sar_den: int) -> tuple[int, int]:
    """Square-pixel frame size for a track, capped to MAX_FRAME_*; both sides even."""
    if sar_num > 0 and sar_den > 0 and sar_num != sar_den:
        width = round(width * sar_num / sar_den)
    scale = min(1.0, MAX_FRAME_WIDTH / max(width, 1), MAX_FRAME_HEIGHT / max(height, 1))
    w = max(2, int(width * scale) // 2 * 2)
    h = max(2, int(height * scale) // 2 * 2)
    return w, h


def _read_tracks(vlc: ModuleType, media: Any) -> list[dict[str, Any]]:
    """Track type and video geometry, read around two python-vlc traps (see STACK.md)."""
    track_pp = ctypes.POINTER(vlc.MediaTrack)()
    count = vlc.libvlc_media_tracks_get(media, ctypes.byref(track_pp))
    if count <= 0:
        return []
    # python-vlc types the array as MediaTrack* though it is MediaTrack**: cast it back.
    array = ctypes.cast(track_pp, ctypes.POINTER(ctypes.POINTER(vlc.MediaTrack)))
    tracks: list[dict[str, Any]] = []
    try:
        for i in range(count):
            track = array[i].contents
            info: dict[str, Any] = {"type": int(track.type.value)}
            if track.type == vlc.TrackType.video:
                # python-vlc lays the C union out as three fields; the first one is the
                # union's address, so cast `audio` (track.video.contents would segfault).
                video = ctypes.cast(track.audio, ctypes.POINTER(vlc.VideoTrack)).contents
                info.update(
                    width=video.width,
                    height=video.height,
                    sar_num=video.sar_num,
                    sar_den=video.sar_den,
                    fps_num=video.frame_rate_num,
                    fps_den=video.frame_rate_den,
                )
            tracks.append(info)
    finally:
        # Passing track_pp itself would hand libVLC its address (ctypes byref) - a bus error.
        vlc.libvlc_media_tracks_release(array, count)
    return tracks


def probe_media(instance: Any, path: str | os.PathLike[str]) -> tuple[MediaInfo, Any]:
    """Parse a local file (a few ms) and return what it holds plus the parsed vlc.Media.

    The media is None when the file is unusable (MediaInfo.reason says why); otherwise the
    caller owns one reference to it and must release() it.
    """
    vlc = vlc_module()
    name = str(path)
    if vlc is None:
        return MediaInfo(name, reason=libvlc_error()), None
    problem = file_problem(path)
    if problem:
        return MediaInfo(name, reason=problem), None
    media = instance.media_new_path(name)
    media.parse_with_options(vlc.MediaParseFlag.local, PARSE_TIMEOUT_MS)
    deadline = time.monotonic() + PARSE_TIMEOUT_MS / 1000 + 0.5
    while media.get_parsed_status().value == 0 and time.monotonic() < deadline:
        time.sleep(0.0005)
    if media.get_parsed_status() != vlc.MediaParsedStatus.done:
        media.release()
        return MediaInfo(name, reason=f"{UNDECODABLE}: {Path(name).name}"), None
    tracks = _read_tracks(vlc, media)
    videos = [t for t in tracks if t["type"] == vlc.TrackType.video.value and t.get("width")]
    has_audio = any(t["type"] == vlc.TrackType.audio.value for t in tracks)
    if not videos:
        if has_audio:
            reason = f"The file has sound but no picture (audio only): {Path(name).name}"
        else:
            reason = f"{UNDECODABLE}: {Path(name).name}"
        media.release()
        return MediaInfo(name, reason=reason, has_audio=has_audio), None
    video = videos[0]
    width, height = frame_size(video["width"], video["height"], video["sar_num"], video["sar_den"])
    fps = video["fps_num"] / video["fps_den"] if video["fps_den"] else 0.0
    info = MediaInfo(
        name,
        duration_ms=max(0, media.get_duration()),
        width=width,
        height=height,
        fps=fps,
        has_audio=has_audio,
    )
    return info, media


def decode_problem(path: str | os.PathLike[str]) -> str | None:
    """Why libVLC cannot play this file (one sentence), or None when it decodes a picture:
    the check the trainer's editor makes before a chosen clip is copied into a pack."""
    instance = shared_instance()
    if instance is None:
        return libvlc_error()
    info, media = probe_media(instance, path)
    if media is not None:
        media.release()
    return info.reason
