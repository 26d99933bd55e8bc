// The 429 a blocked budget answers. Codex (0.169, measured) stops with its usage-limit
// message only on `error.type: "usage_limit_reached"` with `error.resets_at` an integer
// (Unix seconds); a string resets_at, a bare `error.code` or a Retry-After header turn
// it into a plain 429 (or retries), so none of those are sent.
import { GatewayError } from '../http/errors.js';

export interface UsageLimitBody {
  error: { message: string; type: 'usage_limit_reached'; code: 'usage_limit_reached'; param: null; resets_at: number };
}

export function usageLimitBody(message: string, resetsAt: number): UsageLimitBody {
  return { error: { message, type: 'usage_limit_reached', code: 'usage_limit_reached', param: null, resets_at: Math.floor(resetsAt) } };
}

// A GatewayError whose body carries `resets_at`: the app's error handler serialises any
// GatewayError with toBody(), so this works with errors.ts unchanged (it is lost only
// through toInfo()/GatewayError.from(), which admission errors never pass through).
export class UsageLimitError extends GatewayError {
  readonly resetsAt: number;

  constructor(message: string, resetsAt: number) {
    super(429, 'usage_limit_reached', message, { type: 'usage_limit_reached' });
    this.name = 'UsageLimitError';
    this.resetsAt = Math.floor(resetsAt);
  }

  override toBody(): UsageLimitBody {
    return usageLimitBody(this.message, this.resetsAt);
  }
}
