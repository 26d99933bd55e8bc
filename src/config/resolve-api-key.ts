import { readFileSync } from 'node:fs';
import type { GatewayConfig, RouteConfig } from './types.js';
import { GatewayError } from '../http/errors.js';

// `api_key_ref: anthropic_team_key` reads ANTHROPIC_TEAM_KEY, unless the `keys:`
// section maps the ref to another variable or a file. Resolved per request, so a
// rotated environment or file takes effect without a restart, and a missing key is
// a clear error for that route only. The key's value never appears in a message.
export function resolveApiKey(route: RouteConfig, config: GatewayConfig, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const ref = route.api_key_ref;
  if (!ref) return undefined;
  const mapped = config.keys?.[ref];
  const source = typeof mapped === 'string' ? { env: mapped } : mapped ?? { env: ref.toUpperCase() };
  if (source.file) {
    try {
      return readFileSync(source.file, 'utf8').trim();
    } catch {
      throw missingKey(route, `the file named for api_key_ref "${ref}" cannot be read`);
    }
  }
  const name = source.env ?? ref.toUpperCase();
  const value = env[name];
  if (!value) throw missingKey(route, `set the environment variable ${name} (api_key_ref "${ref}")`);
  return value;
}

function missingKey(route: RouteConfig, how: string): GatewayError {
  return new GatewayError(500, 'upstream_key_missing', `The route "${route.alias}" has no API key: ${how}.`, { type: 'server_error' });
}
