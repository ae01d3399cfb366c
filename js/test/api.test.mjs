// The public API: loading, typed errors, recovery after bad input, many, manifest, rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { load, loadSync, WardError, Engine, defaultBundleUrl } from '../src/node.js';

const golden = new URL('../../tests/golden/', import.meta.url);
const evaluation = () => ({
  payment: {
    amount: 4999,
    currency: 'usd',
    created: 1764028800,
    livemode: false,
    id: 'ch_js_1',
    payment_method_details: { type: 'card', card: { number: '4242424242424242', exp_month: 8, exp_year: 2030 } },
  },
  context: { total_charges_per_card_number_hourly: 0 },
});

/** @param {() => unknown} fn */
function wardError(fn) {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof WardError, `not a WardError: ${e}`);
    return e;
  }
  assert.fail('did not throw');
}

const engine = loadSync();

test('the default bundle loads out of the box and scores', () => {
  const a = engine.score(evaluation());
  assert.equal(a.object, 'risk_assessment');
  assert.equal(a.payment, 'ch_js_1');
  assert.equal(a.outcome.type, 'authorized');
  assert.equal(a.bundle, engine.bundleId);
  assert.match(engine.bundleId, /^bndl_/);
});

test('load accepts bytes, paths, file URLs and the default', async () => {
  const bytes = readFileSync(defaultBundleUrl);
  for (const source of [undefined, bytes, bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length), defaultBundleUrl, defaultBundleUrl.pathname]) {
    const e = await load(source);
    assert.equal(e.bundleId, engine.bundleId);
  }
  assert.notEqual(loadSync(new URL('bundles/rules.bundle', golden)).bundleId, engine.bundleId);
});

test('wrong types throw a WardError naming the field, and the engine keeps working', () => {
  const cases = [
    [(e) => { e.payment.amount = 'ten'; }, 'payment[amount]', 'parameter_invalid'],
    [(e) => { delete e.payment.currency; }, 'payment[currency]', 'parameter_missing'],
    [(e) => { e.payment.payment_method_details.card.exp_month = 13.5; }, 'payment[payment_method_details][card][exp_month]', 'parameter_invalid'],
    [(e) => { e.payment.client = { browser_signals: { mouse_moves: 3 } }; }, 'payment[client][browser_signals][mouse_moves]', 'parameter_unknown'],
    [(e) => { e.context.total_charges_per_card_number_hourli = 1; }, 'context[total_charges_per_card_number_hourli]', undefined],
    [(e) => { e.payment.created = new Date(0); }, 'payment[created]', 'parameter_invalid'],
  ];
  for (const [mutate, param, code] of cases) {
    const input = evaluation();
    mutate(input);
    const err = wardError(() => engine.score(input));
    assert.equal(err.type, 'invalid_request_error');
    assert.equal(err.param, param);
    if (code) assert.equal(err.code, code);
    assert.equal(err.raw.param, param);
    assert.equal(engine.score(evaluation()).outcome.type, 'authorized', 'the next call still works');
  }
});

test('non-objects, BigInt and cycles are typed errors too', () => {
  const cyclic = evaluation();
  cyclic.payment.metadata = { self: cyclic };
  for (const bad of [undefined, null, 42, 'text', [], { payment: { amount: 10n } }, cyclic]) {
    const err = wardError(() => engine.score(/** @type {any} */ (bad)));
    assert.equal(err.type, 'invalid_request_error');
  }
  assert.equal(wardError(() => engine.score(/** @type {any} */ ({}))).param, 'payment');
  assert.equal(wardError(() => engine.scoreJson(/** @type {any} */ (42))).code, 'parameter_invalid');
  assert.equal(wardError(() => engine.scoreJson('{"payment": ')).code, 'invalid_json');
  assert.equal(engine.score(evaluation()).outcome.type, 'authorized');
});

test('a corrupt bundle is a typed error and other engines keep working', () => {
  const good = readFileSync(defaultBundleUrl);
  const flipped = Uint8Array.from(good);
  flipped[flipped.length - 10] ^= 0xff;
  for (const bytes of [new Uint8Array(0), new Uint8Array([1, 2, 3]), good.subarray(0, good.length - 1), flipped, new TextEncoder().encode('not a bundle at all, just text')]) {
    const err = wardError(() => loadSync(bytes));
    assert.equal(err.code, 'bundle_invalid');
    assert.equal(err.type, 'invalid_request_error');
  }
  assert.equal(wardError(() => loadSync(/** @type {any} */ (42))).code, 'bundle_invalid');
  assert.equal(engine.score(evaluation()).outcome.type, 'authorized');
  assert.equal(loadSync(good).score(evaluation()).outcome.type, 'authorized');
});

test('scoreMany returns one result per evaluation, errors in place', () => {
  const bad = evaluation();
  bad.payment.amount = -1n;
  const results = engine.scoreMany([evaluation(), bad, evaluation()]);
  assert.equal(results.length, 3);
  assert.equal(results[0].assessment.outcome.type, 'authorized');
  assert.ok(results[1].error instanceof WardError);
  assert.equal(results[2].assessment.outcome.type, 'authorized');
  assert.throws(() => engine.scoreMany(/** @type {any} */ ('x')), WardError);
});

test('WardError carries the Stripe-shaped object in the core key order', () => {
  const err = wardError(() => engine.scoreJson('{"payment":{"amount":1,"currency":"usd","created":1,"reciept_email":"a@b.c"}}'));
  assert.equal(JSON.stringify(err), '{"error":{"type":"invalid_request_error","code":"parameter_unknown","message":"Received unknown parameter: payment[reciept_email]","param":"payment[reciept_email]"}}');
  assert.equal(err.message, 'Received unknown parameter: payment[reciept_email]');
  assert.equal(err.declineCode, null);
});

test('requiredAttributes lists the manifest', () => {
  const m = engine.requiredAttributes();
  assert.equal(m.bundle, engine.bundleId);
  for (const k of ['context', 'payment', 'model_features', 'lists']) assert.ok(Array.isArray(m[k]), k);
  assert.ok(m.model_features.length > 0);
});

test('checkRules reports diagnostics with positions', () => {
  assert.deepEqual(engine.checkRules('Block if :amount_in_usd: > 1000\n'), []);
  const [d] = engine.checkRules('Block if :amount_in_usdd: > 1000\n');
  assert.equal(d.severity, 'error');
  assert.equal(d.code, 'unknown_attribute');
  assert.equal(d.line, 1);
  assert.ok(d.column > 1);
  assert.throws(() => engine.checkRules(/** @type {any} */ (null)), WardError);
});

test('Engine cannot be constructed directly', () => {
  assert.throws(() => new Engine(/** @type {any} */ ({})), TypeError);
});
