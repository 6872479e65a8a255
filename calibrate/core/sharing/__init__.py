"""Packs as shareable `.calpack` archives (docs/sharing.md): one zip holding `manifest.json`,
the pack's files under `lessons/<id>/` and the clips its cases name under `assets/<id>/`.

A `.calpack` arrives from somewhere else, so the archive is the attack surface: every limit
is checked on the bytes as they stream out, never taken from the zip's headers, and nothing
reaches the lessons folders before the whole pack is extracted beside them, checked against
its manifest and validated. Plain Python (zipfile, hashlib): no Qt, no SQL.
"""
