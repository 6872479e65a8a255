"""Imports point down only: every `import` in calibrate/ is checked against the layer table.

The table is STYLE.md's "Shape" section. The walk uses `ast`, so it sees imports inside
functions, under `if TYPE_CHECKING:`, relative ones (resolved to their absolute module) and
`importlib.import_module("calibrate....")` or `__import__` with a literal (or f-string) name:
every way one module of ours reaches another.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
PACKAGE = REPO_ROOT / "calibrate"

# Which layers each layer may import (its own layer is always allowed). A layer is the first
# name under calibrate/: a package (core, store, ...) or a top-level module (app, cli).
# "base" is calibrate/__init__.py (__version__), paths.py and log.py: small helpers with no
# layer of their own that every layer but core may import; base itself imports only base.
BASE_MODULES = {"calibrate", "calibrate.paths", "calibrate.log"}
FACE_BELOW = {"workspace", "net", "charts", "core", "base"}
ALLOWED: dict[str, set[str]] = {
    "gui": {"player"} | FACE_BELOW,
    "app": {"gui"} | FACE_BELOW,  # app.py is the GUI's entry point: it builds the window
    # `calibrate gui` (commands/gui.py) starts the app; `calibrate agreement` reads with tabular
    "commands": {"app", "tabular"} | FACE_BELOW,
    "cli": {"commands"} | FACE_BELOW,  # cli.py dispatches to calibrate/commands/
    "__main__": {"cli"},  # `python -m calibrate` is the console script
    "workspace": {"store", "charts", "tabular", "core", "base"},
    "tabular": {"core", "base"},  # file readers (CSV, with pandas) into core tables
    "net": {"core", "base"},
    "store": {"core", "base"},
    "charts": {"core", "base"},
    "player": {"core", "base"},
    "core": set(),  # plain Python + numpy + pydantic: nothing of ours but core
    "base": set(),
}

# Imports that break the table today, each a (file, imported module) pair. Empty since the
# workspace (issue 13) took the faces' store imports; the test fails on an entry that no
# longer happens, so this list only shrinks; never add to it.
KNOWN_EXCEPTIONS: set[tuple[str, str]] = set()


@dataclass(frozen=True)
class Import:
    file: str  # relative to the repo root
    line: int
    module: str  # absolute, e.g. calibrate.store.db


def module_name(path: Path) -> str:
    parts = path.relative_to(REPO_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_module(name: str) -> bool:
    """Is calibrate.a.b a module or package of ours (so `from calibrate.a import b` names it)?"""
    path = REPO_ROOT.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _from_import_targets(node: ast.ImportFrom, path: Path) -> list[str]:
    if node.level:  # relative: resolve against the package this file is in
        package = module_name(path).split(".")
        if path.name != "__init__.py":
            package = package[:-1]
        package = package[: len(package) - (node.level - 1)]
        base = ".".join(package + ([node.module] if node.module else []))
    else:
        base = node.module or ""
    # `from calibrate.store import db` imports the module calibrate.store.db;
    # `from calibrate.store.db import open_db` imports calibrate.store.db.
    return [f"{base}.{a.name}" if is_module(f"{base}.{a.name}") else base for a in node.names]


def _import_module_target(node: ast.Call) -> str | None:
    """import_module("calibrate.x"), (f"calibrate.commands.{name}") or __import__ → its module."""
    func = node.func
    name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    if name not in ("import_module", "__import__") or not node.args:
        return None
    arg = node.args[0]
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return arg.value
    if isinstance(arg, ast.JoinedStr) and arg.values and isinstance(arg.values[0], ast.Constant):
        return str(arg.values[0].value).rpartition(".")[0]  # the literal package prefix
    return None


def imports_in(path: Path) -> list[Import]:
    file = str(path.relative_to(REPO_ROOT))
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=file)):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            targets = _from_import_targets(node, path)
        elif isinstance(node, ast.Call):
            targets = [t for t in [_import_module_target(node)] if t]
        else:
            continue
        found += [Import(file, node.lineno, t) for t in targets if t.split(".")[0] == "calibrate"]
    return sorted(found, key=lambda i: i.line)


def layer_of(module: str) -> str:
    if module in BASE_MODULES:
        return "base"
    return module.split(".")[1]


def _violations() -> list[Import]:
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        source = layer_of(module_name(path))
        for imp in imports_in(path):
            target = layer_of(imp.module)
            if target != source and target not in ALLOWED[source]:
                wrong.append(imp)
    return wrong


def test_every_layer_is_in_the_table() -> None:
    layers = {layer_of(module_name(p)) for p in PACKAGE.rglob("*.py")}
    assert layers <= ALLOWED.keys(), f"add to ALLOWED: {sorted(layers - ALLOWED.keys())}"


def test_imports_point_down_only() -> None:
    violations = _violations()
    new = [
        f"{v.file}:{v.line}: {layer_of(module_name(REPO_ROOT / v.file))} → "
        f"{layer_of(v.module)} ({v.module})"
        for v in violations
        if (v.file, v.module) not in KNOWN_EXCEPTIONS
    ]
    assert not new, "imports against the layer table (STYLE.md):\n" + "\n".join(new)
    gone = KNOWN_EXCEPTIONS - {(v.file, v.module) for v in violations}
    assert not gone, f"no longer happen, remove from KNOWN_EXCEPTIONS: {sorted(gone)}"


def test_the_walk_sees_every_kind_of_import(tmp_path: Path) -> None:
    """Function-level, TYPE_CHECKING-guarded, relative and importlib imports are all found."""
    package = PACKAGE / "gui"  # a real package, so relative names resolve as they would
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from calibrate.store.db import Database\n"
        "def f():\n"
        "    import calibrate.store.answers\n"
        "from ..store import db\n"
        "from .. import paths\n"
        "import importlib\n"
        "importlib.import_module(f'calibrate.commands.{1}')\n"
        "__import__('calibrate.store.queries')\n"
    )
    probe = package / "_import_walk_probe.py"
    try:
        probe.write_text(source, encoding="utf-8")
        found = [(i.line, i.module) for i in imports_in(probe)]
    finally:
        probe.unlink()
    assert found == [
        (3, "calibrate.store.db"),
        (5, "calibrate.store.answers"),
        (6, "calibrate.store.db"),
        (7, "calibrate.paths"),
        (9, "calibrate.commands"),
        (10, "calibrate.store.queries"),
    ]
    assert layer_of("calibrate.paths") == "base" and "store" not in ALLOWED["gui"]
