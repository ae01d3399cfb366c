// Types of @ward-risk/ward. The input types (Evaluation, Payment, ...) are generated from the
// core's JSON Schema (./evaluation.d.ts); the output types below mirror the WIT records of
// `wit/types.wit` (kebab-case there, snake_case on the JSON wire) and a test checks them.

import type { Evaluation, Value, BrowserSignals } from './evaluation.js';
export type * from './evaluation.js';

/** `outcome.type`. */
export type OutcomeType = 'authorized' | 'manual_review' | 'issuer_declined' | 'blocked';
/** `outcome.network_status`. */
export type NetworkStatus = 'approved_by_network' | 'declined_by_network' | 'not_sent_to_network';
/** Radar's `risk_level`. */
export type RiskLevel = 'normal' | 'elevated' | 'highest' | 'not_assessed' | 'unknown';
/** What a rule does when it matches. */
export type RuleAction = 'allow' | 'block' | 'review' | 'request_three_d_secure';
/** Where a risk factor comes from. */
export type FactorKind = 'model' | 'rule' | 'test_card';
/** The `type` of a Stripe error. */
export type ErrorType = 'invalid_request_error' | 'card_error' | 'api_error';
/** How bad a diagnostic is. */
export type Severity = 'error' | 'warning';

/** A rule that matched. */
export interface RuleRef {
  id: string;
  action: RuleAction;
  /** The rule as written. */
  predicate: string;
}

/** Stripe's `charge.outcome`. */
export interface Outcome {
  type: OutcomeType;
  network_status: NetworkStatus;
  reason: string | null;
  risk_level: RiskLevel;
  risk_score: number | null;
  rule: RuleRef | null;
  seller_message: string;
}

/** One reason behind an elevated or highest outcome. */
export interface RiskFactor {
  kind: FactorKind;
  name: string;
  description: string;
  value?: Value;
  contribution?: number;
}

/** A Stripe-shaped error object. */
export interface StripeErrorObject {
  type: ErrorType;
  code?: string;
  decline_code?: string;
  message: string;
  /** The offending parameter in bracket notation (`payment[payment_method_details][card][exp_month]`). */
  param?: string;
}

/** What the engine says about one payment. */
export interface Assessment {
  /** Always `risk_assessment`. */
  object: 'risk_assessment';
  payment: string | null;
  livemode: boolean;
  created: number;
  /** The bundle id (`bndl_…`). */
  bundle: string;
  outcome: Outcome;
  risk_factors: RiskFactor[];
  three_d_secure: RuleRef[];
  fraud_probability: number | null;
  /** For blocked and declined payments, the `card_error` a processor would return. */
  error: StripeErrorObject | null;
}

/** What a bundle reads, so a caller can fetch exactly that. */
export interface Manifest {
  bundle: string;
  /** Context attributes the caller should supply, sorted. */
  context: string[];
  /** Attributes derived from the payment, sorted. */
  payment: string[];
  /** Features the model reads, in model order. */
  model_features: string[];
  /** Value lists the rules reference, sorted. */
  lists: string[];
}

/** One problem in a rules file. */
export interface Diagnostic {
  severity: Severity;
  code: string;
  message: string;
  line: number;
  column: number;
  length: number;
  rule_id: string | null;
  help: string | null;
}

/** One result of `scoreMany`. */
export type ScoreResult = { assessment: Assessment; error?: undefined } | { assessment?: undefined; error: WardError };

/** An error from the engine; `.raw` is the Stripe-shaped error object exactly as the core wrote it. */
export declare class WardError extends Error {
  constructor(raw: StripeErrorObject);
  readonly name: 'WardError';
  readonly type: ErrorType;
  readonly code: string | null;
  readonly declineCode: string | null;
  readonly param: string | null;
  readonly raw: StripeErrorObject;
  toJSON(): { error: StripeErrorObject };
}

/** A loaded bundle. Every method is synchronous. */
export declare class Engine {
  private constructor();
  /** The bundle id (`bndl_…`). */
  readonly bundleId: string;
  /** Scores one evaluation. Throws a `WardError` naming the field on invalid input. */
  score(evaluation: Evaluation): Assessment;
  /** Scores JSON text, returns the assessment JSON text: the exact bytes the Rust core writes. */
  scoreJson(text: string): string;
  /** Decodes and validates evaluation text as the server does, without scoring. */
  decode(text: string): Evaluation;
  /** Scores many evaluations; an invalid one gives an `{error}` result. */
  scoreMany(evaluations: Evaluation[]): ScoreResult[];
  /** What the bundle reads. */
  requiredAttributes(): Manifest;
  /** Checks a rules file against this bundle's attributes and lists. */
  checkRules(text: string): Diagnostic[];
  /** Frees the engine's wasm memory now. */
  free(): void;
}

/** A bundle as bytes or where to find it. */
export type BundleSource = Uint8Array | ArrayBuffer | string | URL;

/** Loads a bundle (the default bundle shipped in the package if omitted). */
export declare function load(bundle?: BundleSource, options?: { wasm?: string | URL | Response | WebAssembly.Module }): Promise<Engine>;
/** Node, Deno and Bun only: loads a bundle synchronously. */
export declare function loadSync(bundle?: BundleSource): Engine;
/** Where the default bundle (`ward.bundle`) is. */
export declare const defaultBundleUrl: URL;

/** Header names used to forward a signed pre-score. */
export declare const PRE_SCORE_HEADER: 'Ward-Pre-Score';
export declare const SIGNATURE_HEADER: 'Ward-Pre-Score-Signature';
export type SigningKey = string | Uint8Array | CryptoKey;
/** Signs an assessment's exact JSON text: returns `t=<unix seconds>,v1=<hex HMAC-SHA256>`. */
export declare function signPreScore(args: { assessment: string; key: SigningKey; timestamp: number }): Promise<string>;
export interface Verification {
  valid: boolean;
  timestamp: number | null;
  reason?: 'malformed' | 'mismatch' | 'expired';
}
/** Verifies a pre-score signature (constant time) and its age (default tolerance 300 s). */
export declare function verifyPreScore(args: {
  assessment: string;
  signature: string | null | undefined;
  key: SigningKey;
  now?: number;
  toleranceSeconds?: number;
}): Promise<Verification>;

export type { BrowserSignals };
