// The edge handler under Node's fetch API: velocity into context, signing, forwarding.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadSync, verifyPreScore } from '../src/node.js';
import { createEdgeHandler } from '../src/edge.js';
import { decodeHeader, PRE_SCORE_HEADER, SIGNATURE_HEADER } from '../src/signature.js';

const key = 'edge-secret';
const rules = loadSync(new URL('../../tests/golden/bundles/rules.bundle', import.meta.url));
const checkout = (n) =>
  JSON.stringify({
    payment: { amount: 1000, currency: 'usd', created: 1, livemode: false, id: `ch_edge_${n}`, payment_method_details: { type: 'card', card: { number: n % 2 ? '4242424242424242' : '5555555555554444', fingerprint: `fp_${n}`, exp_month: 1, exp_year: 2031 } } },
    context: { card_count_for_ip_address_daily: 0 },
  });
const post = (body, ip = '198.51.100.7') => new Request('https://shop.example/checkout', { method: 'POST', body, headers: { 'CF-Connecting-IP': ip } });

test('forwards with a signed pre-score; a card-testing burst gets blocked by velocity', async () => {
  /** @type {Request[]} */
  const seen = [];
  let clock = 1_764_000_000_000;
  const handler = createEdgeHandler({ engine: rules, now: () => (clock += 1000) });
  const env = { WARD_SIGNING_KEY: key, UPSTREAM: { fetch: async (r) => (seen.push(r), new Response('ok')) } };
  let last;
  for (let n = 0; n < 27; n++) {
    const res = await handler.fetch(post(checkout(n)), env);
    assert.equal(res.status, 200);
    const forwarded = seen[n];
    assert.equal(await forwarded.text(), checkout(n), 'the body goes through untouched');
    last = decodeHeader(forwarded.headers.get(PRE_SCORE_HEADER));
    const v = await verifyPreScore({ assessment: last, signature: forwarded.headers.get(SIGNATURE_HEADER), key, now: Math.floor(clock / 1000) });
    assert.equal(v.valid, true);
    const a = JSON.parse(last);
    assert.equal(a.created, Math.floor(clock / 1000), 'the edge is the clock');
    assert.equal(a.outcome.type, n < 25 ? 'authorized' : 'blocked', `charge ${n}`);
  }
  assert.equal(JSON.parse(last).outcome.rule.id, 'block_ip_card_farm');
  // Another IP is not affected.
  await handler.fetch(post(checkout(99), '203.0.113.50'), env);
  assert.equal(JSON.parse(decodeHeader(seen.at(-1).headers.get(PRE_SCORE_HEADER))).outcome.type, 'authorized');
});

test('without an origin it answers with the signed assessment; bad input is a 400 with the core error', async () => {
  const handler = createEdgeHandler({ engine: rules });
  const res = await handler.fetch(post(checkout(1)), { WARD_SIGNING_KEY: key });
  const text = await res.text();
  const { signature } = JSON.parse(text);
  const assessment = text.slice('{"assessment":'.length, text.lastIndexOf(',"signature":'));
  assert.equal((await verifyPreScore({ assessment, signature, key })).valid, true);
  const bad = await handler.fetch(post('{"payment": {"amount": "x"}}'), { WARD_SIGNING_KEY: key });
  assert.equal(bad.status, 400);
  assert.equal((await bad.json()).error.param, 'payment[amount]');
  const notJson = await handler.fetch(post('{"payment": '), { WARD_SIGNING_KEY: key });
  assert.equal((await notJson.json()).error.code, 'invalid_json');
  assert.equal((await handler.fetch(post(checkout(1)), {})).status, 500, 'no key: fail closed');
  assert.equal((await handler.fetch(new Request('https://shop.example/'), { WARD_SIGNING_KEY: key })).status, 405);
});

test('blockAtEdge answers 402 with the card error', async () => {
  const handler = createEdgeHandler({ engine: rules, blockAtEdge: true });
  const body = JSON.stringify({ payment: { amount: 1000, currency: 'usd', created: 1, payment_method_details: { type: 'card', card: { number: '4100000000000019', exp_month: 1, exp_year: 2031 } } } });
  const res = await handler.fetch(post(body), { WARD_SIGNING_KEY: key });
  assert.equal(res.status, 402);
  assert.equal((await res.json()).error.type, 'card_error');
  assert.ok(res.headers.get(SIGNATURE_HEADER));
});
