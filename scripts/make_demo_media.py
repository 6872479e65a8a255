"""Render the demo packs' clips: scene descriptions in words on a plain background.

The bundled lessons must never hold real harmful media (DOMAIN.md, "Demo content"), so every
clip is synthetic: an ffmpeg `color` source, the case's cues drawn as timed text ("0:04 — the
knife slips..."), its moments as a band while they are in view, a running timestamp, the case
id, and a quiet `sine` tone. The cases are the source of truth: change a cue, re-run this.

    python scripts/make_demo_media.py                  # every case of every pack
    python scripts/make_demo_media.py harassment       # one pack
    python scripts/make_demo_media.py gr-kitchen-cut   # one case

Needs ffmpeg (with libx264, libvpx-vp9, libopus) and fonts-dejavu-core; users of the app do
not, because the rendered clips are committed under assets/.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import textwrap
import tomllib
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))  # run from a checkout without installing

from calibrate.core.lesson_schema import CaseSpec  # noqa: E402

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
FONT_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
FONT_MONO = Path("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf")

WIDTH, HEIGHT, FPS = 640, 360, 25
TAIL_SECONDS = 2.0  # the clip runs this long past its last cue or moment end
MIN_SECONDS, MAX_SECONDS = 6.0, 12.0


@dataclass(frozen=True)
class PackStyle:
    background: str  # ffmpeg colour of the whole frame
    accent: str  # the progress bar
    tone_hz: int  # the quiet sine track


# A distinct look per pack, so a trainer can tell the packs apart at a glance.
STYLES = {
    "graphic-content": PackStyle("0x3b1d26", "0xff8a80", 220),
    "harassment": PackStyle("0x1c2b4d", "0x82b1ff", 262),
    "regulated-goods": PackStyle("0x173d2f", "0x69f0ae", 294),
}
DEFAULT_STYLE = PackStyle("0x2b2b2b", "0xe0e0e0", 330)


def clock(seconds: float) -> str:
    """'0:04' or '0:04.5', the way the case files write times."""
    minutes, rest = divmod(seconds, 60)
    text = f"{int(minutes)}:{rest:04.1f}"
    return text[:-2] if text.endswith(".0") else text


def clip_duration(case: CaseSpec) -> float:
    """Length of the case's clip: its last cue or moment end plus a short tail."""
    times = [float(c.at) for c in case.cues] + [float(m.end) for m in case.moments]
    duration = max(MIN_SECONDS, max(times, default=0.0) + TAIL_SECONDS)
    if duration > MAX_SECONDS:
        raise ValueError(
            f"{case.id}: cues run to {clock(duration - TAIL_SECONDS)}; "
            f"demo clips stay under {clock(MAX_SECONDS)}"
        )
    return duration


def load_case(path: Path) -> CaseSpec:
    with path.open("rb") as handle:
        return CaseSpec.model_validate(tomllib.load(handle))


def _filter_path(path: Path) -> str:
    """A path as a filter-graph option value (the graph is parsed twice, so quoting is fragile)."""
    text = str(path)
    if any(char in text for char in "'\\:,;[]="):
        raise ValueError(f"{text}: ffmpeg filter paths may not contain ' \\ : , ; [ ] =")
    return text


def _text_layer(
    text_file: Path,
    *,
    font: Path,
    size: int,
    x: str,
    y: str,
    colour: str,
    start: float | None = None,
    end: float | None = None,
) -> str:
    """A drawtext filter that reads its words from a file, so no text needs escaping."""
    options = [
        f"fontfile={_filter_path(font)}",
        f"textfile={_filter_path(text_file)}",
        "expansion=none",
        f"fontsize={size}",
        f"fontcolor={colour}",
        "line_spacing=8",
        f"x={x}",
        f"y={y}",
    ]
    if start is not None and end is not None:
        options.append(f"enable='gte(t,{start:.3f})*lt(t,{end:.3f})'")
    return "drawtext=" + ":".join(options)


def _filter_graph(
    pack_id: str, case: CaseSpec, duration: float, style: PackStyle, workdir: Path
) -> str:
    def text_file(name: str, text: str) -> Path:
        path = workdir / name
        path.write_text(text, encoding="utf-8")
        return path

    layers = [
        "drawbox=x=0:y=0:w=iw:h=40:color=black@0.35:t=fill",
        _text_layer(
            text_file("header.txt", f"{pack_id} / {case.id}"),
            font=FONT,
            size=15,
            x="16",
            y="13",
            colour="white@0.85",
        ),
        # The one expanded text: the running timestamp.
        f"drawtext=fontfile={_filter_path(FONT_MONO)}:text='%{{pts\\:hms}}':fontsize=15:"
        "fontcolor=white@0.85:x=w-tw-16:y=13",
        _text_layer(
            text_file(
                "footer.txt",
                "Calibrate demo clip: a synthetic stand-in that "
                "describes the scene in words. No real footage.",
            ),
            font=FONT,
            size=12,
            x="16",
            y="h-26",
            colour="white@0.55",
        ),
    ]
    cue_times = [float(c.at) for c in case.cues] + [duration]
    for index, cue in enumerate(case.cues):
        start, end = cue_times[index], cue_times[index + 1]
        words = "\n".join(textwrap.wrap(f"{clock(start)} — {cue.text}", width=42))
        layers.append(
            _text_layer(
                text_file(f"cue{index}.txt", words),
                font=FONT,
                size=23,
                x="32",
                y="66",
                colour="white",
                start=start,
                end=end,
            )
        )
    for index, moment in enumerate(case.moments):
        start, end = float(moment.start), float(moment.end)
        label = f"IN VIEW {clock(start)}–{clock(end)}" + (
            f" · {moment.label}" if moment.label else ""
        )
        enable = f"enable='gte(t,{start:.3f})*lt(t,{end:.3f})'"
        layers.append(f"drawbox=x=0:y=268:w=iw:h=52:color=black@0.45:t=fill:{enable}")
        layers.append(f"drawbox=x=0:y=268:w=6:h=52:color={style.accent}:t=fill:{enable}")
        layers.append(
            _text_layer(
                text_file(f"moment{index}.txt", "\n".join(textwrap.wrap(label, width=58))),
                font=FONT_BOLD,
                size=16,
                x="22",
                y="276",
                colour="white",
                start=start,
                end=end,
            )
        )
    progress = f"[base][1:v]overlay=x='-w+w*t/{duration:.3f}':y=H-h:eval=frame:shortest=1"
    return f"[0:v]{','.join(layers)}[base];{progress}[v];[2:a]volume=0.04[a]"


def _check_moments(case: CaseSpec) -> None:
    spans = sorted((float(m.start), float(m.end)) for m in case.moments)
    for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
        if start < end:
            raise ValueError(f"{case.id}: moments overlap; the clip shows one band at a time")


def render_case(pack_id: str, case: CaseSpec, out: Path) -> float:
    """Write the case's clip to `out` (.mp4 H.264/AAC or .webm VP9/Opus); return its length."""
    _check_moments(case)
    duration = clip_duration(case)
    style = STYLES.get(pack_id, DEFAULT_STYLE)
    if out.suffix == ".mp4":
        codecs = [
            "-c:v",
            "libx264",
            "-crf",
            "30",
            "-preset",
            "veryfast",
            "-g",
            str(FPS),
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "aac",
            "-b:a",
            "32k",
            "-movflags",
            "+faststart",
        ]
    elif out.suffix == ".webm":
        codecs = [
            "-c:v",
            "libvpx-vp9",
            "-crf",
            "40",
            "-b:v",
            "0",
            "-deadline",
            "good",
            "-cpu-used",
            "4",
            "-row-mt",
            "1",
            "-g",
            str(FPS),
            "-pix_fmt",
            "yuv420p",
            "-c:a",
            "libopus",
            "-b:a",
            "24k",
        ]
    else:
        raise ValueError(f"{case.id}: video must end in .mp4 or .webm, not {out.suffix!r}")
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="calibrate-media-") as tmp:
        graph = _filter_graph(pack_id, case, duration, style, Path(tmp))
        command = [
            "ffmpeg",
            "-hide_banner",
            "-loglevel",
            "error",
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"color=c={style.background}:s={WIDTH}x{HEIGHT}:r={FPS}:d={duration:.3f}",
            "-f",
            "lavfi",
            "-i",
            f"color=c={style.accent}:s={WIDTH}x4:r={FPS}:d={duration:.3f}",
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency={style.tone_hz}:sample_rate=48000:duration={duration:.3f}",
            "-filter_complex",
            graph,
            "-map",
            "[v]",
            "-map",
            "[a]",
            "-ac",
            "1",
            *codecs,
            "-map_metadata",
            "-1",
            "-fflags",
            "+bitexact",
            "-t",
            f"{duration:.3f}",
            str(out),
        ]
        subprocess.run(command, check=True)
    return duration


def cases_of(lessons: Path, wanted: set[str]) -> list[tuple[str, Path]]:
    """(pack id, case file) of every case, or of the packs/cases named in `wanted`."""
    found = []
    for pack_dir in sorted(p for p in lessons.iterdir() if (p / "pack.toml").is_file()):
        for case_file in sorted((pack_dir / "cases").glob("*.toml")):
            if not wanted or pack_dir.name in wanted or case_file.stem in wanted:
                found.append((pack_dir.name, case_file))
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help="pack or case ids (default: all)")
    parser.add_argument("--lessons", type=Path, default=REPO_ROOT / "lessons")
    parser.add_argument("--assets", type=Path, default=REPO_ROOT / "assets")
    args = parser.parse_args(argv)
    if shutil.which("ffmpeg") is None:
        print("ffmpeg is not installed (apt-get install ffmpeg)", file=sys.stderr)
        return 1
    missing = [f for f in (FONT, FONT_BOLD, FONT_MONO) if not f.is_file()]
    if missing:
        print(f"missing font {missing[0]} (apt-get install fonts-dejavu-core)", file=sys.stderr)
        return 1
    jobs = cases_of(args.lessons, set(args.names))
    if not jobs:
        print(
            f"no cases match {' '.join(args.names) or 'anything'} in {args.lessons}",
            file=sys.stderr,
        )
        return 1
    total = 0
    for pack_id, case_file in jobs:
        case = load_case(case_file)
        out = args.assets / pack_id / case.video
        duration = render_case(pack_id, case, out)
        size = out.stat().st_size
        total += size
        print(f"{out.relative_to(args.assets)}  {duration:4.1f} s  {size / 1e3:4.0f} kB")
    print(f"{len(jobs)} clips, {total / 1e6:.2f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
