"""Historic results from a spreadsheet (CSV): read and check every row, then merge them.

A file is read and checked whole before the database is touched (`reading`:
`read_history_csv`, `HistoryRecord`, `HistoryError`); the checked records then become
profiles, sessions and answers whose ids are derived from their content, so importing the
same file twice adds nothing (`merge`: `history_rows`, `merge_history`). Used by `calibrate
import --csv` and the dashboard's import; the format is in docs/exchange.md.
"""
