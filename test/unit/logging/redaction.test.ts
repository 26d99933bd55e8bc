import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { createLogger, loggerOptions, redactUrl } from '../../../src/logger.js';
import { isSecretHeaderName, sanitizeHeaderValue, scrubSecrets, secretsOfHeaders } from '../../../src/security/redact.js';

const KEY = 'sk-ant-SECRETPROVIDERKEY-0123456789';
const GOOG = 'AIzaSECRETGEMINIKEY0123456789abcdef';

function capture(level = 'trace') {
  const lines: string[] = [];
  const logger = pino(loggerOptions(level), { write: (s: string) => lines.push(s) });
  return { logger, lines, text: () => lines.join('') };
}

describe('logger redaction', () => {
  it('redacts credential headers wherever a header object is logged', () => {
    const { logger, text } = capture();
    const headers = { authorization: `Bearer ${KEY}`, 'x-api-key': KEY, 'x-goog-api-key': GOOG, 'proxy-authorization': `Basic ${KEY}`, cookie: `s=${KEY}`, 'api-key': KEY, 'content-type': 'application/json' };
    logger.info(headers, 'bare');
    logger.info({ headers }, 'headers');
    logger.info({ req: { method: 'POST', headers } }, 'req');
    logger.info({ request: { headers } }, 'request');
    logger.error({ err: { message: 'x', headers } }, 'err');
    logger.warn({ upstream: { headers } }, 'upstream');
    logger.warn({ outer: { headers } }, 'nested');
    logger.info({ apiKey: KEY, cfg: { api_key: KEY, token: KEY } }, 'fields');
    expect(text()).not.toContain(KEY);
    expect(text()).not.toContain(GOOG);
    expect(text()).toContain('application/json');
    expect(text()).toContain('[redacted]');
  });

  it('redacts `?key=` and URL credentials in any field or message', () => {
    const { logger, text } = capture();
    logger.info({ url: `https://generativelanguage.googleapis.com/v1beta/models/x:streamGenerateContent?alt=sse&key=${GOOG}` }, 'field');
    logger.warn(`calling https://bot:${KEY}@proxy.example.com/v1?access_token=${KEY}`);
    logger.error({ err: new Error(`fetch failed for https://x.example/?key=${GOOG}`) }, 'error object');
    expect(text()).not.toContain(GOOG);
    expect(text()).not.toContain(KEY);
    expect(text()).toContain('alt=sse');
    expect(text()).toContain('proxy.example.com');
  });

  it('takes its level from LOG_LEVEL', () => {
    const saved = process.env.LOG_LEVEL;
    try {
      process.env.LOG_LEVEL = 'debug';
      expect(createLogger().level).toBe('debug');
      process.env.LOG_LEVEL = 'warn';
      expect(createLogger().level).toBe('warn');
      delete process.env.LOG_LEVEL;
      expect(createLogger().level).toBe('info');
    } finally {
      if (saved === undefined) delete process.env.LOG_LEVEL;
      else process.env.LOG_LEVEL = saved;
    }
  });
});

describe('redactUrl', () => {
  it.each([
    [`https://generativelanguage.googleapis.com/v1beta/models/m:streamGenerateContent?key=${GOOG}&alt=sse`, 'https://generativelanguage.googleapis.com/v1beta/models/m:streamGenerateContent?key=[redacted]&alt=sse'],
    [`https://h/x?alt=sse&key=${GOOG}`, 'https://h/x?alt=sse&key=[redacted]'],
    [`https://h/x?API_KEY=${GOOG}#frag`, 'https://h/x?API_KEY=[redacted]#frag'],
    [`https://user:${KEY}@github.com/acme/app.git`, 'https://github.com/acme/app.git'],
    [`redis://:${KEY}@localhost:6379/0`, 'redis://localhost:6379/0'],
    [`https://blob.example/c?sv=2024&sig=${KEY}`, 'https://blob.example/c?sv=2024&sig=[redacted]'],
    ['https://api.openai.com/v1/responses?alt=sse', 'https://api.openai.com/v1/responses?alt=sse'],
    ['dev@example.com', 'dev@example.com'],
    [`error at https://h/p?access_token=${KEY} and https://h/q?key=${GOOG}`, 'error at https://h/p?access_token=[redacted] and https://h/q?key=[redacted]'],
  ])('%s', (input, output) => {
    expect(redactUrl(input)).toBe(output);
  });
});

describe('scrubSecrets', () => {
  it('removes a secret verbatim, in base64, base64url, URL- and JSON-encoded', () => {
    const weird = 'k3y/with+slash=and"quote';
    const text = [KEY, Buffer.from(KEY).toString('base64'), Buffer.from(weird).toString('base64url'), encodeURIComponent(weird), JSON.stringify(weird)].join(' | ');
    const out = scrubSecrets(text, [KEY, weird]);
    expect(out).not.toContain(KEY);
    expect(out).not.toContain(Buffer.from(KEY).toString('base64').replace(/=+$/, ''));
    expect(out).not.toContain('k3y');
    expect(out).toContain('[redacted]');
  });

  it('ignores short or missing values', () => {
    expect(scrubSecrets('the key is abc', ['abc', undefined, ''])).toBe('the key is abc');
  });

  it('finds the secrets among headers (the Bearer token alone too)', () => {
    const s = secretsOfHeaders({ authorization: `Bearer ${KEY}`, 'x-goog-api-key': GOOG, accept: 'text/event-stream', 'x-custom-auth-token': 'tok-123456789' });
    expect(s).toEqual(expect.arrayContaining([`Bearer ${KEY}`, KEY, GOOG, 'tok-123456789']));
    expect(s).not.toContain('text/event-stream');
  });
});

describe('isSecretHeaderName / sanitizeHeaderValue', () => {
  it('knows the credential headers and their usual variants', () => {
    for (const h of ['authorization', 'Proxy-Authorization', 'x-api-key', 'X-Goog-Api-Key', 'api-key', 'cookie', 'set-cookie', 'x-auth-token', 'openai-api-key', 'x-client-secret', 'x-apikey']) expect(isSecretHeaderName(h), h).toBe(true);
    for (const h of ['x-developer-email', 'x-repo', 'x-team', 'session-id', 'user-agent', 'x-request-id', 'x-keyboard']) expect(isSecretHeaderName(h), h).toBe(false);
  });

  it('removes control characters, URL credentials, and caps the length', () => {
    expect(sanitizeHeaderValue('dev@example.com\n{"level":50,"msg":"forged"}')).toBe('dev@example.com {"level":50,"msg":"forged"}');
    expect(sanitizeHeaderValue('a\u001b[31mred\u2028b\u0000c')).toBe('a [31mred b c');
    expect(sanitizeHeaderValue('x'.repeat(1000))).toHaveLength(256);
    expect(sanitizeHeaderValue(`https://u:${KEY}@github.com/acme/app`)).toBe('https://github.com/acme/app');
  });
});
