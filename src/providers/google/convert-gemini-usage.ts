// Gemini `usageMetadata` → canonical usage.
// https://ai.google.dev/api/generate-content#UsageMetadata
//
// - `promptTokenCount` already includes `cachedContentTokenCount` (a subset, as OpenAI's
//   `cached_tokens`); `toolUsePromptTokenCount` (results of Google-run tools) is input too.
// - `candidatesTokenCount` does NOT include `thoughtsTokenCount`; canonical output tokens do
//   (OpenAI's `output_tokens` include `reasoning_tokens`): google-text.chunks.txt has
//   total 217 = prompt 9 + candidates 23 + thoughts 185.
// - Counts are cumulative on every chunk (Vertex sends them on the last one only), so the
//   last report is the turn's usage.
import type { Usage } from '../../canonical/types.js';
import type { GeminiUsageMetadata } from './gemini-api.js';

export function convertGeminiUsage(u: GeminiUsageMetadata): Usage {
  const prompt = count(u.promptTokenCount) + count(u.toolUsePromptTokenCount);
  const thoughts = count(u.thoughtsTokenCount);
  return {
    inputTokens: prompt,
    cachedInputTokens: count(u.cachedContentTokenCount),
    cacheWriteTokens: 0,
    outputTokens: count(u.candidatesTokenCount) + thoughts,
    reasoningTokens: thoughts,
  };
}

// Vertex's early chunks carry `usageMetadata: {trafficType}` and no counts at all.
export function hasTokenCounts(u: GeminiUsageMetadata): boolean {
  return ['promptTokenCount', 'candidatesTokenCount', 'thoughtsTokenCount', 'totalTokenCount'].some((k) => typeof u[k] === 'number');
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}
