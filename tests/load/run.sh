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
DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-8 32}"
THREADS="${THREADS:-1}"
WARMUP="${WARMUP:-2s}"
# shellcheck source=tests/load/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# wrk, from Debian's packages, when missing.
if ! command -v wrk >/dev/null; then
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get install -y wrk >/dev/null 2>&1 || { $sudo apt-get update >/dev/null && $sudo apt-get install -y wrk >/dev/null; }
fi

build_server

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
    mixes+=("$name: $(outcome_mix)")
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
if ! start_redis; then
    redis_note="(c) skipped: $redis_skip"
elif start_server redis-component --redis-url "$redis_url" --data-dir "$work/redis-data"; then
    bench "redis, component"
    stop_server
else
    redis_note="(c) skipped: ward serve --redis-url did not start: $(tail -1 "$work/redis-component.log")"
fi

echo
echo "ward serve load: wrk -t$THREADS -c{$CONNECTIONS} -d$DURATION --latency, $(nproc) cores shared by server and wrk"
printf '%-26s %5s %12s %10s %10s %10s  %s\n' "store, runtime" "conns" "payments/s" "p50" "p99" "non-2xx" "socket errors"
for r in "${rows[@]}"; do echo "$r"; done
echo "outcome mix:"
for m in "${mixes[@]}"; do echo "  $m"; done
[ -n "$redis_note" ] && echo "$redis_note"
exit 0
