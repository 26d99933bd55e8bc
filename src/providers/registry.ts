import { GatewayError } from '../http/errors.js';
import type { RouteConfig } from '../config/types.js';
import type { ProviderAdapter } from './provider.js';
import { chatCompletionsAdapter } from './openai-compatible/adapter.js';
import { openAiResponsesAdapter } from './openai/adapter.js';

const adapters: Partial<Record<RouteConfig['provider'], ProviderAdapter>> = {
  openai: openAiResponsesAdapter,
  openai_compatible: chatCompletionsAdapter('openai_compatible', 'OpenAI-compatible upstream'),
  mistral: chatCompletionsAdapter('mistral', 'Mistral'),
};

export function adapterFor(route: RouteConfig): ProviderAdapter {
  const adapter = adapters[route.provider];
  if (!adapter)
    throw new GatewayError(
      501,
      'provider_not_implemented',
      `The route "${route.alias}" uses provider "${route.provider}", which this gateway version does not translate yet.`,
      { type: 'server_error' },
    );
  return adapter;
}
