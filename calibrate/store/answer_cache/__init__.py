"""The answers as coded columns, cached on disk and in memory, extended by new rows only.

Answers are immutable rows (triggers refuse UPDATE and DELETE) and every answer's golden
answer comes from `case_versions` by case hash (also immutable: the first sighting wins), so
once an answer is read its coded columns never change. The cache keeps them — numpy arrays
plus the lookup tuples their codes index — and reads only the rows whose rowid is above the
highest it holds. New rows are coded against the existing lookups; values never seen before
are appended, so codes stay stable (lookups are in first-seen order, not sorted).

One module per job:
- `cache`: `AnswerCache` (what the dashboard holds between reads), `read_answers`, `warm`;
- `coded_answers`: `CodedAnswers`, the columns, their types and the lookups codes index;
- `refresh`: reading the rows above the highest rowid held (a first build reads them all);
- `columns`: the SELECTs and the decoding of one chunk of rows into coded columns;
- `coder`: lookups that only grow, and rows of sessions and case versions read once each;
- `identity`: whether a cache still belongs to the database (fingerprint, sampled UUIDs),
  and the answers' UUIDs looked up by rowid;
- `files`: the cache file on disk (where, when it is worth writing, reading it back).
"""
