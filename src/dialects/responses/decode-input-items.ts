// Responses `input` → canonical items.
// https://platform.openai.com/docs/api-reference/responses/create#responses-create-input
//
// Codex sends the whole history every turn (test/fixtures/codex/README.md): messages,
// `reasoning` items whose `encrypted_content` must come back untouched, function and
// custom tool calls with their outputs. Item `status` ('completed', …) is bookkeeping
// from the earlier response and is not kept.
import type { Item, Role } from '../../canonical/types.js';
import { unsupported } from '../../http/errors.js';
import { missing, optional, type JsonObject } from '../shared/validate-fields.js';
import { badEnum, expectArray, expectObject, optionalString, requiredString, wrongType } from './decode-checks.js';
import { decodeMessageContent, decodeToolOutput } from './decode-content-parts.js';

const ROLES = ['user', 'system', 'developer', 'assistant'] as const;

const ITEM_TYPES = [
  'message',
  'function_call',
  'function_call_output',
  'custom_tool_call',
  'custom_tool_call_output',
  'reasoning',
] as const;

// Calls (and results) of hosted tools, replayed from a turn an OpenAI upstream served.
// The canonical model has no form for them and the gateway removes the hosted tools
// themselves, so they are left out with a warning; what the model learned from them
// lives on in the assistant messages that follow.
const HOSTED_TOOL_ITEM_TYPES = new Set([
  'web_search_call',
  'file_search_call',
  'computer_call',
  'computer_call_output',
  'code_interpreter_call',
  'image_generation_call',
  'local_shell_call',
  'local_shell_call_output',
  'shell_call',
  'shell_call_output',
  'apply_patch_call',
  'apply_patch_call_output',
  'mcp_list_tools',
  'mcp_approval_request',
  'mcp_approval_response',
  'mcp_call',
  'tool_search_call',
  'tool_search_output',
]);

export interface DecodedInput {
  items: Item[];
  warnings: string[];
}

export function decodeInput(value: unknown): DecodedInput {
  if (value === undefined || value === null) throw missing('input');
  if (typeof value === 'string') {
    return { items: [{ type: 'message', role: 'user', content: [{ type: 'text', text: value }] }], warnings: [] };
  }
  const items: Item[] = [];
  const dropped = new Map<string, number>();
  expectArray(value, 'input').forEach((raw, i) => {
    const path = `input[${i}]`;
    const obj = expectObject(raw, path);
    const type = itemType(obj, path);
    if (HOSTED_TOOL_ITEM_TYPES.has(type)) {
      dropped.set(type, (dropped.get(type) ?? 0) + 1);
      return;
    }
    items.push(decodeItem(obj, type, path));
  });
  const warnings = [...dropped].map(
    ([type, n]) => `input: left out ${n} '${type}' item(s): hosted-tool history has no canonical form`,
  );
  return { items, warnings };
}

// EasyInputMessage (`{role, content}`) has no `type`; everything else must say what it is.
function itemType(obj: JsonObject, path: string): string {
  if (obj.type === undefined || obj.type === null) {
    if (obj.role !== undefined) return 'message';
    throw missing(`${path}.type`);
  }
  if (typeof obj.type !== 'string') throw wrongType(`${path}.type`, 'a string', obj.type);
  return obj.type;
}

function decodeItem(obj: JsonObject, type: string, path: string): Item {
  switch (type) {
    case 'message':
      return decodeMessage(obj, path);
    case 'function_call':
      return {
        type: 'function_call',
        callId: requiredString(obj, 'call_id', `${path}.call_id`),
        name: requiredString(obj, 'name', `${path}.name`),
        ...optional('namespace', optionalString(obj, 'namespace', `${path}.namespace`)),
        arguments: requiredString(obj, 'arguments', `${path}.arguments`),
        ...optional('id', optionalString(obj, 'id', `${path}.id`)),
      };
    case 'function_call_output':
    case 'custom_tool_call_output':
      return {
        type,
        callId: requiredString(obj, 'call_id', `${path}.call_id`),
        output: decodeToolOutput(obj.output, `${path}.output`),
        ...optional('id', optionalString(obj, 'id', `${path}.id`)),
      };
    case 'custom_tool_call':
      if (optionalString(obj, 'namespace', `${path}.namespace`) !== undefined) {
        throw unsupported(`${path}.namespace`, 'custom tools inside a namespace are not supported by the gateway');
      }
      return {
        type: 'custom_tool_call',
        callId: requiredString(obj, 'call_id', `${path}.call_id`),
        name: requiredString(obj, 'name', `${path}.name`),
        input: requiredString(obj, 'input', `${path}.input`),
        ...optional('id', optionalString(obj, 'id', `${path}.id`)),
      };
    case 'reasoning':
      return decodeReasoning(obj, path);
    case 'item_reference':
      throw unsupported(`${path}.type`, 'item references need server-side state; the gateway is stateless, send the items themselves');
    default:
      throw badEnum(`${path}.type`, type, ITEM_TYPES);
  }
}

function decodeMessage(obj: JsonObject, path: string): Item {
  const role = requiredString(obj, 'role', `${path}.role`);
  if (!(ROLES as readonly string[]).includes(role)) throw badEnum(`${path}.role`, role, ROLES);
  return {
    type: 'message',
    role: role as Role,
    content: decodeMessageContent(obj.content, role as Role, `${path}.content`),
    ...optional('id', optionalString(obj, 'id', `${path}.id`)),
    ...optional('phase', optionalString(obj, 'phase', `${path}.phase`)),
  };
}

function decodeReasoning(obj: JsonObject, path: string): Item {
  const summary = obj.summary === undefined || obj.summary === null ? [] : expectArray(obj.summary, `${path}.summary`);
  const content = obj.content === undefined || obj.content === null ? undefined : expectArray(obj.content, `${path}.content`);
  return {
    type: 'reasoning',
    ...optional('id', optionalString(obj, 'id', `${path}.id`)),
    summary: summary.map((s, j) => typedText(s, 'summary_text', `${path}.summary[${j}]`)),
    ...optional('content', content?.map((c, j) => typedText(c, 'reasoning_text', `${path}.content[${j}]`))),
    // Opaque: kept byte for byte (OpenAI's own, or the gateway's sealed provider state).
    ...optional('encryptedContent', optionalString(obj, 'encrypted_content', `${path}.encrypted_content`)),
  };
}

function typedText(value: unknown, type: string, path: string): string {
  const part = expectObject(value, path);
  const actual = requiredString(part, 'type', `${path}.type`);
  if (actual !== type) throw badEnum(`${path}.type`, actual, [type]);
  return requiredString(part, 'text', `${path}.text`);
}
