"""Authoring lesson packs (the trainer's editor, issue 15), without Qt or SQL.

`documents`: pack.toml and case files as tomlkit documents edited key by key (comments and
untouched lines stay byte-identical, new keys go in the format's fixed order). `rules`: the
live checks, the same as `calibrate validate`, for one edited file. `saving`: atomic writes
and drafts. `clips`: a chosen video's content-hash name and the cached facts of clips.
`workspace/authoring.py` (`ws.authoring`) puts them together with the database's answers.
"""
