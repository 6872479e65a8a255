"""pack.toml as the editor holds it: the pack's fields, its decision ladder (ladder decisions
least to most restrictive; `ladder = false` ones such as escalate kept apart, after them),
its clauses and its lessons, each [[entry]] found by its id."""

from __future__ import annotations

from typing import Any

from calibrate.core.authoring.documents import KeyOrder, TomlDocument
from calibrate.core.authoring.errors import AuthoringRefused

PACK_ORDER: KeyOrder = {
    (): (
        "format",
        "id",
        "title",
        "policy",
        "policy_version",
        "description",
        "pass_mark",
        "decisions",
        "clauses",
        "lessons",
        "wellness",
    ),
    ("decisions",): ("id", "label", "description", "ladder", "key"),
    ("clauses",): ("id", "title", "summary"),
    ("lessons",): ("id", "title", "description", "guidance", "cases", "pass_mark"),
    ("wellness",): ("break_after_minutes", "shields"),
}
PACK_FIELDS = ("title", "policy", "policy_version", "description", "pass_mark")
_KINDS = {"decisions": "decision", "clauses": "clause", "lessons": "lesson"}


class PackDocument(TomlDocument):
    def __init__(self, text: str):
        super().__init__(text, PACK_ORDER)

    # --- entries by id --------------------------------------------------------------------
    def rows(self, name: str) -> list[dict[str, Any]]:
        found = self.get((name,))
        return [row if isinstance(row, dict) else {} for row in found or []]

    def ids(self, name: str) -> list[str]:
        return [str(row.get("id", "")) for row in self.rows(name)]

    def index_of(self, name: str, entry_id: str) -> int:
        ids = self.ids(name)
        if entry_id not in ids:
            raise AuthoringRefused(f"the pack has no {_KINDS[name]} {entry_id!r}")
        return ids.index(entry_id)

    def refuse_taken(self, name: str, entry_id: str) -> None:
        if entry_id in self.ids(name):
            raise AuthoringRefused(f"the pack has a {_KINDS[name]} {entry_id!r} already")

    def edit(self, name: str, entry_id: str, values: dict[str, Any]) -> None:
        """Set keys of one entry; None leaves a key as it is, "" removes an optional text."""
        index = self.index_of(name, entry_id)
        for key, value in values.items():
            if value is None:
                continue
            optional = key in ("description", "summary")
            self.set((name, index, key), None if optional and value == "" else value)

    def add(self, name: str, index: int, values: dict[str, Any]) -> None:
        self.refuse_taken(name, str(values["id"]))
        self.insert_entry(name, index, values)

    def move(self, name: str, entry_id: str, index: int) -> None:
        self.move_entry(name, self.index_of(name, entry_id), index)

    def remove(self, name: str, entry_id: str) -> None:
        self.remove_entry(name, self.index_of(name, entry_id))

    # --- the decision ladder ----------------------------------------------------------------
    def ladder_positions(self) -> list[int]:
        """Indices in [[decisions]] of the ladder decisions (ladder = true, the default)."""
        return [i for i, row in enumerate(self.rows("decisions")) if row.get("ladder", True)]

    def add_decision(self, decision_id: str, label: str, ladder: bool, index: int | None) -> None:
        """A ladder rung at `index` of the ladder (None: the most restrictive end), or a
        decision off the ladder after every other decision."""
        rows = self.rows("decisions")
        values: dict[str, Any] = {"id": decision_id, "label": label}
        if not ladder:
            values["ladder"] = False
            self.add("decisions", len(rows), values)
            return
        self.add("decisions", self._ladder_slot(index), values)

    def _ladder_slot(self, index: int | None) -> int:
        """The [[decisions]] index that puts a rung at ladder position `index`."""
        positions = self.ladder_positions()
        if index is None or index >= len(positions):
            return positions[-1] + 1 if positions else 0
        return positions[max(0, index)]

    def move_decision(self, decision_id: str, index: int) -> None:
        """Move a ladder decision to position `index` of the ladder (0: least restrictive)."""
        old = self.index_of("decisions", decision_id)
        if not self.rows("decisions")[old].get("ladder", True):
            raise AuthoringRefused(
                f"{decision_id!r} stands off the ladder (ladder = false): it has no place in it"
            )
        ladder = [i for i in self.ladder_positions() if i != old]
        if index >= len(ladder):
            target = ladder[-1] + 1 if ladder else 0
        else:
            target = ladder[max(0, index)]
        self.move_entry("decisions", old, target - 1 if target > old else target)
