// Signed pre-scores: sign, verify, tamper, expiry, malformed headers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { signPreScore, verifyPreScore } from '../src/node.js';
import { decodeHeader, encodeHeader } from '../src/signature.js';

const assessment = '{"object":"risk_assessment","payment":"ch_1","bundle":"bndl_x","note":"Torstraße"}';
const key = 'whsec_test_key';

test('a signature verifies with the same key and time', async () => {
  const signature = await signPreScore({ assessment, key, timestamp: 1_764_000_000 });
  assert.match(signature, /^t=1764000000,v1=[0-9a-f]{64}$/);
  assert.deepEqual(await verifyPreScore({ assessment, signature, key, now: 1_764_000_100 }), { valid: true, timestamp: 1_764_000_000 });
  const bytesKey = new TextEncoder().encode(key);
  assert.equal((await verifyPreScore({ assessment, signature, key: bytesKey, now: 1_764_000_000 })).valid, true);
});

test('it matches an independent HMAC-SHA256 of "<t>.<assessment>"', async () => {
  const { createHmac } = await import('node:crypto');
  const expected = createHmac('sha256', key).update(`1764000000.${assessment}`, 'utf8').digest('hex');
  assert.equal(await signPreScore({ assessment, key, timestamp: 1_764_000_000 }), `t=1764000000,v1=${expected}`);
});

test('tampering, a wrong key, an old timestamp and junk are refused', async () => {
  const signature = await signPreScore({ assessment, key, timestamp: 1_764_000_000 });
  const now = 1_764_000_010;
  assert.equal((await verifyPreScore({ assessment: assessment.replace('ch_1', 'ch_2'), signature, key, now })).reason, 'mismatch');
  assert.equal((await verifyPreScore({ assessment, signature, key: 'other', now })).reason, 'mismatch');
  assert.equal((await verifyPreScore({ assessment, signature: signature.replace('t=1764000000', 't=1764000001'), key, now })).reason, 'mismatch');
  assert.equal((await verifyPreScore({ assessment, signature, key, now: 1_764_000_000 + 301 })).reason, 'expired');
  for (const junk of [null, undefined, '', 't=1', 'v1=00', 't=x,v1=00', 't=1,v1=zz', 't=1,v1=0']) {
    assert.equal((await verifyPreScore({ assessment, signature: junk, key, now })).reason, 'malformed', String(junk));
  }
  await assert.rejects(signPreScore({ assessment, key: '', timestamp: 1 }), TypeError);
});

test('the header encoding round-trips UTF-8', () => {
  assert.equal(decodeHeader(encodeHeader(assessment)), assessment);
  assert.equal(decodeHeader('%%%'), null);
  assert.equal(decodeHeader(null), null);
});
