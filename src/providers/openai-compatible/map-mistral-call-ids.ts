// Tool-call ids → ids Mistral accepts. Mistral refuses any tool-call id that is not
// exactly 9 characters of [a-zA-Z0-9] (DESIGN.md; mistral-common's ToolCall validation).
// Ids from other providers (`call_…`, `toolu_…`) are hashed to 9 alphanumerics, the same
// for a call and its output, and the same every turn because the hash depends on the id
// alone. Valid ids pass unchanged.
import { createHash } from 'node:crypto';
import type { Item } from '../../canonical/types.js';

const MISTRAL_CALL_ID = /^[a-zA-Z0-9]{9}$/;
const BASE62 = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

export function createMistralCallIdMap(items: Item[]): (callId: string) => string {
  const byOriginal = new Map<string, string>();
  const owner = new Map<string, string>(); // wire id → original id
  const assign = (id: string, wire: string) => {
    byOriginal.set(id, wire);
    owner.set(wire, id);
    return wire;
  };
  // Valid ids first, so that a hashed id can never take one of them.
  for (const item of items) {
    if ('callId' in item && MISTRAL_CALL_ID.test(item.callId) && !byOriginal.has(item.callId)) assign(item.callId, item.callId);
  }
  return (id) => {
    const known = byOriginal.get(id);
    if (known !== undefined) return known;
    if (MISTRAL_CALL_ID.test(id) && !owner.has(id)) return assign(id, id);
    let wire = base62Hash(id);
    // A collision in 62^9 is astronomically rare; resolve it deterministically anyway.
    for (let n = 1; owner.has(wire); n++) wire = base62Hash(`${id}#${n}`);
    return assign(id, wire);
  };
}

function base62Hash(text: string, length = 9): string {
  const digest = createHash('sha256').update(text).digest();
  let out = '';
  for (let i = 0; i < length; i++) out += BASE62[digest[i] % 62];
  return out;
}
