// Chat usage → canonical usage. https://platform.openai.com/docs/api-reference/chat/object#chat/object-usage
import type { Usage } from '../../canonical/types.js';
import type { ChatUsage } from './chat-api.js';

export function convertChatUsage(u: ChatUsage): Usage {
  const input = count(u.prompt_tokens);
  const completion = count(u.completion_tokens);
  const reasoning = count(u.completion_tokens_details?.reasoning_tokens);
  // DeepSeek reports cache hits as `prompt_cache_hit_tokens` (and lately also the OpenAI field).
  const cached = count(u.prompt_tokens_details?.cached_tokens ?? u.prompt_cache_hit_tokens);
  // xAI counts reasoning outside completion_tokens (total = prompt + completion + reasoning,
  // recorded in xai-tool-call.chunks.txt); canonical output tokens include reasoning.
  const total = u.total_tokens;
  const reasoningOutside = reasoning > 0 && typeof total === 'number' && total === input + completion + reasoning;
  return {
    inputTokens: input,
    cachedInputTokens: cached,
    cacheWriteTokens: 0,
    outputTokens: reasoningOutside ? completion + reasoning : completion,
    reasoningTokens: reasoning,
  };
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}
