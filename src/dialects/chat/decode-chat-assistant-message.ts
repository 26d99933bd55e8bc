// One Chat assistant message (a turn replayed in history) → canonical items:
// reasoning (if echoed back), a message with its text and refusal (if any), then one
// item per tool call, in the order sent.
// https://platform.openai.com/docs/api-reference/chat/create#chat-create-messages
import type { ContentPart, Item } from '../../canonical/types.js';
import { invalidRequest, unsupported } from '../../http/errors.js';
import type { JsonObject } from '../shared/validate-fields.js';
import { onlyFields, optString, requireObject, requireString } from './decode-chat-checks.js';
import { decodeAssistantContent } from './decode-chat-content-parts.js';

// Call id → kind, filled as assistant messages are read, so a later `tool` message
// answers with the matching output type.
export type ToolCallKinds = Map<string, 'function' | 'custom'>;

export function decodeAssistantMessage(raw: JsonObject, path: string, calls: ToolCallKinds): Item[] {
  for (const key of ['audio', 'function_call'] as const) {
    if (raw[key] !== undefined && raw[key] !== null) {
      throw unsupported(`${path}.${key}`, key === 'audio' ? 'audio replies are not supported' : "legacy function calls are not supported; use 'tool_calls'");
    }
  }
  if (raw.annotations !== undefined && raw.annotations !== null && !Array.isArray(raw.annotations)) {
    throw invalidRequest(`${path}.annotations`, 'must be an array');
  }
  const items: Item[] = [];
  const reasoning = optString(raw, 'reasoning_content', `${path}.reasoning_content`);
  if (reasoning) items.push({ type: 'reasoning', summary: [], content: [reasoning] });

  const content: ContentPart[] = decodeAssistantContent(raw.content, `${path}.content`);
  const refusal = optString(raw, 'refusal', `${path}.refusal`);
  if (refusal) content.push({ type: 'refusal', text: refusal });

  const toolCalls = decodeToolCalls(raw.tool_calls, path, calls);
  if (content.length === 0 && toolCalls.length === 0) {
    throw invalidRequest(`${path}.content`, "is required unless 'tool_calls' is set");
  }
  // An empty string beside tool calls is how many SDKs spell "no text"; providers
  // such as Anthropic refuse empty text blocks, so it is left out there.
  const parts = toolCalls.length > 0 ? content.filter((p) => !(p.type === 'text' && p.text === '')) : content;
  if (parts.length > 0) items.push({ type: 'message', role: 'assistant', content: parts });
  return [...items, ...toolCalls];
}

function decodeToolCalls(value: unknown, path: string, calls: ToolCallKinds): Item[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidRequest(`${path}.tool_calls`, 'must be an array');
  return value.map((raw, k): Item => {
    const at = `${path}.tool_calls[${k}]`;
    const call = requireObject(raw, at);
    const callId = requireString(call.id, `${at}.id`);
    if (call.type === 'function') {
      onlyFields(call, ['id', 'type', 'function'], at);
      const fn = requireObject(call.function, `${at}.function`);
      onlyFields(fn, ['name', 'arguments'], `${at}.function`);
      calls.set(callId, 'function');
      return {
        type: 'function_call',
        callId,
        name: requireString(fn.name, `${at}.function.name`),
        // Arguments are a JSON-encoded string on the wire; kept verbatim, since the
        // model's own text (even if malformed) is what the next turn must see.
        arguments: requireString(fn.arguments, `${at}.function.arguments`, true),
      };
    }
    if (call.type === 'custom') {
      onlyFields(call, ['id', 'type', 'custom'], at);
      const custom = requireObject(call.custom, `${at}.custom`);
      onlyFields(custom, ['name', 'input'], `${at}.custom`);
      calls.set(callId, 'custom');
      return {
        type: 'custom_tool_call',
        callId,
        name: requireString(custom.name, `${at}.custom.name`),
        input: requireString(custom.input, `${at}.custom.input`, true),
      };
    }
    throw invalidRequest(`${at}.type`, "must be 'function' or 'custom'");
  });
}
