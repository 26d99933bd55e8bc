// Vertex AI access tokens from a service-account key, through google-auth-library's JWT
// client (https://cloud.google.com/docs/authentication/token-types#access, and the
// OAuth 2.0 JWT-bearer flow: https://developers.google.com/identity/protocols/oauth2/service-account#httprest).
//
// The key comes from the route's `api_key_ref` (resolveApiKey): either the key JSON itself
// (`VERTEX_SA='{"type": "service_account", …}'`, or `keys: {ref: {file: sa.json}}`, which
// resolveApiKey reads) or a path to the JSON file (`VERTEX_SA=/run/secrets/sa.json`).
//
// One JWT client per key, kept for the process: it caches its access token and fetches a
// new one before the old expires (google-auth-library's eagerRefreshThresholdMillis, 5 min).
// The assertion goes to the key's `token_uri` (google-auth-library 10 always posts to
// https://oauth2.googleapis.com/token, so a request interceptor sends it to the key's
// token_uri and the assertion's `aud` names that endpoint, as the JWT-bearer flow requires).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { JWT } from 'google-auth-library';
import type { RouteConfig } from '../../config/types.js';
import { GatewayError } from '../../http/errors.js';

export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';
const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';

export interface ServiceAccountKey {
  type?: string;
  project_id?: string;
  private_key_id?: string;
  private_key: string;
  client_email: string;
  token_uri?: string;
}

// The service-account key named by the route: its JSON, or the file at a path.
export function readServiceAccountKey(value: string, route: RouteConfig): ServiceAccountKey {
  const trimmed = value.trim();
  let text = trimmed;
  if (!trimmed.startsWith('{')) {
    try {
      text = readFileSync(trimmed, 'utf8');
    } catch {
      throw invalidKey(route, `api_key_ref "${route.api_key_ref}" is neither a service-account JSON nor the path of a readable file`);
    }
  }
  let key: Partial<ServiceAccountKey>;
  try {
    key = JSON.parse(text) as Partial<ServiceAccountKey>;
  } catch {
    throw invalidKey(route, `the service-account key named by api_key_ref "${route.api_key_ref}" is not valid JSON`);
  }
  if (typeof key !== 'object' || key === null || typeof key.client_email !== 'string' || typeof key.private_key !== 'string') {
    throw invalidKey(route, `the key named by api_key_ref "${route.api_key_ref}" is not a service-account key (client_email and private_key are required)`);
  }
  if (key.type !== undefined && key.type !== 'service_account') {
    throw invalidKey(route, `the key named by api_key_ref "${route.api_key_ref}" has type "${key.type}"; Vertex routes take a service-account key`);
  }
  return key as ServiceAccountKey;
}

export class VertexTokenSource {
  private readonly clients = new Map<string, JWT>();

  async accessToken(key: ServiceAccountKey, route: RouteConfig): Promise<string> {
    const client = this.clientFor(key);
    let token: string | null | undefined;
    try {
      token = (await client.getAccessToken()).token;
    } catch (err) {
      // google-auth-library words token-endpoint failures as "invalid_grant: Invalid JWT Signature."
      // The message names no secret (the assertion is never echoed).
      const reason = err instanceof Error ? err.message.split('\n')[0].slice(0, 300) : 'unknown error';
      throw new GatewayError(502, 'upstream_authentication_failed', `The route "${route.alias}" could not get a Vertex AI access token for ${key.client_email}: ${reason}`, { type: 'server_error' });
    }
    if (!token) {
      throw new GatewayError(502, 'upstream_authentication_failed', `The route "${route.alias}" got no Vertex AI access token for ${key.client_email}.`, { type: 'server_error' });
    }
    return token;
  }

  private clientFor(key: ServiceAccountKey): JWT {
    const tokenUri = key.token_uri ?? GOOGLE_TOKEN_URL;
    const id = createHash('sha256').update(JSON.stringify([key.client_email, key.private_key_id ?? '', key.private_key, tokenUri])).digest('hex');
    let client = this.clients.get(id);
    if (client) return client;
    const custom = tokenUri !== GOOGLE_TOKEN_URL;
    client = new JWT({
      email: key.client_email,
      key: key.private_key,
      keyId: key.private_key_id,
      scopes: [CLOUD_PLATFORM_SCOPE],
      ...(custom ? { additionalClaims: { aud: tokenUri } } : {}),
    });
    if (custom) {
      client.transporter.interceptors.request.add({
        resolved: async (opts) => {
          if (opts.url.href === GOOGLE_TOKEN_URL) opts.url = new URL(tokenUri);
          return opts;
        },
      });
    }
    this.clients.set(id, client);
    return client;
  }
}

function invalidKey(route: RouteConfig, why: string): GatewayError {
  return new GatewayError(500, 'upstream_key_invalid', `The route "${route.alias}" cannot authenticate to Vertex AI: ${why}.`, { type: 'server_error' });
}
