import type { Event } from '../canonical/types.js';
import type { RouteConfig } from '../config/types.js';
import type { CallContext, ProviderAdapter } from './provider.js';
import { chatCompletionsAdapter } from './openai-compatible/adapter.js';
import { openAiResponsesAdapter } from './openai/adapter.js';
import { anthropicAdapter } from './anthropic/adapter.js';
import { googleAdapter } from './google/adapter.js';
import { resolveApiKey } from '../config/resolve-api-key.js';
import { redactUrl, scrubSecrets, secretsOfHeaders } from '../security/redact.js';

const adapters: Record<RouteConfig['provider'], ProviderAdapter> = {
  openai: scrubbingStreamErrors(openAiResponsesAdapter),
  openai_compatible: scrubbingStreamErrors(chatCompletionsAdapter('openai_compatible', 'OpenAI-compatible upstream')),
  mistral: scrubbingStreamErrors(chatCompletionsAdapter('mistral', 'Mistral')),
  anthropic: scrubbingStreamErrors(anthropicAdapter),
  google: scrubbingStreamErrors(googleAdapter('gemini')),
  vertex: scrubbingStreamErrors(googleAdapter('vertex')),
};

export function adapterFor(route: RouteConfig): ProviderAdapter {
  return adapters[route.provider];
}

// An error inside a 200 stream (Anthropic `event: error`, `response.failed`, a Google
// chunk's `error`) carries the upstream's message to the client, the span and the log:
// the route's credentials (its key, secret route headers) and URL credentials are taken
// out of it, as postUpstream does for an HTTP error.
function scrubbingStreamErrors(adapter: ProviderAdapter): ProviderAdapter {
  return {
    async call(req, ctx) {
      const call = await adapter.call(req, ctx);
      return { ...call, events: scrubEvents(call.events, ctx) };
    },
  };
}

// A plain delegating iterator (not an async generator): next/return/throw go straight to
// the source, so the pipeline's stream guard sees the same timing as without it.
function scrubEvents(events: AsyncIterable<Event>, ctx: CallContext): AsyncIterable<Event> {
  const scrub = (ev: Event): Event => {
    if (ev.type !== 'error') return ev;
    const secrets = secretsOfHeaders(ctx.route.headers);
    try {
      const key = resolveApiKey(ctx.route, ctx.config, ctx.env);
      if (key) secrets.push(key);
    } catch {
      /* no key: nothing of it to scrub */
    }
    return { ...ev, error: { ...ev.error, message: redactUrl(scrubSecrets(ev.error.message, secrets)) } };
  };
  return {
    [Symbol.asyncIterator](): AsyncIterator<Event> {
      const it = events[Symbol.asyncIterator]();
      return {
        next: async (...args: [] | [unknown]) => {
          const r = await it.next(...args);
          return r.done ? r : { done: false, value: scrub(r.value) };
        },
        return: it.return ? (value?: unknown) => it.return!(value) : undefined,
        throw: it.throw ? (err?: unknown) => it.throw!(err) : undefined,
      };
    },
  };
}
