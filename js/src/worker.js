/**
 * Edge-worker entry point (workerd, Cloudflare Workers): the worker imports the `.wasm` as a
 * `WebAssembly.Module` and the bundle as bytes, then loads them synchronously. No Node built-ins.
 * @module
 */
import { initSync } from '../wasm/ward_wasm.js';
import { asBytes, createEngine } from './engine.js';

export { Engine } from './engine.js';
export { WardError } from './errors.js';
export { signPreScore, verifyPreScore, PRE_SCORE_HEADER, SIGNATURE_HEADER } from './signature.js';
export { IpVelocity } from './velocity.js';
export { createEdgeHandler } from './edge.js';

let initialised = false;

/**
 * Loads an engine from a compiled wasm module and bundle bytes.
 * @param {{module: WebAssembly.Module|BufferSource, bundle: Uint8Array|ArrayBuffer}} parts
 * @returns {import('./engine.js').Engine}
 */
export function loadSync({ module, bundle }) {
  if (!initialised) {
    initSync({ module });
    initialised = true;
  }
  return createEngine(asBytes(bundle));
}
