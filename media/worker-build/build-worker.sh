#!/usr/bin/env bash
# Build (or reuse from cache) mediasoup's C++ worker, offline, against Debian bookworm libraries.
#
#   build-worker.sh               build if needed; the last line of stdout is the binary's path
#   build-worker.sh --print-path  print the path the binary has (or would have); build nothing
#
# Cache: ${POCDOJO_CACHE_DIR:-$HOME/.cache/pocdojo}/mediasoup-worker/<key>/mediasoup-worker
# where <key> = <mediasoup version>-<sha256 of the build inputs in this directory>.
# All logs go to stderr. See README.md.
set -euo pipefail

MEDIASOUP_VERSION="3.18.1"
# npm registry integrity of mediasoup-3.18.1.tgz (checked after `npm pack`).
MEDIASOUP_INTEGRITY="sha512-VijYhv2g15kcCZZXm3X+EJT+hTMQZVxhumZsH/s52avx15TrFijOeOX+eHpXu+zqKmfpQOPiD5cLEw0TSNC0tA=="
DEB_PACKAGES=(meson ninja-build pkg-config g++ libssl-dev libuv1-dev libsrtp2-dev libusrsctp-dev
  libabsl-dev libflatbuffers-dev flatbuffers-compiler python3)

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

log() { printf '[build-worker] %s\n' "$*" >&2; }
die() { printf '[build-worker] ERROR: %s\n' "$*" >&2; exit 1; }

# --- cache key ---------------------------------------------------------------------------------
# Every file here that changes the produced binary: this script (meson flags, version), the patch
# script and the local subprojects. README.md and postinstall.js are deliberately not included.
cache_key() {
  local sum
  sum="$(
    cd "$HERE"
    { printf '%s\n' build-worker.sh patch-worker.py; find subprojects -type f; } \
      | LC_ALL=C sort | while IFS= read -r f; do
          printf '%s  %s\n' "$(sha256sum <"$f" | cut -d' ' -f1)" "$f"
        done | sha256sum | cut -c1-16
  )"
  printf '%s-%s' "$MEDIASOUP_VERSION" "$sum"
}

KEY="$(cache_key)"
CACHE_ROOT="${POCDOJO_CACHE_DIR:-$HOME/.cache/pocdojo}/mediasoup-worker"
KEY_DIR="$CACHE_ROOT/$KEY"
BIN="$KEY_DIR/mediasoup-worker"

case "${1:-}" in
  --print-path) printf '%s\n' "$BIN"; exit 0 ;;
  "") ;;
  -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) die "unknown argument: $1 (use --print-path or no argument)" ;;
esac

# A cached binary is usable if it is executable and the dynamic loader resolves all its libraries.
bin_ok() {
  [[ -x "$BIN" ]] || return 1
  local out
  out="$(ldd "$BIN" 2>&1)" || return 1
  ! grep -q 'not found' <<<"$out"
}

if bin_ok; then
  printf '%s\n' "$BIN"
  exit 0
fi

# --- cache miss: build ---------------------------------------------------------------------------
mkdir -p "$CACHE_ROOT" 2>/dev/null || die "cannot create cache dir $CACHE_ROOT (set POCDOJO_CACHE_DIR to a writable dir)"
# Serialize concurrent builds (e.g. two `npm ci` at once); re-check once we hold the lock.
exec 9>"$CACHE_ROOT/.lock"
if ! flock -n 9; then
  log "another build holds $CACHE_ROOT/.lock, waiting..."
  flock 9
fi
if bin_ok; then
  printf '%s\n' "$BIN"
  exit 0
fi
if [[ -e "$BIN" ]]; then
  log "cached binary $BIN is unusable (missing libraries?); rebuilding"
fi

log "building mediasoup-worker $MEDIASOUP_VERSION (cache key $KEY)"
START=$SECONDS

# 1. Debian build packages.
missing_packages() {
  local p status
  for p in "${DEB_PACKAGES[@]}"; do
    status="$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)"
    [[ "$status" == "install ok installed" ]] || printf '%s\n' "$p"
  done
}
command -v dpkg-query >/dev/null || die "dpkg-query not found: this build expects Debian bookworm"
mapfile -t MISSING < <(missing_packages)
if ((${#MISSING[@]})); then
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
    log "installing Debian packages: ${MISSING[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update >&2 || die "apt-get update failed; missing packages: ${MISSING[*]}"
    apt-get install -y --no-install-recommends "${MISSING[@]}" >&2 \
      || die "apt-get install failed; missing packages: ${MISSING[*]}"
    mapfile -t MISSING < <(missing_packages)
    ((${#MISSING[@]} == 0)) || die "still missing after apt-get install: ${MISSING[*]}"
  else
    die "missing Debian packages: ${MISSING[*]}
  install them as root:  apt-get update && apt-get install -y ${MISSING[*]}
  (or set MEDIASOUP_WORKER_BIN to an existing worker binary, or POCDOJO_SKIP_WORKER_BUILD=1)"
  fi
fi

# 2. Sources from the npm registry (the tarball contains worker/).
WORK="$(mktemp -d "${TMPDIR:-/tmp}/pocdojo-mediasoup-worker.XXXXXX")"
cleanup() { rm -rf "$WORK"; }
trap cleanup EXIT

log "npm pack mediasoup@$MEDIASOUP_VERSION"
TGZ="$WORK/mediasoup-$MEDIASOUP_VERSION.tgz"
# --ignore-scripts: packing a registry spec runs nothing anyway, but be explicit.
(cd "$WORK" && npm pack "mediasoup@$MEDIASOUP_VERSION" --ignore-scripts --silent >&2) \
  || die "npm pack mediasoup@$MEDIASOUP_VERSION failed (is the npm registry reachable?)"
[[ -f "$TGZ" ]] || die "npm pack did not produce $TGZ"
GOT_INTEGRITY="$(python3 -c 'import base64,hashlib,sys; print("sha512-" + base64.b64encode(hashlib.sha512(open(sys.argv[1], "rb").read()).digest()).decode())' "$TGZ")"
[[ "$GOT_INTEGRITY" == "$MEDIASOUP_INTEGRITY" ]] \
  || die "integrity mismatch for $TGZ: got $GOT_INTEGRITY, expected $MEDIASOUP_INTEGRITY"
tar -xzf "$TGZ" -C "$WORK"
W="$WORK/package/worker"
[[ -f "$W/meson.build" ]] || die "unexpected tarball layout: no package/worker/meson.build"

# 3. Local subprojects instead of wraps, and source patches (fail loudly if anything moved).
python3 "$HERE/patch-worker.py" "$W" "$HERE/subprojects"

# 4. Configure and build like the worker's tasks.py release build, offline, without liburing.
JOBS="$(nproc 2>/dev/null || echo 2)"
log "$(meson --version | sed 's/^/meson /'), $(flatc --version), ninja $(ninja --version), $JOBS jobs"
(
  cd "$W"
  meson setup --wrap-mode=nodownload --buildtype release -Db_ndebug=true \
    -Dms_disable_liburing=true build
  meson compile -C build flatbuffers-generator
  meson compile -C build -j "$JOBS" mediasoup-worker
) >&2 || die "meson build failed (see the output above)"

OUT="$W/build/mediasoup-worker"
[[ -x "$OUT" ]] || die "build finished but $OUT is missing"

# 5. Install atomically into the cache.
mkdir -p "$KEY_DIR"
TMP_BIN="$KEY_DIR/.mediasoup-worker.tmp.$$"
install -m 0755 "$OUT" "$TMP_BIN"
{
  echo "mediasoup $MEDIASOUP_VERSION"
  echo "cache key $KEY"
  echo "built $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(uname -srm) in $((SECONDS - START)) s"
  dpkg-query -W -f='${Package} ${Version}\n' "${DEB_PACKAGES[@]}" 2>/dev/null || true
} >"$KEY_DIR/BUILDINFO.tmp.$$"
mv -f "$KEY_DIR/BUILDINFO.tmp.$$" "$KEY_DIR/BUILDINFO"
mv -f "$TMP_BIN" "$BIN"
bin_ok || die "installed $BIN but ldd does not resolve all its libraries"

log "built in $((SECONDS - START)) s: $BIN"
printf '%s\n' "$BIN"
