import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { compileAuth, isLoopbackHost, matchKey, matchesDigest, presentedKey, sha256 } from '../../../src/auth/gateway-keys.js';
import type { GatewayConfig } from '../../../src/config/types.js';

const hex = (s: string) => createHash('sha256').update(s).digest('hex');

function config(auth: GatewayConfig['auth']): GatewayConfig {
  return { routes: [], auth } as unknown as GatewayConfig;
}

describe('gateway key matcher', () => {
  const auth = compileAuth(
    config({
      keys: [
        { id: 'k1', key_sha256: hex('sk-one'), developer: 'dev1@example.com', team: 'payments' },
        { id: 'k2', key_ref: 'K2_KEY', developer: 'dev2@example.com', team: 'search' },
        { id: 'k3', key_ref: 'UNSET_KEY', developer: 'dev3@example.com' },
        { id: 'k4', key_sha256: hex('sk-one').toUpperCase(), developer: 'dup@example.com' },
      ],
      admin_key_ref: 'ADMIN',
    }),
    { K2_KEY: 'sk-two', ADMIN: 'sk-admin' },
  );

  it('matches a key_sha256 key and returns its owner (the first configured wins on duplicates)', () => {
    expect(matchKey('sk-one', auth.keys)).toEqual({ id: 'k1', developer: 'dev1@example.com', team: 'payments' });
  });

  it('matches a key_ref key, hashed at load', () => {
    expect(matchKey('sk-two', auth.keys)).toEqual({ id: 'k2', developer: 'dev2@example.com', team: 'search' });
  });

  it('refuses unknown keys, empty keys and keys whose key_ref is unset (never the all-zero digest)', () => {
    expect(matchKey('sk-wrong', auth.keys)).toBeUndefined();
    expect(matchKey('', auth.keys)).toBeUndefined();
    expect(matchKey('sk-one ', auth.keys)).toBeUndefined();
    expect(auth.keys.find((k) => k.id === 'k3')?.digest).toBeUndefined();
    expect(auth.warnings.join('\n')).toContain('UNSET_KEY');
  });

  it('warnings name variables, never values', () => {
    expect(auth.warnings.join('\n')).not.toContain('sk-two');
    expect(auth.warnings.join('\n')).not.toContain(hex('sk-one'));
  });

  it('compiles the admin key from its env var; null when the variable is unset; undefined when not configured', () => {
    expect(matchesDigest('sk-admin', auth.adminDigest!)).toBe(true);
    expect(matchesDigest('sk-one', auth.adminDigest!)).toBe(false);
    expect(compileAuth(config({ admin_key_ref: 'NOPE' }), {}).adminDigest).toBeNull();
    expect(compileAuth(config(undefined), {}).adminDigest).toBeUndefined();
    expect(compileAuth(config(undefined), {}).keysConfigured).toBe(false);
    expect(compileAuth(config({ keys: [] }), {}).keysConfigured).toBe(false);
    expect(auth.keysConfigured).toBe(true);
  });

  it('a configured key whose key_ref is unset still counts as configured (the gateway stays closed)', () => {
    const only = compileAuth(config({ keys: [{ id: 'k', key_ref: 'MISSING' }] }), {});
    expect(only.keysConfigured).toBe(true);
    expect(matchKey('anything', only.keys)).toBeUndefined();
  });

  it('sha256 is the raw 32-byte digest', () => {
    expect(sha256('sk-one').toString('hex')).toBe(hex('sk-one'));
  });
});

describe('presentedKey', () => {
  it('reads Authorization: Bearer, else x-api-key', () => {
    expect(presentedKey({ authorization: 'Bearer sk-1' })).toBe('sk-1');
    expect(presentedKey({ authorization: 'bearer   sk-1  ' })).toBe('sk-1');
    expect(presentedKey({ 'x-api-key': 'sk-2' })).toBe('sk-2');
    expect(presentedKey({ authorization: 'Bearer sk-1', 'x-api-key': 'sk-2' })).toBe('sk-1');
    expect(presentedKey({ authorization: 'Basic abc', 'x-api-key': 'sk-2' })).toBe('sk-2');
    expect(presentedKey({ authorization: 'Bearer ' })).toBeUndefined();
    expect(presentedKey({})).toBeUndefined();
  });
});

describe('isLoopbackHost', () => {
  it('accepts 127.0.0.0/8, ::1 and localhost; refuses wildcard and other addresses', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1']) expect(isLoopbackHost(h)).toBe(true);
    for (const h of ['0.0.0.0', '::', '10.0.0.5', '192.168.1.1', 'example.com', '']) expect(isLoopbackHost(h)).toBe(false);
  });
});
