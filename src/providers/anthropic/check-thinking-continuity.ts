// Whether thinking can stay on for a request, given its history.
//
// With thinking enabled, the assistant turn in progress (the assistant messages since the
// last real user message, chained by tool_result messages) must start with the thinking
// block Claude wrote for it; otherwise Anthropic answers 400 "Expected `thinking` or
// `redacted_thinking`, but found `tool_use`. When `thinking` is enabled, a final
// `assistant` message must start with a thinking block (preceeding the lastmost set of
// `tool_use` and `tool_result` blocks)"
// (https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking#extended-thinking-with-tool-use).
// That block is missing when the client lost its reasoning item, it came from another
// provider or model, or the client never had one (Chat Completions has no reasoning items).
// The request adapter then turns thinking off for that one request, with a warning: the
// turn completes, and the next real user message starts a turn that thinks again.
import type { AnthropicMessage } from './anthropic-api.js';

export function thinkingCanContinue(messages: AnthropicMessage[]): boolean {
  let first: AnthropicMessage | undefined;
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (m.role === 'user') {
      // A user message without tool results is where the turn began.
      if (!m.content.some((b) => b.type === 'tool_result')) break;
    } else {
      first = m;
    }
  }
  // No tool loop in progress: nothing to continue.
  if (!first || messages.at(-1)?.role !== 'user') return true;
  const head = first.content[0];
  return head?.type === 'thinking' || head?.type === 'redacted_thinking';
}
