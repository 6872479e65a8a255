"""A case file (cases/<id>.toml) as the editor holds it: fields by key path, cues and moments
by index, times written as the format writes them ("m:ss.fff" clock text)."""

from __future__ import annotations

from typing import Any

from calibrate.core.authoring.documents import KeyOrder, TomlDocument
from calibrate.core.lessons.schema import parse_clock
from calibrate.core.lessons.toml_lines import KeyPath

# The format's key order (docs/lesson-format.md): new keys are written in this order; keys a
# newer format adds go after these in their table.
CASE_ORDER: KeyOrder = {
    (): (
        "id",
        "title",
        "video",
        "severity",
        "difficulty",
        "warnings",
        "mark_moment",
        "moment_tolerance",
        "rationale",
        "context",
        "golden",
        "cues",
        "moments",
    ),
    ("context",): ("caption", "on_screen_text", "hashtags", "report_reason", "account", "audio"),
    ("golden",): ("decision", "clauses"),
    ("cues",): ("at", "text"),
    ("moments",): ("start", "end", "label"),
}


# Written even when empty: required keys (check() then says what they need) and `warnings`,
# whose `[]` says "checked: no warnings".
KEPT_WHEN_EMPTY = {
    ("id",),
    ("title",),
    ("video",),
    ("rationale",),
    ("warnings",),
    ("golden", "decision"),
    ("golden", "clauses"),
}


def format_clock(seconds: float) -> str:
    """3.24 → "0:03.24", 3 → "0:03", 3723.5 → "1:02:03.5": the clock text the demo cases
    use, to the millisecond (the player's unit), read back by schema.parse_clock."""
    millis = round(max(0.0, seconds) * 1000)
    whole, fraction = divmod(millis, 1000)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
    return f"{text}.{fraction:03d}".rstrip("0") if fraction else text


def seconds_of(value: Any) -> float | None:
    """A time as written in a case file, in seconds; None when it is not a time."""
    try:
        return parse_clock(value)
    except (ValueError, TypeError):
        return None


def new_case_text(case_id: str, title: str) -> str:
    """A new case: its id and title, a severity, and the tables the editor fills. It does
    not validate yet (no video, golden answer or rationale): it is a draft until it does."""
    document = TomlDocument("", CASE_ORDER)
    document.set(("id",), case_id)
    document.set(("title",), title)
    document.set(("severity",), "medium")
    return document.text()


class CaseDocument(TomlDocument):
    def __init__(self, text: str):
        super().__init__(text, CASE_ORDER)

    def _rows(self, name: str) -> list[dict[str, Any]]:
        found = self.get((name,))
        return [row if isinstance(row, dict) else {} for row in found or []]

    def cues(self) -> list[tuple[float | None, str]]:
        return [(seconds_of(r.get("at")), str(r.get("text", ""))) for r in self._rows("cues")]

    def moments(self) -> list[tuple[float | None, float | None, str]]:
        return [
            (seconds_of(r.get("start")), seconds_of(r.get("end")), str(r.get("label", "")))
            for r in self._rows("moments")
        ]

    def _index_by_time(self, name: str, key: str, at: float) -> int:
        """Where an entry at `at` goes: after every entry that starts no later."""
        times = [seconds_of(r.get(key)) for r in self._rows(name)]
        return sum(1 for t in times if t is not None and t <= at)

    def add_cue(self, at: float, text: str) -> int:
        index = self._index_by_time("cues", "at", at)
        self.insert_entry("cues", index, {"at": format_clock(at), "text": text})
        return index

    def edit_cue(self, index: int, at: float | None, text: str | None) -> None:
        if at is not None:
            self.set(("cues", index, "at"), format_clock(at))
        if text is not None:
            self.set(("cues", index, "text"), text)

    def add_moment(self, start: float, end: float, label: str) -> int:
        index = self._index_by_time("moments", "start", start)
        values = {"start": format_clock(start), "end": format_clock(end), "label": label}
        self.insert_entry("moments", index, values)
        return index

    def edit_moment(
        self, index: int, start: float | None, end: float | None, label: str | None
    ) -> None:
        for key, value in (("start", start), ("end", end)):
            if value is not None:
                self.set(("moments", index, key), format_clock(value))
        if label is not None:
            self.set(("moments", index, "label"), label)

    def golden(self) -> tuple[str | None, tuple[str, ...]]:
        """The golden decision and clauses as written (None / () where not usable)."""
        decision = self.get(("golden", "decision"))
        clauses = self.get(("golden", "clauses"))
        return (
            decision if isinstance(decision, str) else None,
            tuple(c for c in clauses if isinstance(c, str)) if isinstance(clauses, list) else (),
        )

    def set_field(self, field: KeyPath, value: Any) -> None:
        """Set a field; an optional one set to empty text or an empty list is removed rather
        than written empty, so a cleared field leaves no `key = ""` line behind."""
        if value in ("", [], ()) and field not in KEPT_WHEN_EMPTY:
            value = None
        self.set(field, list(value) if isinstance(value, tuple) else value)
