"""PackEditor (ws.authoring.open_pack): one pack open for editing — pack.toml held in memory
as a tomlkit document until saved, its guidance slides and cases on disk, opened one by one
(CaseEditor). See workspace/authoring.py."""

from __future__ import annotations

import enum
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from calibrate.core.authoring import rules
from calibrate.core.authoring.case_document import new_case_text
from calibrate.core.authoring.errors import AuthoringRefused, FileInvalid
from calibrate.core.authoring.pack_document import PACK_FIELDS, PackDocument
from calibrate.core.authoring.rows import ClauseRow, DecisionRow, LessonRow
from calibrate.core.authoring.saving import write_text
from calibrate.core.errors import Problem, counted
from calibrate.core.lessons.pack_files import PACK_FILE, assets_dir_for, folder_id
from calibrate.core.lessons.schema import IDENTIFIER, IDENTIFIER_RULE
from calibrate.workspace import authoring_files as files
from calibrate.workspace.authoring_case import CaseEditor

if TYPE_CHECKING:
    from calibrate.workspace.authoring import AuthoringManager

_ID = re.compile(IDENTIFIER)


class Keep(enum.Enum):
    """An argument left out: the key keeps its value (None would remove it)."""

    KEEP = enum.auto()


KEEP = Keep.KEEP


def require_id(text: str, what: str) -> None:
    if not _ID.match(text):
        raise AuthoringRefused(f"{text!r} cannot be a {what} id: {IDENTIFIER_RULE}")


def refuse_invalid(what: Path, problems: list[Problem]) -> None:
    blocking = [p for p in problems if not p.is_warning]
    if blocking:
        raise FileInvalid(
            f"{what} not saved: {counted(len(blocking), 'problem')} to fix first", blocking
        )


class PackEditor:
    """One pack open for editing: pack.toml in memory, its slides and cases on disk."""

    def __init__(self, manager: AuthoringManager, folder: Path):
        self.manager = manager
        self.folder = folder
        self.pack_id = folder_id(folder)
        self.assets = assets_dir_for(folder, self.pack_id)
        if not (folder / PACK_FILE).is_file():
            raise AuthoringRefused(f"{folder} is not a pack folder (no {PACK_FILE} in it)")
        self.document = PackDocument(files.read_case_text(folder / PACK_FILE))
        self.context = rules.PackContext.read(folder)  # what cases are checked against
        self._renamed: dict[str, str] = {}  # decision ids renamed since the last save

    # --- pack.toml ----------------------------------------------------------------------
    def pack_text(self) -> str:
        """pack.toml as it would be saved now."""
        return self.document.text()

    def get(self, key: str) -> Any:
        """A top-level value of pack.toml (title, policy, policy_version, description,
        pass_mark), None when not written."""
        return self.document.get((key,))

    def set(self, key: str, value: str | float | None) -> None:
        """Set title, policy, policy_version, description or pass_mark (None removes an
        optional key). Not checked here: check() says what is wrong, at the key."""
        if key not in PACK_FIELDS:
            raise AuthoringRefused(f"{key!r} is not one of {', '.join(PACK_FIELDS)}")
        self.document.set((key,), None if value == "" and key == "description" else value)

    def wellness(self) -> tuple[Any, Any]:
        """[wellness] as written: break_after_minutes and shields (None: not written, the
        default applies)."""
        return (
            self.document.get(("wellness", "break_after_minutes")),
            self.document.get(("wellness", "shields")),
        )

    def set_wellness(
        self,
        *,
        break_after_minutes: int | None | Keep = KEEP,
        shields: list[str] | None | Keep = KEEP,
    ) -> None:
        """The organisation's exposure care defaults (None removes a key: the default then
        applies; an emptied [wellness] goes). Checked by check(), at the key."""
        for key, value in (("break_after_minutes", break_after_minutes), ("shields", shields)):
            if not isinstance(value, Keep):
                self.document.set(("wellness", key), value)
        if self.document.get(("wellness",)) == {}:
            self.document.set(("wellness",), None)

    def decisions(self) -> list[DecisionRow]:
        """The decisions as written: ladder ones least to most restrictive, then the ones
        off the ladder (escalate), each with whether recorded answers lock its id."""
        locked = self.manager.locked_decisions(self.pack_id) | set(self._renamed)
        rows = [
            DecisionRow(
                str(r.get("id", "")),
                str(r.get("label", "")),
                str(r.get("description", "")),
                bool(r.get("ladder", True)),
                str(r.get("id", "")) in locked,
            )
            for r in self.document.rows("decisions")
        ]
        return [r for r in rows if r.ladder] + [r for r in rows if not r.ladder]

    def add_decision(
        self, decision_id: str, label: str, *, ladder: bool = True, index: int | None = None
    ) -> None:
        """Add a rung at `index` of the ladder (None: most restrictive end), or, with
        ladder=False, a decision off the ladder. AuthoringRefused for an id taken."""
        require_id(decision_id, "decision")
        self.document.add_decision(decision_id, label, ladder, index)

    def move_decision(self, decision_id: str, index: int) -> None:
        """Move a ladder decision to `index` of the ladder (0: least restrictive)."""
        self.document.move_decision(decision_id, index)

    def edit_decision(
        self, decision_id: str, *, label: str | None = None, description: str | None = None
    ) -> None:
        """Relabel (always allowed, also for a locked id) or re-describe a decision."""
        self.document.edit("decisions", decision_id, {"label": label, "description": description})

    def _refuse_locked(self, decision_id: str, doing: str) -> None:
        if decision_id in self.manager.locked_decisions(self.pack_id):
            raise AuthoringRefused(
                f"decision {decision_id!r} cannot be {doing}: recorded answers name it "
                "(its label can still change)"
            )

    def rename_decision(self, decision_id: str, new_id: str) -> None:
        """Rename an id (the cases' golden answers naming it follow on save). Refused for a
        locked decision."""
        self._refuse_locked(decision_id, "renamed")
        require_id(new_id, "decision")
        self.document.refuse_taken("decisions", new_id)
        self.document.edit("decisions", decision_id, {"id": new_id})
        first = next((old for old, new in self._renamed.items() if new == decision_id), None)
        self._renamed[first or decision_id] = new_id

    def remove_decision(self, decision_id: str) -> None:
        """Refused for a locked decision or one a case's golden answer names."""
        self._refuse_locked(decision_id, "removed")
        saved_id = next((o for o, n in self._renamed.items() if n == decision_id), decision_id)
        users = files.golden_users(self.folder, decision=saved_id)
        if users:
            raise AuthoringRefused(
                f"decision {decision_id!r} is the golden decision of {', '.join(users)}: "
                "change those cases first"
            )
        self.document.remove("decisions", decision_id)

    def clauses(self) -> list[ClauseRow]:
        return [
            ClauseRow(str(r.get("id", "")), str(r.get("title", "")), str(r.get("summary", "")))
            for r in self.document.rows("clauses")
        ]

    def add_clause(self, clause_id: str, title: str, summary: str = "") -> None:
        require_id(clause_id, "clause")
        values = {"id": clause_id, "title": title, "summary": summary or None}
        self.document.add("clauses", self.document.count("clauses"), values)

    def edit_clause(
        self, clause_id: str, *, title: str | None = None, summary: str | None = None
    ) -> None:
        self.document.edit("clauses", clause_id, {"title": title, "summary": summary})

    def move_clause(self, clause_id: str, index: int) -> None:
        self.document.move("clauses", clause_id, index)

    def remove_clause(self, clause_id: str) -> None:
        """Refused while a case's golden answer names the clause."""
        users = files.golden_users(self.folder, clause=clause_id)
        if users:
            raise AuthoringRefused(
                f"clause {clause_id!r} is a golden clause of {', '.join(users)}: change "
                "those cases first"
            )
        self.document.remove("clauses", clause_id)

    def lessons(self) -> list[LessonRow]:
        return [
            LessonRow(
                str(r.get("id", "")),
                str(r.get("title", "")),
                str(r.get("description", "")),
                tuple(str(x) for x in r.get("guidance", [])),
                tuple(str(x) for x in r.get("cases", [])),
                r.get("pass_mark"),
            )
            for r in self.document.rows("lessons")
        ]

    def add_lesson(self, lesson_id: str, title: str) -> None:
        require_id(lesson_id, "lesson")
        values = {"id": lesson_id, "title": title, "guidance": [], "cases": []}
        self.document.add("lessons", self.document.count("lessons"), values)

    def edit_lesson(
        self,
        lesson_id: str,
        *,
        title: str | None = None,
        description: str | None = None,
        guidance: list[str] | None = None,
        cases: list[str] | None = None,
        pass_mark: float | None | Keep = KEEP,
    ) -> None:
        """Change a lesson: its title, description, its slides / cases in order, or its own
        pass mark (None removes it: the lesson then takes the pack's)."""
        values = {"title": title, "description": description, "guidance": guidance}
        self.document.edit("lessons", lesson_id, values | {"cases": cases})
        if not isinstance(pass_mark, Keep):
            index = self.document.index_of("lessons", lesson_id)
            self.document.set(("lessons", index, "pass_mark"), pass_mark)

    def move_lesson(self, lesson_id: str, index: int) -> None:
        self.document.move("lessons", lesson_id, index)

    def remove_lesson(self, lesson_id: str) -> None:
        self.document.remove("lessons", lesson_id)

    def check(self) -> list[Problem]:
        """pack.toml as edited, checked as `calibrate validate` would (key paths as
        `decisions[2].id`); `warning:` problems never block a save."""
        return rules.check_pack_text(self.folder, self.pack_text())

    def save(self) -> Path:
        """Write pack.toml atomically; FileInvalid (nothing written) when check() finds a
        blocking problem. Cases whose golden decision was renamed are rewritten after."""
        path = self.folder / PACK_FILE
        refuse_invalid(path, self.check())
        write_text(path, self.pack_text())
        for old, new in self._renamed.items():
            if old != new:
                files.rename_golden_decision(self.folder, old, new)
        self._renamed.clear()
        self.context = rules.PackContext.read(self.folder)
        return path

    # --- guidance slides ----------------------------------------------------------------
    def slide_names(self) -> list[str]:
        """The slide files in guidance/, sorted."""
        guidance = self.folder / "guidance"
        return sorted(p.name for p in guidance.glob("*.md")) if guidance.is_dir() else []

    def _slide_path(self, name: str) -> Path:
        why = rules.slide_name_problem(name)
        if why:
            raise AuthoringRefused(why)
        return self.folder / "guidance" / name

    def read_slide(self, name: str) -> str:
        return files.read_case_text(self._slide_path(name))

    def new_slide(self, name: str, title: str) -> str:
        """Write guidance/<name> (".md" added when missing) with a first heading; returns
        the file name. AuthoringRefused when the name is taken or not a plain file name."""
        name = name if name.endswith(".md") else f"{name}.md"
        path = self._slide_path(name)
        if path.exists() or path.is_symlink():
            raise AuthoringRefused(f"guidance/{name} exists already")
        path.parent.mkdir(exist_ok=True)
        write_text(path, f"# {title.strip() or name.removesuffix('.md')}\n")
        return name

    def check_slide(self, name: str, text: str) -> list[Problem]:
        return rules.check_slide_text(self._slide_path(name), text)

    def save_slide(self, name: str, text: str) -> None:
        """Write the slide atomically (FileInvalid when it would not load)."""
        path = self._slide_path(name)
        refuse_invalid(path, rules.check_slide_text(path, text))
        write_text(path, text)

    # --- cases --------------------------------------------------------------------------
    def case_ids(self) -> list[str]:
        """The case files in cases/, by id (file stem), sorted."""
        return [p.stem for p in files.case_files(self.folder)]

    def drafts(self) -> Path:
        return self.manager.drafts_folder() / self.pack_id

    def draft_ids(self) -> list[str]:
        """The drafts kept for this pack."""
        folder = self.drafts()
        return sorted(p.stem for p in folder.glob("*.toml")) if folder.is_dir() else []

    def new_case(self, case_id: str, title: str) -> CaseEditor:
        """A new case in memory (nothing written until save or save_draft). Refused when
        the id is taken or not an id."""
        require_id(case_id, "case")
        if case_id in self.case_ids() or case_id in self.draft_ids():
            raise AuthoringRefused(f"case {case_id!r} exists already (or as a draft)")
        return CaseEditor(self, case_id, new_case_text(case_id, title), None)

    def open_case(self, case_id: str) -> CaseEditor:
        """The case file's editor (its draft, when one is kept, is open_draft's)."""
        require_id(case_id, "case")  # a file name inside cases/, never a path
        path = self.folder / "cases" / f"{case_id}.toml"
        if not path.is_file():
            raise AuthoringRefused(f"the pack has no case {case_id!r}")
        text = files.read_case_text(path)
        return CaseEditor(self, case_id, text, text)

    def open_draft(self, case_id: str) -> CaseEditor:
        require_id(case_id, "case")
        path = self.drafts() / f"{case_id}.toml"
        if not path.is_file():
            raise AuthoringRefused(f"there is no draft of case {case_id!r}")
        saved = self.folder / "cases" / f"{case_id}.toml"
        saved_text = files.read_case_text(saved) if saved.is_file() else None
        return CaseEditor(self, case_id, files.read_case_text(path), saved_text)
