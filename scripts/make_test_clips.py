"""Generate the short synthetic clips in tests/media/ (needs ffmpeg; the output is committed).

Run: python scripts/make_test_clips.py [--out tests/media]

Clips (all synthetic, no real content):
- clip_640x360.mp4   3 s, 25 fps, H.264/AAC, keyframe every second, +faststart
- clip_320x180.webm  3 s, 25 fps, VP9/Opus
- audio_only.mp4     3 s AAC in an mp4 container: a "video" with no picture
- truncated.mp4      the first 60 % of clip_640x360.mp4 (moov is in front, so it starts
                     playing and then runs out of data, like an interrupted copy)
Zero-byte and random-bytes files are made by the tests in tmp_path.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
SECONDS = 3
FPS = 25
# Side of one frame-number box in pixels; tests/test_player.py reads the bits with the same sizes.
BOX_640 = 16
BOX_320 = 8
# Keep 60 % of the bytes: libVLC shows some frames, then reaches the end ~2 s early.
TRUNCATE_AT = 0.6


def _frame_bits(height: int, box: int) -> str:
    """Frame number as 8 white/black boxes (bit 0 leftmost) so tests can read it from pixels."""
    step = box + box // 4
    parts = [
        f"drawbox=x=0:y={height - box - 2 * (box // 4)}:w={8 * step + box // 4}:"
        f"h={box + 2 * (box // 4)}:color=black:t=fill"
    ]
    for bit in range(8):
        parts.append(
            f"drawbox=x={box // 4 + bit * step}:y={height - box - box // 4}:w={box}:h={box}:"
            rf"color=white:t=fill:enable='eq(mod(floor(n/{2**bit})\,2)\,1)'"
        )
    return ",".join(parts)


def _drawtext(label: str, size: int) -> str:
    """Scene text plus a running timestamp and frame number, so a frame says where it is."""
    font = f"fontfile={FONT}:" if Path(FONT).exists() else ""
    return (
        f"drawtext={font}text='{label}':fontsize={size}:fontcolor=white:box=1:"
        f"boxcolor=black@0.6:boxborderw=6:x=(w-text_w)/2:y=h*0.08,"
        f"drawtext={font}text='%{{pts\\:hms}}  frame %{{n}}':fontsize={size}:fontcolor=white:"
        f"box=1:boxcolor=black@0.6:boxborderw=6:x=(w-text_w)/2:y=h*0.80"
    )


def _run(args: list[str]) -> None:
    """Run ffmpeg quietly; show its output only when it fails."""
    done = subprocess.run(["ffmpeg", "-hide_banner", "-y", *args], capture_output=True, text=True)
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"ffmpeg failed for {args[-1]}")


def make_clips(out: Path) -> list[Path]:
    """Write every clip into out and return their paths."""
    out.mkdir(parents=True, exist_ok=True)
    mp4 = out / "clip_640x360.mp4"
    _run(
        [
            "-f",
            "lavfi",
            "-i",
            f"testsrc2=size=640x360:rate={FPS}:duration={SECONDS}",
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency=440:sample_rate=44100:duration={SECONDS}",
            "-vf",
            _drawtext("Calibrate test clip - mp4", 22) + "," + _frame_bits(360, BOX_640),
            "-c:v",
            "libx264",
            "-preset",
            "veryfast",
            "-crf",
            "32",
            "-pix_fmt",
            "yuv420p",
            # A keyframe each second keeps seeks and the backward frame step cheap.
            "-g",
            str(FPS),
            "-c:a",
            "aac",
            "-b:a",
            "48k",
            "-ac",
            "1",
            "-movflags",
            "+faststart",
            "-shortest",
            str(mp4),
        ]
    )
    webm = out / "clip_320x180.webm"
    _run(
        [
            "-f",
            "lavfi",
            "-i",
            f"testsrc2=size=320x180:rate={FPS}:duration={SECONDS}",
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency=660:sample_rate=48000:duration={SECONDS}",
            "-vf",
            _drawtext("Calibrate test clip - webm", 14) + "," + _frame_bits(180, BOX_320),
            "-c:v",
            "libvpx-vp9",
            "-b:v",
            "150k",
            "-deadline",
            "realtime",
            "-cpu-used",
            "8",
            "-g",
            str(FPS),
            "-c:a",
            "libopus",
            "-b:a",
            "32k",
            "-ac",
            "1",
            "-shortest",
            str(webm),
        ]
    )
    audio = out / "audio_only.mp4"
    _run(
        [
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency=330:sample_rate=44100:duration={SECONDS}",
            "-c:a",
            "aac",
            "-b:a",
            "32k",
            "-ac",
            "1",
            "-movflags",
            "+faststart",
            str(audio),
        ]
    )
    truncated = out / "truncated.mp4"
    data = mp4.read_bytes()
    truncated.write_bytes(data[: int(len(data) * TRUNCATE_AT)])
    return [mp4, webm, audio, truncated]


def main() -> None:
    """Command-line entry: build the clips and print their sizes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO_ROOT / "tests" / "media")
    args = parser.parse_args()
    if shutil.which("ffmpeg") is None:
        raise SystemExit("ffmpeg is not installed (apt-get install ffmpeg)")
    paths = make_clips(args.out)
    total = 0
    for path in paths:
        size = path.stat().st_size
        total += size
        print(
            f"{path.relative_to(REPO_ROOT) if path.is_relative_to(REPO_ROOT) else path}"
            f"  {size / 1024:.0f} KB"
        )
    print(f"total {total / 1024:.0f} KB")


if __name__ == "__main__":
    main()
