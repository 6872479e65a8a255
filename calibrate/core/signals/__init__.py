"""Production signals (docs/signals.md): the rules of a weekly signals file (`rows`) and the
Production tab's numbers (`production`). Plain Python + numpy: no Qt, no SQL."""
