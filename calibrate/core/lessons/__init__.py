"""Lesson packs as files: the schema, the loader, TOML line finding, content hashes, and the
defensive reading that turns a broken or hostile file into located problems."""
