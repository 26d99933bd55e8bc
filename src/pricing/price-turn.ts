// One finished turn's normalised usage (src/canonical/types.ts: input includes cache
// reads and writes, output includes reasoning) → its cost in USD.
//
// uncached input × input + cache reads × cache_read + cache writes × cache_write
//   + (output − reasoning) × output + reasoning × reasoning (= output unless priced apart).
// Long-context tiers are chosen by the whole input, cache included, as Google and
// Anthropic bill them. A model without a price costs `null`, never 0: a ledger that
// summed it as free would understate spend.
import type { Usage } from '../canonical/types.js';
import type { LoadedPriceCard, TokenPrices } from './price-card.js';
import { findModelPrice, type ModelRef } from './find-model-price.js';

export interface CostBreakdown {
  input: number;
  cacheRead: number;
  cacheWrite: number;
  output: number;
  reasoning: number;
}

export interface TurnCost {
  costUsd: number | null;
  // USD per part; all zero when the model is unpriced.
  breakdown: CostBreakdown;
  // What the cache reads would have cost as plain input, minus what they cost.
  cacheSavingsUsd: number | null;
  priceVersion: string;
  warnings: string[];
}

const ZERO: CostBreakdown = { input: 0, cacheRead: 0, cacheWrite: 0, output: 0, reasoning: 0 };

export function priceTurn(card: LoadedPriceCard, ref: ModelRef, usage: Usage): TurnCost {
  const priced = findModelPrice(card, ref);
  if (!priced) {
    return {
      costUsd: null,
      breakdown: { ...ZERO },
      cacheSavingsUsd: null,
      priceVersion: card.priceVersion,
      warnings: [`unpriced model: ${ref.provider}/${ref.model} has no price in ${card.priceVersion}; add it to the pricing overrides`],
    };
  }
  const warnings: string[] = [];
  const p = pricesFor(priced.prices, priced.tiers, usage.inputTokens);
  const cached = usage.cachedInputTokens;
  const writes = usage.cacheWriteTokens;
  const uncached = usage.inputTokens - cached - writes;
  if (uncached < 0) warnings.push(`usage inconsistent: cache reads + writes (${cached + writes}) exceed input tokens (${usage.inputTokens})`);
  const reasoning = Math.min(usage.reasoningTokens, usage.outputTokens);

  const cacheReadPrice = p.cache_read ?? p.input;
  if (cached > 0 && p.cache_read === undefined && !priced.free) warnings.push(`no cache-read price for ${priced.id}; cache reads charged as input`);
  const breakdown: CostBreakdown = {
    input: Math.max(uncached, 0) * p.input,
    cacheRead: cached * cacheReadPrice,
    cacheWrite: writes * (p.cache_write ?? p.input),
    output: (usage.outputTokens - reasoning) * p.output,
    reasoning: reasoning * (p.reasoning ?? p.output),
  };
  const costUsd = breakdown.input + breakdown.cacheRead + breakdown.cacheWrite + breakdown.output + breakdown.reasoning;
  return {
    costUsd,
    breakdown,
    cacheSavingsUsd: cached * (p.input - cacheReadPrice),
    priceVersion: card.priceVersion,
    warnings,
  };
}

// The route's model's context window as the upstream lists it: input and output
// together (gpt-5.1: 400k, of which 272k input), so routing's `max_input_tokens` default
// should subtract the route's output budget or keep model-context-windows.ts's input limit.
export function contextWindowOf(card: LoadedPriceCard, provider: string, model: string): number | undefined {
  return findModelPrice(card, { provider, model })?.contextWindow;
}

function pricesFor(base: TokenPrices, tiers: { above_input_tokens: number }[], inputTokens: number): TokenPrices {
  let p = base;
  for (const t of [...tiers].sort((a, b) => a.above_input_tokens - b.above_input_tokens))
    if (inputTokens > t.above_input_tokens) p = t as TokenPrices & { above_input_tokens: number };
  return p;
}
