// Pre-score a payment in Node with the default bundle shipped in the package.
//   node js/examples/node/score.mjs
import { load, WardError } from '@ward-risk/ward';

const engine = await load(); // the default bundle (ward.bundle); pass bytes, a path or a URL for yours

const evaluation = {
  payment: {
    id: 'ch_example_1',
    amount: 4999,
    currency: 'usd',
    created: Math.floor(Date.now() / 1000),
    receipt_email: 'anna.lee@example.com',
    payment_method_details: { type: 'card', card: { number: '4242424242424242', exp_month: 8, exp_year: 2030, country: 'US' } },
    client: { ip_address: '203.0.113.7', ip_country: 'US' },
  },
  // What the bundle reads from you: engine.requiredAttributes().context
  context: { total_charges_per_card_number_hourly: 0 },
};

const assessment = engine.score(evaluation);
console.log(`${assessment.payment}: ${assessment.outcome.type} (risk ${assessment.outcome.risk_level}, score ${assessment.outcome.risk_score})`);

try {
  engine.score({ payment: { ...evaluation.payment, amount: 'ten dollars' } });
} catch (e) {
  if (!(e instanceof WardError)) throw e;
  console.log(`refused: ${e.code} on ${e.param}: ${e.message}`);
}
