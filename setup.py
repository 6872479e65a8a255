"""Build hook only (metadata is in pyproject.toml): ship the demo packs inside the package.

A checkout runs on its own lessons/ and assets/; an installed wheel carries copies under
calibrate/bundled/ so the app opens on the demo lessons anywhere (see calibrate.paths).
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent


class BuildPyWithDemoPacks(build_py):
    def run(self) -> None:
        super().run()
        target = Path(self.build_lib) / "calibrate" / "bundled"
        for name in ("lessons", "assets"):
            if (ROOT / name).is_dir():
                shutil.copytree(ROOT / name, target / name, dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildPyWithDemoPacks})
