// Anthropic usage → canonical usage.
// https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching#tracking-cache-performance
//
// Anthropic's `input_tokens` EXCLUDES cache reads and cache writes; OpenAI's (and the
// canonical) input count includes them, with cached tokens a subset. So:
//   inputTokens       = input_tokens + cache_read_input_tokens + cache_creation_input_tokens
//   cachedInputTokens = cache_read_input_tokens
//   cacheWriteTokens  = cache_creation_input_tokens
//   outputTokens      = output_tokens (thinking included: Anthropic bills it as output)
//   reasoningTokens   = output_tokens_details.thinking_tokens where reported, else 0
// `message_start` gives a first count and `message_delta` the final one; a field present
// in the later event wins (some endpoints only know the real input count at the end:
// anthropic-message-delta-input-tokens.chunks.txt).
import type { Usage } from '../../canonical/types.js';
import type { AnthropicUsage } from './anthropic-api.js';

export interface AnthropicUsageTotals {
  input: number;
  cacheRead: number;
  cacheCreation: number;
  output: number;
  thinking: number;
}

export const emptyAnthropicUsage = (): AnthropicUsageTotals => ({ input: 0, cacheRead: 0, cacheCreation: 0, output: 0, thinking: 0 });

// Folds one event's usage into the totals (later values replace earlier ones).
export function mergeAnthropicUsage(totals: AnthropicUsageTotals, u: AnthropicUsage): AnthropicUsageTotals {
  const out = { ...totals };
  if (isCount(u.input_tokens)) out.input = u.input_tokens;
  if (isCount(u.cache_read_input_tokens)) out.cacheRead = u.cache_read_input_tokens;
  if (isCount(u.cache_creation_input_tokens)) out.cacheCreation = u.cache_creation_input_tokens;
  if (isCount(u.output_tokens)) out.output = u.output_tokens;
  const thinking = u.output_tokens_details?.thinking_tokens;
  if (isCount(thinking)) out.thinking = thinking;
  return out;
}

export function convertAnthropicUsage(t: AnthropicUsageTotals): Usage {
  return {
    inputTokens: t.input + t.cacheRead + t.cacheCreation,
    cachedInputTokens: t.cacheRead,
    cacheWriteTokens: t.cacheCreation,
    outputTokens: t.output,
    reasoningTokens: Math.min(t.thinking, t.output),
  };
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}
