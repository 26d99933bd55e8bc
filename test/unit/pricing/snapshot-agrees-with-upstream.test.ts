// The snapshot is a transformation of @pydantic/genai-prices' data; this checks our
// arithmetic against the package's own calcPrice (its embedded data only — no
// updatePrices, no network) at the snapshot's date, so a normalisation mistake in
// scripts/snapshot-pricing.ts or price-turn.ts shows up here.
import { calcPrice } from '@pydantic/genai-prices';
import { describe, expect, it } from 'vitest';
import type { Usage } from '../../../src/canonical/types.js';
import { loadPriceCard } from '../../../src/pricing/load-price-card.js';
import { priceTurn } from '../../../src/pricing/price-turn.js';

const card = loadPriceCard();
// Noon UTC of the snapshot's day: inside DeepSeek's standard-rate hours (00:30–16:30
// UTC), the rate the card carries (snapshot-pricing.ts, currentPrice).
const at = new Date(`${card.header.generated_at.slice(0, 10)}T12:00:00Z`);

const CASES: [providerId: string, ourProvider: string, model: string, usage: Usage][] = [
  ['anthropic', 'anthropic', 'claude-sonnet-5', { inputTokens: 9632, cachedInputTokens: 6289, cacheWriteTokens: 3337, outputTokens: 198, reasoningTokens: 0 }],
  ['anthropic', 'anthropic', 'claude-sonnet-4-5', { inputTokens: 250_000, cachedInputTokens: 100_000, cacheWriteTokens: 20_000, outputTokens: 3000, reasoningTokens: 0 }],
  ['google', 'google', 'gemini-2.5-pro', { inputTokens: 230_000, cachedInputTokens: 50_000, cacheWriteTokens: 0, outputTokens: 4000, reasoningTokens: 3000 }],
  ['google', 'google', 'gemini-3-pro-preview', { inputTokens: 9, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 208, reasoningTokens: 185 }],
  ['openai', 'openai', 'gpt-5-mini-2025-08-07', { inputTokens: 19681, cachedInputTokens: 3712, cacheWriteTokens: 0, outputTokens: 3773, reasoningTokens: 3136 }],
  ['openai', 'openai', 'gpt-5.1', { inputTokens: 50_000, cachedInputTokens: 40_000, cacheWriteTokens: 0, outputTokens: 2000, reasoningTokens: 1000 }],
  ['mistral', 'mistral', 'mistral-medium-latest', { inputTokens: 12_000, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 800, reasoningTokens: 0 }],
  ['deepseek', 'openai_compatible', 'deepseek-chat', { inputTokens: 12_000, cachedInputTokens: 8000, cacheWriteTokens: 0, outputTokens: 800, reasoningTokens: 0 }],
];

describe('the snapshot agrees with @pydantic/genai-prices', () => {
  it.each(CASES)('%s %s', (providerId, ourProvider, model, usage) => {
    const theirs = calcPrice(
      {
        // genai-prices counts input_tokens with cache reads and writes included, as we do.
        input_tokens: usage.inputTokens,
        cache_read_tokens: usage.cachedInputTokens,
        cache_write_tokens: usage.cacheWriteTokens,
        output_tokens: usage.outputTokens,
      },
      model,
      { providerId, timestamp: at },
    );
    expect(theirs).not.toBeNull();
    const ours = priceTurn(card, { provider: ourProvider, model }, usage);
    expect(ours.costUsd).toBeCloseTo(theirs!.total_price, 10);
  });
});
