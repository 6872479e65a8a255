"""Rows in and out of a database: export files, and merging them (or a history CSV) back.

An export is JSON Lines (docs/exchange.md): one header line naming the format, the schema, the
row counts and the sha256 of the body, then one `{"table": ..., "row": ...}` object per line
in dependency order. Imports merge by primary key (UUIDs, content hashes), so importing twice
adds nothing, and run in one transaction: a refused file leaves the database as it was.

One module per job:
- `export`: `export_database`, writing an export file;
- `export_file`: the format (tables in dependency order, their keys) and `load_export`,
  which checks a file whole before anything is written;
- `merge`: `merge_export` and `merge_rows` (the history CSV's import too), `ImportResult`.
The demo history is written by store/demo_data.py.
"""
