import { describe, expect, it } from 'vitest';
import { mapFinishReason } from '../../../../src/dialects/chat/map-finish-reason.js';

describe('mapFinishReason', () => {
  it.each([
    ['stop', false, 'stop'],
    ['stop', true, 'tool_calls'],
    ['length', false, 'length'],
    ['tool_calls', true, 'tool_calls'],
    ['content_filter', false, 'content_filter'],
    ['refusal', false, 'stop'],
  ] as const)('%s (tool calls made: %s) → %s', (reason, madeToolCalls, expected) => {
    expect(mapFinishReason(reason, madeToolCalls)).toBe(expected);
  });
});
