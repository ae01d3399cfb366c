#!/usr/bin/env node
// Payments per second in Node (the wasm-bindgen module) against native Rust, same bundle, same
// inputs: the golden vectors for one bundle that score successfully.
//   node js/bench/bench.mjs [--bundle default.bundle] [--ms 3000] [--rounds 3] [--native <binary>]
// The native side is tests/js/bench-native (built with cargo unless --native names the binary).
// Rounds alternate native and Node; the median of each is reported. Target: ≤ 3× native time.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadSync } from '../src/node.js';

const { values: opts } = parseArgs({
  options: { bundle: { type: 'string', default: 'default.bundle' }, ms: { type: 'string', default: '3000' }, rounds: { type: 'string', default: '3' }, native: { type: 'string' } },
});
const root = fileURLToPath(new URL('../../', import.meta.url));
const bundlePath = `${root}tests/golden/bundles/${opts.bundle}`;
const vectorsPath = `${root}tests/golden/vectors.jsonl`;
const ms = Number(opts.ms);

function nativeBinary() {
  if (opts.native) return opts.native;
  const target = process.env.CARGO_TARGET_DIR ?? `${root}target`;
  execFileSync('cargo', ['build', '--release', '--locked', '-q', '-p', 'ward-js-bench-native'], { cwd: root, stdio: 'inherit', timeout: 900_000 });
  return `${target}/release/ward-js-bench-native`;
}

const engine = loadSync(readFileSync(bundlePath));
const inputs = readFileSync(vectorsPath, 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l))
  .filter((v) => v.bundle === opts.bundle)
  .map((v) => v.input)
  .filter((input) => {
    try {
      engine.scoreJson(input);
      return true;
    } catch {
      return false;
    }
  });
// Inputs whose integers lie beyond 2^53 cannot travel as JS numbers; the object path skips them.
const objects = inputs.map((t) => JSON.parse(t)).filter((o) => {
  try {
    engine.score(o);
    return true;
  } catch {
    return false;
  }
});

/** Times `fn` over all inputs until `budget` ms pass; ns per payment. */
function time(fn, items, budget) {
  let n = 0;
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(budget) * 1_000_000n;
  do {
    for (const x of items) fn(x);
    n += items.length;
  } while (process.hrtime.bigint() < deadline);
  return Number(process.hrtime.bigint() - start) / n;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const bin = nativeBinary();
time((t) => engine.scoreJson(t), inputs, 500); // warm up the JIT and the wasm tiers
const native = [];
const text = [];
const object = [];
for (let r = 0; r < Number(opts.rounds); r++) {
  const out = execFileSync(bin, [bundlePath, vectorsPath, opts.bundle, String(ms)], { encoding: 'utf8', timeout: ms * 10 + 60_000 });
  native.push(JSON.parse(out).ns_per_payment);
  text.push(time((t) => engine.scoreJson(t), inputs, ms));
  object.push(time((o) => engine.score(o), objects, ms));
}
const wasm = readFileSync(new URL('../wasm/ward_wasm_bg.wasm', import.meta.url));
const n = median(native);
const report = {
  bundle: opts.bundle,
  inputs: inputs.length,
  native_us_per_payment: +(n / 1000).toFixed(2),
  node_scoreJson_us_per_payment: +(median(text) / 1000).toFixed(2),
  node_score_object_us_per_payment: +(median(object) / 1000).toFixed(2),
  native_payments_per_s: Math.round(1e9 / n),
  node_scoreJson_payments_per_s: Math.round(1e9 / median(text)),
  ratio_scoreJson_vs_native: +(median(text) / n).toFixed(2),
  ratio_score_object_vs_native: +(median(object) / n).toFixed(2),
  wasm_bytes: wasm.length,
  wasm_gzip_bytes: gzipSync(wasm, { level: 9 }).length,
  node: process.version,
};
console.log(JSON.stringify(report, null, 2));
if (report.ratio_scoreJson_vs_native > 3) {
  console.error(`Node is ${report.ratio_scoreJson_vs_native}× native time per payment (target ≤ 3×)`);
  process.exitCode = 1;
}
