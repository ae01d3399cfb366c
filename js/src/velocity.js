/**
 * Per-isolate velocity for an edge worker: charges and distinct cards per IP address over a
 * sliding window, fed into `context` as Radar's attributes. It is memory-bounded (keys and
 * events per key are capped) and approximate by design: each isolate counts only what it sees.
 * @module
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

/** Radar caps bounded counters (`card_count_for_*`) at 25. */
const BOUNDED_CAP = 25;

/**
 * @typedef {object} VelocityOptions
 * @property {number} [maxKeys] IP addresses remembered (least recently seen dropped first), default 10 000
 * @property {number} [maxEventsPerKey] charges remembered per IP, default 500
 */

/** Sliding-window counters keyed by IP address. */
export class IpVelocity {
  /** @type {Map<string, Array<{t: number, card: string|null}>>} */
  #events = new Map();
  #maxKeys;
  #maxEvents;

  /** @param {VelocityOptions} [options] */
  constructor({ maxKeys = 10_000, maxEventsPerKey = 500 } = {}) {
    this.#maxKeys = maxKeys;
    this.#maxEvents = maxEventsPerKey;
  }

  /**
   * The context attributes for a charge from `ip` at `nowMs`, counting earlier charges only
   * (the current one is excluded, as in Radar), then records the charge.
   * @param {string} ip
   * @param {string|null} card a stable card key (fingerprint), or null
   * @param {number} nowMs
   * @returns {Record<string, number>}
   */
  observe(ip, card, nowMs) {
    const kept = (this.#events.get(ip) ?? []).filter((e) => nowMs - e.t < DAY_MS && e.t <= nowMs);
    const hour = kept.filter((e) => nowMs - e.t < HOUR_MS);
    const context = {
      total_charges_per_ip_address_hourly: hour.length,
      total_charges_per_ip_address_daily: kept.length,
      card_count_for_ip_address_hourly: Math.min(BOUNDED_CAP, distinctCards(hour)),
      card_count_for_ip_address_daily: Math.min(BOUNDED_CAP, distinctCards(kept)),
    };
    kept.push({ t: nowMs, card });
    if (kept.length > this.#maxEvents) kept.splice(0, kept.length - this.#maxEvents);
    this.#events.delete(ip); // re-insert: Map order is least recently seen first
    this.#events.set(ip, kept);
    for (const oldest of this.#events.keys()) {
      if (this.#events.size <= this.#maxKeys) break;
      this.#events.delete(oldest);
    }
    return context;
  }

  /** How many IP addresses are remembered. */
  get size() {
    return this.#events.size;
  }
}

/** @param {Array<{card: string|null}>} events */
function distinctCards(events) {
  const cards = new Set();
  for (const e of events) if (e.card !== null) cards.add(e.card);
  return cards.size;
}
