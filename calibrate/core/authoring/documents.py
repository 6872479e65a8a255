"""A lesson file as a tomlkit document, edited key by key.

tomlkit keeps what it parsed — comments, blank lines, quoting, the layout of every value —
so setting one key rewrites that key's lines alone (a trainer's git diff shows the edit, not
a reformatted file). A key the file lacks is written where the format's fixed order puts it
(`KeyOrder`): after the nearest key before it in that order, else before the nearest after
it. Arrays of tables (`[[cues]]`) keep one blank line between entries whatever is moved.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import tomlkit
from tomlkit.container import Container
from tomlkit.items import AoT, Array, Comment, Item, String, StringType, Table, Trivia, Whitespace

from calibrate.core.authoring.errors import AuthoringRefused
from calibrate.core.lessons.toml_lines import KeyPath, format_path

# Key order per table, the table named by its key path without indices: ("cues",) is every
# [[cues]] entry. Keys not listed (a newer format's) go after the listed ones of their table.
KeyOrder = Mapping[tuple[str, ...], Sequence[str]]


def _names(path: KeyPath) -> tuple[str, ...]:
    return tuple(p for p in path if isinstance(p, str))


class TomlDocument:
    """One TOML file's text, parsed by tomlkit and edited in place."""

    def __init__(self, text: str, order: KeyOrder):
        """AuthoringRefused when `text` is not TOML (the editor then shows the file's text
        and its syntax problem, and edits nothing key by key)."""
        try:
            self.doc = tomlkit.parse(text)
        except tomlkit.exceptions.ParseError as error:
            raise AuthoringRefused(f"not valid TOML: {error}") from None
        self.order = order

    def text(self) -> str:
        return self.doc.as_string()

    def value(self) -> dict[str, Any]:
        """The whole document as plain Python values."""
        return self.doc.unwrap()

    # --- reading ------------------------------------------------------------------------
    def get(self, path: KeyPath) -> Any:
        """The plain value at `path`, None when absent (or when a step is not a table)."""
        node: Any = self.doc
        for part in path:
            try:
                node = node[part]
            except (KeyError, IndexError, TypeError):
                return None
        return node.unwrap() if isinstance(node, Item | Container) else node

    def count(self, name: str) -> int:
        """Entries of the array of tables `name` ([[name]]); 0 when there is none."""
        found = self.doc.get(name)
        return len(found) if isinstance(found, AoT) else 0

    # --- writing keys -------------------------------------------------------------------
    def set(self, path: KeyPath, value: Any) -> None:
        """Set the key at `path` (None removes it). Tables on the way are made as needed;
        an index must name an existing [[table]] entry."""
        if not path or not isinstance(path[-1], str):
            raise AuthoringRefused(f"{format_path(path)!r} does not name a key")
        if isinstance(value, list | tuple) and any(isinstance(v, dict) for v in value):
            raise AuthoringRefused(f"{format_path(path)}: [[entries]] are edited one by one")
        parent = self._container(path[:-1], create=value is not None)
        key = path[-1]
        if value is None:
            if parent is not None and key in parent:
                del parent[key]
            return
        assert parent is not None
        item = self._item(value, parent.get(key))
        if key in parent:
            parent[key] = item
        else:
            _insert_in_order(parent, key, item, self.order.get(_names(path[:-1]), ()))

    def _container(self, path: KeyPath, *, create: bool) -> Any:
        """The table at `path` (the document for ()), made when missing if `create`."""
        node: Any = self.doc
        for depth, part in enumerate(path):
            if isinstance(part, int):
                if not isinstance(node, AoT) or not 0 <= part < len(node):
                    raise AuthoringRefused(f"{format_path(path[: depth + 1])!r} does not exist")
                node = node[part]
                continue
            if part not in node:
                if not create:
                    return None
                table = tomlkit.table()
                order = self.order.get(_names(path[:depth]), ())
                _insert_in_order(node, part, table, order)
            node = node[part]
            if not isinstance(node, Table | Container | dict | AoT):
                raise AuthoringRefused(f"{format_path(path[: depth + 1])!r} is not a table")
        return node

    @staticmethod
    def _item(value: Any, old: Any) -> Item:
        """A tomlkit item for `value`: multi-line text as a multi-line string, a list laid
        out on many lines when the value it replaces was."""
        if isinstance(value, str) and "\n" in value:
            return multiline_string(value)
        if isinstance(value, list | tuple):
            array = tomlkit.array()
            array.extend(value)
            if isinstance(old, Array) and "\n" in old.as_string():
                array.multiline(True)
            return array
        item: Item = tomlkit.item(value)
        return item

    # --- arrays of tables ---------------------------------------------------------------
    def insert_entry(self, name: str, index: int, values: Mapping[str, Any]) -> None:
        """A new [[name]] entry at `index` (its keys in the fixed order)."""
        table = tomlkit.table()
        order = list(self.order.get((name,), ()))
        for key in sorted(values, key=lambda k: order.index(k) if k in order else len(order)):
            if values[key] is not None:
                table.add(key, self._item(values[key], None))
        aot = self.doc.get(name)
        if not isinstance(aot, AoT):
            aot = tomlkit.aot()
            aot.append(table)
            _insert_in_order(self.doc, name, aot, self.order.get((), ()))
            return
        with _blank_lines_kept(aot):
            aot.insert(max(0, min(index, len(aot))), table)

    def move_entry(self, name: str, old: int, new: int) -> None:
        aot = self.doc[name]
        with _blank_lines_kept(aot):
            table = aot.pop(old)
            aot.insert(max(0, min(new, len(aot))), table)

    def remove_entry(self, name: str, index: int) -> None:
        aot = self.doc[name]
        if len(aot) == 1:
            del self.doc[name]
            return
        with _blank_lines_kept(aot):
            aot.pop(index)


def _insert_in_order(container: Any, key: str, item: Item, order: Sequence[str]) -> None:
    """Add `key` after the nearest key before it in `order` that the container has, else
    before the nearest one after it, else at the end."""
    body = container.body if isinstance(container, Container) else container.value.body
    where = {k.key: i for i, (k, _) in enumerate(body) if k is not None}
    rank = list(order).index(key) if key in order else len(order)
    before = [where[k] for k in order[:rank] if k in where]
    after = [where[k] for k in order[rank + 1 :] if k in where]
    at = max(before) + 1 if before else min(after) if after else len(body)
    _blank_line_before(item, body[:at])
    if at >= len(body):
        container.add(key, item) if isinstance(container, Table) else container.append(key, item)
        return
    target = container if isinstance(container, Container) else container.value
    target._insert_at(at, key, item)  # tomlkit's own positional insert (not yet public)
    if not isinstance(container, Container):
        # A Table is also a dict of its keys, which _insert_at does not update (Table.append
        # does): without this, removing the key again fails with a KeyError.
        dict.__setitem__(container, key, container.value.item(key))


def _blank_line_before(item: Item, above: list[tuple[Any, Any]]) -> None:
    """A new [table] or [[table]] written right below a plain key gets a blank line first,
    as the format's files are laid out (below another table tomlkit writes one itself)."""
    head = item[0] if isinstance(item, AoT) and len(item) else item
    if not isinstance(head, Table) or not above:
        return
    if not isinstance(above[-1][1], Table | AoT | Whitespace | Comment):
        head.trivia.indent = "\n"


def multiline_string(value: str) -> Item:
    """Text with line breaks as a multi-line basic string that starts on the line after its
    `\"\"\"` (TOML drops that first line break), as the format's rationales are written."""
    inner = tomlkit.string(value, multiline=True).as_string()[3:-3]
    return String(StringType.MLB, value, "\n" + inner, Trivia())


class _blank_lines_kept:
    """Reordering [[entries]] moves each entry's trailing blank line with it; this gives
    every position but the last one blank line after it, and the last what the last had."""

    def __init__(self, aot: AoT):
        self.aot = aot
        self.last: list[Any] = []

    def __enter__(self) -> None:
        if len(self.aot):
            self.last = _trailing_space(self.aot[len(self.aot) - 1])
        for table in self.aot.body:
            _trailing_space(table)

    def __exit__(self, *exc: object) -> None:
        tables = self.aot.body
        for i, table in enumerate(tables):
            body = table.value.body
            if i < len(tables) - 1:
                body.append((None, Whitespace("\n")))
            else:
                body.extend(self.last)


def _trailing_space(table: Table) -> list[Any]:
    """Take the whitespace entries off the end of a table's body and return them."""
    body = table.value.body
    taken: list[Any] = []
    while body and body[-1][0] is None and isinstance(body[-1][1], Whitespace):
        taken.insert(0, body.pop())
    return taken
