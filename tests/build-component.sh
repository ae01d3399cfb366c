#!/usr/bin/env bash
# Builds the Ward WebAssembly component and the test plugins into target/ward-component/
# (at the workspace root, whatever CARGO_TARGET_DIR says), installing what is missing:
#   target/ward-component/ward.component.wasm
#   target/ward-component/plugins/{hostile,signals}.wasm
# The host finds them there (or via $WARD_COMPONENT / $WARD_PLUGINS_DIR).
set -euo pipefail
export PATH="$HOME/.cargo/bin:$PATH"
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

WASM_TOOLS_VERSION=1.263.0
target_dir="${CARGO_TARGET_DIR:-$root/target}"
wasm_out="$target_dir/wasm32-unknown-unknown/wasm"
out="$root/target/ward-component"

rustup target add wasm32-unknown-unknown >/dev/null
if ! wasm-tools --version 2>/dev/null | grep -q "^wasm-tools $WASM_TOOLS_VERSION"; then
    cargo install wasm-tools --version "$WASM_TOOLS_VERSION" --locked
fi

# The component: core wasm for wasm32-unknown-unknown, then wrapped as a component. Built for
# this target (not wasip2) so that it imports nothing. With SIMD128, which wasmtime always
# supports (the JavaScript build does not use it: not every engine it targets may): TreeSHAP's
# f64 arrays then go two lanes at a time. LLVM's SLP vectorizer is held back for this target:
# its cost model does not see that wasm has no gathers, and vectorizing the margin walk's
# lockstep trees (i32x4 built lane by lane) made that walk twice as slow under Cranelift; at
# most 2 lanes and a gain of at least 4 keeps the TreeSHAP vectors and drops those. Lane-wise
# IEEE arithmetic without fused multiply-add, so the results are the same bits.
RUSTFLAGS="${RUSTFLAGS:-} -C target-feature=+simd128 -C llvm-args=-slp-threshold=4 -C llvm-args=-slp-max-vf=2" \
    cargo build --locked -p ward-wasm --features component --target wasm32-unknown-unknown --profile wasm
cargo build --locked -p ward-test-plugin-hostile -p ward-test-plugin-signals --target wasm32-unknown-unknown --profile wasm

mkdir -p "$out/plugins"
wasm-tools component new "$wasm_out/ward_wasm.wasm" -o "$out/ward.component.wasm"
wasm-tools validate "$out/ward.component.wasm"
for p in hostile signals; do
    wasm-tools component new "$wasm_out/ward_test_plugin_$p.wasm" -o "$out/plugins/$p.wasm"
done
echo "built $out/ward.component.wasm ($(wc -c <"$out/ward.component.wasm") bytes) and $(ls "$out/plugins" | wc -l) plugins"
