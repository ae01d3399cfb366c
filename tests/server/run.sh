#!/usr/bin/env bash
# Starts `ward serve` on a free loopback port with a fresh data folder and drives it with
# Stripe's official Node SDK (tests/server/stripe-flow.mjs).
set -euo pipefail
cd "$(dirname "$0")"
root="$(cd ../.. && pwd)"
command -v node >/dev/null || { echo "node is required for the SDK test" >&2; exit 1; }
[ -d node_modules/stripe ] || npm install --no-audit --no-fund --silent
ward="${WARD_BIN:-$root/target/debug/ward}"
[ -x "$ward" ] || (cd "$root" && cargo build -p ward-host --bin ward --locked --quiet)
port="$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
data="$(mktemp -d)"
key="sk_test_sdkflow$(date +%s)"
"$ward" serve --listen "127.0.0.1:$port" --data-dir "$data" --api-key "$key" 2>"$data/serve.log" &
pid=$!
trap 'kill $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$data"' EXIT
for _ in $(seq 1 200); do
  curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  kill -0 $pid 2>/dev/null || { cat "$data/serve.log" >&2; exit 1; }
  sleep 0.1
done
node stripe-flow.mjs "$port" "$key"
kill -TERM $pid
wait $pid
echo "ward serve exited cleanly after SIGTERM"
