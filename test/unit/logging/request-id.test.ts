import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { isSafeRequestId, loggerOptions, requestIdFrom, requestLogger } from '../../../src/logger.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('requestIdFrom', () => {
  it("honours a client's safe x-request-id", () => {
    expect(requestIdFrom({ 'x-request-id': 'req_abc-123.DEF:4/5+6=7@8' })).toBe('req_abc-123.DEF:4/5+6=7@8');
    expect(requestIdFrom({ 'x-request-id': '  trimmed-id  ' })).toBe('trimmed-id');
    expect(requestIdFrom({ 'x-request-id': ['first-id', 'second-id'] })).toBe('first-id');
    expect(requestIdFrom({ 'x-request-id': 'a'.repeat(128) })).toBe('a'.repeat(128));
  });

  it('generates a UUID when there is none, or it is unsafe', () => {
    expect(requestIdFrom({})).toMatch(UUID);
    for (const bad of ['', '   ', 'a'.repeat(129), 'has space', 'line\nbreak', 'cr\rlf', 'tab\tid', '{"json":1}', '<script>', 'quote"id', "it's", '-leading-dash', 'unicodé', 'nul\u0000', '\u2028sep']) {
      const id = requestIdFrom({ 'x-request-id': bad });
      expect(id, JSON.stringify(bad)).toMatch(UUID);
    }
  });

  it('uses the given generator, and a new id each time', () => {
    expect(requestIdFrom({ 'x-request-id': 'bad id' }, () => 'gen-1')).toBe('gen-1');
    expect(requestIdFrom({})).not.toBe(requestIdFrom({}));
  });

  it('isSafeRequestId rejects non-strings', () => {
    expect(isSafeRequestId(undefined)).toBe(false);
    expect(isSafeRequestId(42)).toBe(false);
    expect(isSafeRequestId(['x'])).toBe(false);
  });
});

describe('requestLogger', () => {
  it('puts the request id on every line of the child, and not on the parent', () => {
    const lines: string[] = [];
    const logger = pino(loggerOptions('trace'), { write: (s: string) => lines.push(s) });
    const child = requestLogger(logger, 'req-42');
    child.info('one');
    child.child({ turn: 't1' }).warn({ x: 1 }, 'two');
    child.trace('three');
    logger.info('parent');
    const parsed = lines.map((l) => JSON.parse(l));
    expect(parsed.slice(0, 3).map((p) => p.requestId)).toEqual(['req-42', 'req-42', 'req-42']);
    expect(parsed[3].requestId).toBeUndefined();
  });
});
