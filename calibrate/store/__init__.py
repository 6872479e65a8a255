"""The only package that talks SQL: one SQLite file through sqlite-utils."""

import sys

# sqlite-utils imports pandas and numpy at module load when they are installed, only to map
# their scalar types to column types when it creates tables from sample values, which
# Calibrate never does (migrations declare Python types). Those two imports cost ~0.25 s of
# every start-up, so sqlite_utils is loaded with both hidden; the real modules are restored
# at once and stay importable for the code that needs them (metrics, `calibrate agreement`).
if "sqlite_utils" not in sys.modules:
    _hidden = {name: sys.modules.get(name) for name in ("pandas", "numpy")}
    for _name in _hidden:
        sys.modules[_name] = None  # type: ignore[assignment]
    try:
        import sqlite_utils  # noqa: F401
    finally:
        for _name, _module in _hidden.items():
            if _module is None:
                del sys.modules[_name]
            else:
                sys.modules[_name] = _module
