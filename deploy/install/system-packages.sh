#!/usr/bin/env bash
# `npm ci` (package.json postinstall): make sure the Debian packages the features need at run
# time are installed. ffmpeg (+ ffprobe): recordings and the yearly videos; fonts-dejavu-core:
# the text in videos and PDF reports. ffmpeg-static cannot download its binary offline, so
# Debian's ffmpeg is the one that works on a fresh machine (DESIGN §2). prometheus: its promtool
# checks the alert rules of deploy/prometheus in the tests (the server it also installs is not started here).
#
# As root (or with password-less sudo) it installs what is missing with apt-get; otherwise it
# prints the command to run and goes on: the server starts without these features and says so
# in its log and in /ready. POCDOJO_SKIP_SYSTEM_PACKAGES=1 skips this step.
set -uo pipefail

PACKAGES=(ffmpeg fonts-dejavu-core prometheus)
log() { printf '[pocdojo postinstall] %s\n' "$*" >&2; }

if [[ "${POCDOJO_SKIP_SYSTEM_PACKAGES:-}" == 1 ]]; then
  log "POCDOJO_SKIP_SYSTEM_PACKAGES=1: not checking ${PACKAGES[*]}"
  exit 0
fi
if ! command -v dpkg-query >/dev/null; then
  log "not a Debian system: install ffmpeg (with ffprobe) and the DejaVu fonts yourself, or set FFMPEG_BIN; recordings and videos are unavailable without them"
  exit 0
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
  [[ "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null)" == "install ok installed" ]] || missing+=("$pkg")
done
((${#missing[@]} == 0)) && exit 0

if [[ "$(id -u)" == 0 ]]; then
  as_root=()
elif command -v sudo >/dev/null && sudo -n true 2>/dev/null; then
  as_root=(sudo -n)
else
  log "missing Debian packages: ${missing[*]}. Recordings and yearly videos stay unavailable until you run:"
  log "  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${missing[*]}"
  exit 0
fi

log "installing Debian packages: ${missing[*]} (recordings, videos, report fonts)"
export DEBIAN_FRONTEND=noninteractive
apt_log="$(mktemp)"
trap 'rm -f "$apt_log"' EXIT
install() { "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >>"$apt_log" 2>&1; }
# A fresh machine has no package lists yet: update only when the install cannot find the packages.
if install || { "${as_root[@]}" apt-get update -qq >>"$apt_log" 2>&1 && install; }; then
  log "installed ${missing[*]}"
else
  tail -n 20 "$apt_log" >&2
  log "apt-get could not install ${missing[*]} (see above): recordings and videos stay unavailable"
fi
exit 0
