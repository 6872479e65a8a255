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
# dies first and the app reports a broken X11 connection. The app writes its own PID to a
# file (sh's $$, kept by exec) so it is stopped by PID: pkill/pgrep (procps) are missing on a
# minimal Debian.
pid_file=$(mktemp "${TMPDIR:-/tmp}/calibrate-app.XXXXXX")
trap 'rm -f "$pid_file"' EXIT
# shellcheck disable=SC2016 # $$ and $0 belong to the inner sh
setsid xvfb-run -a -s "-screen 0 1366x768x24" \
  sh -c 'echo $$ > "$0"; exec "$@"' "$pid_file" .venv/bin/calibrate --demo "$@" &
screen_pid=$!
stop_app() {
  local app_pid="" tries=0
  # A signal in the first instants may come before the app has written its PID.
  while [ -z "$app_pid" ] && [ "$tries" -lt 100 ] && kill -0 "$screen_pid" 2>/dev/null; do
    app_pid=$(cat "$pid_file")
    [ -n "$app_pid" ] || { sleep 0.1; tries=$((tries + 1)); }
  done
  if [ -n "$app_pid" ] && kill -0 "$screen_pid" 2>/dev/null; then
    kill -TERM "$app_pid" 2>/dev/null || true
  fi
}
trap stop_app INT TERM HUP  # HUP: the terminal was closed
while :; do  # a trapped signal ends a wait early: wait again for the app's own exit
  status=0
  wait "$screen_pid" || status=$?
  kill -0 "$screen_pid" 2>/dev/null || break
done
exit "$status"
