// The checkout page's script: measure signals while the buyer types, pre-score on submit.
import { load } from '@ward-risk/ward';
import { collectSignals, preScore } from '@ward-risk/ward/checkout';

const $ = (id) => /** @type {HTMLInputElement} */ (document.getElementById(id));
const collector = collectSignals({ cardNumber: $('card-number') });
const engine = await load(); // fetches ward_wasm_bg.wasm (streaming) and ward.bundle from the package
$('pay').disabled = false;

$('checkout').addEventListener('submit', (event) => {
  event.preventDefault();
  const [month, year] = $('exp').value.split('/').map(Number);
  const evaluation = {
    payment: {
      amount: 4999,
      currency: 'usd',
      created: Math.floor(Date.now() / 1000),
      receipt_email: $('email').value,
      payment_method_details: {
        type: 'card',
        card: { number: $('card-number').value.replace(/\s+/g, ''), exp_month: month, exp_year: 2000 + year },
      },
    },
  };
  const result = $('result');
  try {
    const scored = preScore(engine, evaluation, collector);
    window.__ward = scored; // for tests and debugging
    result.dataset.outcome = scored.assessment.outcome.type;
    result.textContent = JSON.stringify(scored.assessment, null, 2);
    // A real page would now send the payment (and the signals) to the server, which decides.
  } catch (e) {
    window.__ward = { error: e };
    result.dataset.outcome = 'error';
    result.textContent = `${e.name}: ${e.message}`;
  }
});
