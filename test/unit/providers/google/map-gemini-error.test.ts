import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { geminiErrorFromBody, mapGeminiError } from '../../../../src/providers/google/map-gemini-error.js';
import type { UpstreamResponse } from '../../../../src/upstream/http-client.js';
import { readFixture } from '../../../support/fixtures.js';

const response = (status: number, text: string, headers: Record<string, string> = {}): UpstreamResponse =>
  ({ status, headers, body: Readable.from([Buffer.from(text)]) }) as unknown as UpstreamResponse;

describe('mapGeminiError', () => {
  it('gemini/google-429-retry-info.json: 429 resource_exhausted with Retry-After from RetryInfo (34.4s → 35)', async () => {
    const err = await mapGeminiError('Gemini', response(429, readFixture('gemini/google-429-retry-info.json')));
    expect(err.status).toBe(429);
    expect(err.code).toBe('resource_exhausted');
    expect(err.type).toBe('rate_limit_error');
    expect(err.message).toBe('Gemini upstream error: You exceeded your current quota, please check your plan.');
    expect(err.headers).toEqual({ 'retry-after': '35' });
  });

  it("keeps Google's own Retry-After header over RetryInfo", () => {
    const err = geminiErrorFromBody('Gemini', 429, { 'retry-after': '7' }, readFixture('gemini/google-429-retry-info.json'));
    expect(err.headers).toEqual({ 'retry-after': '7' });
  });

  it('reads an error wrapped in a list, and keeps the status and Google status code', () => {
    const body = JSON.stringify([{ error: { code: 400, message: 'Please use a valid role: user, model.', status: 'INVALID_ARGUMENT' } }]);
    const err = geminiErrorFromBody('Vertex AI', 400, {}, body);
    expect(err.toBody()).toEqual({
      error: { message: 'Vertex AI upstream error: Please use a valid role: user, model.', type: 'invalid_request_error', code: 'invalid_argument', param: null },
    });
    expect(err.headers).toEqual({});
  });

  it('an unreadable body keeps the status with a default code', () => {
    const err = geminiErrorFromBody('Gemini', 503, {}, '<html>Service Unavailable</html>');
    expect(err.status).toBe(503);
    expect(err.code).toBe('upstream_error');
    expect(err.message).toContain('Service Unavailable');
  });

  it('401/403 say the credentials were refused', () => {
    expect(geminiErrorFromBody('Gemini', 403, {}, '{}').code).toBe('upstream_authentication_failed');
    expect(geminiErrorFromBody('Vertex AI', 401, {}, JSON.stringify({ error: { code: 401, message: 'x', status: 'UNAUTHENTICATED' } })).code).toBe('unauthenticated');
  });
});
