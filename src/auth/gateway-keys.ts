// Gateway keys (`auth:` in the config): virtual keys a client presents as
// `Authorization: Bearer <key>` or `x-api-key`, each with its owner, and an admin key.
//
// Keys are held only as SHA-256 digests (`key_sha256`, or `key_ref` → an environment
// variable hashed here); a presented key is hashed and compared against every configured
// digest with crypto.timingSafeEqual, without stopping at the first match. Neither a key
// nor its digest is ever logged, put on a span or echoed in an error.
import { createHash, timingSafeEqual } from 'node:crypto';
import type { GatewayConfig } from '../config/types.js';

export interface KeyOwner {
  // The key's configured id (not secret): the ledger's and budgets' `key`.
  id: string;
  developer?: string;
  team?: string;
}

interface CompiledKey extends KeyOwner {
  // SHA-256 of the key; absent when its key_ref names an unset variable (never matches).
  digest?: Buffer;
}

export interface CompiledAuth {
  // True when `auth.keys` lists any key: every /v1 request then needs one.
  keysConfigured: boolean;
  keys: CompiledKey[];
  // The admin key's digest (auth.admin_key_ref → env); undefined when not configured,
  // null when configured but its variable is unset (admin endpoints then refuse everyone).
  adminDigest?: Buffer | null;
  adminKeyRef?: string;
  // Problems worth a log line (names only, never values).
  warnings: string[];
}

export function sha256(key: string): Buffer {
  return createHash('sha256').update(key, 'utf8').digest();
}

export function compileAuth(config: GatewayConfig, env: NodeJS.ProcessEnv): CompiledAuth {
  const auth = config.auth ?? {};
  const warnings: string[] = [];
  const keys: CompiledKey[] = (auth.keys ?? []).map((k) => {
    let digest: Buffer | undefined;
    if (k.key_sha256) digest = Buffer.from(k.key_sha256, 'hex');
    else if (k.key_ref) {
      const value = env[k.key_ref];
      if (value) digest = sha256(value);
      else warnings.push(`auth.keys '${k.id}': its key_ref variable ${k.key_ref} is not set, so that key is refused`);
    } else warnings.push(`auth.keys '${k.id}': neither key_sha256 nor key_ref is set, so that key is refused`);
    if (digest && digest.length !== 32) {
      warnings.push(`auth.keys '${k.id}': key_sha256 is not a SHA-256 hex digest, so that key is refused`);
      digest = undefined;
    }
    return { id: k.id, developer: k.developer, team: k.team, digest };
  });
  let adminDigest: Buffer | null | undefined;
  if (auth.admin_key_ref) {
    const value = env[auth.admin_key_ref];
    adminDigest = value ? sha256(value) : null;
    if (!value) warnings.push(`auth.admin_key_ref: the variable ${auth.admin_key_ref} is not set, so admin endpoints refuse every request`);
  }
  return { keysConfigured: keys.length > 0, keys, adminDigest, adminKeyRef: auth.admin_key_ref, warnings };
}

// The key a request presents: `Authorization: Bearer <key>` (what Codex sends from its
// provider's env_key), else `x-api-key`.
export function presentedKey(headers: Record<string, string | string[] | undefined>): string | undefined {
  const auth = single(headers.authorization);
  if (auth) {
    const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
    if (m && m[1].trim()) return m[1].trim();
  }
  const x = single(headers['x-api-key'])?.trim();
  return x || undefined;
}

// The owner of the presented key, or undefined. Compares against every configured digest
// in constant time and keeps going after a match, so timing does not reveal which matched.
export function matchKey(presented: string, keys: readonly CompiledKey[]): KeyOwner | undefined {
  const digest = sha256(presented);
  let found: CompiledKey | undefined;
  for (const k of keys) {
    const equal = timingSafeEqual(digest, k.digest ?? ZERO_DIGEST) && k.digest !== undefined;
    if (equal && !found) found = k;
  }
  return found ? { id: found.id, developer: found.developer, team: found.team } : undefined;
}

export function matchesDigest(presented: string, digest: Buffer): boolean {
  return timingSafeEqual(sha256(presented), digest);
}

const ZERO_DIGEST = Buffer.alloc(32);

function single(h: string | string[] | undefined): string | undefined {
  return Array.isArray(h) ? h[0] : h;
}

// Loopback addresses the gateway may bind to with no keys configured.
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  return h === 'localhost' || h === '::1' || /^127(\.\d{1,3}){3}$/.test(h) || /^::ffff:127(\.\d{1,3}){3}$/.test(h);
}

// Thrown by startGateway when asked to serve an open gateway (no auth.keys) on a
// non-loopback address; `gateway serve` exits 2 with its message.
export class OpenBindError extends Error {
  constructor(host: string) {
    super(
      `refusing to listen on ${host}: no gateway keys are configured (auth.keys), so the gateway is open and binds to loopback (127.0.0.1 or ::1) only. Configure auth.keys to serve other addresses, or unset HOST.`,
    );
    this.name = 'OpenBindError';
  }
}
