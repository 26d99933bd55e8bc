// Mistral's 9-alphanumeric tool-call ids. The round trip through a whole request (call
// and output get the same id, every turn) is in convert-to-chat-request.test.ts.
import { describe, expect, it } from 'vitest';
import type { Item } from '../../../../src/canonical/types.js';
import { createMistralCallIdMap } from '../../../../src/providers/openai-compatible/map-mistral-call-ids.js';

const call = (callId: string): Item => ({ type: 'function_call', callId, name: 'f', arguments: '{}' });

describe('createMistralCallIdMap', () => {
  it('never gives two Mistral call ids the same wire id', () => {
    const ids = Array.from({ length: 500 }, (_, i) => `call_${i}`);
    const map = createMistralCallIdMap(ids.map((id) => call(id)));
    const wire = ids.map(map);
    expect(new Set(wire).size).toBe(ids.length);
    expect(wire.every((w) => /^[a-zA-Z0-9]{9}$/.test(w))).toBe(true);
    expect(ids.map(createMistralCallIdMap([]))).toEqual(wire);
  });
});
