// The edge-worker example under workerd (from npm) on 127.0.0.1: decisions, signatures,
// verification by the origin worker and in Node, and velocity against a card-testing burst.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { verifyPreScore } from '../../js/src/node.js';
import { freePort, start, waitForHttp } from './util.mjs';

const workerd = fileURLToPath(new URL('node_modules/.bin/workerd', import.meta.url));
const exampleDir = fileURLToPath(new URL('../../js/examples/worker/', import.meta.url));
const key = randomBytes(24).toString('hex');
const servers = [];

/** Starts workerd on a free port with a config file; returns its base URL. */
async function serve(config) {
  const port = await freePort();
  const s = start(workerd, ['serve', config, '--socket-addr', `http=127.0.0.1:${port}`], { env: { ...process.env, WARD_SIGNING_KEY: key } });
  servers.push(s);
  const url = `http://127.0.0.1:${port}/checkout`;
  try {
    await waitForHttp(url);
  } catch (e) {
    throw new Error(`${e.message}\n${s.output()}`);
  }
  return url;
}

const checkout = (number, extra = {}) =>
  JSON.stringify({ payment: { amount: 4999, currency: 'usd', created: 0, livemode: false, payment_method_details: { type: 'card', card: { number, exp_month: 8, exp_year: 2030, ...extra } } } });
const post = (url, body, ip = '198.51.100.20') =>
  fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', 'CF-Connecting-IP': ip }, signal: AbortSignal.timeout(10_000) });

let exampleUrl;
before(async () => {
  exampleUrl = await serve(`${exampleDir}config.capnp`);
});
after(() => servers.forEach((s) => s.stop()));

test('the example worker pre-scores, signs, and the origin verifies', async () => {
  for (const [number, outcome] of [['4242424242424242', 'authorized'], ['4100000000000019', 'blocked'], ['4000000000004954', 'blocked']]) {
    const res = await post(exampleUrl, checkout(number));
    assert.equal(res.status, 200);
    const body = await res.json();
    assert.equal(body.verified, true, `origin verification: ${body.reason}`);
    assert.equal(body.checkout, checkout(number), 'the checkout body reaches the origin untouched');
    const a = JSON.parse(body.assessment);
    assert.equal(a.outcome.type, outcome, number);
    assert.ok(Math.abs(a.created - Date.now() / 1000) < 120, 'the edge set created from its clock');
    assert.equal((await verifyPreScore({ assessment: body.assessment, signature: body.signature, key })).valid, true);
    assert.equal((await verifyPreScore({ assessment: body.assessment.replace(outcome, 'authorized_'), signature: body.signature, key })).valid, false);
  }
});

test('bad input gets the core error, and the worker keeps serving', async () => {
  const res = await post(exampleUrl, '{"payment": {"amount": "ten"}}');
  assert.equal(res.status, 400);
  assert.equal((await res.json()).error.param, 'payment[amount]');
  const notJson = await post(exampleUrl, 'not json');
  assert.equal((await notJson.json()).error.code, 'invalid_json');
  assert.equal(JSON.parse((await (await post(exampleUrl, checkout('4242424242424242'))).json()).assessment).outcome.type, 'authorized');
});

test('per-isolate IP velocity blocks a card-testing burst (rules.bundle)', async () => {
  // The same worker with the golden rules bundle, which blocks 25+ distinct cards per IP per day.
  const config = `${exampleDir}.velocity-test.capnp`;
  writeFileSync(config, readFileSync(`${exampleDir}config.capnp`, 'utf8').replace('embed "../../ward.bundle"', 'embed "../../../tests/golden/bundles/rules.bundle"'));
  try {
    const url = await serve(config);
    const outcomes = [];
    for (let i = 0; i < 27; i++) {
      const body = await (await post(url, checkout('4242424242424242', { fingerprint: `fp_burst_${i}` }), '192.0.2.77')).json();
      assert.equal(body.verified, true);
      outcomes.push(JSON.parse(body.assessment).outcome);
    }
    assert.deepEqual(outcomes.slice(0, 25).map((o) => o.type), Array(25).fill('authorized'));
    assert.deepEqual(outcomes.slice(25).map((o) => [o.type, o.rule?.id]), Array(2).fill(['blocked', 'block_ip_card_farm']));
    const other = await (await post(url, checkout('4242424242424242', { fingerprint: 'fp_other' }), '203.0.113.5')).json();
    assert.equal(JSON.parse(other.assessment).outcome.type, 'authorized', 'another IP is not affected');
  } finally {
    rmSync(config, { force: true });
  }
});
