// Costs of recorded turns, checked against arithmetic a reader can redo with the
// per-million prices of config/pricing/price-card.json (genai-prices 0.1.8).
import { describe, expect, it } from 'vitest';
import type { Event, Usage } from '../../../src/canonical/types.js';
import { ANTHROPIC_TOOL_NAME_RULES } from '../../../src/providers/anthropic/convert-to-anthropic-tools.js';
import { parseAnthropicStream } from '../../../src/providers/anthropic/parse-anthropic-stream.js';
import { GEMINI_TOOL_NAME_RULES } from '../../../src/providers/google/convert-to-gemini-tools.js';
import { parseGeminiStream } from '../../../src/providers/google/parse-gemini-stream.js';
import { convertResponsesUsage } from '../../../src/providers/openai/convert-responses-usage.js';
import { buildToolNameMap } from '../../../src/providers/shared/tool-names.js';
import { loadPriceCard } from '../../../src/pricing/load-price-card.js';
import { contextWindowOf, priceTurn } from '../../../src/pricing/price-turn.js';
import { readChunks, readJsonFixture } from '../../support/fixtures.js';

const card = loadPriceCard();
const M = 1e6; // prices below are USD per million tokens, as the providers publish them

async function* from(items: unknown[]): AsyncGenerator<unknown> {
  for (const i of items) yield i;
}

async function usageOf(events: AsyncGenerator<Event>): Promise<Usage> {
  let usage: Usage | undefined;
  for await (const e of events) if (e.type === 'usage') usage = e.usage;
  return usage!;
}

describe('priceTurn on recorded turns', () => {
  it('anthropic-code-execution-20260120-prompt-cache.1.chunks.txt: claude-sonnet-5 with cache reads and writes', async () => {
    const usage = await usageOf(
      parseAnthropicStream(from(readChunks('anthropic/anthropic-code-execution-20260120-prompt-cache.1.chunks.txt')), {
        names: buildToolNameMap([], ANTHROPIC_TOOL_NAME_RULES),
        model: 'claude-sonnet-5',
      }),
    );
    expect(usage).toEqual({ inputTokens: 9632, cachedInputTokens: 6289, cacheWriteTokens: 3337, outputTokens: 198, reasoningTokens: 0 });
    // claude-sonnet-5: input $2, cache read $0.20, cache write $2.50, output $10 per million.
    // uncached input = 9632 − 6289 − 3337 = 6
    const cost = priceTurn(card, { provider: 'anthropic', model: 'claude-sonnet-5' }, usage);
    expect(cost.breakdown.input).toBeCloseTo((6 * 2) / M, 12); //          $0.000012
    expect(cost.breakdown.cacheRead).toBeCloseTo((6289 * 0.2) / M, 12); // $0.0012578
    expect(cost.breakdown.cacheWrite).toBeCloseTo((3337 * 2.5) / M, 12); // $0.0083425
    expect(cost.breakdown.output).toBeCloseTo((198 * 10) / M, 12); //     $0.00198
    expect(cost.costUsd).toBeCloseTo(0.0115923, 12);
    // Savings: the 6289 cached tokens at input price minus what they cost: 6289 × (2 − 0.2).
    expect(cost.cacheSavingsUsd).toBeCloseTo((6289 * 1.8) / M, 12); // $0.0113202
    expect(cost.priceVersion).toBe(card.header.price_version);
    expect(cost.warnings).toEqual([]);
  });

  it('gemini/google-text.chunks.txt: gemini-3-pro-preview with 185 thought tokens billed as output', async () => {
    const usage = await usageOf(
      parseGeminiStream(from(readChunks('gemini/google-text.chunks.txt')), {
        names: buildToolNameMap([], GEMINI_TOOL_NAME_RULES),
        model: 'gemini-3-pro-preview',
      }),
    );
    // Gemini reports candidates (23) and thoughts (185) apart; normalised output is 208.
    expect(usage).toEqual({ inputTokens: 9, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 208, reasoningTokens: 185 });
    // gemini-3-pro-preview (≤200k input): input $2, output $12 per million.
    const cost = priceTurn(card, { provider: 'google', model: 'gemini-3-pro-preview' }, usage);
    expect(cost.breakdown.input).toBeCloseTo((9 * 2) / M, 12);
    expect(cost.breakdown.output).toBeCloseTo((23 * 12) / M, 12);
    expect(cost.breakdown.reasoning).toBeCloseTo((185 * 12) / M, 12);
    expect(cost.costUsd).toBeCloseTo((9 * 2 + 208 * 12) / M, 12); // $0.002514
    expect(cost.cacheSavingsUsd).toBe(0);
  });

  it('openai-responses/openai-web-search-tool.1.json: gpt-5-mini-2025-08-07 with 3712 cached tokens', () => {
    const recorded = readJsonFixture('openai-responses/openai-web-search-tool.1.json');
    const usage = convertResponsesUsage(recorded.usage)!;
    expect(usage).toEqual({ inputTokens: 19681, cachedInputTokens: 3712, cacheWriteTokens: 0, outputTokens: 3773, reasoningTokens: 3136 });
    // gpt-5-mini: input $0.25, cached input $0.025, output $2 per million.
    const cost = priceTurn(card, { provider: 'openai', model: recorded.model }, usage);
    const expected = ((19681 - 3712) * 0.25 + 3712 * 0.025 + 3773 * 2) / M; // 3992.25 + 92.8 + 7546 → $0.01163105
    expect(cost.costUsd).toBeCloseTo(expected, 12);
    expect(cost.costUsd).toBeCloseTo(0.01163105, 12);
    expect(cost.cacheSavingsUsd).toBeCloseTo((3712 * (0.25 - 0.025)) / M, 12);
  });
});

describe('priceTurn edge cases', () => {
  const usage: Usage = { inputTokens: 1000, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 100, reasoningTokens: 0 };

  it('an unpriced model costs null, never 0, and says so', () => {
    const cost = priceTurn(card, { provider: 'openai_compatible', model: 'my-private-llama' }, usage);
    expect(cost.costUsd).toBeNull();
    expect(cost.cacheSavingsUsd).toBeNull();
    expect(cost.warnings).toHaveLength(1);
    expect(cost.warnings[0]).toMatch(/^unpriced model: openai_compatible\/my-private-llama/);
  });

  it('prices the whole turn at the long-context tier once input exceeds 200k (gemini-2.5-pro)', () => {
    const at = (inputTokens: number, cachedInputTokens = 0) =>
      priceTurn(card, { provider: 'google', model: 'gemini-2.5-pro' }, { inputTokens, cachedInputTokens, cacheWriteTokens: 0, outputTokens: 1000, reasoningTokens: 0 }).costUsd;
    // ≤200k: input $1.25, output $10 per million.
    expect(at(200_000)).toBeCloseTo((200_000 * 1.25 + 1000 * 10) / M, 12);
    // >200k: input $2.50, output $15 per million, on every token.
    expect(at(200_001)).toBeCloseTo((200_001 * 2.5 + 1000 * 15) / M, 12);
    // The tier counts cached input too: 150k cached + 60k fresh is a 210k prompt (cache read $0.25 at this tier).
    expect(at(210_000, 150_000)).toBeCloseTo((60_000 * 2.5 + 150_000 * 0.25 + 1000 * 15) / M, 12);
  });

  it('matches dated snapshots, models/ prefixes and Vertex resource names', () => {
    const opus = priceTurn(card, { provider: 'anthropic', model: 'claude-opus-4-7-20260420' }, usage);
    expect(opus.costUsd).toBeCloseTo((1000 * 5 + 100 * 25) / M, 12); // claude-opus-4-7: $5 / $25
    const gemini = (model: string, provider = 'google') => priceTurn(card, { provider, model }, usage).costUsd;
    const flash = (1000 * 0.3 + 100 * 2.5) / M; // gemini-2.5-flash: $0.30 / $2.50
    expect(gemini('gemini-2.5-flash')).toBeCloseTo(flash, 12);
    expect(gemini('models/gemini-2.5-flash')).toBeCloseTo(flash, 12);
    expect(gemini('publishers/google/models/gemini-2.5-flash', 'vertex')).toBeCloseTo(flash, 12);
    expect(gemini('projects/p/locations/us-central1/publishers/google/models/gemini-2.5-flash', 'vertex')).toBeCloseTo(flash, 12);
    expect(priceTurn(card, { provider: 'openai', model: 'gpt-5-mini-2025-08-07' }, usage).costUsd).toBeCloseTo((1000 * 0.25 + 100 * 2) / M, 12);
  });

  it('gives context windows for routing defaults, undefined when unknown', () => {
    expect(contextWindowOf(card, 'anthropic', 'claude-opus-4-7')).toBe(1_000_000);
    expect(contextWindowOf(card, 'openai', 'gpt-5.1')).toBe(400_000);
    expect(contextWindowOf(card, 'openai_compatible', 'my-private-llama')).toBeUndefined();
  });
});
