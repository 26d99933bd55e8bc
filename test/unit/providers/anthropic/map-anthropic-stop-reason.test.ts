import { describe, expect, it } from 'vitest';
import { mapAnthropicStopReason } from '../../../../src/providers/anthropic/map-anthropic-stop-reason.js';

describe('mapAnthropicStopReason', () => {
  it.each([
    ['end_turn', 'stop'],
    ['stop_sequence', 'stop'],
    ['tool_use', 'tool_calls'],
    ['max_tokens', 'length'],
    ['model_context_window_exceeded', 'length'],
    ['refusal', 'refusal'],
    ['pause_turn', 'stop'],
    ['something_new', 'stop'],
    [undefined, 'stop'],
  ] as const)('%s → %s', (raw, reason) => {
    expect(mapAnthropicStopReason(raw)).toBe(reason);
  });
});
