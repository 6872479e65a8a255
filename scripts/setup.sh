#!/usr/bin/env bash
# Set up Calibrate on Debian 12 / Ubuntu: the Debian packages libVLC, Qt and Xvfb need, then a
# .venv at the repo root with the package (and its test tools) installed. Idempotent: a second
# run checks, finds everything in place, and changes nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

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
  # a virtual screen for screenshots and runs on machines without a display
  xvfb xauth
  # pdftotext/pdftoppm: the report tests read the PDF's text
  poppler-utils
)

missing=()
for package in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    if ! command -v sudo >/dev/null; then
      echo "These Debian packages are missing: ${missing[*]}" >&2
      echo "Install them as root (apt-get install ${missing[*]}), or install sudo, then run this again." >&2
      exit 1
    fi
    SUDO="sudo"
  fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "setup: Calibrate needs Python 3.11 or newer; python3 here is $(python3 -V 2>&1)" >&2
  exit 1
fi

if [ ! -x .venv/bin/python ]; then
  echo "Creating .venv"
  python3 -m venv .venv
fi

# Reinstall only when the project's declared dependencies changed since the last set-up.
stamp=.venv/.calibrate-setup-stamp
wanted=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ] || ! .venv/bin/python -c "import calibrate" 2>/dev/null; then
  echo "Installing Calibrate and its test tools into .venv"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".[test,dev]"
  echo "$wanted" > "$stamp"
fi
# Byte-compile the package as a regular install would: the app's first start then compiles
# nothing, also where PYTHONDONTWRITEBYTECODE is set (up-to-date files are skipped).
.venv/bin/python -m compileall -q calibrate > /dev/null
echo "Calibrate is set up: $(.venv/bin/calibrate --version)"
