"""scripts/run-app.sh on a machine without a display and without procps (minimal Debian).

Ctrl+C in the terminal must stop the app and its virtual screen, found by PID: pkill, pgrep
and ps are not there. The app is the real one (a `.venv/bin/calibrate` that runs this
checkout's package), the screen the real Xvfb.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PROCPS = {"pkill", "pgrep", "ps", "pidof", "kill", "top", "pwdx", "skill", "snice"}

pytestmark = pytest.mark.skipif(
    shutil.which("xvfb-run") is None, reason="needs xvfb-run (scripts/setup.sh installs it)"
)


def _path_without_procps(bin_dir: Path) -> str:
    """A PATH whose one folder links every command of /usr/bin and /bin except procps'."""
    bin_dir.mkdir()
    for folder in (Path("/usr/bin"), Path("/bin")):
        for command in folder.iterdir():
            link = bin_dir / command.name
            if command.name not in PROCPS and not link.exists():
                link.symlink_to(command)
    return str(bin_dir)


def _checkout(root: Path) -> Path:
    """The script beside a .venv/bin/calibrate that starts this checkout's app."""
    (root / "scripts").mkdir(parents=True)
    shutil.copy(REPO / "scripts" / "run-app.sh", root / "scripts" / "run-app.sh")
    launcher = root / ".venv" / "bin" / "calibrate"
    launcher.parent.mkdir(parents=True)
    launcher.write_text(f'#!/bin/sh\nexec {sys.executable} -m calibrate "$@"\n')
    launcher.chmod(0o755)
    return root / "scripts" / "run-app.sh"


def _children() -> dict[int, list[int]]:
    """Parent PID -> child PIDs, from /proc (what ps would show)."""
    tree: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue  # ended meanwhile
        tree.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    return tree


def _descendants(pid: int) -> dict[int, str]:
    """PID -> command line of every live process below pid."""
    tree, found, todo = _children(), {}, [pid]
    while todo:
        for child in tree.get(todo.pop(), []):
            try:
                cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
                found[child] = cmdline.decode("utf-8", "replace").replace("\0", " ")
            except OSError:
                continue
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0]
    except OSError:
        return False
    return state != "Z"


def test_ctrl_c_stops_the_app_and_its_virtual_screen_without_procps(tmp_path: Path) -> None:
    script = _checkout(tmp_path / "checkout")
    env = {
        key: value for key, value in os.environ.items() if key not in ("DISPLAY", "WAYLAND_DISPLAY")
    }
    env.update(
        PATH=_path_without_procps(tmp_path / "bin"),
        PYTHONPATH=str(REPO),
        XDG_DATA_HOME=str(tmp_path / "data"),
        XDG_CONFIG_HOME=str(tmp_path / "config"),
        XDG_STATE_HOME=str(tmp_path / "state"),
        QT_QPA_PLATFORM="xcb",
    )
    # Its own process group, like a shell's foreground job: Ctrl+C signals the whole group.
    run = subprocess.Popen(
        ["bash", str(script), "--db", str(tmp_path / "demo.db")],
        env=env,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        started: dict[int, str] = {}
        while time.monotonic() < deadline and run.poll() is None:
            started = _descendants(run.pid)
            if any("Xvfb" in c for c in started.values()) and (tmp_path / "demo.db").exists():
                break
            time.sleep(0.2)
        assert any("-m calibrate" in c for c in started.values()), started
        assert any("Xvfb" in c for c in started.values()), started
        time.sleep(2)  # the window is up: the demo history is written before it shows
        started = _descendants(run.pid)
        os.killpg(run.pid, signal.SIGINT)
        output, _ = run.communicate(timeout=30)
    finally:
        if run.poll() is None:
            for pid in _descendants(run.pid):
                os.kill(pid, signal.SIGKILL)
            run.kill()
    # xvfb-run signals Xvfb on its way out without waiting for it: give the screen a moment.
    deadline = time.monotonic() + 5
    while any(_alive(pid) for pid in started) and time.monotonic() < deadline:
        time.sleep(0.1)
    left = {pid: command for pid, command in started.items() if _alive(pid)}
    assert left == {}, output.decode(errors="replace")
    assert run.returncode in (0, 130, 143), output.decode(errors="replace")
