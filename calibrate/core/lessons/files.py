"""Read the files of a lesson pack defensively: they come from a trainer's checkout, and the app
reads them at start-up, so a hostile or broken file must cost one located problem, never a
hang, a memory blow-up or a traceback.

Rules (docs/lesson-format.md "Limits"): only regular files whose real path lies inside the
pack folder are read (a symlinked pack folder is fine, a file pointing out of it is not); a
FIFO or device is never opened for reading in a way that could block; at most
MAX_FILE_BYTES are read; TOML may nest at most MAX_TOML_DEPTH levels, checked before tomllib
(which recurses per level) parses it.
"""

from __future__ import annotations

import os
import re
import stat
import tomllib
from itertools import repeat
from pathlib import Path
from typing import Any, NamedTuple

from calibrate.core.errors import Problem
from calibrate.core.lessons.toml_lines import KeyPath, format_path, key_lines, line_of

MAX_FILE_BYTES = 1024 * 1024  # a case or slide is a few KB; 1 MiB is generous and bounded
MAX_TOML_DEPTH = 32  # lesson files nest 3 levels; tomllib recurses per level
_BOM = b"\xef\xbb\xbf"
_OPEN_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)

# Strings and comments are skipped whole, so a bracket inside a caption does not count.
# Unrolled ("normal* (special normal*)*") so runs match at C speed, and an unclosed string
# runs to the end of its line (or file): every attempt consumes, so a hostile line of
# quotes costs linear time, not quadratic. TOML rejects unclosed strings anyway.
_STRING_OR_COMMENT = (
    r'"""[^"\\]*(?:(?:\\[\s\S]|"(?!""))[^"\\]*)*(?:"""|\Z)'
    r"|'''[^']*(?:'(?!'')[^']*)*(?:'''|\Z)"
    r'|"[^"\\\n]*(?:\\.[^"\\\n]*)*"?'
    r"|'[^'\n]*'?|#[^\n]*"
)
_STRINGS_AND_COMMENTS = re.compile(_STRING_OR_COMMENT)
_NESTING_TOKENS = re.compile(_STRING_OR_COMMENT + r"|[\[\]{}.=,\n]")
_BRACKETS = re.compile(r"[\[\]{}]")


class TomlFile(NamedTuple):
    """A parsed TOML file with the line of every key, to locate schema problems."""

    path: Path
    data: dict[str, Any]
    lines: dict[KeyPath, int]

    def problem(self, path: KeyPath, message: str, *, missing: bool = False) -> Problem:
        line = None if missing else line_of(self.lines, path)
        return Problem(str(self.path), line, format_path(path) or None, message)


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def regular_file_problem(path: Path, root: Path, real_parent: Path | None = None) -> str | None:
    """Why `path` may not be read as a file of the folder `root` (already resolved), or None.

    Never opens anything: a FIFO or a device is refused by its mode. `real_parent`, the
    resolved folder of `path` when the caller knows it, spares resolving every file's path
    component by component (one lstat instead of one per component) unless it is a link."""
    if real_parent is not None:
        try:
            mode = os.lstat(path).st_mode
        except FileNotFoundError:
            return "file missing"
        except OSError as error:
            return f"cannot be read ({error.strerror})"
        if not stat.S_ISLNK(mode):
            if not real_parent.is_relative_to(root):
                return f"links to {real_parent / path.name}, outside {root}; refused"
            return None if stat.S_ISREG(mode) else f"is {_kind(mode)}, not a regular file; refused"
    try:
        resolved = path.resolve(strict=True)
    except FileNotFoundError:
        return "is a link to nothing" if path.is_symlink() else "file missing"
    except (OSError, RuntimeError) as error:  # a symlink loop, a permission error
        return f"cannot be read ({getattr(error, 'strerror', None) or error})"
    if not resolved.is_relative_to(root):
        return f"links to {resolved}, outside {root}; refused"
    try:
        mode = os.stat(resolved).st_mode
    except OSError as error:
        return f"cannot be read ({error.strerror})"
    if not stat.S_ISREG(mode):
        return f"is {_kind(mode)}, not a regular file; refused"
    return None


def read_bounded(path: Path, limit: int) -> bytes:
    """At most limit + 1 bytes of a regular file, opened so that a FIFO swapped in cannot block.

    Raises OSError (also for a file that is no longer regular). Reads what the file's size
    says (plus one byte, to notice growth), never a limit-sized buffer per file."""
    fd = os.open(path, _OPEN_FLAGS)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise OSError(0, "not a regular file")
        chunks: list[bytes] = []
        remaining, step = limit + 1, min(info.st_size, limit) + 1
        while remaining > 0:
            chunk = os.read(fd, min(remaining, step))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
            step = max(step, 65536)  # it grew since fstat: go on in bigger steps
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_text(
    path: Path,
    root: Path,
    problems: list[Problem],
    *,
    toml: bool = False,
    real_parent: Path | None = None,
) -> str | None:
    """The UTF-8 text of a lesson file inside `root` (resolved), or None with a problem."""
    refused = regular_file_problem(path, root, real_parent)
    if refused:
        problems.append(Problem(str(path), None, None, refused))
        return None
    try:
        raw = read_bounded(path, MAX_FILE_BYTES)
    except OSError as error:
        problems.append(Problem(str(path), None, None, f"cannot read file: {error.strerror}"))
        return None
    if len(raw) > MAX_FILE_BYTES:
        problems.append(
            Problem(
                str(path),
                None,
                None,
                f"larger than {MAX_FILE_BYTES // 1024} KiB, the limit for a "
                "lesson file; is this really a lesson file?",
            )
        )
        return None
    if raw.startswith(_BOM):
        raw = raw[len(_BOM) :]
        if toml:  # TOML forbids it and tomllib would say only "Invalid statement"
            problems.append(
                Problem(
                    str(path),
                    1,
                    None,
                    "the file starts with a UTF-8 byte order mark (BOM); save "
                    "it as UTF-8 without BOM",
                )
            )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        problems.append(
            Problem(
                str(path),
                line,
                None,
                f"not UTF-8 text (byte 0x{raw[error.start]:02x}); is this really a lesson file?",
            )
        )
        return None


def read_toml(
    path: Path, root: Path, problems: list[Problem], real_parent: Path | None = None
) -> TomlFile | None:
    """A TOML lesson file inside `root`, parsed, or None with its problems appended."""
    text = read_text(path, root, problems, toml=True, real_parent=real_parent)
    if text is None:
        return None
    return parse_toml(path, text, problems)


def parse_toml(path: Path, text: str, problems: list[Problem]) -> TomlFile | None:
    """TOML text of the lesson file at `path` (read, or as an editor holds it), parsed, or
    None with its problems appended: the depth limit, then syntax."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_FILE_BYTES:
        problems.append(
            Problem(
                str(path),
                None,
                None,
                f"larger than {MAX_FILE_BYTES // 1024} KiB, the limit for a lesson file",
            )
        )
        return None
    too_deep = _nesting_problem(text)
    if too_deep is not None:
        problems.append(
            Problem(
                str(path),
                too_deep,
                None,
                f"nested deeper than {MAX_TOML_DEPTH} levels; lesson files need 3",
            )
        )
        return None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        message, line = _split_toml_error(str(error), text)
        problems.append(Problem(str(path), line, None, f"TOML syntax error: {message}"))
        return None
    lines = key_lines(text)
    deep_key = _deepest_key_over_limit(lines)
    if deep_key is not None:  # dotted keys and [a.b.c] headers nest without brackets
        problems.append(
            Problem(
                str(path),
                lines[deep_key],
                None,
                f"nested deeper than {MAX_TOML_DEPTH} levels; lesson files need 3",
            )
        )
        return None
    return TomlFile(path, data, lines)


def _nesting_problem(text: str) -> int | None:
    """The line where arrays, inline tables or dotted keys (`a.b.c = 1`, `[a.b.c]`) nest
    deeper than MAX_TOML_DEPTH, else None. tomllib recurses per bracket level and is
    quadratic in the parts of a dotted key, so this runs before it."""
    if _quick_nesting_bound(text) <= MAX_TOML_DEPTH or _nesting_bound(text) <= MAX_TOML_DEPTH:
        return None
    stack: list[str] = []  # open arrays and inline tables (a [header] is neither)
    header = False  # inside `[a.b]` or `[[a.b]]`
    key_parts = 1  # parts of the key being read; 0 while reading a value
    for match in _NESTING_TOKENS.finditer(text):
        token = match.group()
        if token == "[" and key_parts == 1 and (header or not stack):
            header = True
        elif token in "[{":
            stack.append(token)
            key_parts = 1 if token == "{" else 0
        elif token in "]}":
            if header:
                header, key_parts = False, 0
            elif stack:
                stack.pop()
                key_parts = 0
        elif token == "." and key_parts:
            key_parts += 1
        elif token == "=":
            key_parts = 0
        elif token == ",":
            key_parts = 1 if stack and stack[-1] == "{" else 0
        elif token == "\n" and not stack:
            key_parts, header = 1, False
        if len(stack) + key_parts > MAX_TOML_DEPTH:
            return text.count("\n", 0, match.start()) + 1
    return None


def _quick_nesting_bound(text: str) -> int:
    """A coarser bound, in C loops only: every `[` and `{` opened at once, plus the most dots
    on one line. Enough for a case file (~20 brackets); a pack.toml needs _nesting_bound."""
    lines = text.splitlines() or [""]
    return text.count("[") + text.count("{") + 1 + max(map(str.count, lines, repeat(".")))


def _nesting_bound(text: str) -> int:
    """An upper bound of what _nesting_problem measures, at C speed for ordinary files: the
    deepest bracket nesting plus the most dots on one line (a key is written on one line)."""
    bare = _STRINGS_AND_COMMENTS.sub("", text)
    depth = deepest = 0
    for bracket in _BRACKETS.findall(bare):
        depth = depth + 1 if bracket in "[{" else max(0, depth - 1)
        deepest = max(deepest, depth)
    return deepest + 1 + max((line.count(".") for line in bare.splitlines()), default=0)


def _deepest_key_over_limit(lines: dict[KeyPath, int]) -> KeyPath | None:
    return next((path for path in lines if len(path) > MAX_TOML_DEPTH), None)


def _split_toml_error(message: str, text: str) -> tuple[str, int | None]:
    """tomllib puts the place in the message: "Invalid value (at line 3, column 5)"."""
    match = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
    if match:
        return message[: match.start()], int(match.group(1))
    if message.endswith("(at end of document)"):
        return message.removesuffix(" (at end of document)"), max(1, len(text.splitlines()))
    return message, None


# The leading bytes of the containers libVLC plays (checked without libVLC, which is not
# loaded while packs load): ISO BMFF (mp4, mov, m4v, 3gp) has its `ftyp` box at offset 4.
_MEDIA_MAGIC = (
    (0, b"\x1a\x45\xdf\xa3"),  # EBML: webm, mkv
    (0, b"OggS"),  # ogg, ogv
    (0, b"RIFF"),  # avi (RIFF....AVI ), wav
    (0, b"FLV"),
    (0, b"\x00\x00\x01\xba"),  # MPEG program stream
    (0, b"\x00\x00\x01\xb3"),  # MPEG-1/2 video
    (0, b"\x30\x26\xb2\x75\x8e\x66\xcf\x11"),  # ASF: wmv
    (4, b"ftyp"),
    (4, b"moov"),  # old QuickTime without ftyp
    (4, b"mdat"),
    (4, b"wide"),
    (4, b"free"),
)


_TS_PACKET = 188


def clip_problem(path: Path, assets: Path, real_parent: Path | None = None) -> str | None:
    """Why the clip at `path` (inside the resolved `assets`) cannot be a video, or None.

    Only the leading bytes are read; whether libVLC can decode it is the player's business."""
    refused = regular_file_problem(path, assets, real_parent)
    if refused == "file missing":
        return f"media file missing: {path}"
    if refused:
        return f"media file {path} {refused}"
    try:
        head = read_bounded(path, _TS_PACKET)
    except OSError as error:
        return f"media file cannot be read ({error.strerror}): {path}"
    if not head:
        return f"media file is empty (0 bytes): {path}"
    if any(head[at : at + len(magic)] == magic for at, magic in _MEDIA_MAGIC):
        return None
    if head[:1] == head[_TS_PACKET : _TS_PACKET + 1] == b"\x47":  # MPEG-TS: a sync byte
        return None  # at the start of each 188-byte packet
    return (
        f"media file is not a video container (unknown leading bytes {head[:8].hex(' ')}): {path}"
    )
