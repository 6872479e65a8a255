"""Regenerate docs/schema/lesson-pack.schema.json from calibrate.core.lessons.schema."""

import json
from pathlib import Path

from calibrate.core.lessons.schema import json_schema

TARGET = Path(__file__).resolve().parents[1] / "docs" / "schema" / "lesson-pack.schema.json"

if __name__ == "__main__":
    TARGET.write_text(json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {TARGET}")
