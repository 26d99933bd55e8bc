import { describe, expect, it } from 'vitest';
import { anthropicHttpError, anthropicStreamError } from '../../../../src/providers/anthropic/map-anthropic-error.js';

const body = (type: string, message: string) => JSON.stringify({ type: 'error', error: { type, message }, request_id: 'req_011' });

describe('Anthropic HTTP errors → gateway errors', () => {
  it('529 overloaded_error keeps its status (Codex retries it) and its type as code', () => {
    const e = anthropicHttpError(529, {}, body('overloaded_error', 'Overloaded'));
    expect([e.status, e.code, e.type]).toEqual([529, 'overloaded_error', 'server_error']);
    expect(e.message).toBe('Anthropic upstream error: Overloaded (request_id req_011)');
  });

  it('429 rate_limit_error keeps Retry-After', () => {
    const e = anthropicHttpError(429, { 'retry-after': '17' }, body('rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit'));
    expect([e.status, e.code, e.type]).toEqual([429, 'rate_limit_error', 'rate_limit_error']);
    expect(e.headers).toEqual({ 'retry-after': '17' });
  });

  it('400 invalid_request_error keeps Anthropic’s message (it says what to fix)', () => {
    const e = anthropicHttpError(400, {}, body('invalid_request_error', 'max_tokens: Field required'));
    expect([e.status, e.code, e.type]).toEqual([400, 'invalid_request_error', 'invalid_request_error']);
    expect(e.message).toContain('max_tokens: Field required');
  });

  it('"prompt is too long" → context_length_exceeded, the code Codex recognizes', () => {
    expect(anthropicHttpError(400, {}, body('invalid_request_error', 'prompt is too long: 210000 tokens > 200000 maximum')).code).toBe('context_length_exceeded');
  });

  it('401 authentication_error, and a body that is not JSON keeps the status with its text', () => {
    expect(anthropicHttpError(401, {}, body('authentication_error', 'invalid x-api-key'))).toMatchObject({ status: 401, code: 'authentication_error', type: 'authentication_error' });
    const html = anthropicHttpError(502, {}, '<html>Bad gateway</html>');
    expect([html.status, html.code, html.message]).toEqual([502, 'upstream_error', 'Anthropic upstream error: <html>Bad gateway</html>']);
  });
});

describe('Anthropic stream error events → error events', () => {
  it.each([
    ['overloaded_error', 529],
    ['api_error', 500],
    ['rate_limit_error', 429],
    ['invalid_request_error', 400],
    ['timeout_error', 504],
    ['request_too_large', 413],
    ['unknown_error', 502],
  ])('%s → %i', (type, status) => {
    expect(anthropicStreamError({ type, message: 'x' })).toMatchObject({ status, code: type });
  });
});
