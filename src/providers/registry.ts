import type { RouteConfig } from '../config/types.js';
import type { ProviderAdapter } from './provider.js';
import { chatCompletionsAdapter } from './openai-compatible/adapter.js';
import { openAiResponsesAdapter } from './openai/adapter.js';
import { anthropicAdapter } from './anthropic/adapter.js';
import { googleAdapter } from './google/adapter.js';

const adapters: Record<RouteConfig['provider'], ProviderAdapter> = {
  openai: openAiResponsesAdapter,
  openai_compatible: chatCompletionsAdapter('openai_compatible', 'OpenAI-compatible upstream'),
  mistral: chatCompletionsAdapter('mistral', 'Mistral'),
  anthropic: anthropicAdapter,
  google: googleAdapter('gemini'),
  vertex: googleAdapter('vertex'),
};

export function adapterFor(route: RouteConfig): ProviderAdapter {
  return adapters[route.provider];
}
