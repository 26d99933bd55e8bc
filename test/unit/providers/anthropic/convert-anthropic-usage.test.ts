import { describe, expect, it } from 'vitest';
import { convertAnthropicUsage, emptyAnthropicUsage, mergeAnthropicUsage } from '../../../../src/providers/anthropic/convert-anthropic-usage.js';

describe('Anthropic usage → canonical usage', () => {
  it('input_tokens excludes cache reads and writes; the canonical input count includes both, cached a subset', () => {
    const totals = mergeAnthropicUsage(emptyAnthropicUsage(), { input_tokens: 6, cache_read_input_tokens: 6289, cache_creation_input_tokens: 3337, output_tokens: 198 });
    expect(convertAnthropicUsage(totals)).toEqual({ inputTokens: 9632, cachedInputTokens: 6289, cacheWriteTokens: 3337, outputTokens: 198, reasoningTokens: 0 });
  });

  it('message_delta values replace message_start values; fields it leaves out keep theirs', () => {
    let t = mergeAnthropicUsage(emptyAnthropicUsage(), { input_tokens: 43, cache_read_input_tokens: 10, output_tokens: 1 });
    t = mergeAnthropicUsage(t, { input_tokens: 61, output_tokens: 2 });
    expect(convertAnthropicUsage(t)).toEqual({ inputTokens: 71, cachedInputTokens: 10, cacheWriteTokens: 0, outputTokens: 2, reasoningTokens: 0 });
  });

  it('output_tokens_details.thinking_tokens → reasoning tokens (within output tokens)', () => {
    const t = mergeAnthropicUsage(emptyAnthropicUsage(), { input_tokens: 51, output_tokens: 1699, output_tokens_details: { thinking_tokens: 139 } });
    expect(convertAnthropicUsage(t)).toMatchObject({ outputTokens: 1699, reasoningTokens: 139 });
  });

  it('null and missing counts are zero', () => {
    expect(convertAnthropicUsage(mergeAnthropicUsage(emptyAnthropicUsage(), { input_tokens: null, cache_read_input_tokens: null }))).toEqual({
      inputTokens: 0,
      cachedInputTokens: 0,
      cacheWriteTokens: 0,
      outputTokens: 0,
      reasoningTokens: 0,
    });
  });
});
