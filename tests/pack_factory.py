"""Write small, valid lesson packs into a temporary folder; tests then break them on purpose."""

from __future__ import annotations

from pathlib import Path

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

[[lessons]]
id = "basics"
title = "Basics"
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
    media: bytes = b"not decoded by validation",
) -> Path:
    """A valid pack at lessons/<pack_id>, media in lessons/../assets/<pack_id>; returns it."""
    folder = lessons / pack_id
    (folder / "cases").mkdir(parents=True)
    (folder / "guidance").mkdir()
    assets = lessons.parent / "assets" / pack_id
    assets.mkdir(parents=True, exist_ok=True)
    case_list = ", ".join(f'"{c}"' for c in case_ids)
    (folder / "pack.toml").write_text(PACK_TOML.format(pack_id=pack_id, case_list=case_list))
    (folder / "guidance" / "01-intro.md").write_text("# GR-1 · Real injury\n\nText.\n")
    for case_id in case_ids:
        (folder / "cases" / f"{case_id}.toml").write_text(
            CASE_TOML.format(case_id=case_id, decision=decision)
        )
        (assets / f"{case_id}.mp4").write_bytes(media)
    return folder
