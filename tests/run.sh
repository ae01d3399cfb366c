#!/usr/bin/env bash
# Ward's whole test suite: formatting, lints, the wasm build of the core, every Rust test,
# and the examples from the README. CI runs exactly this. It installs what it needs.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"
# Incremental state is gigabytes that a one-shot run never reuses.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"

step() { printf '\n=== %s\n' "$*"; }

step "toolchain"
rustup target add wasm32-unknown-unknown >/dev/null
rustup component add rustfmt clippy >/dev/null 2>&1 || true
# The store tests start their own redis-server (Debian's package); they fail without it.
if ! command -v redis-server >/dev/null; then
    SUDO=""
    [ "$(id -u)" = 0 ] || SUDO=sudo
    $SUDO apt-get update -qq && $SUDO apt-get install -y -qq redis-server
fi

step "WebAssembly component and test plugins"
bash tests/build-component.sh

step "format and lints"
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --locked --quiet

step "the core builds for wasm32-unknown-unknown (no I/O, no clock, no randomness)"
cargo build -p ward-core --target wasm32-unknown-unknown --release --locked

step "tests"
cargo test --workspace --locked --features ward-core/schema

step "README examples"
bash tests/examples.sh

step "ward serve driven by Stripe's official Node SDK"
bash tests/server/run.sh

step "JavaScript package: Node, Deno, Bun, jco, headless Chromium, workerd"
bash tests/js/run.sh

step "fuzz smoke run (the long runs are in docs/fuzzing.md)"
bash tests/fuzz-smoke.sh

echo
echo "all checks passed"
