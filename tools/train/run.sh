#!/usr/bin/env bash
# Rebuilds Ward's default model: simulate -> featurize (the engine's own code) -> train.
#
#   tools/train/run.sh                                   # simulated data (the committed model)
#   tools/train/run.sh --evaluations E.jsonl --labels L.csv   # your own labelled payments
#
# Outputs go to tools/train/out/ (model, metrics, calibration set); data to tools/train/data/.
# Python packages come from tools/train/.venv, created on first use with the pinned versions in
# requirements.txt (already-installed system packages are reused when they match).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
data="$here/data"
out="$here/out"
evaluations=""
labels=""
while [ $# -gt 0 ]; do
  case "$1" in
    --evaluations) evaluations="$2"; shift 2 ;;
    --labels) labels="$2"; shift 2 ;;
    --data-dir) data="$2"; shift 2 ;;
    --out-dir) out="$2"; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
if { [ -n "$evaluations" ] && [ -z "$labels" ]; } || { [ -z "$evaluations" ] && [ -n "$labels" ]; }; then
  echo "run.sh: --evaluations and --labels go together" >&2; exit 2
fi

# 1. Python environment with the pinned packages.
venv="$here/.venv"
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv --system-site-packages "$venv"
fi
py="$venv/bin/python"
if ! "$py" - "$here/requirements.txt" <<'PY'
import sys
from importlib.metadata import version, PackageNotFoundError
for line in open(sys.argv[1]):
    line = line.split("#")[0].strip()
    if not line:
        continue
    name, pinned = line.split("==")
    try:
        if version(name) != pinned:
            sys.exit(1)
    except PackageNotFoundError:
        sys.exit(1)
PY
then
  "$py" -m pip install --quiet -r "$here/requirements.txt"
fi

mkdir -p "$data" "$out"
start=$(date +%s)

# 2. Simulate (unless the caller brings labelled data).
if [ -z "$evaluations" ]; then
  echo "== simulate"
  "$py" "$here/simulate.py" --out-dir "$data"
  evaluations="$data/evaluations.jsonl"
  labels="$data/labels.csv"
fi

# 3. Featurize with the engine's own code path.
echo "== featurize"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"
(cd "$root" && cargo run --quiet --release -p ward-core --example featurize -- \
  --evaluations "$evaluations" --features "$here/features.txt" --out "$data/features.csv")

# 4. Train and evaluate on the held-out days.
echo "== train"
"$py" "$here/train.py" --features-csv "$data/features.csv" --labels "$labels" \
  --features "$here/features.txt" --out-dir "$out"

echo "== done in $(( $(date +%s) - start ))s: $out"
