// Identity attribute templates (`attributes:` → `${headers.x-…}`) take client-controlled
// header values onto log lines and span attributes: they must not forge lines, carry
// control characters, grow without bound, read credential headers, or be expanded again.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { resolveAttributes, resolveIdentity } from '../../../src/identity/resolve-identity.js';

const KEY = 'sk-ant-SECRETPROVIDERKEY-0123456789';
const config = {
  routes: [],
  attributes: {
    'fi.attributes.user.id': '${headers.x-developer-email}',
    'fi.attributes.team': 'team-${headers.x-team}',
    'fi.attributes.repo': '${headers.x-repo}',
  },
} as any;

describe('header templates cannot inject', () => {
  it('strips CR/LF and other control characters, so a value cannot forge a log line', () => {
    const forged = 'dev@example.com\n{"level":30,"msg":"turn","identity":{"developer":"admin"}}\r\n';
    const r = resolveIdentity({ 'x-developer-email': forged, 'x-team': 'pay\u0000ments\u001b[2J', 'x-repo': 'github.com/acme/app\u2028x' }, config);
    for (const v of [...Object.values(r.attributes), r.identity.developer, r.identity.team, r.identity.repo]) {
      expect(v).toBeDefined();
      expect(v).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
    }
    expect(r.identity.developer).toBe('dev@example.com {"level":30,"msg":"turn","identity":{"developer":"admin"}}');
  });

  it('caps each value at 256 characters (and the whole template)', () => {
    const r = resolveAttributes({ a: '${headers.x-a}', b: 'prefix-${headers.x-a}-${headers.x-a}' }, { 'x-a': 'x'.repeat(10_000) });
    expect(r.a).toHaveLength(256);
    expect(r.b.length).toBeLessThanOrEqual(256);
  });

  it('never reads a credential header, whatever the case or spacing of its name', () => {
    const templates = {
      a: '${headers.authorization}',
      b: '${headers. X-Api-Key }',
      c: '${headers.x-goog-api-key}',
      d: '${headers.proxy-authorization}',
      e: '${headers.cookie}',
      f: '${headers.api-key}',
      g: '${headers.x-auth-token}',
      h: 'user-${headers.x-developer-email}-${headers.authorization}',
    };
    const headers = {
      authorization: `Bearer ${KEY}`,
      'x-api-key': KEY,
      'x-goog-api-key': KEY,
      'proxy-authorization': `Basic ${KEY}`,
      cookie: `session=${KEY}`,
      'api-key': KEY,
      'x-auth-token': KEY,
      'x-developer-email': 'dev@example.com',
    };
    expect(resolveAttributes(templates, headers)).toEqual({});
  });

  it('does not expand a template found inside a header value', () => {
    const r = resolveAttributes({ who: '${headers.x-developer-email}' }, { 'x-developer-email': '${headers.authorization}', authorization: `Bearer ${KEY}` });
    expect(r.who).toBe('${headers.authorization}');
    expect(JSON.stringify(r)).not.toContain(KEY);
  });

  it('drops URL credentials and `?key=` values carried in a header', () => {
    const r = resolveIdentity({ 'x-repo': `https://bot:${KEY}@github.com/acme/app.git?key=${KEY}` }, config);
    expect(JSON.stringify(r)).not.toContain(KEY);
    expect(r.identity.repo).toBe('github.com/acme/app');
  });

  it('sanitises session and turn ids too', () => {
    const metadata = { turn_id: 't1\nforged', session_id: 'ignored' };
    const r = resolveIdentity({ 'session-id': `s1\r\n${'z'.repeat(500)}`, 'x-codex-turn-metadata': JSON.stringify(metadata) }, config);
    expect(r.identity.sessionId).toMatch(/^s1 +z+$/);
    expect(r.identity.sessionId!.length).toBe(256);
    expect(r.identity.turnId).toBe('t1 forged');
  });

  it('property: any header value yields a control-free attribute of at most 256 chars that contains no other header', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 600 }), (value) => {
        const r = resolveAttributes({ v: '${headers.x-v}' }, { 'x-v': value, authorization: `Bearer ${KEY}` });
        if (r.v === undefined) return true;
        return r.v.length <= 256 && !/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(r.v) && !r.v.includes(KEY);
      }),
    );
  });
});
