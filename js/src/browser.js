/**
 * Browser entry point: fetches and instantiates the wasm module with streaming compilation, and
 * fetches the bundle. Uses no Node built-ins and no WASI.
 * @module
 */
import init from '../wasm/ward_wasm.js';
import { asBytes, createEngine } from './engine.js';

export { Engine } from './engine.js';
export { WardError } from './errors.js';
export { signPreScore, verifyPreScore, PRE_SCORE_HEADER, SIGNATURE_HEADER } from './signature.js';

/** Where the default bundle (`ward.bundle`) is, next to this package's files. */
export const defaultBundleUrl = new URL('../ward.bundle', import.meta.url);

/** @type {Promise<unknown>|null} */
let ready = null;

/**
 * Loads a bundle.
 * @param {Uint8Array|ArrayBuffer|string|URL} [bundle] bytes or a URL; the default bundle if omitted
 * @param {{wasm?: string|URL|Response|WebAssembly.Module}} [options] where the `.wasm` is, if not next to the package
 * @returns {Promise<import('./engine.js').Engine>}
 */
export async function load(bundle, options = {}) {
  // `init` fetches with `WebAssembly.instantiateStreaming` when the server sends application/wasm.
  ready ??= init({ module_or_path: options.wasm ?? new URL('../wasm/ward_wasm_bg.wasm', import.meta.url) });
  await ready;
  if (bundle === undefined || typeof bundle === 'string' || bundle instanceof URL) {
    const response = await fetch(bundle ?? defaultBundleUrl);
    if (!response.ok) throw new Error(`fetching the bundle failed: HTTP ${response.status}`);
    return createEngine(new Uint8Array(await response.arrayBuffer()));
  }
  return createEngine(asBytes(bundle));
}
