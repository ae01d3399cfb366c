#!/usr/bin/env bash
# Fuzz smoke test for CI: builds the ward-core fuzz targets and runs each one briefly on its
# committed seeds. Exits non-zero if a target fails to build or finds a crash, hang or OOM.
#
#   tests/fuzz-smoke.sh              # every target, 20 s each
#   FUZZ_SECONDS=60 tests/fuzz-smoke.sh rules_parser
#
# Works on stable Rust: RUSTC_BOOTSTRAP=1 lets cargo-fuzz pass its -Z flags. A crash leaves its
# input in core/fuzz/artifacts/<target>/; see docs/fuzzing.md for reproducing and minimising it.
set -euo pipefail

CARGO_FUZZ_VERSION=0.13.2
SECONDS_PER_TARGET="${FUZZ_SECONDS:-20}"
SANITIZER="${FUZZ_SANITIZER:-address}"

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fuzz_dir="$root/core/fuzz"
export RUSTC_BOOTSTRAP=1
export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz-smoke: installing cargo-fuzz $CARGO_FUZZ_VERSION" >&2
    cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked \
        || cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION"
fi

dict_for() {
    case "$1" in
        rules_parser) echo "dict/rules.dict" ;;
        payment_decoder) echo "dict/json.dict" ;;
        *) echo "" ;;
    esac
}

if [ "$#" -gt 0 ]; then
    targets=("$@")
else
    targets=(rules_parser payment_decoder bundle_loader)
fi

cd "$fuzz_dir"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "fuzz-smoke: building ${targets[*]} (sanitizer: $SANITIZER)" >&2
for target in "${targets[@]}"; do
    cargo fuzz build --sanitizer "$SANITIZER" "$target"
done

status=0
for target in "${targets[@]}"; do
    # Run on a scratch copy so the committed seeds never grow.
    mkdir -p "$work/$target"
    cp seeds/"$target"/* "$work/$target"/
    args=(-max_total_time="$SECONDS_PER_TARGET" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1)
    dict="$(dict_for "$target")"
    if [ -n "$dict" ]; then
        args+=(-dict="$dict")
    fi
    echo "fuzz-smoke: $target for ${SECONDS_PER_TARGET}s" >&2
    if ! cargo fuzz run --sanitizer "$SANITIZER" "$target" "$work/$target" -- "${args[@]}" >"$work/$target.log" 2>&1; then
        echo "fuzz-smoke: $target FAILED; last lines of its log:" >&2
        tail -n 60 "$work/$target.log" >&2
        status=1
    else
        grep -E '^(Done|#[0-9]+[[:space:]]+DONE)|stat::number_of_executed_units|stat::peak_rss_mb' "$work/$target.log" >&2 || true
    fi
done

if [ "$status" -eq 0 ]; then
    echo "fuzz-smoke: all targets passed" >&2
fi
exit "$status"
