#!/usr/bin/env bash
# Load benchmark of `ward serve` (not a test; not part of tests/run.sh): POSTs charges with wrk
# and prints payments/s and p50/p99 latency for
#   (a) the embedded SQLite store, component runtime;
#   (b) the embedded SQLite store, native runtime;
#   (c) a Redis store, component runtime (when redis-server is installed and the server takes
#       --redis-url).
# Settings (environment): DURATION (10s), CONNECTIONS ("8 32"), THREADS (1: the machine's cores
# go to the server), WARMUP (2s, discarded).
# Note: wrk counts the 402 answers of blocked charges as "non-2xx"; they are scored payments too.
set -euo pipefail
export PATH="$HOME/.cargo/bin:$PATH"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"

DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-8 32}"
THREADS="${THREADS:-1}"
WARMUP="${WARMUP:-2s}"
API_KEY="sk_test_loadbenchmark000000000000"
target_dir="${CARGO_TARGET_DIR:-$root/target}"
work="$(mktemp -d -t ward-load.XXXXXX)"
pids=()

cleanup() {
    for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

# wrk, from Debian's packages, when missing.
if ! command -v wrk >/dev/null; then
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get install -y wrk >/dev/null 2>&1 || { $sudo apt-get update >/dev/null && $sudo apt-get install -y wrk >/dev/null; }
fi

# The server, optimised (the workspace's non-LTO release profile), and the component.
cargo build --profile host -p ward-host -j 2
ward="$target_dir/host/ward"
if [ -z "${WARD_COMPONENT:-}" ] && [ ! -f "$root/target/ward-component/ward.component.wasm" ]; then
    bash tests/build-component.sh
fi

# start_server NAME FLAGS...: starts ward serve on a free loopback port (it binds port 0 and
# prints the address), waits for /healthz, and sets $addr and $server_pid.
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

rows=()
# bench NAME: runs wrk against the started server at each connection count.
mixes=()
bench() {
    local name="$1"
    WARD_API_KEY="$API_KEY" wrk -t"$THREADS" -c8 -d"$WARMUP" -s tests/load/charge.lua "http://$addr/v1/charges" >/dev/null
    for c in $CONNECTIONS; do
        local out="$work/$name-c$c.txt"
        WARD_API_KEY="$API_KEY" wrk -t"$THREADS" -c"$c" -d"$DURATION" --latency -s tests/load/charge.lua \
            "http://$addr/v1/charges" >"$out"
        echo "--- $name, $c connections"
        cat "$out"
        local rps p50 p99 non2xx errors
        rps="$(awk '/^Requests\/sec:/ {printf "%.0f", $2}' "$out")"
        p50="$(awk '$1 == "50%" {print $2}' "$out")"
        p99="$(awk '$1 == "99%" {print $2}' "$out")"
        non2xx="$(awk '/Non-2xx or 3xx responses:/ {print $5}' "$out")"
        errors="$(awk '/Socket errors:/ {print $0}' "$out" | sed 's/.*Socket errors: *//')"
        rows+=("$(printf '%-26s %5s %12s %10s %10s %10s  %s' "$name" "$c" "$rps" "$p50" "$p99" "${non2xx:-0}" "${errors:-none}")")
    done
    # The outcome mix the server reports (warm-up included): what the payments/s were made of.
    mixes+=("$name: $(curl -fs "http://$addr/metrics" | awk -F'[{}",= ]+' '
        /^ward_decisions_total/ { n[$3] += $NF; t += $NF }
        END { for (o in n) printf "%s %.1f%%  ", o, 100 * n[o] / t }')")
}

data="$work/sqlite-component"
start_server sqlite-component --data-dir "$data"
bench "sqlite, component"
stop_server

data="$work/sqlite-os"
start_server sqlite-os --data-dir "$data" --durability os
bench "sqlite (os), component"
stop_server

data="$work/sqlite-native"
start_server sqlite-native --data-dir "$data" --runtime native
bench "sqlite, native"
stop_server

redis_note=""
if ! command -v redis-server >/dev/null; then
    redis_note="(c) skipped: redis-server is not installed."
elif ! "$ward" serve --help 2>/dev/null | grep -q -- "--redis-url"; then
    redis_note="(c) skipped: this ward serve has no --redis-url."
else
    redis_port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])' 2>/dev/null || echo 16379)"
    redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --daemonize no \
        >"$work/redis.log" 2>&1 &
    pids+=("$!")
    for _ in $(seq 1 100); do
        redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break
        sleep 0.05
    done
    if start_server redis-component --redis-url "redis://127.0.0.1:$redis_port" --data-dir "$work/redis-data"; then
        bench "redis, component"
        stop_server
    else
        redis_note="(c) skipped: ward serve --redis-url did not start: $(tail -1 "$work/redis-component.log")"
    fi
fi

echo
echo "ward serve load: wrk -t$THREADS -c{$CONNECTIONS} -d$DURATION --latency, $(nproc) cores shared by server and wrk"
printf '%-26s %5s %12s %10s %10s %10s  %s\n' "store, runtime" "conns" "payments/s" "p50" "p99" "non-2xx" "socket errors"
for r in "${rows[@]}"; do echo "$r"; done
echo "outcome mix:"
for m in "${mixes[@]}"; do echo "  $m"; done
[ -n "$redis_note" ] && echo "$redis_note"
exit 0
