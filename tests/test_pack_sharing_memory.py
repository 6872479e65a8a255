"""Export and import stream: the peak memory of `calibrate pack export|import` does not grow
with the size of the clips (a 200 MB pack costs what a 8 MB one does)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.pack_factory import FAKE_MP4, write_pack

MIB = 1024 * 1024
CLIPS = ("c1", "c2", "c3", "c4")


def pack_with_clips(root: Path, clip_mib: int) -> Path:
    """Pack 'alpha' whose four clips are `clip_mib` MiB of random bytes each."""
    folder = write_pack(root / "lessons", "alpha", case_ids=CLIPS)
    for case_id in CLIPS:
        with open(root / "assets" / "alpha" / f"{case_id}.mp4", "wb") as clip:
            clip.write(FAKE_MP4)
            for _ in range(clip_mib):
                clip.write(os.urandom(MIB))
    return folder


# Linux carries a parent's peak memory over fork and exec, so the command is started by a
# small launcher (not by pytest, ~80 MB): the launcher's child starts from the launcher's
# few MB, and the launcher reports its one child's peak (RUSAGE_CHILDREN).
LAUNCHER = """
import os, resource, subprocess, sys
code = subprocess.call([sys.executable, "-m", "calibrate", *sys.argv[1:]], stdout=2)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss if code == 0 else -code)
"""


def peak_rss_kib(*argv: str) -> int:
    """Peak resident memory (KiB) of `calibrate ARGV` run in a fresh process."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    result = subprocess.run(
        [sys.executable, "-S", "-c", LAUNCHER, *argv],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    peak = int(result.stdout)
    assert peak > 0, result.stderr
    return peak


def test_export_and_import_memory_does_not_grow_with_the_clips(tmp_path: Path) -> None:
    peaks = {}
    for clip_mib in (2, 50):
        root = tmp_path / f"{clip_mib}"
        folder = pack_with_clips(root / "src", clip_mib)
        archive = root / "alpha.calpack"
        (root / "site").mkdir()
        export = peak_rss_kib("pack", "export", str(folder), "--out", str(archive))
        assert archive.stat().st_size > 4 * clip_mib * MIB
        take = peak_rss_kib("pack", "import", str(archive), "--into", str(root / "site/lessons"))
        assert (root / "site/assets/alpha/c4.mp4").stat().st_size > clip_mib * MIB
        peaks[clip_mib] = (export, take)
    (small_export, small_import), (big_export, big_import) = peaks[2], peaks[50]
    # 192 MB more clips; a copy held in memory would show as ≥ 50 MB (one clip) more.
    assert big_export - small_export < 16 * 1024, peaks
    assert big_import - small_import < 16 * 1024, peaks
