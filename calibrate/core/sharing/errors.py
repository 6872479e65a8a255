"""Why a pack was not exported or imported: one typed error per reason, each message one
sentence naming the file (a face adds its own hint, e.g. the command line's `--replace`)."""

from __future__ import annotations

from calibrate.core.errors import CalibrateError, Problem


class PackRefused(CalibrateError):
    """A pack folder or `.calpack` refused; nothing was written."""


class NotAPackArchive(PackRefused):
    """Not a zip, a truncated or damaged one, or a zip that is not a Calibrate pack."""


class NewerPackFormat(PackRefused):
    """Made by a newer Calibrate: a format_version this one does not read."""


class UnsafeEntry(PackRefused):
    """An entry that could write outside the pack's two folders, or is not a plain file
    (a link, a folder, a device), is encrypted, or is compressed in an unknown way."""


class ArchiveTooLarge(PackRefused):
    """Too many entries, too many bytes unpacked, or an entry expanding like a zip bomb."""

    def __init__(self, message: str, *, total_limit: bool = False):
        super().__init__(message)
        self.total_limit = total_limit  # raised by a bigger --max-size


class ManifestMismatch(PackRefused):
    """A file whose size or SHA-256 differs from manifest.json, or one missing from either."""


class InvalidPack(PackRefused):
    """The pack (to export, or as extracted) has validation problems; `problems` lists them
    (`warning:` lines are left out: they never block)."""

    def __init__(self, message: str, problems: list[str]):
        super().__init__(message)
        self.problems = problems


class PackIdClash(PackRefused):
    """The lessons folder holds a different pack of the same id, and replacing was not asked."""


class TargetInTheWay(PackRefused):
    """Something an import must not write through or over: a link, a file where a folder
    goes, a lessons folder that cannot be written."""


class PackCancelled(CalibrateError):
    """The caller's cancel check said stop; nothing was written."""


def problem_lines(problems: list[Problem], relative_to: str) -> list[str]:
    """The blocking problems as `FILE:LINE: message` lines, FILE relative to `relative_to`
    (and that folder left out of messages that name a path, e.g. a missing clip)."""
    prefix = relative_to.rstrip("/") + "/"
    return [p.format(relative_to).replace(prefix, "") for p in problems if not p.is_warning]
