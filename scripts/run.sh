#!/usr/bin/env bash
# Run Tingia locally.
#
#   bash scripts/run.sh            (make run)     venv, packages, Redis, migrate, seed, worker + web
#   bash scripts/run.sh worker     (make worker)  venv, packages, Redis, then `python -m workers`
#   bash scripts/run.sh migrate    (make migrate) venv, then `flask db upgrade`
#
# Environment: HOST (127.0.0.1), PORT (5000), REDIS_URL, DATABASE_URL, TINGIA_ENV (development),
#              WEB_SERVER=gunicorn|flask (gunicorn; `flask` = dev server with reloader + debugger).
set -euo pipefail
# shellcheck source=scripts/services.sh
source "$(dirname "${BASH_SOURCE[0]}")/services.sh"

HOST=${HOST:-127.0.0.1}
PORT=${PORT:-5000}
WEB_SERVER=${WEB_SERVER:-gunicorn}
WORKER_PIDFILE=$RUN_DIR/worker.pid
WORKER_LOG=$RUN_DIR/worker.log
SEED_LOG=$RUN_DIR/seed.log

export FLASK_APP=app.py
export TINGIA_ENV=${TINGIA_ENV:-development}
export PATH=$VENV/bin:$PATH
export PYTHONUNBUFFERED=1

setup_python() {
    ensure_venv
    compile_translations
}

setup_system_packages() {
    ensure_apt_packages redis-server tesseract-ocr tesseract-ocr-vie
}

# A secret key kept in the instance folder: sessions survive restarts, and `flask ...` commands
# typed in another shell (tingia/config.py reads the file) work without setting anything.
ensure_secret_key() {
    local file=$ROOT_DIR/instance/secret_key
    [ -s "$file" ] && return 0
    mkdir -p "$ROOT_DIR/instance"
    (umask 077 && python -c 'import secrets; print(secrets.token_urlsafe(48))' >"$file")
    log "created a secret key in ${file#"$ROOT_DIR"/}"
}

migrate_db() {
    log "applying database migrations (flask db upgrade)"
    flask db upgrade
}

seed_demo_data() {
    log "loading demo data (flask seed --demo)"
    mkdir -p "$RUN_DIR"
    flask seed --demo 2>&1 | tee "$SEED_LOG"
}

# A worker left behind by a previous run that was killed hard.
stop_stale_worker() {
    [ -f "$WORKER_PIDFILE" ] || return 0
    local pid
    pid=$(cat "$WORKER_PIDFILE")
    if kill -0 "$pid" 2>/dev/null && grep -q workers "/proc/$pid/cmdline" 2>/dev/null; then
        stop_pidfile "worker from a previous run" "$WORKER_PIDFILE"
    fi
    rm -f "$WORKER_PIDFILE"
}

start_worker() {
    stop_stale_worker
    log "starting background worker (python -m workers), log: ${WORKER_LOG#"$ROOT_DIR"/}"
    python -m workers >>"$WORKER_LOG" 2>&1 &
    echo $! >"$WORKER_PIDFILE"
    sleep 1
    if ! kill -0 "$(cat "$WORKER_PIDFILE")" 2>/dev/null; then
        tail -n 30 "$WORKER_LOG" >&2
        die "the worker exited right away (log above)"
    fi
}

stop_worker() {
    stop_pidfile "worker" "$WORKER_PIDFILE"
}

on_exit() {
    local rc=$?
    trap - EXIT INT TERM
    stop_worker
    log "stopped. The dev Redis keeps running; stop it with: make services-stop"
    exit "$rc"
}

run_web() {
    if port_in_use "$PORT"; then
        die "port $PORT is already in use; choose another one, e.g.: make run PORT=5001"
    fi
    cat <<EOF

==> Tingia: http://$HOST:$PORT   (Ctrl-C to stop)
    Demo logins: printed by 'flask seed --demo' above (also saved in ${SEED_LOG#"$ROOT_DIR"/}).
    Worker log:  ${WORKER_LOG#"$ROOT_DIR"/}

EOF
    case $WEB_SERVER in
    gunicorn) gunicorn -w 2 -b "$HOST:$PORT" --access-logfile - app:app ;;
    flask) flask run --debug --host "$HOST" --port "$PORT" ;;
    *) die "WEB_SERVER must be gunicorn or flask, not '$WEB_SERVER'" ;;
    esac
}

main() {
    cd "$ROOT_DIR"
    mkdir -p "$RUN_DIR"
    case ${1:-web} in
    web)
        setup_python
        setup_system_packages
        ensure_dev_redis
        ensure_secret_key
        migrate_db
        seed_demo_data
        trap on_exit EXIT
        trap 'exit 130' INT
        trap 'exit 143' TERM
        start_worker
        run_web
        ;;
    worker)
        setup_python
        setup_system_packages
        ensure_dev_redis
        ensure_secret_key
        log "starting worker in the foreground (Ctrl-C to stop)"
        exec python -m workers
        ;;
    migrate)
        setup_python
        ensure_secret_key
        migrate_db
        ;;
    *) die "usage: $0 [web|worker|migrate]" ;;
    esac
}

main "$@"
