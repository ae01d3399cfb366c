// An edge worker: pre-score each checkout, add per-isolate IP velocity, sign, forward to origin.
// workerd imports the .wasm as a WebAssembly.Module and the bundle as an ArrayBuffer (config.capnp).
import { createEdgeHandler, loadSync } from './ward/src/worker.js';
import wasm from './ward/wasm/ward_wasm_bg.wasm';
import bundle from './ward/ward.bundle';

const engine = loadSync({ module: wasm, bundle });

// Bindings: WARD_SIGNING_KEY (the HMAC secret, shared with the origin), UPSTREAM (the origin).
export default createEdgeHandler({ engine });
