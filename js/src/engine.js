/**
 * The engine class shared by every entry point. It holds no platform code: the entries
 * (`node.js`, `browser.js`, `worker.js`) load the wasm module and the bundle bytes, then call
 * `createEngine`.
 * @module
 */
import { WasmEngine } from '../wasm/ward_wasm.js';
import { invalidRequest, toWardError, WardError } from './errors.js';

/** @typedef {import('../types/index.js').Evaluation} Evaluation */
/** @typedef {import('../types/index.js').Assessment} Assessment */
/** @typedef {import('../types/index.js').Manifest} Manifest */
/** @typedef {import('../types/index.js').Diagnostic} Diagnostic */
/** @typedef {import('../types/index.js').ScoreResult} ScoreResult */

/**
 * Encodes an evaluation as the JSON text the core decodes. The core, not JS, validates it, so a
 * bad field gets the same Stripe-shaped error a server would return.
 * @param {unknown} evaluation
 * @returns {string}
 */
function encode(evaluation) {
  if (evaluation === null || typeof evaluation !== 'object' || Array.isArray(evaluation)) {
    throw invalidRequest('invalid_json', 'The request body must be a JSON object');
  }
  try {
    return JSON.stringify(evaluation);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw invalidRequest('invalid_json', `The evaluation cannot be encoded as JSON: ${why}`);
  }
}

/**
 * @param {string} what
 * @param {unknown} text
 */
function requireString(what, text) {
  if (typeof text !== 'string') {
    throw invalidRequest('parameter_invalid', `${what} must be a string, got ${text === null ? 'null' : typeof text}`);
  }
}

/** A loaded bundle. Every method is synchronous; none keeps state between calls. */
export class Engine {
  /** @type {WasmEngine} */
  #inner;

  /** @param {WasmEngine} inner */
  constructor(inner) {
    if (!(inner instanceof WasmEngine)) throw new TypeError('use load() or loadSync() to create an Engine');
    this.#inner = inner;
  }

  /** The bundle id (`bndl_…`), as every assessment reports it. */
  get bundleId() {
    return this.#inner.bundleId;
  }

  /**
   * Scores one evaluation (`{payment, context}`).
   * @param {Evaluation} evaluation
   * @returns {Assessment}
   * @throws {WardError} when the input is invalid (`.param` names the field)
   */
  score(evaluation) {
    const text = encode(evaluation);
    try {
      return JSON.parse(this.#inner.scoreJson(text));
    } catch (e) {
      throw toWardError(e);
    }
  }

  /**
   * Scores an evaluation given as JSON text and returns the assessment as JSON text: exactly the
   * bytes the Rust core writes.
   * @param {string} text
   * @returns {string}
   * @throws {WardError}
   */
  scoreJson(text) {
    requireString('The evaluation text', text);
    try {
      return this.#inner.scoreJson(text);
    } catch (e) {
      throw toWardError(e);
    }
  }

  /**
   * Decodes and validates evaluation text exactly as the server's decoder does, without scoring.
   * @param {string} text
   * @returns {Evaluation} the evaluation as the core read it (absent fields left out)
   * @throws {WardError} naming the offending field
   */
  decode(text) {
    requireString('The evaluation text', text);
    try {
      return JSON.parse(this.#inner.decode(text));
    } catch (e) {
      throw toWardError(e);
    }
  }

  /**
   * Scores many evaluations; result `i` belongs to evaluation `i`. An invalid evaluation gives an
   * `{error}` result and does not stop the others.
   * @param {Evaluation[]} evaluations
   * @returns {ScoreResult[]}
   */
  scoreMany(evaluations) {
    if (!Array.isArray(evaluations)) {
      throw invalidRequest('parameter_invalid', 'scoreMany expects an array of evaluations');
    }
    return evaluations.map((evaluation) => {
      try {
        return { assessment: this.score(evaluation) };
      } catch (e) {
        if (e instanceof WardError) return { error: e };
        throw e;
      }
    });
  }

  /**
   * What the bundle reads: the context attributes a caller should supply, the payment
   * attributes it derives, the model's features and the lists its rules use.
   * @returns {Manifest}
   */
  requiredAttributes() {
    try {
      return this.#inner.manifest();
    } catch (e) {
      throw toWardError(e);
    }
  }

  /**
   * Checks a rules file against this bundle's attributes and lists.
   * @param {string} text
   * @returns {Diagnostic[]}
   */
  checkRules(text) {
    requireString('The rules text', text);
    try {
      return this.#inner.checkRules(text);
    } catch (e) {
      throw toWardError(e);
    }
  }

  /** Frees the engine's memory in the wasm module now instead of at garbage collection. */
  free() {
    this.#inner.free();
  }
}

/**
 * Loads a bundle into an engine. The wasm module must be initialised first.
 * @param {Uint8Array} bytes
 * @returns {Engine}
 * @throws {WardError} `bundle_invalid` when the bytes are not a bundle this engine reads
 */
export function createEngine(bytes) {
  try {
    return new Engine(new WasmEngine(bytes));
  } catch (e) {
    throw toWardError(e);
  }
}

/**
 * Accepts the byte containers a caller may hold.
 * @param {unknown} data
 * @returns {Uint8Array}
 */
export function asBytes(data) {
  if (data instanceof Uint8Array) return data;
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  if (ArrayBuffer.isView(data)) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  throw invalidRequest('bundle_invalid', 'A bundle must be a Uint8Array, an ArrayBuffer or a URL');
}
