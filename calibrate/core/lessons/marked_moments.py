"""The "Where does it show?" keys of a case file: `mark_moment` and `moment_tolerance`.

The schema checks each key alone (schema.py); here the rules between them and `[[moments]]`,
located at the key a trainer must change, and the case data the content hash covers.
"""

from __future__ import annotations

from typing import Any

from calibrate.core.errors import Problem
from calibrate.core.lessons.files import TomlFile
from calibrate.core.lessons.schema import CaseSpec

MARK_KEYS = ("mark_moment", "moment_tolerance")


def check_marked_moment(file: TomlFile, reported: set[str | None], problems: list[Problem]) -> None:
    """A tolerance needs `mark_moment = true`, and a mark needs golden moments to be scored
    against; checked on the raw data, beside any schema problem of the file."""
    data = file.data
    asks = data.get("mark_moment") is True
    if "moment_tolerance" in data and not asks and "mark_moment" not in reported:
        problems.append(
            file.problem(
                ("moment_tolerance",),
                "moment_tolerance is used only with mark_moment = true; add "
                "mark_moment = true or remove it",
            )
        )
    moments = data.get("moments")
    if asks and (moments is None or moments == []):
        problems.append(
            file.problem(
                ("mark_moment",),
                "mark_moment = true needs at least one [[moments]] entry (start, end) to "
                "score the moderator's mark against",
            )
        )


def hashed_data(spec: CaseSpec) -> dict[str, Any]:
    """The case data its content hash covers. A case that asks for no mark hashes as it did
    before these keys existed, so answers given against it keep matching its version."""
    data: dict[str, Any] = spec.model_dump(mode="json")
    if not spec.mark_moment:
        for key in MARK_KEYS:
            data.pop(key, None)
    return data
