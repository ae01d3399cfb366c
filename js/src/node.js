/**
 * Node entry point (also used by Deno and Bun): reads the wasm module and the default bundle from
 * the package directory.
 * @module
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { initSync } from '../wasm/ward_wasm.js';
import { asBytes, createEngine } from './engine.js';

export { Engine } from './engine.js';
export { WardError } from './errors.js';
export { signPreScore, verifyPreScore, PRE_SCORE_HEADER, SIGNATURE_HEADER } from './signature.js';

/** Where the default bundle (`ward.bundle`) is in the package. */
export const defaultBundleUrl = new URL('../ward.bundle', import.meta.url);
const wasmUrl = new URL('../wasm/ward_wasm_bg.wasm', import.meta.url);

let initialised = false;

function initOnce() {
  if (!initialised) {
    initSync({ module: readFileSync(wasmUrl) });
    initialised = true;
  }
}

/**
 * Loads a bundle synchronously.
 * @param {Uint8Array|ArrayBuffer|string|URL} [bundle] bytes, a file path or a `file:` URL; the default bundle if omitted
 * @returns {import('./engine.js').Engine}
 */
export function loadSync(bundle) {
  initOnce();
  if (bundle === undefined) return createEngine(readFileSync(defaultBundleUrl));
  if (typeof bundle === 'string' || bundle instanceof URL) return createEngine(readFileSync(bundle));
  return createEngine(asBytes(bundle));
}

/**
 * Loads a bundle: bytes, a file path, a `file:` URL or an `http(s):` URL (fetched).
 * @param {Uint8Array|ArrayBuffer|string|URL} [bundle] the default bundle if omitted
 * @returns {Promise<import('./engine.js').Engine>}
 */
export async function load(bundle) {
  initOnce();
  if (bundle === undefined) return createEngine(await readFile(defaultBundleUrl));
  const url = bundle instanceof URL ? bundle : typeof bundle === 'string' && /^https?:/.test(bundle) ? new URL(bundle) : null;
  if (url && url.protocol !== 'file:') {
    const response = await fetch(url);
    if (!response.ok) throw new Error(`fetching the bundle failed: HTTP ${response.status}`);
    return createEngine(new Uint8Array(await response.arrayBuffer()));
  }
  if (url || typeof bundle === 'string') return createEngine(await readFile(/** @type {string|URL} */ (url ?? bundle)));
  return createEngine(asBytes(bundle));
}
