"""Find the line of a key path in TOML text, where the TOML parser itself gives none.

tomllib reports lines only for syntax errors; schema errors come back as key paths
(`("cues", 2, "at")`). This scanner maps paths to the line where the key (or the table
header) is written, so every problem can name its line. It understands table headers,
arrays of tables, dotted keys and multi-line strings, which is all lesson files use; for
anything deeper (an element inside an inline array) it answers with the nearest enclosing key.
"""

from __future__ import annotations

import re

KeyPath = tuple[str | int, ...]

_BARE_OR_QUOTED = re.compile(r'\s*(?:"((?:[^"\\]|\\.)*)"|\'([^\']*)\'|([A-Za-z0-9_\-]+))\s*')


def _split_key(text: str) -> tuple[list[str], int] | None:
    """Parse a (possibly dotted, possibly quoted) key at the start of text; return parts, end."""
    parts: list[str] = []
    pos = 0
    while True:
        match = _BARE_OR_QUOTED.match(text, pos)
        if not match or match.end() == pos:
            return None
        parts.append(next(g for g in match.groups() if g is not None))
        pos = match.end()
        if pos < len(text) and text[pos] == ".":
            pos += 1
            continue
        return parts, pos


def key_lines(text: str) -> dict[KeyPath, int]:
    """Map every key path written in the document to its 1-based line number."""
    lines: dict[KeyPath, int] = {}
    array_counts: dict[tuple[str, ...], int] = {}
    table: KeyPath = ()
    in_multiline: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if in_multiline:
            if line.count(in_multiline) % 2 == 1:
                in_multiline = None
            continue
        if not line or line.startswith("#"):
            continue
        if line.startswith("[["):
            parsed = _split_key(line[2:])
            if parsed:
                names = tuple(parsed[0])
                index = array_counts.get(names, -1) + 1
                array_counts[names] = index
                # Nested arrays of tables restart under a new parent; keep the simple case.
                for key in [k for k in array_counts if k[: len(names)] == names and k != names]:
                    del array_counts[key]
                table = (*names, index)
                lines.setdefault(table, number)
                lines.setdefault(names, number)
            continue
        if line.startswith("["):
            parsed = _split_key(line[1:])
            if parsed:
                table = _resolve_table(tuple(parsed[0]), array_counts)
                _set_with_prefixes(lines, table, number)
            continue
        parsed = _split_key(line)
        if not parsed or parsed[1] >= len(line) or line[parsed[1]] != "=":
            continue
        _set_with_prefixes(lines, (*table, *parsed[0]), number, keep=len(table))
        value = line[parsed[1] + 1 :].strip()
        for quote in ('"""', "'''"):
            if value.startswith(quote) and value.count(quote) == 1:
                in_multiline = quote
    return lines


def _set_with_prefixes(
    lines: dict[KeyPath, int], path: KeyPath, number: int, keep: int = 0
) -> None:
    """`a.b.c = 1` or `[a.b.c]` also writes a.b and a (a schema error may name those), unless
    they were written before; the first `keep` parts belong to the enclosing table."""
    if len(path) == keep + 1:  # a plain key: the common case, no prefixes to write
        lines.setdefault(path, number)
        return
    for end in range(keep + 1, len(path) + 1):
        lines.setdefault(path[:end], number)


def _resolve_table(names: tuple[str, ...], array_counts: dict[tuple[str, ...], int]) -> KeyPath:
    """`[lessons.meta]` inside the 3rd `[[lessons]]` means ("lessons", 2, "meta")."""
    resolved: list[str | int] = []
    for i, name in enumerate(names):
        resolved.append(name)
        prefix = names[: i + 1]
        if prefix in array_counts and i + 1 < len(names):
            resolved.append(array_counts[prefix])
    return tuple(resolved)


def line_of(lines: dict[KeyPath, int], path: KeyPath) -> int | None:
    """Line of the path, or of its nearest written ancestor; None when nothing is written."""
    for end in range(len(path), 0, -1):
        found = lines.get(tuple(path[:end]))
        if found is not None:
            return found
    return None


def format_path(path: KeyPath) -> str:
    """("cues", 2, "at") → "cues[2].at"."""
    text = ""
    for part in path:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += ("." if text else "") + part
    return text
