#!/usr/bin/env bash
# Builds the package's WebAssembly: ward-wasm with feature `js` (wasm-bindgen), `--target web`
# glue (runs in Node, Deno, Bun, browsers and workerd), `wasm-opt -Oz`, plus the default bundle.
# Needs: rustup target wasm32-unknown-unknown, wasm-bindgen-cli 0.2.130 and `wasm-opt` (npm
# binaryen: pass WASM_OPT=path or have it on PATH). tests/js/run.sh installs them.
set -euo pipefail
js="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root="$(cd "$js/.." && pwd)"
target_dir="${CARGO_TARGET_DIR:-$root/target}"
wasm_opt="${WASM_OPT:-wasm-opt}"

cd "$root"
cargo build --locked -p ward-wasm --features js --target wasm32-unknown-unknown --profile wasm
rm -rf "$js/wasm"
wasm-bindgen --target web --no-typescript --out-dir "$js/wasm" --out-name ward_wasm \
    "$target_dir/wasm32-unknown-unknown/wasm/ward_wasm.wasm"
# -Oz for size; the feature flags are those rustc 1.95 emits for wasm32-unknown-unknown by default.
"$wasm_opt" "${WASM_OPT_FLAGS:--Oz}" --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
    --enable-mutable-globals --enable-reference-types --enable-multivalue \
    --strip-debug --strip-producers \
    "$js/wasm/ward_wasm_bg.wasm" -o "$js/wasm/ward_wasm_bg.wasm"
cp core/assets/default.bundle "$js/ward.bundle"
raw=$(wc -c <"$js/wasm/ward_wasm_bg.wasm")
gz=$(gzip -9 -c "$js/wasm/ward_wasm_bg.wasm" | wc -c)
echo "built js/wasm/ward_wasm_bg.wasm: $raw bytes, $gz bytes gzipped"
