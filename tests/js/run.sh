#!/usr/bin/env bash
# Everything for the JavaScript package, from a clean clone: installs what is missing (rustup
# target, wasm-bindgen-cli 0.2.130, npm dev tools from the committed lock file, Debian chromium),
# builds the wasm module and the component, and runs every test: node --test (golden vectors,
# API, types against WIT and schema), the jco-transpiled component, headless Chromium, workerd,
# the packed package under Node/Deno/Bun, the examples, the bench (≤ 3× native) and clippy.
# Every step runs; the script fails at the end if any step failed. Servers bind 127.0.0.1.
set -uo pipefail
export PATH="$HOME/.cargo/bin:$PATH"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
tools="$root/tests/js/node_modules/.bin"
started=$SECONDS
failed=()

step() {
    local name="$1"
    shift
    local t0=$SECONDS
    echo "=== $name"
    if "$@"; then
        echo "--- ok: $name ($((SECONDS - t0)) s)"
    else
        echo "--- FAILED: $name ($((SECONDS - t0)) s)"
        failed+=("$name")
    fi
}

install_rust_tools() {
    rustup target add wasm32-unknown-unknown >/dev/null || return 1
    if ! wasm-bindgen --version 2>/dev/null | grep -q '^wasm-bindgen 0.2.130$'; then
        # Not --locked: the registry here lacks a crate version the CLI's lock file names.
        cargo install wasm-bindgen-cli --version 0.2.130 || return 1
    fi
}

install_chromium() {
    command -v chromium >/dev/null && return 0
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq && apt-get install -y -qq chromium
    else
        sudo apt-get update -qq && sudo apt-get install -y -qq chromium
    fi
}

install_npm() {
    (cd tests/js && npm ci --no-audit --no-fund) && (cd js && npm ci --no-audit --no-fund)
}

build_js() {
    WASM_OPT="$tools/wasm-opt" js/scripts/build.sh
}

build_component() {
    [ -x tests/build-component.sh ] || { echo "tests/build-component.sh is missing (the component branch is not merged)"; return 1; }
    tests/build-component.sh
}

clippy() {
    cargo fmt --all --check &&
        cargo clippy --locked -p ward-wasm --features js --target wasm32-unknown-unknown --all-targets -- -D warnings &&
        cargo clippy --locked -p ward-js-bench-native --all-targets -- -D warnings
}

size_report() {
    local wasm=js/wasm/ward_wasm_bg.wasm
    echo "ward_wasm_bg.wasm: $(wc -c <"$wasm") bytes, $(gzip -9 -c "$wasm" | wc -c) bytes gzipped"
    (cd js && npm pack --dry-run --json 2>/dev/null | node -e 'const [p]=JSON.parse(require("fs").readFileSync(0,"utf8"));console.log(`package: ${p.size} bytes packed, ${p.unpackedSize} unpacked, ${p.entryCount} files`)')
}

step "install rust tools" install_rust_tools
step "install chromium" install_chromium
step "npm ci" install_npm
step "build the js module" build_js
step "build the component" build_component
step "fmt and clippy" clippy
step "node --test (package)" node --test js/test/
step "jco: the component in node" node --test tests/js/component.test.mjs
step "headless chromium: checkout example" node --test tests/js/browser.test.mjs
step "workerd: edge worker example" node --test tests/js/workerd.test.mjs
step "npm pack: node, deno, bun, README, tsc" node --test tests/js/pack.test.mjs
step "node example" node js/examples/node/score.mjs
step "bench (Node vs native)" node js/bench/bench.mjs --ms 2000 --rounds 3
step "size" size_report

echo "=== $((SECONDS - started)) s in all"
if [ ${#failed[@]} -gt 0 ]; then
    printf 'FAILED: %s\n' "${failed[@]}"
    exit 1
fi
echo "all JavaScript checks passed"
