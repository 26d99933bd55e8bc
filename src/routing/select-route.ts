// Which route serves a request. This rule is the alias; the policy rules
// (token thresholds) come with the routing issue and plug in here.
import { GatewayError } from '../http/errors.js';
import type { LoadedConfig, RouteConfig } from '../config/types.js';

export function selectRoute(model: string | undefined, loaded: LoadedConfig): RouteConfig {
  const requested = model && model !== 'auto' ? model : loaded.config.routing_policy?.default;
  const route = requested ? loaded.routesByAlias.get(requested) : undefined;
  if (route) return route;
  const aliases = [...loaded.routesByAlias.keys()];
  throw new GatewayError(
    404,
    'model_not_found',
    `The model '${requested ?? ''}' does not exist on this gateway. Available models: ${aliases.join(', ')}.`,
    { param: 'model', type: 'invalid_request_error' },
  );
}
