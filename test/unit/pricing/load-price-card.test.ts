// The committed snapshot's provenance and the operator's overlay (negotiated prices,
// self-hosted models), as config/pricing/README.md describes them.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Usage } from '../../../src/canonical/types.js';
import { DEFAULT_PRICE_CARD_PATH, loadPriceCard } from '../../../src/pricing/load-price-card.js';
import { parsePriceOverrides, PricingConfigError } from '../../../src/pricing/parse-price-overrides.js';
import { contextWindowOf, priceTurn } from '../../../src/pricing/price-turn.js';

const M = 1e6;
const EXAMPLE = join(DEFAULT_PRICE_CARD_PATH, '..', 'overrides.example.yaml');
const usage: Usage = { inputTokens: 10_000, cachedInputTokens: 4_000, cacheWriteTokens: 1_000, outputTokens: 2_000, reasoningTokens: 500 };

function tempFile(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'pricing-')), 'overrides.yaml');
  writeFileSync(file, text);
  return file;
}

function errorOf(text: string): PricingConfigError {
  try {
    parsePriceOverrides(text, 'overrides.yaml');
  } catch (err) {
    return err as PricingConfigError;
  }
  throw new Error('expected a PricingConfigError');
}

describe('the committed price card', () => {
  it('records its source, version, licence and date', () => {
    const card = loadPriceCard();
    expect(card.header.source).toEqual({ package: '@pydantic/genai-prices', version: '0.1.8' });
    expect(card.header.upstream).toBe('https://github.com/pydantic/genai-prices');
    expect(card.header.licence).toBe('MIT');
    expect(card.header.generated_at).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(card.priceVersion).toBe(card.header.price_version);
    expect(card.header.price_version).toMatch(/^genai-prices@0\.1\.8\/\d{4}-\d{2}-\d{2}$/);
    expect(readFileSync(join(DEFAULT_PRICE_CARD_PATH, '..', 'LICENSE-genai-prices'), 'utf8')).toMatch(/MIT License[\s\S]*Pydantic/);
  });

  it('covers the providers we route to', () => {
    const card = loadPriceCard();
    for (const p of ['anthropic', 'openai', 'google', 'mistral']) expect(card.providers[p]?.models.length).toBeGreaterThan(10);
  });
});

describe('the pricing overlay', () => {
  it('the example overlay overrides a list price, prices a self-hosted route as free and adds an unlisted model', () => {
    const card = loadPriceCard({ overridesPath: EXAMPLE });
    expect(card.priceVersion).toMatch(/^genai-prices@0\.1\.8\/\d{4}-\d{2}-\d{2}\+overrides\.[0-9a-f]{12}$/);

    // Negotiated claude-opus-4-7: input $4.50, cache read $0.45, cache write $5.625, output $22.50 per million
    // (list: $5 / $0.50 / $6.25 / $25). uncached = 10000 − 4000 − 1000 = 5000.
    const opus = priceTurn(card, { provider: 'anthropic', model: 'claude-opus-4-7-20260420' }, usage);
    expect(opus.costUsd).toBeCloseTo((5000 * 4.5 + 4000 * 0.45 + 1000 * 5.625 + 2000 * 22.5) / M, 12); // $0.074925
    const list = priceTurn(loadPriceCard(), { provider: 'anthropic', model: 'claude-opus-4-7' }, usage);
    expect(list.costUsd).toBeCloseTo((5000 * 5 + 4000 * 0.5 + 1000 * 6.25 + 2000 * 25) / M, 12); // $0.08325

    // The overlay's model entry is per provider: the same model on Vertex keeps its list price.
    expect(priceTurn(card, { provider: 'vertex', model: 'claude-opus-4-7' }, usage).costUsd).toBeCloseTo(list.costUsd!, 12);

    // A self-hosted route: priced, at zero, with its context window.
    const local = priceTurn(card, { provider: 'openai_compatible', model: 'Qwen/Qwen3-Coder-30B', alias: 'qwen-local' }, usage);
    expect(local.costUsd).toBe(0);
    expect(local.warnings).toEqual([]);

    // An unlisted model priced per token: $0.40 input (no cache price → cache at input), $1.60 output per million.
    const qwen = priceTurn(card, { provider: 'openai_compatible', model: 'qwen3-coder-480b' }, usage);
    expect(qwen.costUsd).toBeCloseTo((10_000 * 0.4 + 2000 * 1.6) / M, 12);
    expect(qwen.warnings).toEqual(['no cache-read price for qwen3-coder-480b; cache reads charged as input']);
  });

  it('a partial override keeps the other list prices', () => {
    const card = loadPriceCard({ overridesPath: tempFile('models:\n  - model: gpt-5.1\n    output_per_million: 8\n') });
    const cost = priceTurn(card, { provider: 'openai', model: 'gpt-5.1' }, { ...usage, cacheWriteTokens: 0 });
    // gpt-5.1 list: input $1.25, cached $0.125; output overridden to $8.
    expect(cost.costUsd).toBeCloseTo((6000 * 1.25 + 4000 * 0.125 + 2000 * 8) / M, 12);
  });

  it('a route alias entry wins over a model entry', () => {
    const file = tempFile('models:\n  - route: cheap\n    input_per_million: 1\n    output_per_million: 1\n  - model: gpt-5.1\n    input_per_million: 9\n    output_per_million: 9\n');
    const card = loadPriceCard({ overridesPath: file });
    const u: Usage = { inputTokens: 1000, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 1000, reasoningTokens: 0 };
    expect(priceTurn(card, { provider: 'openai', model: 'gpt-5.1', alias: 'cheap' }, u).costUsd).toBeCloseTo(2000 / M, 12);
    expect(priceTurn(card, { provider: 'openai', model: 'gpt-5.1', alias: 'other' }, u).costUsd).toBeCloseTo(18_000 / M, 12);
    expect(contextWindowOf(card, 'openai', 'gpt-5.1')).toBe(400_000);
  });

  it('refuses bad entries with the file and line', () => {
    expect(errorOf('models:\n  - model: x\n    input_per_milion: 1\n').message).toMatch(/^overrides\.yaml:3: models\[0\]: unknown key "input_per_milion"/);
    expect(errorOf('models:\n  - model: x\n    input_per_million: -1\n').message).toMatch(/^overrides\.yaml:3: .*must be a number ≥ 0/);
    expect(errorOf('models:\n  - model: x\n    route: y\n    free: true\n').message).toMatch(/^overrides\.yaml:2: .*exactly one of "model"/);
    expect(errorOf('models:\n  - route: y\n    free: true\n    input_per_million: 1\n').message).toMatch(/^overrides\.yaml:2: .*free: true/);
    expect(errorOf('models:\n  - model: x\n    input_per_token: 1\n    input_per_million: 1\n').message).toMatch(/^overrides\.yaml:4: .*not both/);
    expect(errorOf('models: [\n').message).toMatch(/^overrides\.yaml:\d+: YAML syntax/);
    expect(errorOf('prices: {}\n').message).toMatch(/^overrides\.yaml:1: unknown key "prices"/);
  });

  it('an unreadable overlay is a clear error', () => {
    expect(() => loadPriceCard({ overridesPath: '/nonexistent/overrides.yaml' })).toThrow(/\/nonexistent\/overrides\.yaml: cannot read the file \(ENOENT\)/);
  });
});

describe('the example configuration', () => {
  it('prices every route in config/routes.example.yaml with the example overlay', async () => {
    const { loadConfigFile } = await import('../../../src/config/load-config.js');
    const { config } = loadConfigFile(join(DEFAULT_PRICE_CARD_PATH, '..', '..', 'routes.example.yaml'));
    const card = loadPriceCard({ overridesPath: EXAMPLE });
    const unpriced = config.routes
      .map((r) => ({ alias: r.alias, cost: priceTurn(card, { provider: r.provider, model: r.model, alias: r.alias }, usage) }))
      .filter((r) => r.cost.costUsd === null)
      .map((r) => r.alias);
    expect(unpriced).toEqual([]);
  });
});
