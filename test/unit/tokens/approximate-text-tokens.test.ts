import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeResponsesRequest } from '../../../src/dialects/responses/decode-request.js';
import type { Item } from '../../../src/canonical/types.js';
import { approximateTextTokens } from '../../../src/tokens/approximate-text-tokens.js';
import { countTextTokens } from '../../../src/tokens/count-text-tokens.js';
import { readCodexRequest, readFixture } from '../../support/fixtures.js';

function texts(item: Item): string[] {
  switch (item.type) {
    case 'message':
      return item.content.flatMap((p) => (p.type === 'text' ? [p.text] : []));
    case 'function_call':
      return [item.arguments];
    case 'function_call_output':
      return typeof item.output === 'string' ? [item.output] : [];
    default:
      return [];
  }
}

describe('approximateTextTokens', () => {
  it('is within 10% of the exact count over the Codex captures’ texts (turn2, gpt-5.5 turn 1, after compaction)', () => {
    const all = ['turn2-request.json', 'gpt-5.5-turn1-request.json', 'after-compaction-request.json'].flatMap((name) =>
      decodeResponsesRequest(readCodexRequest(name).body).items.flatMap(texts),
    );
    const exact = all.reduce((n, t) => n + countTextTokens(t), 0);
    const approx = all.reduce((n, t) => n + approximateTextTokens(t), 0);
    expect(exact).toBeGreaterThan(5000);
    expect(Math.abs(approx / exact - 1)).toBeLessThan(0.1);
  });

  it('is within 10% on this project’s own source and on a recorded Anthropic stream', () => {
    for (const text of [readFileSync(new URL('../../../src/canonical/types.ts', import.meta.url), 'utf8'), readFixture('anthropic/anthropic-text.chunks.txt')]) {
      expect(Math.abs(approximateTextTokens(text) / countTextTokens(text) - 1)).toBeLessThan(0.1);
    }
  });

  it('counts CJK text by character and is stable', () => {
    const text = '日本語のテキストはおよそ一文字一トークンです。';
    expect(approximateTextTokens(text)).toBeGreaterThan(text.length / 3);
    expect(approximateTextTokens(text)).toBe(approximateTextTokens(text));
    expect(approximateTextTokens('')).toBe(0);
  });
});
