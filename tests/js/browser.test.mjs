// The checkout example in headless Chromium (Debian's chromium, driven by playwright-core):
// the page fetches the wasm and the bundle from 127.0.0.1, the test types a card number, submits,
// and checks the pre-score and the browser signals.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { loadSync } from '../../js/src/node.js';
import { freePort, start, waitForHttp } from './util.mjs';

const serveScript = fileURLToPath(new URL('../../js/examples/checkout/serve.mjs', import.meta.url));
const chromiumPath = process.env.CHROMIUM ?? '/usr/bin/chromium';
const engine = loadSync();
let server, context, base, profile;

before(async () => {
  const port = await freePort();
  server = start(process.execPath, [serveScript, String(port)]);
  base = `http://127.0.0.1:${port}/`;
  await waitForHttp(base);
  profile = mkdtempSync(join(tmpdir(), 'ward-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: chromiumPath,
    headless: true,
    timeout: 30_000,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});
after(async () => {
  await context?.close();
  server?.stop();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

/** Opens the page, enters the card number, submits, returns what the page scored. */
async function checkout(number, { paste = false } = {}) {
  const page = await context.newPage();
  const wasmResponses = [];
  page.on('response', (r) => r.url().endsWith('.wasm') && wasmResponses.push(r.headers()['content-type']));
  await page.goto(base, { timeout: 15_000 });
  await page.waitForSelector('#pay:not([disabled])', { timeout: 15_000 });
  if (paste) {
    await page.dispatchEvent('#card-number', 'paste');
    await page.fill('#card-number', number);
  } else {
    await page.locator('#card-number').pressSequentially(number, { delay: 40 });
  }
  await page.click('#pay');
  await page.waitForSelector('#result[data-outcome]', { timeout: 10_000 });
  const scored = await page.evaluate(() => JSON.parse(JSON.stringify(window.__ward)));
  await page.close();
  assert.deepEqual(wasmResponses, ['application/wasm']);
  return scored;
}

test('a typed test card is pre-scored in the browser as the server would score it', async () => {
  const { evaluation, assessment, advisory } = await checkout('4242424242424242');
  assert.equal(advisory, true);
  assert.equal(assessment.outcome.type, 'authorized');
  const s = evaluation.payment.client.browser_signals;
  assert.equal(s.card_number_pasted, false);
  assert.equal(s.webdriver, true, 'playwright drives the browser');
  assert.ok(s.typing_speed_cps > 5 && s.typing_speed_cps < 100, `typing speed ${s.typing_speed_cps}`);
  assert.ok(s.time_on_page_ms > 0);
  assert.equal(typeof s.timezone, 'string');
  assert.equal(typeof s.timezone_offset_minutes, 'number');
  assert.ok(s.language && s.screen_width > 0 && s.screen_height > 0);
  assert.match(evaluation.payment.client.user_agent, /Chrome/);
  assert.deepEqual(Object.keys(s).sort(), ['card_number_pasted', 'language', 'screen_height', 'screen_width', 'time_on_page_ms', 'timezone', 'timezone_offset_minutes', 'typing_speed_cps', 'webdriver']);
  assert.deepEqual(assessment, engine.score(evaluation), 'Node gives the same assessment for the same evaluation');
});

test('a pasted always-block card is pre-scored as blocked', async () => {
  const { evaluation, assessment } = await checkout('4100000000000019', { paste: true });
  assert.equal(evaluation.payment.client.browser_signals.card_number_pasted, true);
  assert.equal(assessment.outcome.type, 'blocked');
  assert.deepEqual(assessment, engine.score(evaluation));
});
