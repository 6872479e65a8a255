"""The text of a new, minimal, valid pack (`calibrate pack new`): pack.toml with a decision
ladder, `escalate` off the ladder, one clause, and one lesson with no cases yet (valid, and
not offered to moderators until it has some), plus one guidance slide for that clause."""

from __future__ import annotations

import json
import re

from calibrate.core.lessons.schema import IDENTIFIER

DEFAULT_LADDER = ("allow", "not_recommended", "age_restricted", "warning_screen", "remove")
ESCALATE = "escalate"
_ID = re.compile(IDENTIFIER)


def toml_string(text: str) -> str:
    """A TOML basic string: JSON's escapes are TOML's, but for DEL, which TOML wants escaped."""
    return json.dumps(text, ensure_ascii=False).replace("\x7f", "\\u007f")


def label_of(decision_id: str) -> str:
    """`not_recommended` → `Not recommended`."""
    words = re.sub(r"[_\-.]+", " ", decision_id).strip()
    return words[:1].upper() + words[1:]


def ladder_problem(ladder: list[str]) -> str | None:
    """Why `ladder` (least to most restrictive) cannot be a pack's ladder, else None."""
    if len(ladder) < 2:
        return f"the ladder needs at least 2 rungs, got {len(ladder)}"
    for rung in ladder:
        if not _ID.match(rung):
            return f"{rung!r} is not a decision id (letters, digits, _ . -)"
        if rung == ESCALATE:
            return f"{ESCALATE!r} stands off the ladder and is added for you"
    if len(set(ladder)) != len(ladder):
        return "a rung appears twice"
    return None


def is_pack_id(text: str) -> bool:
    """Can `text` name a new pack: an id whose first clause `<id>-1` is an id too?"""
    return bool(_ID.match(text) and _ID.match(clause_id(text)))


def clause_id(pack_id: str) -> str:
    return f"{pack_id}-1"


def pack_toml(pack_id: str, title: str, policy: str, ladder: list[str]) -> str:
    """pack.toml of the new pack (the caller checked the id and the ladder)."""
    lines = [
        "format = 1",
        f"id = {toml_string(pack_id)}",
        f"title = {toml_string(title)}",
        f"policy = {toml_string(policy)}",
        'policy_version = "1"',
        "",
        "# Least to most restrictive; escalate stands outside the order.",
    ]
    for rung in ladder:
        lines += ["[[decisions]]", f"id = {toml_string(rung)}"]
        lines += [f"label = {toml_string(label_of(rung))}", ""]
    lines += ["[[decisions]]", f'id = "{ESCALATE}"', 'label = "Escalate"', "ladder = false", ""]
    lines += ["[[clauses]]", f"id = {toml_string(clause_id(pack_id))}"]
    lines += ['title = "First clause"', ""]
    lines += ["# A lesson with no cases is not offered to moderators until cases are added.", ""]
    lines += ["[[lessons]]", 'id = "lesson-1"', f"title = {toml_string(title)}"]
    lines += ['guidance = ["01-guidance.md"]', "cases = []", ""]
    return "\n".join(lines)


def guidance_md(pack_id: str, title: str) -> str:
    return f"# {title}\n\n## {clause_id(pack_id)} · First clause\n\nWhat the clause covers.\n"
