"""Render the demo packs' clips: scene descriptions in words on a plain background.

The bundled lessons must never hold real harmful media (DOMAIN.md, "Demo content"), so every
clip is synthetic: an ffmpeg `color` source, the case's cues drawn as timed text ("0:04 — the
knife slips..."), a running timestamp, the case id, a frame-number strip and a quiet `sine`
tone. The cases are the source of truth: change a cue, re-run this.

Blind means blind (DESIGN.md): a clip describes the scene, never which moment violates or
what the policy calls it, so the golden moments are not drawn. Every text drawn into a clip
is listed in assets/<pack>/drawn-texts.json, which tests/test_demo_media.py holds against the
cases' golden moments, decisions and clauses.

The strip in the bottom-left corner writes the frame number (0-based) as FRAME_BITS boxes,
bit 0 leftmost, white = 1, each BOX px square, so a test can read which frame is on screen.

    python scripts/make_demo_media.py                  # every case of every pack
    python scripts/make_demo_media.py harassment       # one pack
    python scripts/make_demo_media.py gr-kitchen-cut   # one case

Needs ffmpeg (with libx264, libvpx-vp9, libopus) and fonts-dejavu-core; users of the app do
not, because the rendered clips are committed under assets/.
"""

from __future__ import annotations

import argparse
import json
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

from calibrate.core.lessons.schema import CaseSpec  # noqa: E402

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
FONT_BOLD = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf")
FONT_MONO = Path("/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf")

WIDTH, HEIGHT, FPS = 640, 360, 25
TAIL_SECONDS = 2.0  # the clip runs this long past its last cue or moment end
MIN_SECONDS, MAX_SECONDS = 6.0, 12.0
# The frame-number strip: 9 bits count to 511 frames, past MAX_SECONDS * FPS = 300.
FRAME_BITS, BOX = 9, 16
MANIFEST = "drawn-texts.json"  # per pack folder in assets/: the texts each clip shows


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


class TextLayers:
    """drawtext filters that read their words from files (so no text needs escaping), and
    the list of every text drawn, for the pack's manifest."""

    def __init__(self, workdir: Path) -> None:
        self.workdir = workdir
        self.texts: list[str] = []

    def layer(
        self,
        text: str,
        *,
        font: Path,
        size: int,
        x: str,
        y: str,
        colour: str,
        start: float | None = None,
        end: float | None = None,
    ) -> str:
        text_file = self.workdir / f"text{len(self.texts)}.txt"
        text_file.write_text(text, encoding="utf-8")
        self.texts.append(text)
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


# The one expanded text, the running timestamp; the manifest lists it by this name.
CLOCK_TEXT = "%{pts:hms} (running time)"
FOOTER_TEXT = "Synthetic demo clip: the scene in words, no real footage"


def frame_strip(height: int = HEIGHT) -> str:
    """Filters drawing the frame number n as FRAME_BITS white/black boxes in the bottom left."""
    margin = BOX // 4
    step = BOX + margin
    parts = [
        f"drawbox=x=0:y={height - BOX - 2 * margin}:w={FRAME_BITS * step + margin}:"
        f"h={BOX + 2 * margin}:color=black:t=fill"
    ]
    for bit in range(FRAME_BITS):
        parts.append(
            f"drawbox=x={margin + bit * step}:y={height - BOX - margin}:w={BOX}:h={BOX}:"
            rf"color=white:t=fill:enable='eq(mod(floor(n/{2**bit})\,2)\,1)'"
        )
    return ",".join(parts)


def _filter_graph(
    pack_id: str, case: CaseSpec, duration: float, style: PackStyle, text: TextLayers
) -> str:
    strip_right = FRAME_BITS * (BOX + BOX // 4) + BOX // 4
    layers = [
        "drawbox=x=0:y=0:w=iw:h=40:color=black@0.35:t=fill",
        text.layer(
            f"{pack_id} / {case.id}", font=FONT, size=15, x="16", y="13", colour="white@0.85"
        ),
        f"drawtext=fontfile={_filter_path(FONT_MONO)}:text='%{{pts\\:hms}}':fontsize=15:"
        "fontcolor=white@0.85:x=w-tw-16:y=13",
        text.layer(
            FOOTER_TEXT, font=FONT, size=12, x=str(strip_right + 12), y="h-21", colour="white@0.55"
        ),
        frame_strip(),
    ]
    cue_times = [float(c.at) for c in case.cues] + [duration]
    for index, cue in enumerate(case.cues):
        start, end = cue_times[index], cue_times[index + 1]
        words = "\n".join(textwrap.wrap(f"{clock(start)} — {cue.text}", width=42))
        layers.append(
            text.layer(
                words, font=FONT, size=23, x="32", y="66", colour="white", start=start, end=end
            )
        )
    progress = f"[base][1:v]overlay=x='-w+w*t/{duration:.3f}':y=40:eval=frame:shortest=1"
    return f"[0:v]{','.join(layers)}[base];{progress}[v];[2:a]volume=0.04[a]"


def drawn_texts(pack_id: str, case: CaseSpec) -> list[str]:
    """Every text render_case draws into the case's clip, in drawing order."""
    with tempfile.TemporaryDirectory(prefix="calibrate-media-") as tmp:
        text = TextLayers(Path(tmp))
        _filter_graph(pack_id, case, clip_duration(case), DEFAULT_STYLE, text)
        return [*text.texts, CLOCK_TEXT]


def render_case(pack_id: str, case: CaseSpec, out: Path) -> tuple[float, list[str]]:
    """Write the case's clip to `out` (.mp4 H.264/AAC or .webm VP9/Opus); return its length
    and the texts drawn into it."""
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
        text = TextLayers(Path(tmp))
        graph = _filter_graph(pack_id, case, duration, style, text)
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
    return duration, [*text.texts, CLOCK_TEXT]


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
    drawn: dict[str, dict[str, list[str]]] = {}
    for pack_id, case_file in jobs:
        case = load_case(case_file)
        out = args.assets / pack_id / case.video
        duration, texts = render_case(pack_id, case, out)
        drawn.setdefault(pack_id, {})[case.video] = texts
        size = out.stat().st_size
        total += size
        print(f"{out.relative_to(args.assets)}  {duration:4.1f} s  {size / 1e3:4.0f} kB")
    for pack_id, clips in drawn.items():
        write_manifest(args.assets / pack_id / MANIFEST, clips)
    print(f"{len(jobs)} clips, {total / 1e6:.2f} MB")
    return 0


def write_manifest(path: Path, clips: dict[str, list[str]]) -> None:
    """Merge `clips` (clip name -> texts drawn) into the pack's manifest of drawn texts."""
    known = json.loads(path.read_text(encoding="utf-8"))["clips"] if path.is_file() else {}
    known.update(clips)
    manifest = {
        "about": "Every text scripts/make_demo_media.py drew into each clip of this folder; "
        "tests/test_demo_media.py checks that none names a golden moment, decision or clause.",
        "clips": dict(sorted(known.items())),
    }
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
