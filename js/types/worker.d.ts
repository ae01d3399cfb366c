import type { Engine } from './index.js';
export type * from './index.js';
export { Engine, WardError, signPreScore, verifyPreScore, PRE_SCORE_HEADER, SIGNATURE_HEADER } from './index.js';

/** Loads an engine from the compiled wasm module (as workerd imports it) and bundle bytes. */
export declare function loadSync(parts: { module: WebAssembly.Module | BufferSource; bundle: Uint8Array | ArrayBuffer }): Engine;

/** Per-isolate charges and distinct cards per IP over sliding hourly and daily windows. */
export declare class IpVelocity {
  constructor(options?: { maxKeys?: number; maxEventsPerKey?: number });
  observe(ip: string, card: string | null, nowMs: number): Record<string, number>;
  readonly size: number;
}

export interface EdgeOptions {
  engine: Engine | ((env: Record<string, any>) => Engine);
  velocity?: IpVelocity;
  keyBinding?: string;
  upstreamBinding?: string;
  upstreamUrlBinding?: string;
  blockAtEdge?: boolean;
  clientIp?: (request: Request) => string | null;
  now?: () => number;
}
/** The worker's `fetch` handler: pre-score, velocity, sign, forward. */
export declare function createEdgeHandler(options: EdgeOptions): { fetch(request: Request, env: Record<string, any>): Promise<Response> };
