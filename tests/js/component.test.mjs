// The WebAssembly component itself (tests/build-component.sh), transpiled by jco and run in Node,
// against the golden vectors. Input text is decoded by the core's decoder (the JS package's
// `decode`, as a component host decodes before calling), carried into the component as WIT
// records, and the WIT results are written back as JSON text and compared byte for byte.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadSync } from '../../js/src/node.js';
import { makeConverter } from './component/wit-json.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const componentPath = process.env.WARD_COMPONENT ?? join(root, 'target/ward-component/ward.component.wasm');
const golden = new URL('../golden/', import.meta.url);
let out, scoring;

before(async () => {
  assert.ok(existsSync(componentPath), `no component at ${componentPath}: run tests/build-component.sh`);
  out = mkdtempSync(join(tmpdir(), 'ward-jco-'));
  const jco = fileURLToPath(new URL('node_modules/.bin/jco', import.meta.url));
  execFileSync(jco, ['transpile', componentPath, '-o', out, '--name', 'ward', '--quiet'], { stdio: 'pipe', timeout: 120_000 });
  writeFileSync(join(out, 'package.json'), '{"type":"module"}');
  ({ scoring } = await import(pathToFileURL(join(out, 'ward.js')).href));
});
after(() => out && rmSync(out, { recursive: true, force: true }));

test('the jco-transpiled component gives the golden bytes', () => {
  const { toWit, toJsonText } = makeConverter(join(root, 'wit/types.wit'));
  const decoders = new Map();
  const engines = new Map();
  const failures = [];
  const lines = readFileSync(new URL('vectors.jsonl', golden), 'utf8').split('\n').filter(Boolean);
  let viaComponent = 0;
  for (const line of lines) {
    const v = JSON.parse(line);
    const bytes = readFileSync(new URL(`bundles/${v.bundle}`, golden));
    if (!engines.has(v.bundle)) {
      engines.set(v.bundle, scoring.Engine.create(bytes));
      decoders.set(v.bundle, loadSync(bytes));
    }
    let got;
    let decoded;
    try {
      decoded = decoders.get(v.bundle).decode(v.input);
    } catch (e) {
      if (e.name !== 'WardError') throw e;
      got = `{"error":${JSON.stringify(e.raw)}}`; // refused by the core's decoder before any scoring
    }
    if (got === undefined) {
      try {
        got = toJsonText('assessment', engines.get(v.bundle).scorePayment(toWit('evaluation', decoded)));
      } catch (e) {
        if (!('payload' in e)) {
          failures.push({ name: v.name, why: e.message });
          continue;
        }
        got = `{"error":${toJsonText('error', e.payload)}}`;
      }
      viaComponent++;
    }
    if (got !== v.expected) failures.push({ name: v.name, expected: v.expected, got });
  }
  console.log(`# ${lines.length - failures.length}/${lines.length} vectors identical; ${viaComponent} scored by the component`);
  assert.deepEqual(failures, []);
  assert.ok(viaComponent > 150);
});

test('create-default, score-payments, manifest and check-rules agree with the JS package', () => {
  const js = loadSync();
  const engine = scoring.Engine.createDefault();
  assert.equal(engine.bundleId(), js.bundleId);
  const m = engine.requiredAttributes();
  assert.deepEqual([m.bundle, m.context, m.payment, m.modelFeatures, m.lists], Object.values(js.requiredAttributes()));
  const { toWit, toJsonText } = makeConverter(join(root, 'wit/types.wit'));
  const text = '{"payment":{"amount":1000,"currency":"usd","created":1764000000,"payment_method_details":{"type":"card","card":{"number":"4100000000000019","exp_month":1,"exp_year":2031}}}}';
  const [r] = engine.scorePayments([toWit('evaluation', js.decode(text))]);
  assert.equal(r.tag, 'ok');
  assert.equal(toJsonText('assessment', r.val), js.scoreJson(text));
  assert.equal(engine.checkRules('Block if :amount_in_usdd: > 1').length, js.checkRules('Block if :amount_in_usdd: > 1').length);
});
