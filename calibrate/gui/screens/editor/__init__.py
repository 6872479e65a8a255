"""The trainer's editors: pack, lessons, guidance slides and cases (docs/authoring.md)."""
