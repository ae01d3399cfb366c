// A stand-in for the merchant's server: verifies the edge's signed pre-score before reusing it.
import { verifyPreScore, PRE_SCORE_HEADER, SIGNATURE_HEADER } from './ward/src/signature.js';
import { decodeHeader } from './ward/src/signature.js';

export default {
  /** @param {Request} request @param {{WARD_SIGNING_KEY: string}} env */
  async fetch(request, env) {
    const assessment = decodeHeader(request.headers.get(PRE_SCORE_HEADER));
    const signature = request.headers.get(SIGNATURE_HEADER);
    const check = assessment === null
      ? { valid: false, reason: 'missing' }
      : await verifyPreScore({ assessment, signature, key: env.WARD_SIGNING_KEY });
    // A real server would reuse the pre-score only when valid and when it names this payment.
    const body = { verified: check.valid, reason: check.reason ?? null, signature, assessment, checkout: await request.text() };
    return new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });
  },
};
