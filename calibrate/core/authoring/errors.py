"""Why an edit or a save was refused: one sentence each; nothing was written when raised."""

from __future__ import annotations

from calibrate.core.errors import CalibrateError, Problem


class AuthoringRefused(CalibrateError):
    """An edit, copy or save that may not happen (a bundled pack, an id taken, a decision
    with recorded answers, a clip libVLC cannot decode); the message says why."""


class FileInvalid(AuthoringRefused):
    """A save refused because the file would not validate; `problems` lists every blocking
    problem, each with the key path (`problem.key_path`) it concerns. A case can be kept as
    a draft instead (`CaseEditor.save_draft`)."""

    def __init__(self, message: str, problems: list[Problem]):
        super().__init__(message)
        self.problems = problems
