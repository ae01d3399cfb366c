# Shared by the load scripts (sourced, not run): builds `ward serve`, starts and stops it and a
# throwaway redis-server on free loopback ports, and cleans up on exit.
# Sets: root (the workspace, also the current folder), API_KEY, target_dir, ward (the binary),
# work (a temporary folder removed on exit), pids (processes stopped on exit).
# WARD_BIN (environment): a ward binary to run instead of the one built here, e.g. to compare
# two builds.
# shellcheck shell=bash disable=SC2034  # (variables set here are read by the sourcing script)

export PATH="$HOME/.cargo/bin:$PATH"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root" || exit 1

API_KEY="sk_test_loadbenchmark000000000000"
target_dir="${CARGO_TARGET_DIR:-$root/target}"
ward="${WARD_BIN:-$target_dir/host/ward}"
work="$(mktemp -d -t ward-load.XXXXXX)"
pids=()

cleanup() {
    for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

# build_server: the server, optimised (the workspace's non-LTO release profile), and the
# component.
build_server() {
    cargo build --profile host -p ward-host -j 2
    if [ -z "${WARD_COMPONENT:-}" ] && [ ! -f "$root/target/ward-component/ward.component.wasm" ]; then
        bash tests/build-component.sh
    fi
}

# start_server NAME FLAGS...: starts ward serve on a free loopback port (it binds port 0 and
# prints the address), waits for /healthz, and sets $addr and $server_pid. Its log is
# $work/NAME.log.
start_server() {
    local name="$1"
    shift
    local log="$work/$name.log"
    : >"$log"
    "$ward" serve --listen 127.0.0.1:0 --api-key "$API_KEY" "$@" 2>"$log" &
    server_pid=$!
    pids+=("$server_pid")
    addr=""
    for _ in $(seq 1 600); do
        if ! kill -0 "$server_pid" 2>/dev/null; then
            echo "ward serve ($name) exited:" >&2
            cat "$log" >&2
            return 1
        fi
        addr="$(sed -n 's|.*listening on http://\([0-9.:]*\).*|\1|p' "$log" | head -1)"
        if [ -n "$addr" ] && curl -fsS "http://$addr/healthz" >/dev/null 2>&1; then
            return 0
        fi
        sleep 0.1
    done
    echo "ward serve ($name) did not come up in 60 s:" >&2
    cat "$log" >&2
    return 1
}

stop_server() {
    kill -TERM "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
}

# start_redis: starts redis-server (no persistence) on a free loopback port and sets
# $redis_url; when that cannot be done, sets $redis_skip to the reason and returns 1.
start_redis() {
    redis_url=""
    redis_skip=""
    if ! command -v redis-server >/dev/null; then
        redis_skip="redis-server is not installed."
        return 1
    fi
    if ! "$ward" serve --help 2>/dev/null | grep -q -- "--redis-url"; then
        redis_skip="this ward serve has no --redis-url."
        return 1
    fi
    local port
    port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 16379)"
    redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --daemonize no \
        >"$work/redis-server.log" 2>&1 &
    pids+=("$!")
    for _ in $(seq 1 100); do
        redis-cli -p "$port" ping >/dev/null 2>&1 && break
        sleep 0.05
    done
    redis_url="redis://127.0.0.1:$port"
}

# outcome_mix: the share of each decision the started server reports (warm-up included).
outcome_mix() {
    curl -fs "http://$addr/metrics" | awk -F'[{}",= ]+' '
        /^ward_decisions_total/ { n[$3] += $NF; t += $NF }
        END { for (o in n) printf "%s %.1f%%  ", o, 100 * n[o] / t }'
}
