"""Reading tables from files, below the faces: the rating CSVs of `calibrate agreement`.

Streamed, with the limits that keep a hostile file from exhausting the machine
(docs/metrics.md, "Reading large files"): `csv_scan` checks the bytes, `ratings_csv` reads the
ratings into a core tally (pandas while the scan clears the way, else row by row through
`csv_rows`), `gold_csv` the golden answers. Imports core and nothing of the layers above; no
Qt, no SQL. pandas is imported only inside the functions that read.
"""
