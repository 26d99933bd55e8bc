import { describe, expect, it } from 'vitest';
import type { Usage } from '../../../../src/canonical/types.js';
import { convertChatUsage } from '../../../../src/providers/openai-compatible/convert-chat-usage.js';

const usage = (u: Partial<Usage>): Usage => ({ inputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0, ...u });

describe('convertChatUsage', () => {
  it('reads cache hits from prompt_tokens_details, else DeepSeek prompt_cache_hit_tokens', () => {
    expect(convertChatUsage({ prompt_tokens: 100, completion_tokens: 5, prompt_cache_hit_tokens: 64 })).toEqual(
      usage({ inputTokens: 100, cachedInputTokens: 64, outputTokens: 5 }),
    );
    expect(convertChatUsage({ prompt_tokens: 100, completion_tokens: 5, prompt_tokens_details: { cached_tokens: 32 }, prompt_cache_hit_tokens: 64 })).toEqual(
      usage({ inputTokens: 100, cachedInputTokens: 32, outputTokens: 5 }),
    );
    expect(convertChatUsage({})).toEqual(usage({}));
  });
});
