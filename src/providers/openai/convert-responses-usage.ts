// Responses `usage` → canonical usage.
// https://platform.openai.com/docs/api-reference/responses/object#responses/object-usage
//
// OpenAI counts cached tokens inside `input_tokens` and reasoning tokens inside
// `output_tokens`, the canonical convention. GitHub Copilot's /responses endpoint adds
// `input_tokens_details.cache_write_tokens` (test/fixtures/openai-responses/
// github-copilot-id-rotation.1.chunks.txt).
import type { Usage } from '../../canonical/types.js';

export function convertResponsesUsage(raw: unknown): Usage | undefined {
  if (!isObject(raw)) return undefined;
  const input = isObject(raw.input_tokens_details) ? raw.input_tokens_details : {};
  const output = isObject(raw.output_tokens_details) ? raw.output_tokens_details : {};
  return {
    inputTokens: count(raw.input_tokens),
    cachedInputTokens: count(input.cached_tokens),
    cacheWriteTokens: count(input.cache_write_tokens ?? raw.cache_write_tokens),
    outputTokens: count(raw.output_tokens),
    reasoningTokens: count(output.reasoning_tokens),
  };
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
