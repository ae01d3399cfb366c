/**
 * Checkout helper for the browser: measures client-side signals on the card form and attaches
 * them to a payment as `payment.client.browser_signals`, then pre-scores it.
 *
 * A browser pre-score is advisory: the page runs on the buyer's machine, which may be the
 * attacker's, so every signal here can be forged. Use it to adapt the page (ask for 3D Secure,
 * slow down a bot); the server must score the payment again and decide.
 * @module
 */

/** @typedef {import('../types/index.js').BrowserSignals} BrowserSignals */
/** @typedef {import('../types/index.js').Evaluation} Evaluation */

/**
 * @typedef {object} ClientHints
 * @property {string[]} brands `navigator.userAgentData.brands`, "Brand/version"
 * @property {boolean|null} mobile
 * @property {string|null} platform
 */

/**
 * @typedef {object} SignalCollector
 * @property {() => BrowserSignals} signals the signals measured so far
 * @property {() => ClientHints|null} clientHints user-agent client hints, where the browser has them
 * @property {(evaluation: Evaluation) => Evaluation} attach a copy of the evaluation with the signals in `payment.client`
 * @property {() => void} stop removes the listeners
 */

/**
 * Starts measuring. Call it when the page loads.
 * @param {{cardNumber?: HTMLInputElement|null, now?: () => number, win?: Window & typeof globalThis}} [options]
 *   `cardNumber`: the card number field, watched for typing and pasting; `now`: milliseconds since
 *   the page started (default `performance.now`)
 * @returns {SignalCollector}
 */
export function collectSignals({ cardNumber = null, now = () => performance.now(), win = globalThis.window } = {}) {
  /** @type {number[]} */
  const keystrokes = [];
  let pasted = false;
  const onKey = (/** @type {KeyboardEvent} */ e) => {
    if (e.key.length === 1 && keystrokes.length < 1000) keystrokes.push(now());
  };
  const onPaste = () => {
    pasted = true;
  };
  cardNumber?.addEventListener('keydown', onKey);
  cardNumber?.addEventListener('paste', onPaste);

  /** @returns {BrowserSignals} */
  function signals() {
    const nav = win?.navigator;
    /** @type {BrowserSignals} */
    const s = { time_on_page_ms: Math.round(now()) };
    if (cardNumber) {
      if (pasted) s.card_number_pasted = true;
      else if (keystrokes.length > 0) s.card_number_pasted = false;
      if (keystrokes.length >= 2) {
        const seconds = (keystrokes[keystrokes.length - 1] - keystrokes[0]) / 1000;
        if (seconds > 0) s.typing_speed_cps = Math.round(((keystrokes.length - 1) / seconds) * 100) / 100;
      }
    }
    if (nav) s.webdriver = nav.webdriver === true;
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (zone) s.timezone = zone;
    // Minutes east of UTC (UTC+01:00 is 60), the opposite sign of Date#getTimezoneOffset.
    s.timezone_offset_minutes = -new Date().getTimezoneOffset();
    if (nav?.language) s.language = nav.language;
    if (win?.screen) {
      s.screen_width = win.screen.width;
      s.screen_height = win.screen.height;
    }
    return s;
  }

  return {
    signals,
    clientHints() {
      /** @type {any} */
      const data = win?.navigator && /** @type {any} */ (win.navigator).userAgentData;
      if (!data) return null;
      return {
        brands: (data.brands ?? []).map((/** @type {{brand: string, version: string}} */ b) => `${b.brand}/${b.version}`),
        mobile: typeof data.mobile === 'boolean' ? data.mobile : null,
        platform: data.platform || null,
      };
    },
    attach(evaluation) {
      const payment = evaluation.payment;
      const client = { ...(payment.client ?? {}) };
      if (!client.user_agent && win?.navigator?.userAgent) client.user_agent = win.navigator.userAgent;
      client.browser_signals = signals();
      return { ...evaluation, payment: { ...payment, client } };
    },
    stop() {
      cardNumber?.removeEventListener('keydown', onKey);
      cardNumber?.removeEventListener('paste', onPaste);
    },
  };
}

/**
 * Attaches the signals and pre-scores the payment. The result is advisory (see the module notes).
 * @param {{score(e: Evaluation): import('../types/index.js').Assessment}} engine a loaded engine
 * @param {Evaluation} evaluation
 * @param {SignalCollector} collector
 * @returns {{evaluation: Evaluation, assessment: import('../types/index.js').Assessment, advisory: true}}
 */
export function preScore(engine, evaluation, collector) {
  const withSignals = collector.attach(evaluation);
  return { evaluation: withSignals, assessment: engine.score(withSignals), advisory: true };
}
