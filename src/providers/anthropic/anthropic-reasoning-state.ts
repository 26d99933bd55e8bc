// The provider state an Anthropic reasoning item carries through the client: the
// thinking and redacted_thinking blocks of one response, verbatim. The pipeline seals it
// into the item's `encrypted_content` (src/state/seal-state.ts) and opens it on the next
// request; Claude needs the blocks back unchanged, signatures included, before the
// tool_use they led to (https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking#preserving-thinking-blocks).
import type { ProviderState } from '../../canonical/types.js';
import type { RedactedThinkingBlock, ThinkingBlock } from './anthropic-api.js';

export type AnthropicThinkingBlock = ThinkingBlock | RedactedThinkingBlock;

export interface AnthropicReasoningData {
  blocks: AnthropicThinkingBlock[];
}

export function anthropicReasoningState(model: string, blocks: AnthropicThinkingBlock[]): ProviderState {
  const data: AnthropicReasoningData = { blocks: blocks.map((b) => ({ ...b })) };
  return { family: 'anthropic', model, data };
}

// The blocks of an opened state, or undefined when it is not one this adapter wrote.
export function readAnthropicReasoningState(state: ProviderState | undefined): AnthropicThinkingBlock[] | undefined {
  if (state?.family !== 'anthropic') return undefined;
  const blocks = (state.data as { blocks?: unknown } | null)?.blocks;
  if (!Array.isArray(blocks) || blocks.length === 0) return undefined;
  const out: AnthropicThinkingBlock[] = [];
  for (const b of blocks as Array<Record<string, unknown>>) {
    if (b?.type === 'thinking' && typeof b.thinking === 'string' && typeof b.signature === 'string') {
      out.push({ type: 'thinking', thinking: b.thinking, signature: b.signature });
    } else if (b?.type === 'redacted_thinking' && typeof b.data === 'string') {
      out.push({ type: 'redacted_thinking', data: b.data });
    } else {
      return undefined;
    }
  }
  return out;
}
