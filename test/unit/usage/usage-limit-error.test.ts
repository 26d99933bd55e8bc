import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../../src/http/errors.js';
import { UsageLimitError, usageLimitBody } from '../../../src/usage/usage-limit-error.js';

describe('usage_limit_reached', () => {
  it("serialises Codex's shape: type usage_limit_reached and an integer resets_at, no Retry-After", () => {
    const err = new UsageLimitError('budget used up', 1_764_547_200.7);
    expect(err).toBeInstanceOf(GatewayError);
    expect(err.status).toBe(429);
    expect(err.headers).toEqual({});
    const body = JSON.parse(JSON.stringify(err.toBody()));
    expect(body).toEqual({ error: { message: 'budget used up', type: 'usage_limit_reached', code: 'usage_limit_reached', param: null, resets_at: 1_764_547_200 } });
    expect(Number.isInteger(body.error.resets_at)).toBe(true);
    expect(usageLimitBody('x', 5)).toEqual({ error: { message: 'x', type: 'usage_limit_reached', code: 'usage_limit_reached', param: null, resets_at: 5 } });
  });
});
