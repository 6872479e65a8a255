#!/usr/bin/env bash
# Open the app on the bundled demo lessons; without a display, on a virtual screen (Xvfb).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "No display found: running on a virtual screen (xvfb-run). Screenshots: see docs/screenshots."
  exec xvfb-run -a -s "-screen 0 1366x768x24" .venv/bin/calibrate "$@"
fi
exec .venv/bin/calibrate "$@"
