// Express middleware for gateway keys and the admin key (see gateway-keys.ts).
//
// - API routes (/v1/*, and the unprefixed aliases): with auth.keys configured, a key is
//   required (401 missing_api_key / invalid_api_key); its owner is kept for the request
//   (keyOwnerOf) and becomes the turn's identity. With no keys, the gateway is open, and
//   serves loopback clients only (it binds to loopback; this also holds if a reload
//   removes every key from a gateway started with keys on another address).
// - Admin routes (/admin/*, /gateway/token-estimates, /metrics): with admin_key_ref set,
//   its key is required; without it, served only in open mode (no gateway keys).
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../config/types.js';
import { GatewayError } from '../http/errors.js';
import { compileAuth, isLoopbackHost, matchesDigest, matchKey, presentedKey, type CompiledAuth, type KeyOwner } from './gateway-keys.js';

export interface AuthDeps {
  config: () => { config: GatewayConfig };
  logger: Logger;
  env?: NodeJS.ProcessEnv;
}

const OWNER = Symbol('gatewayKeyOwner');

export function keyOwnerOf(req: Request): KeyOwner | undefined {
  return (req as unknown as Record<symbol, KeyOwner | undefined>)[OWNER];
}

export function createAuth(deps: AuthDeps): { requireKey: RequestHandler; requireAdmin: RequestHandler; current(): CompiledAuth } {
  // Compiled once per loaded config (a reload swaps the config object).
  const cache = new WeakMap<GatewayConfig, CompiledAuth>();
  const current = (): CompiledAuth => {
    const config = deps.config().config;
    let auth = cache.get(config);
    if (!auth) {
      auth = compileAuth(config, deps.env ?? process.env);
      for (const w of auth.warnings) deps.logger.warn(w);
      cache.set(config, auth);
    }
    return auth;
  };

  const requireKey: RequestHandler = (req: Request, _res: Response, next: NextFunction) => {
    const auth = current();
    if (!auth.keysConfigured) {
      if (!isLoopbackHost(req.socket.remoteAddress ?? '')) {
        return next(unauthorized('missing_api_key', 'This gateway has no keys configured (auth.keys) and serves loopback clients only.'));
      }
      return next();
    }
    const key = presentedKey(req.headers);
    if (!key) {
      return next(unauthorized('missing_api_key', 'Missing gateway key: send it as "Authorization: Bearer <key>" or in the "x-api-key" header.'));
    }
    const owner = matchKey(key, auth.keys);
    if (!owner) return next(unauthorized('invalid_api_key', 'Invalid gateway key.'));
    (req as unknown as Record<symbol, KeyOwner>)[OWNER] = owner;
    next();
  };

  const requireAdmin: RequestHandler = (req: Request, _res: Response, next: NextFunction) => {
    const auth = current();
    if (auth.adminDigest === undefined) {
      if (!auth.keysConfigured && isLoopbackHost(req.socket.remoteAddress ?? '')) return next();
      return next(
        unauthorized('admin_key_required', 'Admin endpoints need an admin key when gateway keys are configured: set auth.admin_key_ref to an environment variable holding it.'),
      );
    }
    const key = presentedKey(req.headers);
    if (!key) return next(unauthorized('missing_api_key', 'Missing admin key: send it as "Authorization: Bearer <key>" or in the "x-api-key" header.'));
    if (auth.adminDigest === null || !matchesDigest(key, auth.adminDigest)) return next(unauthorized('invalid_api_key', 'Invalid admin key.'));
    next();
  };

  return { requireKey, requireAdmin, current };
}

function unauthorized(code: string, message: string): GatewayError {
  return new GatewayError(401, code, message, { type: 'authentication_error', headers: { 'WWW-Authenticate': 'Bearer' } });
}
