// A full Radar flow through Stripe's official Node SDK pointed at `ward serve`:
// value lists, a rule, normal / blocked / reviewed charges, approving a review, a refund as
// fraudulent that grows the default block lists, and a "safe" report that fills the allow lists.
// Usage: node stripe-flow.mjs <port> <api key>
import assert from 'node:assert/strict';
import Stripe from 'stripe';

const [port, key] = process.argv.slice(2);
const stripe = new Stripe(key, { host: '127.0.0.1', port: Number(port), protocol: 'http', maxNetworkRetries: 0 });
const tag = Date.now().toString(36);
const steps = [];
const step = (name) => steps.push(name) && console.log(`ok - ${name}`);

// Expects a Stripe card error and returns the stored charge's id.
async function declined(params, declineCode) {
  try {
    await stripe.charges.create(params);
  } catch (err) {
    assert.equal(err.type, 'StripeCardError', `expected a card error, got ${err.type}: ${err.message}`);
    assert.equal(err.statusCode, 402);
    if (declineCode) assert.equal(err.decline_code, declineCode);
    assert.match(err.raw.charge, /^ch_/);
    return err.raw.charge;
  }
  assert.fail('the charge was not declined');
}

// 1. A value list with an item, and a rule that uses it.
const list = await stripe.radar.valueLists.create({ alias: `blocked_emails_${tag}`, name: 'Blocked emails', item_type: 'email' });
assert.equal(list.object, 'radar.value_list');
const item = await stripe.radar.valueListItems.create({ value_list: list.id, value: 'Mallory@Example.com' });
assert.equal(item.value, 'mallory@example.com', 'email items are normalised');
const items = await stripe.radar.valueListItems.list({ value_list: list.id });
assert.deepEqual(items.data.map((i) => i.id), [item.id]);
const rule = await stripe.rawRequest('POST', '/v1/ward/rules', { predicate: `Block if :email: in @${list.alias}` });
assert.match(rule.rules_version, /^wrv_/);
step('value list, item and rule created');

// A list a rule uses cannot be deleted.
await assert.rejects(stripe.radar.valueLists.del(list.id), (e) => e.statusCode === 400 && /used by a rule/.test(e.message));
step('a list used by a rule cannot be deleted');

// 2. A normal charge.
const normal = await stripe.charges.create({ amount: 2500, currency: 'usd', source: 'tok_visa', receipt_email: `alice-${tag}@example.com` });
assert.equal(normal.status, 'succeeded');
assert.equal(normal.outcome.type, 'authorized');
assert.equal(normal.outcome.risk_level, 'normal');
assert.equal(typeof normal.outcome.risk_score, 'number');
step(`normal charge ${normal.id} authorized (risk_score ${normal.outcome.risk_score})`);

// 3. Blocked: Stripe's always-blocked test card, and our rule.
const blockedId = await declined({ amount: 2500, currency: 'usd', source: 'tok_radarBlock' }, 'fraudulent');
const blocked = await stripe.charges.retrieve(blockedId);
assert.equal(blocked.status, 'failed');
assert.equal(blocked.outcome.type, 'blocked');
const ruleId = await declined({ amount: 900, currency: 'usd', source: 'tok_mastercard', receipt_email: 'mallory@example.com' });
const byRule = await stripe.charges.retrieve(ruleId);
assert.equal(byRule.outcome.rule.id, rule.id);
step('test-card and rule blocks answered 402 with the charge stored');

// 4. Elevated risk goes to review; approving closes it.
const elevated = await stripe.charges.create({ amount: 4000, currency: 'usd', source: 'pm_card_riskLevelElevated', receipt_email: `bob-${tag}@example.com` });
assert.equal(elevated.outcome.type, 'manual_review');
assert.equal(elevated.outcome.risk_level, 'elevated');
assert.match(elevated.review, /^prv_/);
const open = await stripe.reviews.list({ limit: 100 });
assert.ok(open.data.some((r) => r.id === elevated.review), 'the review is in the open queue');
const withCharge = await stripe.reviews.retrieve(elevated.review, { expand: ['charge'] });
assert.equal(withCharge.charge.id, elevated.id, 'expand[]=charge embeds the charge');
const approved = await stripe.reviews.approve(elevated.review);
assert.equal(approved.open, false);
assert.equal(approved.closed_reason, 'approved');
const after = await stripe.reviews.list({ limit: 100 });
assert.ok(!after.data.some((r) => r.id === elevated.review), 'approved reviews leave the queue');
step(`elevated charge reviewed (${elevated.review}) and approved`);

// 5. Refund as fraudulent: the card and email land on the default block lists.
const before = await stripe.radar.valueListItems.list({ value_list: 'rsl_default_block_email', limit: 100 });
const refund = await stripe.refunds.create({ charge: normal.id, reason: 'fraudulent' });
assert.equal(refund.status, 'succeeded');
assert.equal(refund.amount, 2500);
const grown = await stripe.radar.valueListItems.list({ value_list: 'rsl_default_block_email', limit: 100 });
assert.equal(grown.data.length, before.data.length + 1, 'the default email block list grew by one');
assert.ok(grown.data.some((i) => i.value === `alice-${tag}@example.com`));
const cards = await stripe.radar.valueListItems.list({ value_list: 'rsl_default_block_card_fingerprint', limit: 100 });
assert.ok(cards.data.some((i) => i.value === normal.payment_method_details.card.fingerprint));
const refunded = await stripe.charges.retrieve(normal.id);
assert.equal(refunded.refunded, true);
assert.equal(refunded.fraud_details.user_report, 'fraudulent');
// The next payment with that email is blocked by the default list.
await declined({ amount: 1000, currency: 'usd', source: 'tok_amex', receipt_email: `alice-${tag}@example.com` }, 'merchant_blacklist');
step('refund as fraudulent grew the default block lists, and the next payment was blocked');

// 6. Mark as safe: the default allow lists, with a 30-day expiry.
const safe = await stripe.charges.create({ amount: 1200, currency: 'usd', source: 'tok_discover', receipt_email: `carol-${tag}@example.com` });
const marked = await stripe.charges.update(safe.id, { fraud_details: { user_report: 'safe' } });
assert.equal(marked.fraud_details.user_report, 'safe');
const allow = await stripe.radar.valueListItems.list({ value_list: 'rsl_default_allow_email', limit: 100 });
const entry = allow.data.find((i) => i.value === `carol-${tag}@example.com`);
assert.ok(entry, 'the email is on the default allow list');
const days = (entry.expires_at - entry.created) / 86400;
assert.ok(days > 29.9 && days <= 30, `allow entries expire after 30 days, not ${days}`);
step('marked safe: email on the default allow list for 30 days');

// 7. Lists paginate like Stripe's; events recorded the flow.
const seen = [];
for await (const c of stripe.charges.list({ limit: 2 })) {
  seen.push(c.id);
  if (seen.length >= 6) break;
}
assert.equal(new Set(seen).size, seen.length, 'auto-pagination never repeats a charge');
assert.ok(seen.length >= 6);
const types = new Set((await stripe.events.list({ limit: 100 })).data.map((e) => e.type));
for (const t of ['charge.succeeded', 'charge.failed', 'review.opened', 'review.closed', 'charge.refunded']) {
  assert.ok(types.has(t), `event ${t} recorded`);
}
step('auto-pagination and events');

// 8. Authorize now, capture later; list filters and expansions as the SDK sends them.
const auth = await stripe.charges.create({ amount: 3000, currency: 'usd', source: 'tok_diners', capture: false, customer: `cus_${tag}` });
assert.equal(auth.captured, false);
const capturedCharge = await stripe.charges.capture(auth.id, { amount: 2000 });
assert.equal(capturedCharge.amount_captured, 2000);
assert.equal(capturedCharge.amount_refunded, 1000, 'the part not captured is released');
const mine = await stripe.charges.list({ customer: `cus_${tag}`, created: { gte: auth.created - 60 }, expand: ['data.review'] });
assert.deepEqual(mine.data.map((c) => c.id), [auth.id]);
const none = await stripe.charges.list({ created: { gt: auth.created + 3600 } });
assert.equal(none.data.length, 0, 'created filters apply');
const captures = await stripe.events.list({ type: 'charge.captured', limit: 10 });
assert.ok(captures.data.some((e) => e.data.object.id === auth.id));
const holding = await stripe.radar.valueLists.list({ contains: 'mallory@example.com' });
assert.deepEqual(holding.data.map((l) => l.id), [list.id]);
step('capture later, customer and created filters, contains');

// 9. Errors are Stripe-shaped and name the parameter.
await assert.rejects(stripe.charges.create({ amount: 100 }), (e) => e.type === 'StripeInvalidRequestError' && e.param === 'currency');
await assert.rejects(stripe.charges.retrieve('ch_missing'), (e) => e.statusCode === 404 && e.code === 'resource_missing');
step('errors name the parameter');

console.log(`all ${steps.length} steps passed`);
