// The golden vectors, byte for byte, through the Node entry point.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { loadSync } from '../src/node.js';
import { runVectors } from '../../tests/js/vectors.mjs';

const golden = new URL('../../tests/golden/', import.meta.url);

test('every golden vector gives the exact bytes the Rust core writes', () => {
  const { total, failures } = runVectors({ loadSync, vectors: new URL('vectors.jsonl', golden), bundles: new URL('bundles/', golden) });
  assert.ok(total >= 200, `only ${total} vectors`);
  assert.deepEqual(failures.slice(0, 3), []);
});

test('score(object) gives the same assessment as scoreJson(text)', () => {
  const engines = new Map();
  let compared = 0;
  for (const line of readFileSync(new URL('vectors.jsonl', golden), 'utf8').split('\n').filter(Boolean)) {
    const v = JSON.parse(line);
    let input;
    try {
      input = JSON.parse(v.input);
    } catch {
      continue; // not JSON: only the text path applies
    }
    if (!engines.has(v.bundle)) engines.set(v.bundle, loadSync(new URL(`bundles/${v.bundle}`, golden)));
    const engine = engines.get(v.bundle);
    const viaText = (() => {
      try {
        return JSON.parse(engine.scoreJson(JSON.stringify(input)));
      } catch (e) {
        return e.toJSON();
      }
    })();
    const viaObject = (() => {
      try {
        return engine.score(input);
      } catch (e) {
        return e.toJSON();
      }
    })();
    assert.deepEqual(viaObject, viaText, v.name);
    compared++;
  }
  assert.ok(compared > 200);
});
