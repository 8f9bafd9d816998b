#!/usr/bin/env bash
# Run the whole test suite against throwaway services.
#
#   bash scripts/test.sh [PYTEST ARGS...]          (make test)       lint + pytest on SQLite and PostgreSQL
#   bash scripts/test.sh --fast [PYTEST ARGS...]   (make test-fast)  pytest on SQLite, -m "not browser", no lint
#   bash scripts/test.sh --services-only           start the test services, print their URLs, wait for Ctrl-C
#
# The throwaway Redis and PostgreSQL live in .run/test, listen on free ports on
# 127.0.0.1 and are stopped and wiped on exit, whatever happened; your dev Redis,
# dev database and uploads are never used.
# Environment: TEST_BACKENDS (default "sqlite postgres").
set -euo pipefail
# shellcheck source=scripts/bootstrap.sh
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"

TEST_DIR=$RUN_DIR/test
T_REDIS_DIR=$TEST_DIR/redis
T_REDIS_PIDFILE=$T_REDIS_DIR/redis.pid
T_REDIS_LOG=$TEST_DIR/redis.log
PG_DB=tingia_test
PG_SUPERUSER=tingia
PG_BASE= # holds pg/ (data), sock/, pg.log: $TEST_DIR, or a /tmp dir if postgres can't reach it
PG_PORT=
PG_BIN=${PG_BIN:-}

FAILED=0
NOTESTS=0
SUMMARY=()

# --- helpers ---------------------------------------------------------------

# Run a PostgreSQL server-side command as the cluster owner (postgres when root).
as_pg() {
    if is_root; then
        (cd / && runuser -u postgres -- "$@")
    else
        (cd / && "$@")
    fi
}

find_pg_bin() {
    if [ -n "${PG_BIN:-}" ]; then return 0; fi
    local d=
    d=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
    [ -x "$d/initdb" ] || d=
    if [ -z "$d" ] && command -v pg_config >/dev/null; then d=$(pg_config --bindir); fi
    if [ -z "$d" ] || [ ! -x "$d/initdb" ]; then
        die "PostgreSQL server binaries (initdb) not found; apt-get install -y postgresql"
    fi
    PG_BIN=$d
}

summary() {
    SUMMARY+=("$1")
    log "$1"
}

# --- throwaway services ----------------------------------------------------

start_test_redis() {
    local port
    port=$(find_free_port 6390)
    mkdir -p "$T_REDIS_DIR"
    log "starting test Redis on port $port (dir ${T_REDIS_DIR#"$ROOT_DIR"/})"
    redis-server --port "$port" --bind 127.0.0.1 --daemonize yes \
        --dir "$T_REDIS_DIR" --pidfile "$T_REDIS_PIDFILE" --logfile "$T_REDIS_LOG" \
        --save "" --appendonly no ||
        die "redis-server failed to start; see $T_REDIS_LOG"
    wait_for "test Redis" "$T_REDIS_LOG" 15 redis_ping -h 127.0.0.1 -p "$port"
    export TEST_REDIS_URL=redis://127.0.0.1:$port/0
    log "test Redis ready: $TEST_REDIS_URL"
}

# Pick where the cluster lives: .run/test, unless the postgres user can't
# reach it (repo under /root, say) or the socket path would be too long.
choose_pg_base() {
    PG_BASE=$TEST_DIR
    if is_root && ! runuser -u postgres -- test -x "$TEST_DIR" 2>/dev/null; then
        PG_BASE=$(mktemp -d /tmp/tingia-test-pg.XXXXXX)
        log "the postgres user cannot reach $TEST_DIR; using $PG_BASE for the test cluster"
    elif [ $((${#TEST_DIR} + 25)) -gt 100 ]; then
        PG_BASE=$(mktemp -d /tmp/tingia-test-pg.XXXXXX)
        log "socket path under $TEST_DIR would be too long; using $PG_BASE for the test cluster"
    fi
    [ "$PG_BASE" = "$TEST_DIR" ] || printf '%s\n' "$PG_BASE" >"$TEST_DIR/pg-base"
}

start_test_pg() {
    find_pg_bin
    choose_pg_base
    local data=$PG_BASE/pg sock=$PG_BASE/sock pglog=$PG_BASE/pg.log
    mkdir -p "$data" "$sock"
    : >"$pglog"
    chmod 700 "$data"
    if is_root; then
        id postgres >/dev/null 2>&1 || die "user 'postgres' not found (apt-get install -y postgresql)"
        chown postgres: "$data" "$sock" "$pglog"
        [ "$PG_BASE" = "$TEST_DIR" ] || chown postgres: "$PG_BASE"
    fi

    log "initdb test PostgreSQL cluster in $data ($("$PG_BIN/postgres" --version))"
    as_pg "$PG_BIN/initdb" -D "$data" -U "$PG_SUPERUSER" --auth=trust --encoding=UTF8 \
        --locale=C.UTF-8 --no-sync >"$TEST_DIR/initdb.log" 2>&1 || {
        tail -n 30 "$TEST_DIR/initdb.log" >&2
        die "initdb failed"
    }

    PG_PORT=$(find_free_port 54320)
    as_pg tee -a "$data/postgresql.conf" >/dev/null <<EOF

# --- throwaway test cluster (scripts/test.sh) ---
port = $PG_PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$sock'
fsync = off
full_page_writes = off
synchronous_commit = off
max_connections = 100
EOF

    log "starting test PostgreSQL on port $PG_PORT"
    as_pg "$PG_BIN/pg_ctl" -D "$data" -l "$pglog" -W start >/dev/null ||
        {
            tail -n 30 "$pglog" >&2
            die "pg_ctl start failed"
        }
    wait_for "test PostgreSQL" "$pglog" 30 \
        "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -d postgres -U "$PG_SUPERUSER"
    "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U "$PG_SUPERUSER" "$PG_DB"
    "$PG_BIN/psql" -h 127.0.0.1 -p "$PG_PORT" -U "$PG_SUPERUSER" -d "$PG_DB" -qAtc 'select 1' >/dev/null ||
        die "cannot connect to the test database"
    export TEST_PG_URL=postgresql+psycopg://$PG_SUPERUSER@127.0.0.1:$PG_PORT/$PG_DB
    log "test PostgreSQL ready: $TEST_PG_URL"
}

# Stop whatever a previous (or this) run left in .run/test, then wipe it.
stop_test_services() {
    local base data
    stop_pidfile "test Redis" "$T_REDIS_PIDFILE"
    for base in "$TEST_DIR" "$(cat "$TEST_DIR/pg-base" 2>/dev/null || true)"; do
        [ -n "$base" ] || continue
        data=$base/pg
        if [ -f "$data/postmaster.pid" ]; then
            find_pg_bin
            log "stopping test PostgreSQL"
            as_pg "$PG_BIN/pg_ctl" -D "$data" -m immediate -w -t 30 stop >/dev/null 2>&1 || {
                # pg_ctl refused (e.g. owner gone): kill the postmaster by pid
                kill -KILL "$(head -n 1 "$data/postmaster.pid")" 2>/dev/null || true
            }
        fi
        if [ "$base" != "$TEST_DIR" ]; then
            cp -f "$base/pg.log" "$TEST_DIR/pg.log" 2>/dev/null || true
            rm -rf "$base"
        fi
    done
    # Keep the service logs for post-mortems; drop data.
    rm -rf "$TEST_DIR/pg" "$TEST_DIR/sock" "$T_REDIS_DIR" "$TEST_DIR/pg-base" "$TEST_DIR/uploads" "$TEST_DIR/guard.db"
}

# One test run per checkout at a time: .run/test.pid holds the owner's pid.
claim_test_dir() {
    local pidfile=$RUN_DIR/test.pid pid
    pid=$(cat "$pidfile" 2>/dev/null || true)
    if [ -n "$pid" ] && [ "$pid" != $$ ] && kill -0 "$pid" 2>/dev/null &&
        grep -q 'scripts/test.sh' "/proc/$pid/cmdline" 2>/dev/null; then
        die "another test run (pid $pid) is using .run/test in this checkout"
    fi
    echo $$ >"$pidfile"
}

# --- steps -----------------------------------------------------------------

run_lint() {
    local rc=0
    log "ruff check ."
    ruff check . || rc=1
    log "ruff format --check ."
    ruff format --check . || rc=1
    if [ $rc -eq 0 ]; then
        summary "lint: PASSED"
    else
        summary "lint: FAILED (run 'make fmt' for formatting, fix the rest by hand)"
        FAILED=1
    fi
}

# Security scans: bandit must be clean (a finding accepted on purpose carries `# nosec BXXX:`
# and its reason on its line); pip-audit must find no known vulnerability in requirements.txt.
# pip-audit needs the PyPI JSON API: packages it cannot look up are listed, not failed.
run_scans() {
    local rc=0 audit
    log "bandit -r tingia workers"
    bandit -q -r tingia workers || rc=1
    log "pip-audit -r requirements.txt"
    if audit=$(pip-audit -r requirements.txt --no-deps --disable-pip --progress-spinner off 2>&1); then
        local skipped
        skipped=$(grep -c "could not be audited" <<<"$audit" || true)
        summary "pip-audit: no known vulnerability (${skipped} packages could not be looked up)"
    else
        printf '%s\n' "$audit" | grep -v "could not be audited" >&2
        rc=1
    fi
    if [ $rc -eq 0 ]; then
        summary "scans: PASSED"
    else
        summary "scans: FAILED (bandit or pip-audit found something: fix it or justify it)"
        FAILED=1
    fi
}

# run_pytest BACKEND DB_URL ARGS...: DB_URL empty means SQLite.
run_pytest() {
    local backend=$1 db_url=$2 junit=$TEST_DIR/junit-$1.xml rc=0 start counts
    shift 2
    rm -f "$junit"
    if [ -n "$db_url" ]; then
        log "pytest against $backend ($db_url)"
        export TEST_DATABASE_URL=$db_url
    else
        log "pytest against $backend (TEST_DATABASE_URL unset)"
        unset TEST_DATABASE_URL
    fi
    start=$SECONDS
    pytest --junitxml="$junit" "$@" || rc=$?
    counts=$(junit_counts "$junit")
    local took="$((SECONDS - start))s"
    case $rc in
    0) summary "pytest [$backend]: PASSED - $counts ($took)" ;;
    5)
        summary "pytest [$backend]: NO TESTS RAN (pytest exit 5: nothing collected/selected) ($took)"
        warn "pytest [$backend] ran zero tests"
        NOTESTS=1
        ;;
    *)
        summary "pytest [$backend]: FAILED (pytest exit $rc) - $counts ($took)"
        FAILED=1
        ;;
    esac
}

junit_counts() {
    [ -f "$1" ] || {
        echo "no report"
        return 0
    }
    python - "$1" <<'PY'
import sys
import xml.etree.ElementTree as ET

root = ET.parse(sys.argv[1]).getroot()
suites = [root] if root.tag == "testsuite" else list(root.iter("testsuite"))
t = {k: sum(int(s.get(k, 0)) for s in suites) for k in ("tests", "failures", "errors", "skipped")}
passed = t["tests"] - t["failures"] - t["errors"] - t["skipped"]
print(f"{passed} passed, {t['failures']} failed, {t['errors']} errors, {t['skipped']} skipped")
PY
}

print_summary() {
    printf '\n========================= test summary =========================\n'
    printf '  %s\n' "${SUMMARY[@]}"
    if [ "$1" -ne 0 ] && [ "$FAILED" -eq 0 ]; then
        printf '  RESULT: ABORTED (exit %s)\n' "$1"
    elif [ "$FAILED" -eq 0 ] && [ "$NOTESTS" -eq 1 ]; then
        printf '  RESULT: OK, BUT AT LEAST ONE RUN RAN ZERO TESTS\n'
    elif [ "$FAILED" -eq 0 ]; then
        printf '  RESULT: OK\n'
    else
        printf '  RESULT: FAILED\n'
    fi
    printf '================================================================\n'
}

on_exit() {
    local rc=$?
    trap - EXIT INT TERM
    stop_test_services || true
    rm -f "$RUN_DIR/test.pid"
    [ ${#SUMMARY[@]} -eq 0 ] || print_summary "$rc"
    [ "$FAILED" -eq 0 ] || [ "$rc" -ne 0 ] || rc=1
    exit "$rc"
}

main() {
    local fast=0 services_only=0 backends
    case ${1:-} in
    --fast) fast=1 && shift ;;
    --services-only) services_only=1 && shift ;;
    esac
    backends=${TEST_BACKENDS:-sqlite postgres}
    [ $fast -eq 0 ] || backends=sqlite

    cd "$ROOT_DIR"
    ensure_venv
    compile_translations
    export PATH=$VENV/bin:$PATH
    local pkgs=(redis-server tesseract-ocr tesseract-ocr-vie)
    if [[ " $backends " == *" postgres "* ]]; then pkgs+=(postgresql); fi
    if [ $fast -eq 0 ]; then pkgs+=(chromium); fi
    ensure_apt_packages "${pkgs[@]}"
    if [ $fast -eq 0 ]; then
        ensure_fonts
        ensure_test_tools
    fi

    mkdir -p "$TEST_DIR"
    claim_test_dir
    stop_test_services # leftovers from a run that was killed hard
    trap on_exit EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM

    start_test_redis
    if [[ " $backends " == *" postgres "* ]]; then start_test_pg; fi

    if [ $services_only -eq 1 ]; then
        printf '\nTEST_REDIS_URL=%s\nTEST_DATABASE_URL=%s\nCtrl-C to stop.\n' "$TEST_REDIS_URL" "${TEST_PG_URL:-}"
        while :; do sleep 3600; done
    fi

    # Guards: anything that ignores the TEST_* variables still only hits throwaway state.
    export TINGIA_ENV=testing
    export REDIS_URL=$TEST_REDIS_URL
    export DATABASE_URL=sqlite:///$TEST_DIR/guard.db
    export TINGIA_UPLOAD_DIR=$TEST_DIR/uploads

    if [ $fast -eq 0 ]; then run_lint && run_scans; fi

    local backend
    for backend in $backends; do
        case $backend in
        sqlite)
            if [ $fast -eq 1 ]; then
                run_pytest sqlite "" -m "not browser" "$@"
            else
                run_pytest sqlite "" "$@"
            fi
            ;;
        postgres) run_pytest postgresql "$TEST_PG_URL" "$@" ;;
        *) die "unknown backend '$backend' in TEST_BACKENDS (use sqlite and/or postgres)" ;;
        esac
    done
}

main "$@"
