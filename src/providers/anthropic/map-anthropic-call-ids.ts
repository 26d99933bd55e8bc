// Client call ids → ids Anthropic accepts for `tool_use.id` / `tool_result.tool_use_id`
// (`^[a-zA-Z0-9_-]+$`, https://docs.anthropic.com/en/api/messages). Claude's own ids
// (`toolu_…`) and OpenAI's (`call_…`) pass unchanged; an id from elsewhere (another
// provider's history) is rewritten the same way for a call and its output, so the pair
// still matches, and with a hash of the original so two ids never collide.
import { shortHash } from '../shared/tool-names.js';

const VALID = /^[a-zA-Z0-9_-]{1,200}$/;

export function toAnthropicCallId(id: string): string {
  if (VALID.test(id)) return id;
  const base = id.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 120);
  return `${base || 'call'}_${shortHash(id)}`;
}
