"""The only package that talks SQL: one SQLite file through sqlite-utils."""
