"""The editor's live check of one case, per keystroke, in a generated 200-case pack (goal:
< 50 ms), beside the full `validate` of the same pack (in process) as the baseline.

Each case has its own copy of a demo clip (so the baseline hashes 200 real clips, as the
loader does). A "keystroke" is one character added to the caption through CaseEditor.set,
then CaseEditor.check(); the first check (clip facts not yet cached) is printed apart.
"""

from __future__ import annotations

import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from calibrate.core.lessons.loader import validate_path  # noqa: E402
from calibrate.workspace import Workspace  # noqa: E402
from tests.pack_factory import write_pack  # noqa: E402

CASES = 200
CLIP = ROOT / "assets" / "harassment" / "hb-cafe-threat.mp4"


def generated_pack(base: Path) -> Path:
    lessons = base / "lessons"
    lessons.mkdir()
    ids = tuple(f"case-{i:03d}" for i in range(CASES))
    write_pack(lessons, "big", case_ids=ids, media=CLIP.read_bytes())
    return lessons


def main() -> None:
    base = Path(tempfile.mkdtemp(prefix="authoring-bench-"))
    try:
        lessons = generated_pack(base)
        ws = Workspace.open(base / "calibrate.sqlite3", [lessons])
        ws.lessons.use_folders([lessons], [])
        case = ws.authoring.open_pack(lessons / "big").open_case("case-100")
        start = time.perf_counter()
        assert case.check() == []
        first = (time.perf_counter() - start) * 1000
        keystrokes = []
        caption = "typed"
        for i in range(300):
            caption += "abcdefghij"[i % 10]
            start = time.perf_counter()
            case.set(("context", "caption"), caption)
            problems = case.check()
            keystrokes.append((time.perf_counter() - start) * 1000)
            assert problems == []
        fulls = []
        for _ in range(5):
            start = time.perf_counter()
            assert validate_path(lessons / "big") == []
            fulls.append((time.perf_counter() - start) * 1000)
        keystrokes.sort()
        p99 = keystrokes[int(len(keystrokes) * 0.99) - 1]
        print(f"pack: {CASES} cases, each with a {CLIP.stat().st_size // 1024} KiB clip")
        print(f"live check, first (clip facts cached after)  {first:7.2f} ms")
        print(
            f"live check per keystroke (300)   median {statistics.median(keystrokes):7.2f} ms"
            f"   p99 {p99:7.2f} ms   max {keystrokes[-1]:7.2f} ms   (goal < 50 ms)"
        )
        print(f"baseline: full validate of the pack  median {statistics.median(fulls):7.1f} ms")
        ws.close()
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
