// Per-isolate IP velocity: sliding windows, the current charge excluded, bounded memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IpVelocity } from '../src/velocity.js';

const H = 3_600_000;

test('counts earlier charges and distinct cards per IP over an hour and a day', () => {
  const v = new IpVelocity();
  const t0 = 1_764_000_000_000;
  assert.deepEqual(v.observe('198.51.100.1', 'card_a', t0), {
    total_charges_per_ip_address_hourly: 0,
    total_charges_per_ip_address_daily: 0,
    card_count_for_ip_address_hourly: 0,
    card_count_for_ip_address_daily: 0,
  });
  v.observe('198.51.100.1', 'card_b', t0 + 1000);
  v.observe('198.51.100.1', 'card_b', t0 + 2000);
  const c = v.observe('198.51.100.1', null, t0 + 3000);
  assert.equal(c.total_charges_per_ip_address_hourly, 3);
  assert.equal(c.card_count_for_ip_address_hourly, 2);
  assert.equal(v.observe('203.0.113.9', 'card_a', t0 + 3000).total_charges_per_ip_address_hourly, 0, 'other IPs are separate');
  const later = v.observe('198.51.100.1', 'card_c', t0 + H + 1500);
  assert.equal(later.total_charges_per_ip_address_hourly, 2, 'the first two slid out of the hour');
  assert.equal(later.total_charges_per_ip_address_daily, 4);
  assert.equal(v.observe('198.51.100.1', 'x', t0 + 30 * H).total_charges_per_ip_address_daily, 0);
});

test('distinct cards cap at 25 and memory is bounded', () => {
  const v = new IpVelocity({ maxKeys: 3, maxEventsPerKey: 40 });
  let c;
  for (let i = 0; i < 60; i++) c = v.observe('192.0.2.1', `card_${i}`, 1000 + i);
  assert.equal(c.card_count_for_ip_address_hourly, 25);
  assert.equal(c.total_charges_per_ip_address_hourly, 40, 'events per IP are capped');
  for (let i = 0; i < 10; i++) v.observe(`10.0.0.${i}`, null, 2000);
  assert.equal(v.size, 3);
});
