// The browser and worker builds use no Node built-ins, and the wasm module imports no WASI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

const pkg = new URL('../', import.meta.url);

/** Every module reachable from `entry` through relative static imports. */
function graph(entry) {
  const seen = new Map();
  const visit = (url) => {
    if (seen.has(url.href)) return;
    const text = readFileSync(url, 'utf8');
    seen.set(url.href, text);
    for (const [, spec] of text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/g)) {
      assert.ok(spec.startsWith('.'), `${url.pathname} imports ${spec}`);
      visit(new URL(spec, url));
    }
  };
  visit(new URL(entry, pkg));
  return seen;
}

for (const entry of ['src/browser.js', 'src/worker.js', 'src/checkout.js']) {
  test(`${entry} reaches no Node built-in`, () => {
    for (const [url, text] of graph(entry)) {
      assert.doesNotMatch(text, /from\s+['"]node:|require\(|\bprocess\.|\bBuffer\b/, url);
    }
  });
}

test('the wasm module imports only its wasm-bindgen glue (no WASI)', async () => {
  const module = await WebAssembly.compile(readFileSync(new URL('wasm/ward_wasm_bg.wasm', pkg)));
  const modules = new Set(WebAssembly.Module.imports(module).map((i) => i.module));
  assert.deepEqual([...modules], ['./ward_wasm_bg.js']);
});
