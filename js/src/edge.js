/**
 * The edge-worker handler: pre-scores an incoming checkout request, adds per-isolate IP velocity
 * to its context, signs the pre-score and forwards the request to the origin with it.
 * @module
 */
import { WardError } from './errors.js';
import { encodeHeader, PRE_SCORE_HEADER, signPreScore, SIGNATURE_HEADER } from './signature.js';
import { IpVelocity } from './velocity.js';

/** @typedef {import('./engine.js').Engine} Engine */

/**
 * @typedef {object} EdgeOptions
 * @property {Engine | ((env: Record<string, any>) => Engine)} engine the engine, or a function of the env that returns it
 * @property {IpVelocity} [velocity] per-isolate counters (a fresh `IpVelocity` by default)
 * @property {string} [keyBinding] env binding holding the HMAC secret, default `WARD_SIGNING_KEY`
 * @property {string} [upstreamBinding] env binding of a service (`fetch`-able) to forward to, default `UPSTREAM`
 * @property {string} [upstreamUrlBinding] env binding of an origin URL to forward to, default `UPSTREAM_URL`
 * @property {boolean} [blockAtEdge] answer 402 for blocked payments instead of forwarding them, default false
 * @property {(request: Request) => string|null} [clientIp] the buyer's IP; default the `CF-Connecting-IP` header
 * @property {() => number} [now] the clock in milliseconds, default `Date.now`
 */

/**
 * @param {number} status
 * @param {string} body JSON text
 * @param {Record<string, string>} [headers]
 */
function json(status, body, headers = {}) {
  return new Response(body, { status, headers: { 'content-type': 'application/json', ...headers } });
}

/** @param {WardError} e */
function errorResponse(e) {
  return json(e.type === 'api_error' ? 500 : 400, JSON.stringify(e.toJSON()));
}

/**
 * Builds the worker's `fetch` handler.
 * @param {EdgeOptions} options
 * @returns {{fetch(request: Request, env: Record<string, any>): Promise<Response>}}
 */
export function createEdgeHandler(options) {
  const {
    velocity = new IpVelocity(),
    keyBinding = 'WARD_SIGNING_KEY',
    upstreamBinding = 'UPSTREAM',
    upstreamUrlBinding = 'UPSTREAM_URL',
    blockAtEdge = false,
    clientIp = (request) => request.headers.get('CF-Connecting-IP'),
    now = Date.now,
  } = options;
  const engineFor = typeof options.engine === 'function' ? options.engine : () => options.engine;

  return {
    async fetch(request, env) {
      if (request.method !== 'POST') return json(405, '{"error":{"type":"invalid_request_error","message":"POST a checkout"}}');
      const key = env[keyBinding];
      if (!key) return json(500, `{"error":{"type":"api_error","message":"the ${keyBinding} binding is not set"}}`);
      const engine = /** @type {Engine} */ (engineFor(env));
      const body = await request.text();
      const nowMs = now();

      let evaluation;
      try {
        evaluation = JSON.parse(body);
      } catch {
        // Let the core word the error, as the server would.
        try {
          engine.scoreJson(body);
        } catch (e) {
          if (e instanceof WardError) return errorResponse(e);
          throw e;
        }
      }
      if (evaluation === null || typeof evaluation !== 'object' || typeof evaluation.payment !== 'object' || evaluation.payment === null) {
        return errorResponse(new WardError({ type: 'invalid_request_error', code: 'parameter_missing', message: 'Missing required param: payment.', param: 'payment' }));
      }

      // The edge is the clock and sees the IP; the browser's own context is not trusted.
      const payment = evaluation.payment;
      const ip = clientIp(request);
      payment.created = Math.floor(nowMs / 1000);
      if (ip) payment.client = { ...(payment.client ?? {}), ip_address: ip };
      const card = payment.payment_method_details?.card;
      const cardKey = card?.fingerprint ?? card?.number ?? null;
      evaluation.context = ip ? velocity.observe(ip, cardKey === null ? null : String(cardKey), nowMs) : {};

      let assessment;
      try {
        assessment = engine.scoreJson(JSON.stringify(evaluation));
      } catch (e) {
        if (e instanceof WardError) return errorResponse(e);
        throw e;
      }
      const timestamp = Math.floor(nowMs / 1000);
      const signature = await signPreScore({ assessment, key, timestamp });
      const preScore = { [PRE_SCORE_HEADER]: encodeHeader(assessment), [SIGNATURE_HEADER]: signature };

      if (blockAtEdge) {
        const { outcome, error } = JSON.parse(assessment);
        if (outcome.type === 'blocked') return json(402, JSON.stringify({ error }), preScore);
      }
      const upstream = env[upstreamBinding];
      const upstreamUrl = env[upstreamUrlBinding];
      if (upstream || upstreamUrl) {
        const headers = new Headers(request.headers);
        for (const [name, value] of Object.entries(preScore)) headers.set(name, value);
        const forwarded = new Request(upstreamUrl ?? request.url, { method: 'POST', headers, body });
        return upstream ? upstream.fetch(forwarded) : fetch(forwarded);
      }
      // No origin configured: answer with the signed pre-score (the assessment bytes untouched).
      return json(200, `{"assessment":${assessment},"signature":${JSON.stringify(signature)}}`, preScore);
    },
  };
}
