#!/usr/bin/env bash
# CPU time per payment of each `ward serve` thread (tokio workers, the SQLite writer, …), from
# /proc/<pid>/task/*/stat around a wrk run on a fresh data folder. A benchmark, not a test.
#   bash tests/load/threads.sh                  # 20 s of tests/load/charge.lua, 16 connections
#   DURATION=30s SCRIPT=tests/load/evaluation.lua bash tests/load/threads.sh -- --durability os
# Settings: WARD_BIN (default: the host-profile build), DURATION, CONNECTIONS, SCRIPT; arguments
# after `--` go to `ward serve`.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
[ "${1:-}" = "--" ] && shift
command -v wrk >/dev/null || { sudo apt-get install -y wrk >/dev/null 2>&1 || apt-get install -y wrk >/dev/null; }
ward="${WARD_BIN:-}"
if [ -z "$ward" ]; then
  cargo build --locked --quiet -p ward-host --bin ward --profile host
  ward="$root/target/host/ward"
fi
script="${SCRIPT:-tests/load/charge.lua}"
path=/v1/charges
[[ "$script" == *evaluation* ]] && path=/v1/radar/payment_evaluations
data="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$ward" serve --listen "127.0.0.1:$port" --data-dir "$data/ward" --api-key sk_test_load "$@" >"$data/serve.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 1 300); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
ticks() { # thread name and utime+stime in clock ticks, summed per name
  for t in /proc/$pid/task/*; do echo "$(cat "$t/comm") $(cut -d' ' -f14,15 "$t/stat")"; done |
    awk '{a[$1]+=$2+$3} END {for (k in a) print k, a[k]}' | sort
}
export WARD_API_KEY=sk_test_load
wrk -t1 -c"${CONNECTIONS:-16}" -d3s -s "$script" "http://127.0.0.1:$port$path" >/dev/null # warm-up
ticks >"$data/before"
wrk -t1 -c"${CONNECTIONS:-16}" -d"${DURATION:-20s}" --latency -s "$script" "http://127.0.0.1:$port$path" >"$data/wrk.txt"
ticks >"$data/after"
requests=$(grep -oP '^\s*\K\d+(?= requests in)' "$data/wrk.txt")
hz=$(getconf CLK_TCK)
grep -E "Requests/sec|^ +(50|99)%|Non-2xx" "$data/wrk.txt"
echo "velocity compactions during the run: $(grep -c 'velocity log compacted' "$data/serve.log" || true)"
join "$data/before" "$data/after" | awk -v r="$requests" -v hz="$hz" '
  { d = $3 - $2; total += d; if (d > 0) printf "%-18s %7.1f us/payment\n", $1, d * 1e6 / hz / r }
  END { printf "%-18s %7.1f us/payment\n", "total", total * 1e6 / hz / r }'
