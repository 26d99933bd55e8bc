// Placeholder until the Anthropic translator lands: routes load, requests get 501.
import { GatewayError } from '../../http/errors.js';
import type { ProviderAdapter } from '../provider.js';

export const anthropicAdapter: ProviderAdapter = {
  async call(_req, ctx) {
    throw new GatewayError(501, 'provider_not_implemented', `The route "${ctx.route.alias}" uses provider "anthropic", which this gateway version does not translate yet.`, { type: 'server_error' });
  },
};
