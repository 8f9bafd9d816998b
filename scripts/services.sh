#!/usr/bin/env bash
# Development Redis for `make run` / `make worker`.
#
#   bash scripts/services.sh start    make sure REDIS_URL answers (start .run/redis if needed)
#   bash scripts/services.sh stop     stop the Redis started by `start` (never a system Redis)
#   bash scripts/services.sh status
#
# Sourcing this file defines ensure_dev_redis, which exports REDIS_URL.
set -euo pipefail
# shellcheck source=scripts/bootstrap.sh
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"

DEV_REDIS_DIR=$RUN_DIR/redis
DEV_REDIS_PIDFILE=$DEV_REDIS_DIR/redis.pid
DEV_REDIS_LOG=$DEV_REDIS_DIR/redis.log
DEV_REDIS_PORTFILE=$DEV_REDIS_DIR/port
DEFAULT_REDIS_URL=redis://localhost:6379/0

dev_redis_running() {
    [ -f "$DEV_REDIS_PIDFILE" ] && [ -f "$DEV_REDIS_PORTFILE" ] &&
        kill -0 "$(cat "$DEV_REDIS_PIDFILE")" 2>/dev/null &&
        redis_ping -h 127.0.0.1 -p "$(cat "$DEV_REDIS_PORTFILE")"
}

start_dev_redis() {
    local port=$1
    command -v redis-server >/dev/null || die "redis-server not found (apt-get install -y redis-server)"
    # One dev Redis at a time: replace one left on another port.
    if [ -f "$DEV_REDIS_PIDFILE" ]; then stop_dev_redis; fi
    mkdir -p "$DEV_REDIS_DIR"
    log "starting dev Redis on 127.0.0.1:$port (data, pid and log in ${DEV_REDIS_DIR#"$ROOT_DIR"/})"
    : >"$DEV_REDIS_LOG"
    redis-server --port "$port" --bind 127.0.0.1 --daemonize yes \
        --dir "$DEV_REDIS_DIR" --pidfile "$DEV_REDIS_PIDFILE" --logfile "$DEV_REDIS_LOG" \
        --save 60 1000 --appendonly no ||
        die "redis-server failed to start; see $DEV_REDIS_LOG"
    wait_for "dev Redis" "$DEV_REDIS_LOG" 15 redis_ping -h 127.0.0.1 -p "$port"
    printf '%s\n' "$port" >"$DEV_REDIS_PORTFILE"
}

# Make sure a Redis answers at REDIS_URL; start one in .run/redis if not.
# Exports REDIS_URL.
ensure_dev_redis() {
    local explicit=${REDIS_URL:-} url=${REDIS_URL:-$DEFAULT_REDIS_URL}
    command -v redis-cli >/dev/null || die "redis-cli not found (apt-get install -y redis-server)"

    if redis_ping -u "$url"; then
        export REDIS_URL=$url
        log "Redis is answering at $REDIS_URL"
        return 0
    fi

    local port db
    if [ -n "$explicit" ]; then
        # Only start a local server for a local URL; never shadow a remote one.
        if [[ ! $url =~ ^redis://(localhost|127\.0\.0\.1)(:([0-9]+))?(/([0-9]+))?/?$ ]]; then
            die "REDIS_URL=$url does not answer (and is not a plain local URL I could start a server for)"
        fi
        port=${BASH_REMATCH[3]:-6379}
        db=${BASH_REMATCH[5]:-0}
        port_in_use "$port" && die "REDIS_URL=$url: port $port is taken by something that is not Redis"
    elif dev_redis_running; then
        port=$(cat "$DEV_REDIS_PORTFILE")
        db=0
        log "reusing dev Redis from a previous run (port $port)"
    else
        port=6379
        db=0
        if port_in_use "$port"; then
            port=$(find_free_port 6380)
            warn "port 6379 is taken by something that is not Redis; using port $port"
        fi
    fi

    if ! { dev_redis_running && [ "$(cat "$DEV_REDIS_PORTFILE")" = "$port" ]; }; then
        start_dev_redis "$port"
    fi
    export REDIS_URL=redis://127.0.0.1:$port/$db
    log "Redis ready: REDIS_URL=$REDIS_URL"
}

stop_dev_redis() {
    if [ ! -f "$DEV_REDIS_PIDFILE" ]; then
        log "no dev Redis running from ${DEV_REDIS_DIR#"$ROOT_DIR"/}"
        return 0
    fi
    stop_pidfile "dev Redis" "$DEV_REDIS_PIDFILE"
    rm -f "$DEV_REDIS_PORTFILE"
}

status_dev_redis() {
    if dev_redis_running; then
        log "dev Redis running: pid $(cat "$DEV_REDIS_PIDFILE"), REDIS_URL=redis://127.0.0.1:$(cat "$DEV_REDIS_PORTFILE")/0"
    else
        log "dev Redis not running"
    fi
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    cd "$ROOT_DIR"
    case ${1:-start} in
    start)
        ensure_venv # find_free_port uses the venv's python
        ensure_apt_packages redis-server
        ensure_dev_redis
        printf '\nTo use it from your shell:  export REDIS_URL=%s\n' "$REDIS_URL"
        ;;
    stop) stop_dev_redis ;;
    status) status_dev_redis ;;
    *) die "usage: $0 start|stop|status" ;;
    esac
fi
