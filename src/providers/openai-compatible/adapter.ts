// OpenAI-compatible Chat Completions upstreams (vLLM, SGLang, Ollama, Groq…) and Mistral.
import type { ProviderAdapter } from '../provider.js';
import { baseUrl } from '../provider.js';
import { postUpstream } from '../post-upstream.js';
import { resolveApiKey } from '../../config/resolve-api-key.js';
import { readSseJson } from '../../upstream/read-sse.js';
import type { ChatFlavor } from './chat-api.js';
import { convertToChatRequest } from './convert-to-chat-request.js';
import { parseChatStream } from './parse-chat-stream.js';

export function chatCompletionsAdapter(flavor: ChatFlavor, label: string): ProviderAdapter {
  return {
    async call(req, ctx) {
      const { body, names, warnings } = convertToChatRequest(req, { model: ctx.route.model, flavor });
      const key = resolveApiKey(ctx.route, ctx.config, ctx.env);
      const res = await postUpstream(ctx, label, `${baseUrl(ctx.route)}/chat/completions`, body, {
        accept: 'text/event-stream',
        ...(key ? { authorization: `Bearer ${key}` } : {}),
      });
      return { events: parseChatStream(readSseJson(res.body, label), { names, flavor }), warnings };
    },
  };
}
