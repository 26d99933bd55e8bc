import { describe, expect, it } from 'vitest';
import { mapChatFinishReason } from '../../../../src/providers/openai-compatible/map-chat-finish-reason.js';

describe('mapChatFinishReason', () => {
  it.each([
    ['stop', 'stop'],
    ['length', 'length'],
    ['model_length', 'length'], // Mistral: the context window is full
    ['tool_calls', 'tool_calls'],
    ['function_call', 'tool_calls'], // deprecated OpenAI functions
    ['content_filter', 'content_filter'],
    ['eos', 'stop'], // an unknown vendor value ends the turn normally
  ])('%s → %s', (raw, reason) => {
    expect(mapChatFinishReason(raw)).toBe(reason);
  });
});
