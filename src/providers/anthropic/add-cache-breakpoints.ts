// Automatic prompt-cache breakpoints (`cache_control: {type: "ephemeral"}`), on by
// default per route (`prompt_cache: auto`), none with `prompt_cache: off`.
// https://docs.anthropic.com/en/docs/build-with-claude/prompt-caching
//
// Codex resends its whole history every turn, so nearly all of each prompt is the previous
// prompt plus a few items. At most 4 breakpoints are allowed; they go, in prefix order:
// 1. on the last tool (tools come first in the cached prefix),
// 2. on the last system block (system prompt and tools reused across sessions),
// 3. on the last user message before the final one: where the previous request of this
//    conversation put its breakpoint 4, so its cache is read back even when more than the
//    ~20 blocks Anthropic looks back over were added since,
// 4. on the last message: written now, read by the next request.
// A breakpoint sits on the message's last block that can carry one (not thinking blocks,
// which cannot). Prompts below a model's minimum cacheable length are simply not cached.
import type { AnthropicMessage, AnthropicRequestBody, CacheControl } from './anthropic-api.js';

const EPHEMERAL: CacheControl = { type: 'ephemeral' };
export const MAX_CACHE_BREAKPOINTS = 4;

// Adds breakpoints in place; returns how many were placed.
export function addCacheBreakpoints(body: AnthropicRequestBody): number {
  let placed = 0;
  const lastTool = body.tools?.at(-1);
  if (lastTool) {
    lastTool.cache_control = { ...EPHEMERAL };
    placed++;
  }
  const lastSystem = body.system?.at(-1);
  if (lastSystem) {
    lastSystem.cache_control = { ...EPHEMERAL };
    placed++;
  }
  const messages = body.messages;
  const targets: number[] = [];
  const lastIndex = messages.length - 1;
  for (let i = lastIndex - 1; i >= 0; i--) {
    if (messages[i].role === 'user') {
      targets.push(i);
      break;
    }
  }
  if (lastIndex >= 0) targets.push(lastIndex);
  for (const i of targets) {
    if (placed >= MAX_CACHE_BREAKPOINTS) break;
    if (markLastBlock(messages[i])) placed++;
  }
  return placed;
}

function markLastBlock(message: AnthropicMessage): boolean {
  for (let j = message.content.length - 1; j >= 0; j--) {
    const block = message.content[j];
    if (block.type === 'thinking' || block.type === 'redacted_thinking') continue;
    if (block.type === 'text' && block.text === '') continue;
    block.cache_control = { ...EPHEMERAL };
    return true;
  }
  return false;
}
