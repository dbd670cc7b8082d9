#!/usr/bin/env bash
# Start (or stop) Podman's Docker-compatible API service, idempotently, so that docker.from_env() works without a
# Docker daemon. Prints the DOCKER_HOST to export.
#   docker/podman-service.sh start|stop|status
# runc is used because crun fails on hosts with hybrid cgroups; the ulimits keep Xvfb's fd table small.
set -euo pipefail

SOCK="${STEPRL_PODMAN_SOCK:-/run/steprl-podman.sock}"
STATE_DIR="${STEPRL_PODMAN_STATE:-/run/steprl-podman}"
CONF="$STATE_DIR/containers.conf"
PIDFILE="$STATE_DIR/service.pid"

running() {
    [[ -f "$PIDFILE" ]] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null && [[ -S "$SOCK" ]]
}

write_conf() {
    cat > "$CONF" <<CONF
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
[engine]
runtime = "runc"
CONF
}

case "${1:-start}" in
start)
    command -v podman >/dev/null || { echo "podman is not installed: run 'make system-deps'" >&2; exit 1; }
    mkdir -p "$STATE_DIR"
    # One starter at a time (parallel test workers may all call this); the service must not inherit the lock.
    exec 9>"$STATE_DIR/start.lock"
    flock 9
    if running; then echo "export DOCKER_HOST=unix://$SOCK CONTAINERS_CONF=$CONF"; exit 0; fi
    write_conf
    rm -f "$SOCK"
    # From the state dir, not the caller's: conmon needs the service's working directory to exist, and a
    # checkout may be deleted while the service lives on ("write child: broken pipe" on every start).
    # Every stream away from the caller's: a caller that captures output waits until its pipe closes.
    cd "$STATE_DIR"
    CONTAINERS_CONF="$CONF" nohup podman system service --time=0 "unix://$SOCK" \
        </dev/null >"$STATE_DIR/service.log" 2>&1 9>&- &
    echo $! > "$PIDFILE"
    for _ in $(seq 100); do [[ -S "$SOCK" ]] && break; sleep 0.05; done
    [[ -S "$SOCK" ]] || { echo "podman service did not open $SOCK; see $STATE_DIR/service.log" >&2; exit 1; }
    echo "export DOCKER_HOST=unix://$SOCK CONTAINERS_CONF=$CONF"
    ;;
stop)
    if running; then kill "$(cat "$PIDFILE")"; fi
    rm -f "$PIDFILE" "$SOCK"
    ;;
status)
    if running; then echo "running: unix://$SOCK"; else echo "stopped"; exit 1; fi
    ;;
*)
    echo "usage: $0 start|stop|status" >&2; exit 2
    ;;
esac
