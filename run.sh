#!/usr/bin/env bash
# Companion's set-up and launcher: installs whatever is missing, then runs the app or the tests.
#   ./run.sh app [ARGS...]    install the desktop entry (menu, "Open with"), then open the app on
#                             the bundled film (ARGS go to `companion`)
#   ./run.sh test [ARGS...]   the checks below, then every test, headless (ARGS go to pytest)
#   ./run.sh check            ruff check, ruff format --check and mypy: any finding fails
# Idempotent and quiet when nothing is missing; needs root or sudo only to install system packages.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

APT_PACKAGES=(
  libvlc5 vlc-plugin-base vlc-plugin-video-output            # the player
  libxcb-cursor0 libxkbcommon-x11-0 libxcb-icccm4 libxcb-keysyms1 libxcb-xinerama0
  libxcb-randr0 libxcb-render-util0 libxcb-image0 libxcb-shape0 libxcb-xkb1
  libegl1 libgl1 libfontconfig1 libdbus-1-3 fonts-dejavu-core # Qt's xcb platform
  ffmpeg xvfb xauth                                           # tests: clips and a virtual screen
  espeak-ng festival festvox-us-slt-hts                       # synthetic speech (sync, listen); pronunciations
  desktop-file-utils                                          # the desktop entry's MIME cache
  wamerican wbritish                                          # tests: the transcript's spelling
)

log() { printf 'companion setup: %s\n' "$*" >&2; }

missing_packages() {
  local pkg
  for pkg in "${APT_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || echo "$pkg"
  done
  python3 -c "import ensurepip" 2>/dev/null || echo python3-venv
}

install_system_packages() {
  command -v dpkg-query >/dev/null || { log "not a Debian/Ubuntu system: install libVLC 3, ffmpeg and Xvfb yourself"; return; }
  local missing
  mapfile -t missing < <(missing_packages)
  ((${#missing[@]})) || return 0
  local sudo=()
  if ((EUID != 0)); then
    if command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
      sudo=(sudo)
    else
      log "missing system packages; run this once, then try again:"
      echo "sudo apt-get install -y --no-install-recommends ${missing[*]}"
      exit 1
    fi
  fi
  log "installing ${missing[*]}"
  "${sudo[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends \
    "${missing[@]}" >/dev/null
}

install_python_packages() {
  local python=${PYTHON:-python3}
  "$python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' ||
    { log "Companion needs Python 3.11 or newer ($python is $("$python" --version))"; exit 1; }
  if [[ ! -x .venv/bin/python ]]; then
    log "creating .venv"
    "$python" -m venv .venv
  fi
  if [[ ! -f .venv/.installed || pyproject.toml -nt .venv/.installed ]]; then
    log "installing Python packages into .venv"
    .venv/bin/python -m pip install -q --disable-pip-version-check -e '.[dev]'
    touch .venv/.installed
  fi
}

# Lint, formatting and types: CI fails on any finding (each tool lists what it found).
run_checks() {
  local failed=()
  .venv/bin/ruff check --quiet . || failed+=("ruff check")
  .venv/bin/ruff format --check --quiet . || failed+=("ruff format --check")
  .venv/bin/mypy --no-error-summary || failed+=(mypy)
  ((${#failed[@]} == 0)) || { printf 'companion check: %s failed\n' "${failed[@]}" >&2; exit 1; }
}

main() {
  local what=${1:-}
  shift || true
  case "$what" in
    app)
      install_system_packages
      install_python_packages
      .venv/bin/companion install-desktop --quiet || log "the desktop entry was not installed"
      exec .venv/bin/companion "$@"
      ;;
    check)
      install_python_packages
      run_checks
      ;;
    test)
      install_system_packages
      install_python_packages
      run_checks
      # The tests' files (their SQLite stores, clips) in memory when there is a tmpfs: on a disk
      # every commit waits for its fsync, a third of the fast tier's time when the disk is busy.
      if [[ -z ${TMPDIR:-} && -w /dev/shm && $(stat -f -c %T /dev/shm) == tmpfs ]]; then
        export TMPDIR=/dev/shm
      fi
      if [[ -z ${DISPLAY:-} ]] && command -v xvfb-run >/dev/null; then
        exec xvfb-run -a -s "-screen 0 1600x1000x24" .venv/bin/python -m pytest "$@"
      fi
      exec .venv/bin/python -m pytest "$@"
      ;;
    *)
      echo "usage: ./run.sh app [ARGS...] | ./run.sh test [PYTEST ARGS...] | ./run.sh check" >&2
      exit 2
      ;;
  esac
}

main "$@"
