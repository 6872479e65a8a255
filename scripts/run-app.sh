#!/usr/bin/env bash
# Open the app on the bundled demo lessons and the demo history (a separate demo database,
# created on first run, under a "Demo data" banner); without a display, on Xvfb.
# Your own answers go in the real database: run .venv/bin/calibrate without --demo.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "No display found: running on a virtual screen (xvfb-run). Screenshots: see docs/screenshots."
  exec xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/calibrate --demo "$@"
fi
exec .venv/bin/calibrate --demo "$@"
