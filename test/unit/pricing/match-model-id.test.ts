import { describe, expect, it } from 'vitest';
import { matchesModel, normaliseModelId, withoutDateSuffix } from '../../../src/pricing/match-model-id.js';

describe('model id matching', () => {
  it('normalises provider spellings of the same model', () => {
    expect(normaliseModelId('models/gemini-2.5-pro')).toBe('gemini-2.5-pro');
    expect(normaliseModelId('publishers/google/models/gemini-3-pro-preview')).toBe('gemini-3-pro-preview');
    expect(normaliseModelId('projects/p/locations/global/publishers/google/models/gemini-2.5-flash')).toBe('gemini-2.5-flash');
    expect(normaliseModelId('claude-opus-4-1@20250805')).toBe('claude-opus-4-1');
    expect(normaliseModelId('anthropic/Claude-Sonnet-4-5')).toBe('claude-sonnet-4-5');
  });

  it('drops dated snapshot suffixes', () => {
    expect(withoutDateSuffix('claude-opus-4-7-20260420')).toBe('claude-opus-4-7');
    expect(withoutDateSuffix('gpt-5-mini-2025-08-07')).toBe('gpt-5-mini');
    expect(withoutDateSuffix('mistral-large-latest')).toBe('mistral-large');
    expect(withoutDateSuffix('gpt-5.1')).toBe('gpt-5.1');
  });

  it('evaluates the upstream match trees', () => {
    const m = { and: [{ starts_with: 'gemini-2.5-pro' }, { regex: '^(?!.*-[tT][tT][sS](?:$|-))' }] };
    expect(matchesModel(m, 'gemini-2.5-pro-preview-05-06')).toBe(true);
    expect(matchesModel(m, 'gemini-2.5-pro-tts')).toBe(false);
    expect(matchesModel({ or: [{ equals: 'a' }, { ends_with: '-b' }, { contains: 'zz' }] }, 'x-B')).toBe(true);
  });
});
