/**
 * Runs the golden vectors (tests/golden/vectors.jsonl) against a loaded Ward package and
 * compares output text byte for byte. Shared by the Node test and the Deno/Bun/installed-package
 * runs; it uses only `node:fs`, which all three provide.
 */
import { readFileSync } from 'node:fs';

/**
 * @param {{loadSync: (bytes: Uint8Array) => {scoreJson(t: string): string}, vectors: string|URL, bundles: string|URL}} args
 * @returns {{total: number, failures: Array<{name: string, expected: string, got: string}>}}
 */
export function runVectors({ loadSync, vectors, bundles }) {
  const lines = readFileSync(vectors, 'utf8').split('\n').filter((l) => l.length > 0);
  /** @type {Map<string, {scoreJson(t: string): string}>} */
  const engines = new Map();
  const failures = [];
  for (const line of lines) {
    const v = JSON.parse(line);
    let engine = engines.get(v.bundle);
    if (!engine) {
      engine = loadSync(readFileSync(new URL(v.bundle, bundles)));
      engines.set(v.bundle, engine);
    }
    let got;
    try {
      got = engine.scoreJson(v.input);
    } catch (e) {
      if (!e || e.name !== 'WardError') throw e;
      got = `{"error":${JSON.stringify(e.raw)}}`;
    }
    if (got !== v.expected) failures.push({ name: v.name, expected: v.expected, got });
  }
  return { total: lines.length, failures };
}
