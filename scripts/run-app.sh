#!/usr/bin/env bash
# Open the app on the bundled demo lessons and the demo history (a separate demo database,
# created on first run, under a "Demo data" banner); without a display, on Xvfb.
# Your own answers go in the real database: run .venv/bin/calibrate without --demo.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -n "${DISPLAY:-}" ] || [ -n "${WAYLAND_DISPLAY:-}" ]; then
  exec .venv/bin/calibrate --demo "$@"
fi
echo "No display found: running on a virtual screen (xvfb-run). Screenshots: see docs/screenshots."
# The virtual screen runs in a session of its own, so that Ctrl+C stops the app first (its
# answers are on disk already) and xvfb-run then takes the screen down; otherwise the screen
# dies first and the app reports a broken X11 connection.
setsid xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/calibrate --demo "$@" &
screen_pid=$!
stop_app() { pkill -TERM -P "$screen_pid" -f "bin/calibrate" 2>/dev/null || true; }
trap stop_app INT TERM HUP  # HUP: the terminal was closed
while :; do  # a trapped signal ends a wait early: wait again for the app's own exit
  status=0
  wait "$screen_pid" || status=$?
  kill -0 "$screen_pid" 2>/dev/null || break
done
exit "$status"
