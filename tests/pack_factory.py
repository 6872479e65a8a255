"""Write small, valid lesson packs into a temporary folder; tests then break them on purpose."""

from __future__ import annotations

from pathlib import Path

# An mp4's leading bytes (validation checks only those; libVLC would not decode the rest).
FAKE_MP4 = b"\x00\x00\x00\x18ftypisom" + b"not decoded by validation"

PACK_TOML = """\
id = "{pack_id}"
title = "Test pack {pack_id}"
policy = "Shocking & graphic content"
policy_version = "2026.1"
pass_mark = 0.8

[[decisions]]
id = "allow"
label = "Allow"

[[decisions]]
id = "age_restricted"
label = "Age-restrict"

[[decisions]]
id = "remove"
label = "Remove"

[[decisions]]
id = "escalate"
label = "Escalate"
ladder = false

[[clauses]]
id = "GR-1"
title = "Real injury"

[[clauses]]
id = "GR-2"
title = "News context"

{lessons}"""

LESSON_TOML = """
[[lessons]]
id = "{lesson_id}"
title = "{title}"
guidance = ["01-intro.md"]
cases = [{case_list}]
"""

CASE_TOML = """\
id = "{case_id}"
title = "Case {case_id}"
video = "{case_id}.mp4"
severity = "medium"
warnings = ["graphic"]
rationale = \"\"\"
Remove under **GR-1**.
\"\"\"

[context]
caption = "caption of {case_id}"
report_reason = "Violent or graphic content"

[golden]
decision = "{decision}"
clauses = ["GR-1"]

[[cues]]
at = 1.0
text = "a cue"

[[moments]]
start = "0:01"
end = "0:02.5"
label = "the moment"
"""


def write_pack(
    lessons: Path,
    pack_id: str = "alpha",
    case_ids: tuple[str, ...] = ("c1", "c2"),
    decision: str = "remove",
    media: bytes = FAKE_MP4,
    lessons_of: dict[str, tuple[str, ...]] | None = None,
) -> Path:
    """A valid pack at lessons/<pack_id>, media in lessons/../assets/<pack_id>; returns it.

    Its lessons: `lessons_of` (lesson id → case ids), else one lesson "basics" of every case."""
    folder = lessons / pack_id
    (folder / "cases").mkdir(parents=True)
    (folder / "guidance").mkdir()
    assets = lessons.parent / "assets" / pack_id
    assets.mkdir(parents=True, exist_ok=True)
    lesson_blocks = "".join(
        LESSON_TOML.format(
            lesson_id=lesson_id,
            title=lesson_id.capitalize(),
            case_list=", ".join(f'"{c}"' for c in cases),
        )
        for lesson_id, cases in (lessons_of or {"basics": case_ids}).items()
    )
    (folder / "pack.toml").write_text(PACK_TOML.format(pack_id=pack_id, lessons=lesson_blocks))
    (folder / "guidance" / "01-intro.md").write_text("# GR-1 · Real injury\n\nText.\n")
    for case_id in case_ids:
        (folder / "cases" / f"{case_id}.toml").write_text(
            CASE_TOML.format(case_id=case_id, decision=decision)
        )
        (assets / f"{case_id}.mp4").write_bytes(media)
    return folder
