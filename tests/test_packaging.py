"""An installed (non-editable) Calibrate carries the demo packs and finds them."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path


def test_wheel_ships_demo_lessons_and_their_media(tmp_path: Path, repo_root: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "-q",
            "-w",
            str(tmp_path),
            str(repo_root),
        ],
        check=True,
        timeout=300,
        capture_output=True,
    )
    [wheel] = tmp_path.glob("calibrate-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    packs = sorted(p.name for p in (repo_root / "lessons").iterdir() if p.is_dir())
    for pack in packs:
        assert f"calibrate/bundled/lessons/{pack}/pack.toml" in names
        assert any(n.startswith(f"calibrate/bundled/assets/{pack}/") for n in names)
    # The bundled copy validates where it lands, so the installed app really opens on it.
    extracted = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(extracted)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "calibrate",
            "validate",
            str(extracted / "calibrate/bundled/lessons"),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=extracted,
    )
    assert result.returncode == 0, result.stdout
