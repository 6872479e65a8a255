#!/usr/bin/env bash
# Set up Calibrate on Debian 12 / Ubuntu: the Debian packages libVLC, Qt and Xvfb need, then a
# .venv at the repo root with the package (and its test tools) installed. Idempotent: a second
# run checks, finds everything in place, and changes nothing.
# Prints what it installs and how long it took; apt's, dpkg's and pip's own output (hundreds
# of lines) goes to a log file, whose last lines are shown if a step fails.
set -euo pipefail
cd "$(dirname "$0")/.."
log="${CALIBRATE_SETUP_LOG:-${XDG_STATE_HOME:-$HOME/.local/state}/Calibrate/log/setup.log}"
log_started=""

# Run "$@" with its output in the log; on failure say what failed and show the log's end.
logged() {
  local what=$1 started=$SECONDS
  shift
  if [ -z "$log_started" ]; then  # opened only when there is something to do
    mkdir -p "$(dirname "$log")"
    echo "== scripts/setup.sh $(date -u +%Y-%m-%dT%H:%M:%SZ)" >> "$log"
    log_started=1
    echo "setup: the full output goes to $log"
  fi
  echo "== $what: $*" >> "$log"
  if ! "$@" >> "$log" 2>&1 < /dev/null; then
    echo "setup: $what failed. The last lines of $log:" >&2
    tail -n 25 "$log" | sed 's/^/  /' >&2
    exit 1
  fi
  echo "  $what: done in $((SECONDS - started)) s"
}

DEBIAN_PACKAGES=(
  python3 python3-venv python3-pip git
  # libVLC with the callback video output, dummy audio and the H.264/VP9/AAC/Opus decoders
  libvlc5 vlc-plugin-base
  # Qt 6 runtime (offscreen and xcb platforms) and a font
  libegl1 libgl1 libglx0 libglvnd0 libfontconfig1 libfreetype6 libxkbcommon0 libdbus-1-3
  libglib2.0-0 libx11-6 libxcb1 libpng16-16 fonts-dejavu-core
  fonts-noto-color-emoji  # captions carry emoji; without it they show as boxes
  libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-randr0 libxcb-render-util0
  libxcb-shape0 libxcb-sync1 libxcb-xfixes0 libxcb-xkb1 libxkbcommon-x11-0 libx11-xcb1
  # OpenSSL 3, which Qt's TLS backend loads at run time for live rooms (QtWebSockets, TLS)
  libssl3
  # a virtual screen for screenshots and runs on machines without a display
  xvfb xauth
  # pdftotext/pdftoppm: the report tests read the PDF's text
  poppler-utils
  # ffprobe: where a clip's keyframes are, for exact paused seeks (calibrate/player/keyframes);
  # ffmpeg: the tests make odd clips with it
  ffmpeg
)

missing=()
for package in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=()
  if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null; then
      echo "These Debian packages are missing: ${missing[*]}" >&2
      echo "Install them as root (apt-get install ${missing[*]}), or install sudo, then run this again." >&2
      exit 1
    fi
    SUDO=(sudo)
    sudo -v  # ask for the password here, not inside the logged steps
  fi
  echo "Installing Debian packages (${#missing[@]}; a few minutes on a fresh machine, up to ~300 MB):"
  echo "${missing[*]}" | fold -s -w 94 | sed 's/^/  /'
  logged "apt-get update" "${SUDO[@]}" apt-get update
  logged "apt-get install" "${SUDO[@]}" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends "${missing[@]}"
fi

if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "setup: Calibrate needs Python 3.11 or newer; python3 here is $(python3 -V 2>&1)" >&2
  exit 1
fi

if [ ! -x .venv/bin/python ]; then
  echo "Creating .venv"
  logged "python3 -m venv" python3 -m venv .venv
fi

# Reinstall only when the project's declared dependencies changed since the last set-up.
stamp=.venv/.calibrate-setup-stamp
wanted=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ] || ! .venv/bin/python -c "import calibrate" 2>/dev/null; then
  echo "Installing Calibrate and its Python packages into .venv (about 500 MB, 1-3 minutes)"
  logged "pip install --upgrade pip" .venv/bin/python -m pip install --upgrade pip
  logged "pip install" .venv/bin/python -m pip install -e ".[test,dev]"
  echo "$wanted" > "$stamp"
fi
# Byte-compile the package as a regular install would: the app's first start then compiles
# nothing, also where PYTHONDONTWRITEBYTECODE is set (up-to-date files are skipped).
.venv/bin/python -m compileall -q calibrate > /dev/null
echo "Calibrate is set up: $(.venv/bin/calibrate --version)"
