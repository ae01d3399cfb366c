/**
 * Typed errors. Every failure the engine reports is a Stripe-shaped error object
 * (`{type, code, decline_code, message, param}`); `WardError` carries it.
 * @module
 */

/**
 * @typedef {object} StripeErrorObject
 * @property {'invalid_request_error'|'card_error'|'api_error'} type
 * @property {string} [code]
 * @property {string} [decline_code]
 * @property {string} message
 * @property {string} [param]
 */

/** An error from the engine: bad input, a bundle that does not load, or an internal failure. */
export class WardError extends Error {
  /** @param {StripeErrorObject} raw the Stripe-shaped error object, exactly as the core wrote it */
  constructor(raw) {
    super(raw.message);
    this.name = 'WardError';
    /** @type {StripeErrorObject['type']} */
    this.type = raw.type;
    /** @type {string|null} */
    this.code = raw.code ?? null;
    /** @type {string|null} */
    this.declineCode = raw.decline_code ?? null;
    /** @type {string|null} the offending parameter in bracket notation (`payment[amount]`) */
    this.param = raw.param ?? null;
    /** @type {StripeErrorObject} */
    this.raw = raw;
  }

  /** The wire envelope, `{"error": {...}}`, with the core's key order. */
  toJSON() {
    return { error: this.raw };
  }
}

/**
 * An `invalid_request_error` raised on the JS side, before the engine sees the input.
 * @param {string} code
 * @param {string} message
 * @param {string} [param]
 */
export function invalidRequest(code, message, param) {
  /** @type {StripeErrorObject} */
  const raw = { type: 'invalid_request_error', code, message };
  if (param !== undefined) raw.param = param;
  return new WardError(raw);
}

/**
 * Turns whatever the wasm module threw into a `WardError`.
 * The module throws plain Stripe-shaped objects; a trap arrives as a `WebAssembly.RuntimeError`.
 * @param {unknown} thrown
 * @returns {WardError}
 */
export function toWardError(thrown) {
  if (thrown instanceof WardError) return thrown;
  if (thrown && typeof thrown === 'object' && 'type' in thrown && 'message' in thrown) {
    return new WardError(/** @type {StripeErrorObject} */ (thrown));
  }
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return new WardError({ type: 'api_error', code: 'engine_failure', message: `The engine failed: ${message}` });
}
