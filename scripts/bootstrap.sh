#!/usr/bin/env bash
# Shared helpers for the Tingia dev/test scripts, and `make install`.
#
#   bash scripts/bootstrap.sh     create .venv (if missing) and install requirements.txt
#   source scripts/bootstrap.sh   only define the helpers (used by run.sh, services.sh, test.sh)
#
# Environment: PYTHON (interpreter used to create the venv, default python3),
#              VENV (default <repo>/.venv).
set -euo pipefail

ROOT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=${VENV:-.venv}
case $VENV in /*) ;; *) VENV=$ROOT_DIR/$VENV ;; esac
# shellcheck disable=SC2034 # used by the scripts that source this file
RUN_DIR=$ROOT_DIR/.run
REQUIREMENTS=$ROOT_DIR/requirements.txt
STAMP=$VENV/.requirements.sha256

log() { printf '==> %s\n' "$*"; }
warn() { printf 'WARNING: %s\n' "$*" >&2; }
die() {
    printf 'ERROR: %s\n' "$*" >&2
    exit 1
}

is_root() { [ "$(id -u)" -eq 0 ]; }

# --- Python virtualenv -------------------------------------------------------

venv_works() {
    [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null
}

create_venv() {
    local py=${PYTHON:-python3}
    command -v "$py" >/dev/null || die "$py not found; install it (Debian: apt-get install -y python3 python3-venv)"
    "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))' ||
        die "Python >= 3.11 required, $py is $("$py" -V 2>&1)"
    if ! "$py" -c 'import ensurepip, venv' 2>/dev/null; then
        ensure_apt_packages python3-venv
    fi
    if [ -e "$VENV" ]; then
        warn "$VENV exists but is not a working Python >= 3.11 venv; recreating it"
        rm -rf "$VENV"
    fi
    log "creating virtualenv $VENV with $("$py" -V 2>&1)"
    "$py" -m venv "$VENV"
}

requirements_hash() {
    # The interpreter path is part of the hash so a recreated venv reinstalls.
    { sha256sum "$REQUIREMENTS" | cut -d' ' -f1; readlink -f "$VENV/bin/python"; } | sha256sum | cut -d' ' -f1
}

# Create the venv if needed and install requirements.txt, skipping the install
# when requirements.txt is unchanged since the last successful one.
ensure_venv() {
    [ -f "$REQUIREMENTS" ] || die "$REQUIREMENTS not found"
    venv_works || create_venv
    local want
    want=$(requirements_hash)
    if [ -f "$STAMP" ] && [ "$(cat "$STAMP")" = "$want" ]; then
        return 0
    fi
    log "installing Python dependencies from requirements.txt into $VENV"
    PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 \
        "$VENV/bin/python" -m pip install --quiet -r "$REQUIREMENTS"
    printf '%s\n' "$want" >"$STAMP"
    log "Python dependencies installed"
}

# --- Debian packages ---------------------------------------------------------

pkg_installed() {
    [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = "installed" ]
}

# ensure_apt_packages PKG...: install the missing ones when root, otherwise
# print the apt command to run and stop.
ensure_apt_packages() {
    if ! command -v dpkg-query >/dev/null; then
        warn "not a Debian system; make sure these are installed: $*"
        return 0
    fi
    local pkg missing=()
    for pkg in "$@"; do
        pkg_installed "$pkg" || missing+=("$pkg")
    done
    [ ${#missing[@]} -eq 0 ] && return 0
    if ! is_root; then
        printf 'ERROR: missing Debian packages: %s\n' "${missing[*]}" >&2
        printf 'Install them with:\n\n    sudo apt-get install -y %s\n\nthen re-run this command.\n' "${missing[*]}" >&2
        exit 1
    fi
    log "installing Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y --no-install-recommends "${missing[@]}"; then
        log "apt-get install failed; running apt-get update and retrying"
        apt-get update
        apt-get install -y --no-install-recommends "${missing[@]}"
    fi
}

# At least one font with Vietnamese glyphs, for the browser tests.
ensure_fonts() {
    command -v dpkg-query >/dev/null || return 0
    if ! pkg_installed fonts-noto-core && ! pkg_installed fonts-dejavu-core; then
        ensure_apt_packages fonts-dejavu-core
    fi
}

# --- browser test tools (npm) -------------------------------------------------

TEST_TOOLS_DIR=$ROOT_DIR/tests/axe

# Install the JavaScript the browser tests inject into pages (axe-core), pinned by
# tests/axe/package-lock.json; skipped while the lock file is unchanged. Uses Debian's nodejs
# and npm when npm is missing.
ensure_test_tools() {
    if ! command -v npm >/dev/null; then
        ensure_apt_packages nodejs npm
    fi
    local want stamp=$TEST_TOOLS_DIR/node_modules/.package-lock.sha256
    want=$(sha256sum "$TEST_TOOLS_DIR/package-lock.json" | cut -d' ' -f1)
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] &&
        [ -f "$TEST_TOOLS_DIR/node_modules/axe-core/axe.min.js" ]; then
        return 0
    fi
    log "installing the browser test tools (npm ci in ${TEST_TOOLS_DIR#"$ROOT_DIR"/})"
    (cd "$TEST_TOOLS_DIR" && npm ci --no-audit --no-fund --loglevel=error) ||
        die "npm ci failed in $TEST_TOOLS_DIR"
    printf '%s\n' "$want" >"$stamp"
}

# --- translations ------------------------------------------------------------

# Compile the message catalogues (tingia/translations/*/LC_MESSAGES/messages.po -> .mo) when a
# .mo is missing or older than its .po. The .mo files are build output, not kept in git.
compile_translations() {
    local po mo stale=0
    for po in "$ROOT_DIR"/tingia/translations/*/LC_MESSAGES/messages.po; do
        mo=${po%.po}.mo
        if [ ! -f "$mo" ] || [ "$po" -nt "$mo" ]; then stale=1; fi
    done
    [ $stale -eq 1 ] || return 0
    log "compiling the message catalogues (pybabel compile)"
    "$VENV/bin/pybabel" compile -d "$ROOT_DIR/tingia/translations" >/dev/null ||
        die "pybabel compile failed"
}

# --- ports & services --------------------------------------------------------

# find_free_port START: first port >= START that nothing is bound to on 127.0.0.1.
find_free_port() {
    "$VENV/bin/python" - "$1" <<'PY'
import socket, sys

start = int(sys.argv[1])
for port in range(start, start + 500):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind(("127.0.0.1", port))
    except OSError:
        continue
    finally:
        s.close()
    print(port)
    sys.exit(0)
sys.exit(f"no free port in {start}..{start + 499}")
PY
}

# port_in_use PORT: something accepts TCP connections on 127.0.0.1:PORT.
port_in_use() {
    # shellcheck disable=SC2016 # $1 is expanded by the inner bash
    timeout 2 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "$1" 2>/dev/null
}

# redis_ping ARGS...: redis-cli ARGS ping answers PONG (bounded by a timeout).
redis_ping() {
    [ "$(timeout 3 redis-cli "$@" ping 2>/dev/null)" = "PONG" ]
}

# wait_for NAME LOGFILE SECONDS CMD...: poll CMD every 0.25s; on timeout show the
# log tail and fail.
wait_for() {
    local name=$1 logfile=$2 seconds=$3 i
    shift 3
    for ((i = 0; i < seconds * 4; i++)); do
        "$@" >/dev/null 2>&1 && return 0
        sleep 0.25
    done
    printf 'ERROR: %s did not come up within %ss. Last lines of %s:\n' "$name" "$seconds" "$logfile" >&2
    tail -n 30 "$logfile" >&2 2>/dev/null || true
    return 1
}

# stop_pidfile NAME PIDFILE: TERM the process, wait up to 10s, then KILL.
stop_pidfile() {
    local name=$1 pidfile=$2 pid i
    [ -f "$pidfile" ] || return 0
    pid=$(cat "$pidfile" 2>/dev/null || true)
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        log "stopping $name (pid $pid)"
        kill -TERM "$pid" 2>/dev/null || true
        for ((i = 0; i < 40; i++)); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.25
        done
        if kill -0 "$pid" 2>/dev/null; then
            warn "$name (pid $pid) did not stop; killing it"
            kill -KILL "$pid" 2>/dev/null || true
        fi
    fi
    rm -f "$pidfile"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    cd "$ROOT_DIR"
    ensure_venv
    compile_translations
    log "virtualenv ready: $VENV ($("$VENV/bin/python" -V))"
fi
