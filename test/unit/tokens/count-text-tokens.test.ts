import { describe, expect, it } from 'vitest';
import { countTextTokens } from '../../../src/tokens/count-text-tokens.js';

describe('countTextTokens (o200k_base)', () => {
  it('counts as OpenAI tokenizes: the cookbook example and an empty string', () => {
    // "tiktoken is great!" → t, ik, token, " is", " great", "!" (OpenAI cookbook, How to count tokens with tiktoken)
    expect(countTextTokens('tiktoken is great!')).toBe(6);
    expect(countTextTokens('')).toBe(0);
  });

  it('counts special-token text as ordinary text instead of throwing', () => {
    expect(countTextTokens('a prompt that mentions <|endoftext|> and <|im_start|>')).toBeGreaterThan(10);
  });
});
