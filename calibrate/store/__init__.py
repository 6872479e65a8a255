"""The only package that talks SQL: one SQLite file through sqlite-utils.

sqlite-utils imports pandas and numpy at module load when they are installed, only to map
their scalar types to column types when it creates tables from sample values, which
Calibrate never does (migrations declare Python types). Those two imports cost ~0.25 s, and
sqlite-utils itself (click, pluggy, dateutil) another ~60 ms, so:
- the app's first screen reads the database with plain sqlite3 (`db.connect_database`,
  `profiles`), and sqlite-utils is imported only when something needs it;
- whenever it is imported, by any module, it loads with pandas and numpy hidden (the finder
  below); the real modules are restored at once and stay importable for the code that needs
  them (metrics, `calibrate agreement`). The hiding is process-wide for those ~60 ms, so a
  thread importing numpy meanwhile would fail: the app imports sqlite-utils on its start-up
  worker (`db.preload_sqlite_utils`), before any thread needs numpy.
"""

from __future__ import annotations

import importlib.util
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import types
    from importlib.machinery import ModuleSpec

_HIDDEN_WHILE_LOADING = ("pandas", "numpy")


class _LoaderWithoutPandas:
    # Duck-typed (importlib.abc costs ~5 ms of start-up to import).
    def __init__(self, inner):  # noqa: ANN001 - any importlib loader
        self._inner = inner

    def create_module(self, spec: ModuleSpec) -> types.ModuleType | None:
        return self._inner.create_module(spec)

    def exec_module(self, module: types.ModuleType) -> None:
        saved = {name: sys.modules.get(name) for name in _HIDDEN_WHILE_LOADING}
        for name in _HIDDEN_WHILE_LOADING:
            sys.modules[name] = None  # type: ignore[assignment]  # "import pandas" fails fast
        try:
            self._inner.exec_module(module)
        finally:
            for name, real in saved.items():
                if real is None:
                    del sys.modules[name]
                else:
                    sys.modules[name] = real


class _SqliteUtilsWithoutPandas:
    """Find `sqlite_utils` the usual way, then load it (and what it imports) with
    pandas and numpy hidden. Acts once: afterwards the module is in sys.modules."""

    def find_spec(self, fullname, path, target=None):  # noqa: ANN001 - importlib protocol
        if fullname != "sqlite_utils":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(fullname)
        if spec is not None and spec.loader is not None:
            spec.loader = _LoaderWithoutPandas(spec.loader)
        return spec


if "sqlite_utils" not in sys.modules and not any(
    isinstance(finder, _SqliteUtilsWithoutPandas) for finder in sys.meta_path
):
    sys.meta_path.insert(0, _SqliteUtilsWithoutPandas())
