// Chat `messages` → canonical items. System and developer messages stay in place with
// their roles (not lifted into `instructions`): Chat clients interleave them, and the
// order is what the model saw.
// https://platform.openai.com/docs/api-reference/chat/create#chat-create-messages
import type { Item, ToolOutput } from '../../canonical/types.js';
import { invalidRequest, unsupported } from '../../http/errors.js';
import { isObject, missing, type JsonObject } from '../shared/validate-fields.js';
import { decodeAssistantMessage, type ToolCallKinds } from './decode-chat-assistant-message.js';
import { requireString } from './decode-chat-checks.js';
import { decodeTextContent, decodeUserContent } from './decode-chat-content-parts.js';

// Fields each role may carry. Assistant messages also accept what SDKs echo back
// when a client appends the previous response's message as is (`annotations`,
// `refusal: null`, `audio: null`, `function_call: null`) and DeepSeek-style
// `reasoning_content`, which some servers require back in tool-calling turns.
const MESSAGE_FIELDS: Record<string, Set<string>> = {
  system: new Set(['role', 'content', 'name']),
  developer: new Set(['role', 'content', 'name']),
  user: new Set(['role', 'content', 'name']),
  assistant: new Set(['role', 'content', 'name', 'refusal', 'tool_calls', 'function_call', 'audio', 'annotations', 'reasoning_content']),
  tool: new Set(['role', 'content', 'tool_call_id']),
};

export function decodeChatMessages(value: unknown, warnings: string[]): Item[] {
  if (value === undefined || value === null) throw missing('messages');
  if (!Array.isArray(value)) throw invalidRequest('messages', 'must be an array');
  if (value.length === 0) throw invalidRequest('messages', 'must contain at least one message', 'empty_array');
  const calls: ToolCallKinds = new Map();
  const items: Item[] = [];
  value.forEach((raw, i) => {
    const path = `messages[${i}]`;
    if (!isObject(raw)) throw invalidRequest(path, 'must be an object');
    const role = raw.role;
    if (role === 'function') {
      throw unsupported(`${path}.role`, "legacy 'function' messages are not supported; use 'tool_calls' and 'tool' messages");
    }
    // Own keys only: a role such as 'constructor' or '__proto__' must not find Object's.
    if (typeof role !== 'string' || !Object.hasOwn(MESSAGE_FIELDS, role)) {
      throw invalidRequest(`${path}.role`, "must be one of 'system', 'developer', 'user', 'assistant', 'tool'");
    }
    for (const key of Object.keys(raw)) {
      if (!MESSAGE_FIELDS[role].has(key)) throw invalidRequest(`${path}.${key}`, 'unrecognized argument', 'unknown_parameter');
    }
    // Participant names have no canonical home and no provider but OpenAI reads them.
    if (raw.name !== undefined && raw.name !== null) {
      requireString(raw.name, `${path}.name`);
      warnings.push(`${path}.name was ignored: participant names are not forwarded`);
    }
    switch (role) {
      case 'system':
      case 'developer':
        items.push({ type: 'message', role, content: decodeTextContent(raw.content, `${path}.content`) });
        break;
      case 'user':
        items.push({ type: 'message', role: 'user', content: decodeUserContent(raw.content, `${path}.content`) });
        break;
      case 'assistant':
        items.push(...decodeAssistantMessage(raw, path, calls));
        break;
      case 'tool':
        items.push(decodeToolMessage(raw, path, calls));
        break;
    }
  });
  return items;
}

// A tool result answers with the output type of its call: function_call_output for a
// function call, custom_tool_call_output for a custom one.
function decodeToolMessage(raw: JsonObject, path: string, calls: ToolCallKinds): Item {
  const callId = requireString(raw.tool_call_id, `${path}.tool_call_id`);
  const kind = calls.get(callId);
  // Every provider pairs a result with its call (Anthropic refuses an orphan
  // tool_result), and OpenAI itself refuses one, so catch it here with a clear name.
  if (!kind) throw invalidRequest(`${path}.tool_call_id`, `'${callId}' does not match any tool call in an earlier assistant message`);
  const parts = decodeTextContent(raw.content, `${path}.content`);
  const output: ToolOutput = typeof raw.content === 'string' ? raw.content : parts;
  return kind === 'custom'
    ? { type: 'custom_tool_call_output', callId, output }
    : { type: 'function_call_output', callId, output };
}
