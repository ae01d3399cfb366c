/**
 * Signed pre-scores. An edge worker signs the exact assessment bytes plus a timestamp with
 * HMAC-SHA256 (WebCrypto), in the form `t=<unix seconds>,v1=<hex>` over `<t>.<assessment>`, as
 * Stripe signs webhooks. The server verifies it with the same key and may reuse the pre-score.
 * Works wherever `crypto.subtle` exists: Node ≥ 20, Deno, Bun, browsers, workerd.
 * @module
 */

/** Request header carrying the assessment JSON, base64-encoded (UTF-8 bytes). */
export const PRE_SCORE_HEADER = 'Ward-Pre-Score';
/** Request header carrying `t=<unix seconds>,v1=<hex HMAC-SHA256>`. */
export const SIGNATURE_HEADER = 'Ward-Pre-Score-Signature';

const encoder = new TextEncoder();

/**
 * @param {string|Uint8Array|CryptoKey} key a secret (string or bytes) or an HMAC `CryptoKey`
 * @param {KeyUsage} usage
 * @returns {Promise<CryptoKey>}
 */
async function hmacKey(key, usage) {
  if (typeof key === 'object' && key !== null && 'algorithm' in key) return /** @type {CryptoKey} */ (key);
  if (typeof key === 'string' ? key.length === 0 : !(key instanceof Uint8Array) || key.length === 0) {
    throw new TypeError('a signing key must be a non-empty string, Uint8Array or CryptoKey');
  }
  const raw = typeof key === 'string' ? encoder.encode(key) : key;
  return crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, [usage]);
}

/** @param {ArrayBuffer} buf */
function toHex(buf) {
  return Array.from(new Uint8Array(buf), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** @param {string} hex @returns {Uint8Array|null} */
function fromHex(hex) {
  if (!/^(?:[0-9a-f]{2})+$/.test(hex)) return null;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/**
 * Signs an assessment's exact JSON text.
 * @param {{assessment: string, key: string|Uint8Array|CryptoKey, timestamp: number}} args
 *   `timestamp` in Unix seconds
 * @returns {Promise<string>} the signature header value, `t=…,v1=…`
 */
export async function signPreScore({ assessment, key, timestamp }) {
  if (typeof assessment !== 'string') throw new TypeError('assessment must be the JSON text');
  if (!Number.isSafeInteger(timestamp)) throw new TypeError('timestamp must be whole Unix seconds');
  const k = await hmacKey(key, 'sign');
  const mac = await crypto.subtle.sign('HMAC', k, encoder.encode(`${timestamp}.${assessment}`));
  return `t=${timestamp},v1=${toHex(mac)}`;
}

/**
 * @typedef {object} Verification
 * @property {boolean} valid
 * @property {number|null} timestamp the signed time, when the header could be read
 * @property {string} [reason] why it is not valid: `malformed`, `mismatch`, `expired`
 */

/**
 * Verifies a pre-score signature in constant time and checks its age.
 * @param {{assessment: string, signature: string|null|undefined, key: string|Uint8Array|CryptoKey,
 *   now?: number, toleranceSeconds?: number}} args `now` in Unix seconds (default: the clock)
 * @returns {Promise<Verification>}
 */
export async function verifyPreScore({ assessment, signature, key, now, toleranceSeconds = 300 }) {
  const parts = Object.fromEntries(
    String(signature ?? '')
      .split(',')
      .map((p) => p.trim().split('=', 2)),
  );
  const timestamp = /^\d{1,15}$/.test(parts.t ?? '') ? Number(parts.t) : null;
  const mac = fromHex(parts.v1 ?? '');
  if (timestamp === null || mac === null || typeof assessment !== 'string') {
    return { valid: false, timestamp, reason: 'malformed' };
  }
  const k = await hmacKey(key, 'verify');
  const ok = await crypto.subtle.verify('HMAC', k, mac, encoder.encode(`${timestamp}.${assessment}`));
  if (!ok) return { valid: false, timestamp, reason: 'mismatch' };
  const clock = now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(clock - timestamp) > toleranceSeconds) return { valid: false, timestamp, reason: 'expired' };
  return { valid: true, timestamp };
}

/**
 * Base64 of a string's UTF-8 bytes (header-safe).
 * @param {string} text
 */
export function encodeHeader(text) {
  let binary = '';
  for (const b of encoder.encode(text)) binary += String.fromCharCode(b);
  return btoa(binary);
}

/**
 * The text a `Ward-Pre-Score` header carries.
 * @param {string|null} value
 * @returns {string|null}
 */
export function decodeHeader(value) {
  if (!value) return null;
  try {
    const binary = atob(value);
    return new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(binary, (c) => c.charCodeAt(0)));
  } catch {
    return null;
  }
}
