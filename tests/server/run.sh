#!/usr/bin/env bash
# Starts `ward serve` on a free loopback port and drives it with Stripe's official Node and
# Python SDKs (tests/server/stripe-flow.mjs, stripe_flow.py): once on the embedded store, once on
# a real redis-server (started here on its own free port).
set -euo pipefail
cd "$(dirname "$0")"
root="$(cd ../.. && pwd)"
command -v node >/dev/null || { echo "node is required for the SDK test" >&2; exit 1; }
command -v redis-server >/dev/null || { echo "redis-server is required (tests/run.sh installs it)" >&2; exit 1; }
[ -d node_modules/stripe ] || npm ci --no-audit --no-fund --silent
# Stripe's Python SDK in a private virtual environment.
[ -x .venv/bin/python ] || python3 -m venv .venv
.venv/bin/python -c 'import stripe' 2>/dev/null || .venv/bin/pip install --quiet "stripe==16.1.0"
ward="${WARD_BIN:-$root/target/debug/ward}"
[ -x "$ward" ] || (cd "$root" && cargo build -p ward-host --bin ward --locked --quiet)

free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }
pids=()
data="$(mktemp -d)"
trap 'for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$data"' EXIT

wait_for() { # url pid log
  for _ in $(seq 1 300); do
    curl -fs "$1" >/dev/null 2>&1 && return 0
    kill -0 "$2" 2>/dev/null || { cat "$3" >&2; return 1; }
    sleep 0.1
  done
  cat "$3" >&2
  return 1
}

run_flow() { # store-name extra-args...
  local name="$1"; shift
  local port key
  port="$(free_port)"
  key="sk_test_sdkflow${name}$(date +%s)"
  "$ward" serve --listen "127.0.0.1:$port" --data-dir "$data/$name" --api-key "$key" "$@" 2>"$data/$name.log" &
  local pid=$!
  pids+=("$pid")
  wait_for "http://127.0.0.1:$port/healthz" "$pid" "$data/$name.log"
  echo "--- $name store"
  node stripe-flow.mjs "$port" "$key"
  .venv/bin/python stripe_flow.py "$port" "$key"
  kill -TERM "$pid"
  wait "$pid"
  echo "ward serve ($name) exited cleanly after SIGTERM"
}

run_flow sqlite

redis_port="$(free_port)"
mkdir -p "$data/redis"
redis-server --port "$redis_port" --bind 127.0.0.1 --dir "$data/redis" --save '' --appendonly yes \
  --appendfsync everysec >"$data/redis.log" 2>&1 &
pids+=("$!")
for _ in $(seq 1 100); do redis-cli -p "$redis_port" ping >/dev/null 2>&1 && break; sleep 0.1; done
run_flow redis --redis-url "redis://127.0.0.1:$redis_port"
