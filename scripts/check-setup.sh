#!/usr/bin/env bash
# Check scripts/setup.sh the way a fresh machine meets it, without touching this checkout's
# .venv: a throw-away copy of the repository gets its own .venv and log.
#   1. a package list with a package apt cannot find: exit 1, the failing step named, the
#      log's tail shown (needs root or sudo, runs apt-get update);
#   2. a fresh .venv: a few lines out (no apt/dpkg/pip chatter, no pip warnings), all of it in
#      the log;
#   3. a second run: one line out, and nothing in the copy, its .venv or the log changes.
# Run: bash scripts/check-setup.sh   (2-4 minutes: pip installs everything once)
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/calibrate-setup-check.XXXXXX")
trap 'rm -rf "$work"' EXIT
copy=$work/checkout
mkdir "$copy"
(cd "$repo" && git ls-files -z --cached --others --exclude-standard \
  | tar --null -T - -cf - 2>/dev/null) | tar -xf - -C "$copy"
export CALIBRATE_SETUP_LOG=$work/setup.log
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

echo "1. a Debian package that does not exist"
sed 's/^  poppler-utils$/  poppler-utils calibrate-no-such-package/' "$repo/scripts/setup.sh" \
  > "$copy/scripts/setup.sh"
status=0
bash "$copy/scripts/setup.sh" > "$work/out1" 2>&1 || status=$?
cat "$work/out1"
[ "$status" -eq 1 ] || fail "exit $status, wanted 1"
grep -q "setup: apt-get install failed. The last lines of $CALIBRATE_SETUP_LOG" "$work/out1" \
  || fail "the failing step and the log are not named"
grep -q "calibrate-no-such-package" "$work/out1" || fail "the log's tail is not shown"
[ "$(wc -l < "$work/out1")" -le 35 ] || fail "$(wc -l < "$work/out1") lines"
[ ! -e "$copy/.venv" ] || fail "went on after the failure"
cp "$repo/scripts/setup.sh" "$copy/scripts/setup.sh"
rm -f "$CALIBRATE_SETUP_LOG"

echo "2. a fresh .venv"
bash "$copy/scripts/setup.sh" > "$work/out2" 2>&1 || fail "exit $?"
cat "$work/out2"
[ "$(wc -l < "$work/out2")" -le 10 ] || fail "$(wc -l < "$work/out2") lines"
! grep -qi "warning\|Collecting\|Selecting previously" "$work/out2" || fail "tool chatter shown"
grep -q "Successfully installed" "$CALIBRATE_SETUP_LOG" || fail "pip's output is not in the log"
grep -q "^Calibrate is set up: calibrate" "$work/out2" || fail "no closing line"

echo "3. a second run"
touch "$work/marker"
sleep 1
bash "$copy/scripts/setup.sh" > "$work/out3" 2>&1 || fail "exit $?"
cat "$work/out3"
[ "$(wc -l < "$work/out3")" -eq 1 ] || fail "$(wc -l < "$work/out3") lines, wanted 1"
changed=$(find "$copy" "$CALIBRATE_SETUP_LOG" -newer "$work/marker" | head -5)
[ -z "$changed" ] || fail "the second run changed: $changed"

if [ "$failures" -gt 0 ]; then
  echo "check-setup: $failures problem(s)"
  exit 1
fi
echo "check-setup: all good"
