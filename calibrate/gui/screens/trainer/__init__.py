"""The trainer area: packs found, sharing them as .calpack files, the lessons folders."""
