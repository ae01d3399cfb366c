#!/usr/bin/env bash
# Open-loop latency curve of `ward serve` (a benchmark, not a test): offers charges at fixed
# rates with oha, whatever the server's answer times, and reports the latency of each from the
# moment it was due to be sent (corrected for coordinated omission), for
#   - the embedded SQLite store (component runtime, default durability);
#   - a Redis store (when redis-server is installed and the server takes --redis-url).
# Prints a table and writes $OUT/curve.csv and $OUT/curve.svg (by plot.py).
# Settings (environment): RATES ("1000 2000 4000 6000 8000" payments/s), DURATION (10s per
# rate), WARMUP (2s at the first rate, discarded), CONNECTIONS (64: most requests in flight),
# THREADS (1: oha's worker threads; the machine's cores go to the server), OUT (target/load),
# STORES ("sqlite redis": the stores to measure), SERVE_ARGS (more `ward serve` flags, e.g.
# "--durability os").
set -euo pipefail

RATES="${RATES:-1000 2000 4000 6000 8000}"
DURATION="${DURATION:-10s}"
WARMUP="${WARMUP:-2s}"
CONNECTIONS="${CONNECTIONS:-64}"
THREADS="${THREADS:-1}"
STORES="${STORES:-sqlite redis}"
read -r -a serve_args <<<"${SERVE_ARGS:-}"
OUT="${OUT:-}"
if [ -n "$OUT" ]; then
    mkdir -p "$OUT"
    OUT="$(cd "$OUT" && pwd)"
fi
# The version whose JSON output this script reads.
OHA_VERSION=1.16.0
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=tests/load/lib.sh
source "$here/lib.sh"
OUT="${OUT:-$root/target/load}"
mkdir -p "$OUT"

if ! command -v oha >/dev/null; then
    cargo install oha --version "$OHA_VERSION" --locked -j 2
fi

build_server

# seconds DURATION: whole seconds in 10s, 2m or 500ms (at least 1).
seconds() {
    case "$1" in
        *ms) echo 1 ;;
        *s) echo "${1%s}" ;;
        *m) echo $((${1%m} * 60)) ;;
        *) echo "$1" ;;
    esac
}

# bodies FILE COUNT FIRST: COUNT form-encoded charges, one a line, as charge.lua makes them
# (97% new buyers from number FIRST on, each with a test-mode card, an email and an IP; 3% one
# of 500 repeat buyers). oha sends a line picked at random for each request.
bodies() {
    python3 - "$@" <<'EOF'
import random, sys

path, count, first = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
amounts = [1500, 2000, 2500, 3000, 4200, 4999, 2200, 1800, 3500, 12500]


def letters(n):
    out = ""
    while True:
        out += chr(97 + n % 26)
        n //= 26
        if n == 0:
            return out


def luhn(digits):
    total, double = 0, True
    for c in reversed(digits):
        d = int(c)
        if double:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
        double = not double
    return digits + str((10 - total % 10) % 10)


with open(path, "w") as f:
    for i in range(1, count + 1):
        if random.randrange(100) < 3:
            b = random.randrange(1, 501)
        else:
            b = first + i * 7 + random.randrange(7)
        f.write(
            f"amount={random.choice(amounts)}&currency=usd"
            f"&source[number]={luhn('4%014d' % (b % 10**14))}"
            f"&source[exp_month]=6&source[exp_year]=2028"
            f"&receipt_email={letters(b)}%40example.com"
            f"&client[ip_address]=10.{b // 65536 % 256}.{b // 256 % 256}.{b % 256}"
            f"&metadata[n]={i}\n"
        )
EOF
}

# pool RATE SECONDS: how many bodies for a run, four per request (at least 10000): picked at
# random, about 1 request in 9 then repeats a buyer of the same run.
pool() {
    local n=$(($1 * $2 * 4))
    echo $((n > 10000 ? n : 10000))
}

# oha_run RATE LENGTH BODIES JSON: charges at RATE per second for LENGTH, open loop, latency
# counted from when each request was due; answers still in flight at the end are waited for.
oha_run() {
    oha --no-tui --output-format json -o "$4" -q "$1" -z "$2" --latency-correction -w \
        -c "$CONNECTIONS" --worker-threads "$THREADS" -m POST \
        -T application/x-www-form-urlencoded -H "Authorization: Bearer $API_KEY" -Z "$3" \
        "http://$addr/v1/charges"
}

csv="$OUT/curve.csv"
echo "store,offered,achieved,p50_ms,p90_ms,p99_ms,p99_9_ms,max_ms,blocked,failed,writes_per_commit,commit_mean_ms,commit_p99_ms" >"$csv"
rows=()
mixes=()
failures=()
run=0
secs="$(seconds "$DURATION")"
first_rate="${RATES%% *}"

# commits FILE: the server's group-commit metrics (lines of /metrics; none for Redis) into FILE.
commits() {
    curl -fs "http://$addr/metrics" | grep '^ward_store_commit' >"$1" || true
}

# curve NAME: the warm-up and then each rate against the started server.
curve() {
    local name="$1" rate json b
    b="$work/bodies.txt"
    run=$((run + 1))
    bodies "$b" "$(pool "$first_rate" "$(seconds "$WARMUP")")" $((run * 100000000))
    oha_run "$first_rate" "$WARMUP" "$b" "$work/warmup.json"
    for rate in $RATES; do
        run=$((run + 1))
        json="$work/$name-$rate.json"
        bodies "$b" "$(pool "$rate" "$secs")" $((run * 100000000))
        commits "$work/commits-before"
        oha_run "$rate" "$DURATION" "$b" "$json"
        commits "$work/commits-after"
        # One CSV row; non-2xx answers other than 402 and connection errors go to stderr too.
        python3 - "$name" "$rate" "$json" "$work/commits-before" "$work/commits-after" >>"$csv" <<'EOF'
import json, sys

name, rate, path = sys.argv[1], int(sys.argv[2]), sys.argv[3]
r = json.load(open(path))
codes = {int(k): v for k, v in r["statusCodeDistribution"].items()}
errors = {k: v for k, v in r["errorDistribution"].items() if k != "aborted due to deadline"}
answered = sum(codes.values())
bad = {str(k): v for k, v in codes.items() if not (200 <= k < 300 or k == 402)}
bad.update(errors)
pct = r["latencyPercentiles"]


def ms(key):
    v = pct.get(key) if key != "max" else r["summary"]["slowest"]
    return "" if v is None or answered == 0 else "%.3f" % (v * 1000)


def commit_stats(before, after):
    """Writes a commit, mean and p99 (the bucket bound) of the run's group commits, from the
    embedded store's /metrics before and after it; blanks for a store without them."""
    def load(p):
        return dict(line.rsplit(" ", 1) for line in open(p).read().splitlines())
    a, b = load(before), load(after)
    count = "ward_store_commit_duration_seconds_count{}"
    n = float(b.get(count, 0)) - float(a.get(count, 0))
    if n <= 0:
        return ["", "", ""]
    d = lambda k: float(b[k]) - float(a.get(k, 0))
    writes = d("ward_store_committed_batches_total") / n
    mean = d("ward_store_commit_duration_seconds_sum{}") / n
    buckets = sorted((float(k.split('le="')[1].rstrip('"}')), d(k)) for k in b
                     if k.startswith("ward_store_commit_duration_seconds_bucket") and "+Inf" not in k)
    p99 = next((le for le, c in buckets if c >= 0.99 * n), float("inf"))
    return ["%.2f" % writes, "%.3f" % (mean * 1000), "%g" % (p99 * 1000)]


print(",".join(map(str, [
    name, rate, round(answered / r["summary"]["total"]),
    ms("p50"), ms("p90"), ms("p99"), ms("p99.9"), ms("max"),
    codes.get(402, 0), sum(bad.values()),
] + commit_stats(sys.argv[4], sys.argv[5]))))
if bad:
    print(f"{name} at {rate}/s: failures {bad}", file=sys.stderr)
EOF
        rows+=("$(tail -1 "$csv")")
        local failed
        failed="$(cut -d, -f10 <<<"${rows[-1]}")"
        if [ "$failed" != 0 ]; then
            failures+=("$name at $rate/s: $failed failed (details above; server log: $(tail -1 "$work/$name.log"))")
        fi
    done
    mixes+=("$name: $(outcome_mix)")
}

if [[ " $STORES " == *" sqlite "* ]]; then
    start_server sqlite --data-dir "$work/sqlite-data" "${serve_args[@]}"
    curve sqlite
    stop_server
fi

redis_note=""
if [[ " $STORES " != *" redis "* ]]; then
    :
elif ! start_redis; then
    redis_note="redis skipped: $redis_skip"
elif start_server redis --redis-url "$redis_url" --data-dir "$work/redis-data" "${serve_args[@]}"; then
    curve redis
    stop_server
else
    redis_note="redis skipped: ward serve --redis-url did not start: $(tail -1 "$work/redis.log")"
fi

plotted="$OUT/curve.svg"
python3 "$here/plot.py" "$csv" "$plotted" --cpus "$(nproc)" || plotted="no plot"

echo
echo "ward serve open-loop latency: oha -q RATE -z $DURATION --latency-correction -c $CONNECTIONS," \
    "$THREADS oha thread(s), $(nproc) cores shared by server and oha; latency in ms"
printf '%-7s %8s %9s %9s %9s %9s %9s %9s %8s %7s %8s %8s %8s\n' store offered achieved p50 p90 p99 p99.9 max \
    blocked failed "writes/c" "commit" "c-p99<="
for r in "${rows[@]}"; do
    IFS=, read -r -a f <<<"$r,"
    printf '%-7s %8s %9s %9s %9s %9s %9s %9s %8s %7s %8s %8s %8s\n' "${f[@]:0:13}"
done
echo "outcome mix:"
for m in "${mixes[@]}"; do echo "  $m"; done
for f in "${failures[@]}"; do echo "$f"; done
[ -n "$redis_note" ] && echo "$redis_note"
echo "wrote $csv and $plotted"
