#!/usr/bin/env bash
# Runs the README's commands as written and checks what they print.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cargo build --release -p ward-host --locked --quiet
ward=target/release/ward

# Field of the JSON object on line N of a file: json_field FILE N 'expr on d'
json_field() { python3 -c "import json,sys; d=json.loads(open(sys.argv[1]).read().splitlines()[int(sys.argv[2])-1]); print($3)" "$1" "$2"; }
expect() { if [ "$1" != "$2" ]; then echo "FAIL: $3: expected '$2', got '$1'"; exit 1; fi; echo "ok: $3"; }

# The run command: `ward serve`, as written, on a free port and a scratch data folder (both set
# through the environment, which the server reads), then the tour's curl commands.
bash tests/build-component.sh >/dev/null
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
WARD_LISTEN="127.0.0.1:$port" WARD_DATA_DIR="$tmp/data" \
  cargo run --release -p ward-host --bin ward --locked --quiet -- serve 2>"$tmp/serve.err" &
serve_pid=$!
trap 'kill $serve_pid 2>/dev/null || true; rm -rf "$tmp"' EXIT
for _ in $(seq 1 600); do
  grep -q "API key:" "$tmp/serve.err" 2>/dev/null && curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
  kill -0 $serve_pid 2>/dev/null || { cat "$tmp/serve.err"; echo "FAIL: ward serve exited"; exit 1; }
  sleep 0.2
done
WARD_KEY="$(sed -n 's/.*API key: \(sk_test_[A-Za-z0-9]*\).*/\1/p' "$tmp/serve.err" | head -1)"
[ -n "$WARD_KEY" ] || { cat "$tmp/serve.err"; echo "FAIL: no API key printed"; exit 1; }
U="http://127.0.0.1:$port"
curl -s "$U/v1/charges" -u "$WARD_KEY:" -d amount=2000 -d currency=usd -d source=tok_visa >"$tmp/c1.json"
expect "$(json_field "$tmp/c1.json" 1 'd["outcome"]["type"]')" authorized "serve: a clean charge is authorized"
code=$(curl -s -o "$tmp/c2.json" -w '%{http_code}' "$U/v1/charges" -u "$WARD_KEY:" -d amount=2000 -d currency=usd -d source=tok_radarBlock)
expect "$code" 402 "serve: the radarBlock test card answers 402"
expect "$(json_field "$tmp/c2.json" 1 'd["error"]["decline_code"]')" fraudulent "serve: with Stripe's card error"
curl -s "$U/v1/ward/rules" -u "$WARD_KEY:" --data-urlencode "predicate=Block if :amount_in_usd: > 5000" >"$tmp/r.json"
code=$(curl -s -o "$tmp/c3.json" -w '%{http_code}' "$U/v1/charges" -u "$WARD_KEY:" -d amount=900000 -d currency=usd -d source=tok_visa)
expect "$code" 402 "serve: the new rule blocks a large charge"
expect "$(json_field "$tmp/c3.json" 1 'd["error"]["code"]')" card_declined "serve: as a declined card"
kill -TERM $serve_pid
wait $serve_pid || { echo "FAIL: ward serve did not exit cleanly on SIGTERM"; exit 1; }
echo "ok: serve: stopped cleanly on SIGTERM"

# The earlier run command, now part of the tour: score the example file through the component.
cargo run --release -p ward-host --bin ward --locked --quiet -- score examples/payments.jsonl --summary >"$tmp/run.jsonl" 2>"$tmp/run.err"
expect "$(wc -l <"$tmp/run.jsonl" | tr -d ' ')" 5 "one record per input line"
expect "$(json_field "$tmp/run.jsonl" 1 'd["outcome"]["type"]')" authorized "a clean payment is authorized"
expect "$(json_field "$tmp/run.jsonl" 3 'd["outcome"]["reason"]')" highest_risk_level "the radarBlock test card is blocked"
expect "$(json_field "$tmp/run.jsonl" 4 'd["outcome"]["type"]')" manual_review "the elevated test card goes to review"
expect "$(json_field "$tmp/run.jsonl" 5 'd["error"]["param"]')" 'payment[amount]' "a malformed line names the parameter"
grep -q "payments" "$tmp/run.err" || { echo "FAIL: no summary table"; exit 1; }

# Tour step 1: score one payment from stdin.
echo '{"payment": {"amount": 2500, "currency": "eur", "created": 1764031000,
  "payment_method_details": {"card": {"number": "4100000000000019", "exp_month": 12, "exp_year": 2030}}}}' \
  | tr -d '\n' | "$ward" score >"$tmp/one.jsonl"
expect "$(json_field "$tmp/one.jsonl" 1 'd["outcome"]["type"]')" blocked "tour: the test card is blocked"
expect "$(json_field "$tmp/one.jsonl" 1 'd["error"]["decline_code"]')" fraudulent "tour: with a card_error"

# Tour step 2: check the rules.
"$ward" check examples/rules.txt --lists examples/lists.json 2>"$tmp/check.err"
grep -q "5 rule(s), no errors" "$tmp/check.err" || { cat "$tmp/check.err"; exit 1; }
printf 'Review if :risk_level: < '"'"'highest'"'"'\n' >"$tmp/bad.txt"
if "$ward" check "$tmp/bad.txt" 2>"$tmp/bad.err"; then echo "FAIL: a bad rule passed"; exit 1; fi
grep -q -- "--> $tmp/bad.txt:1:24" "$tmp/bad.err" || { cat "$tmp/bad.err"; exit 1; }
echo "ok: tour: diagnostics carry line and column"

# Tour step 3: build a bundle, inspect it, score with it.
"$ward" bundle --model tools/train/out/default-model.json --calibration tools/train/out/calibration.csv \
  --rules examples/rules.txt --lists examples/lists.json --name tour -o "$tmp/my.bundle" 2>/dev/null
"$ward" inspect "$tmp/my.bundle" >"$tmp/inspect.txt"
grep -q "big_mismatch" "$tmp/inspect.txt" || { echo "FAIL: inspect does not list the rules"; exit 1; }
"$ward" score --bundle "$tmp/my.bundle" examples/payments.jsonl >"$tmp/tour.jsonl"
expect "$(json_field "$tmp/tour.jsonl" 1 'd["outcome"]["rule"]["id"]')" vip "tour: the VIP allow rule decides"
expect "$(json_field "$tmp/tour.jsonl" 2 'd["three_d_secure"][0]["action"]')" request_three_d_secure "tour: 3DS requested from an anonymous IP"
"$ward" score --runtime native examples/payments.jsonl >"$tmp/native.jsonl"
cmp "$tmp/run.jsonl" "$tmp/native.jsonl" || { echo "FAIL: component and native output differ"; exit 1; }
echo "ok: the component and the native core print the same bytes"
echo "README examples: all ran as written"
