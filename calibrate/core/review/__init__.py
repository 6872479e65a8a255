"""Spaced re-calibration: which answers rate a moderator × case card, and the cards' replay.

Pure (no Qt, no SQL): `rating` holds the issue's rules (a miss is Again, a correct answer is
rated by its confidence), `cards` replays a moderator's answers through the `fsrs` scheduler
with the fixed settings of docs/dashboard-metrics.md ("Spaced review"). Cards are derived
from the immutable answers on demand, never stored: answers merged from another machine or
a live room change the schedule as they would had they been answered here.
"""
