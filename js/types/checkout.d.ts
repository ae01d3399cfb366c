import type { Assessment, BrowserSignals, Evaluation } from './index.js';

export interface ClientHints {
  brands: string[];
  mobile: boolean | null;
  platform: string | null;
}
export interface SignalCollector {
  signals(): BrowserSignals;
  clientHints(): ClientHints | null;
  attach(evaluation: Evaluation): Evaluation;
  stop(): void;
}
/** Starts measuring checkout signals; call it when the page loads. */
export declare function collectSignals(options?: { cardNumber?: HTMLInputElement | null; now?: () => number; win?: Window }): SignalCollector;
/** Attaches the signals and pre-scores. Advisory: the page runs on the buyer's machine. */
export declare function preScore(
  engine: { score(e: Evaluation): Assessment },
  evaluation: Evaluation,
  collector: SignalCollector,
): { evaluation: Evaluation; assessment: Assessment; advisory: true };
