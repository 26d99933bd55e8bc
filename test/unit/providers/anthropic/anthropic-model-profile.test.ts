import { describe, expect, it } from 'vitest';
import { anthropicModelProfile } from '../../../../src/providers/anthropic/anthropic-model-profile.js';

describe('anthropicModelProfile: what differs between Claude models, from the id', () => {
  it.each([
    ['claude-3-haiku-20240307', 3, 'none', true, 4096],
    ['claude-3-5-sonnet-20241022', 3.5, 'none', true, 8192],
    ['claude-3-7-sonnet-latest', 3.7, 'budget', true, 32000],
    ['claude-sonnet-4-20250514', 4, 'budget', true, 32000],
    ['claude-opus-4-1-20250805', 4.1, 'budget', true, 32000],
    ['claude-sonnet-4-5-20250929', 4.5, 'budget', true, 32000],
    ['claude-haiku-4-5@20251001', 4.5, 'budget', true, 32000],
    ['claude-sonnet-4-6', 4.6, 'adaptive', true, 32000],
    ['claude-opus-4-7-20260420', 4.7, 'adaptive', false, 32000],
    ['anthropic.claude-opus-4-7', 4.7, 'adaptive', false, 32000],
    ['claude-sonnet-5', 5, 'adaptive', false, 32000],
    ['some-proxy-model', undefined, 'budget', true, 32000],
  ] as const)('%s', (model, version, thinking, sampling, maxTokens) => {
    const p = anthropicModelProfile(model);
    expect([p.version, p.thinking, p.acceptsSamplingParams, p.defaultMaxTokens]).toEqual([version, thinking, sampling, maxTokens]);
  });
});
