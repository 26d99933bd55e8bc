// The reasoning.effort → thinkingConfig table of convert-to-gemini-thinking-config.ts, row by row.
import { describe, expect, it } from 'vitest';
import type { ReasoningEffort, Request } from '../../../../src/canonical/types.js';
import { convertToGeminiThinkingConfig } from '../../../../src/providers/google/convert-to-gemini-thinking-config.js';
import { geminiModelFamily } from '../../../../src/providers/google/gemini-model-family.js';
import { validateGeminiRequest } from '../../../support/fake-gemini-upstream.js';

const request = (effort?: ReasoningEffort, summary?: 'auto' | 'none'): Request => ({
  model: 'alias',
  items: [],
  tools: [],
  stream: true,
  removedTools: [],
  warnings: [],
  ...(effort !== undefined || summary !== undefined ? { reasoning: { ...(effort ? { effort } : {}), ...(summary ? { summary } : {}) } } : {}),
});

const thinking = (model: string, effort?: ReasoningEffort, summary?: 'auto' | 'none') => {
  const warnings: string[] = [];
  const config = convertToGeminiThinkingConfig(request(effort, summary), model, warnings);
  return { config, warnings };
};

const EFFORTS: ReasoningEffort[] = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh'];

describe('thinkingLevel for Gemini 3', () => {
  it.each([
    ['gemini-3-pro-preview', ['low', 'low', 'low', 'high', 'high', 'high']],
    ['gemini-3.1-pro-preview', ['low', 'low', 'low', 'high', 'high', 'high']],
    ['gemini-3-flash-preview', ['minimal', 'minimal', 'low', 'medium', 'high', 'high']],
  ])('%s', (model, levels) => {
    EFFORTS.forEach((effort, i) => {
      const { config } = thinking(model, effort);
      expect(config, effort).toEqual({ thinkingLevel: levels[i], includeThoughts: true });
      expect(validateGeminiRequest({ contents: [{ role: 'user', parts: [{ text: 'x' }] }], generationConfig: { thinkingConfig: config } }, model)).toBeNull();
    });
  });

  it('approximations are recorded', () => {
    expect(thinking('gemini-3-pro-preview', 'none').warnings).toEqual(["reasoning.effort 'none' sent to gemini-3-pro-preview as thinkingLevel 'low' (Gemini 3 cannot turn thinking off)"]);
    expect(thinking('gemini-3-pro-preview', 'medium').warnings).toEqual(["reasoning.effort 'medium' sent to gemini-3-pro-preview as thinkingLevel 'high'"]);
    expect(thinking('gemini-3-flash-preview', 'medium').warnings).toEqual([]);
  });

  it('no effort: the model default, thoughts included', () => {
    expect(thinking('gemini-3-pro-preview').config).toEqual({ includeThoughts: true });
  });
});

describe('thinkingBudget for Gemini 2.5', () => {
  it.each([
    ['gemini-2.5-pro', [128, 512, 2048, 8192, 24576, 32768]],
    ['gemini-2.5-flash', [0, 512, 2048, 8192, 24576, 24576]],
    ['gemini-2.5-flash-lite', [0, 512, 2048, 8192, 24576, 24576]],
  ])('%s', (model, budgets) => {
    EFFORTS.forEach((effort, i) => {
      const { config } = thinking(model, effort);
      expect(config, effort).toEqual(budgets[i] === 0 ? { thinkingBudget: 0 } : { thinkingBudget: budgets[i], includeThoughts: true });
      expect(validateGeminiRequest({ contents: [{ role: 'user', parts: [{ text: 'x' }] }], generationConfig: { thinkingConfig: config } }, model)).toBeNull();
    });
  });

  it('2.5 Pro cannot turn thinking off; Flash tops out at 24576: recorded', () => {
    expect(thinking('gemini-2.5-pro', 'none').warnings[0]).toContain('as thinkingBudget 128 (2.5 Pro cannot turn thinking off)');
    expect(thinking('gemini-2.5-flash', 'xhigh').warnings[0]).toContain('as thinkingBudget 24576 (the model maximum)');
  });
});

describe('other models', () => {
  it('models before 2.5 get no thinkingConfig (and a warning if an effort was asked)', () => {
    expect(thinking('gemini-2.0-flash', 'high')).toEqual({ config: undefined, warnings: ["reasoning.effort 'high' not sent: gemini-2.0-flash does not think"] });
  });

  it('gemini-*-latest aliases get includeThoughts only', () => {
    expect(thinking('gemini-flash-latest', 'low')).toEqual({
      config: { includeThoughts: true },
      warnings: ["reasoning.effort 'low' not sent: 'gemini-flash-latest' is an alias whose Gemini generation (and so its thinking setting) is not known"],
    });
  });

  it('summary "none": thoughts are not asked for', () => {
    expect(thinking('gemini-3-flash-preview', 'low', 'none').config).toEqual({ thinkingLevel: 'low' });
  });

  it('model ids are read with or without a models/ or publishers/ prefix', () => {
    expect(geminiModelFamily('models/gemini-2.5-flash-lite')).toEqual({ version: 2.5, tier: 'flash-lite' });
    expect(geminiModelFamily('publishers/google/models/gemini-3.1-pro-preview')).toEqual({ version: 3.1, tier: 'pro' });
    expect(geminiModelFamily('my-tuned-model')).toEqual({ tier: 'other' });
  });
});
