// What routing keeps between requests in one process: the token estimator (with its
// per-session memo), the per-provider calibration of the estimate, and which route each
// session was last served by (sticky sessions).
import { createTokenEstimator, type TokenEstimator } from '../tokens/create-token-estimator.js';
import { createTokenCalibration, type TokenCalibration } from '../tokens/token-calibration.js';
import { warmUpTokenCounting } from '../tokens/warm-up-token-counting.js';

export interface RoutingState {
  estimator: TokenEstimator;
  calibration: TokenCalibration;
  sessions: SessionRoutes;
}

// Session key → the alias that last served it. Bounded; least recently used first out.
export class SessionRoutes {
  private readonly map = new Map<string, string>();
  constructor(private readonly max = 10_000) {}

  get(session: string): string | undefined {
    const alias = this.map.get(session);
    if (alias !== undefined) {
      this.map.delete(session);
      this.map.set(session, alias);
    }
    return alias;
  }

  set(session: string, alias: string): void {
    this.map.delete(session);
    this.map.set(session, alias);
    if (this.map.size > this.max) this.map.delete(this.map.keys().next().value!);
  }
}

export function createRoutingState(opts: { warmUp?: boolean } = {}): RoutingState {
  // Loading the tokenizer's tables costs ~30 ms once; pay it at start, not on a request.
  if (opts.warmUp !== false) warmUpTokenCounting();
  return { estimator: createTokenEstimator(), calibration: createTokenCalibration(), sessions: new SessionRoutes() };
}
