// Chat `tools` → canonical tools: `function` tools, and freeform `custom` tools with a
// text or grammar format. Chat has no namespaces and no hosted tools (hosted web search
// is `web_search_options`, refused in reject-unsupported-chat-params.ts).
// https://platform.openai.com/docs/api-reference/chat/create#chat-create-tools
import type { CustomToolFormat, Tool } from '../../canonical/types.js';
import { invalidRequest } from '../../http/errors.js';
import { missing, type JsonObject } from '../shared/validate-fields.js';
import { onlyFields, optBoolean, optEnum, optString, requireObject, requireString } from './decode-chat-checks.js';

export function decodeChatTools(value: unknown): Tool[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidRequest('tools', 'must be an array');
  const seen = new Map<string, number>();
  return value.map((raw, i): Tool => {
    const at = `tools[${i}]`;
    const tool = requireObject(raw, at);
    let decoded: { tool: Tool; namePath: string };
    if (tool.type === 'function') decoded = decodeFunctionTool(tool, at);
    else if (tool.type === 'custom') decoded = decodeCustomTool(tool, at);
    else throw invalidRequest(`${at}.type`, "must be 'function' or 'custom'");
    // Names are how calls find their tool on every provider; a duplicate is ambiguous.
    const earlier = seen.get(decoded.tool.name);
    if (earlier !== undefined) throw invalidRequest(decoded.namePath, `duplicates the name of tools[${earlier}]`);
    seen.set(decoded.tool.name, i);
    return decoded.tool;
  });
}

function decodeFunctionTool(tool: JsonObject, at: string): { tool: Tool; namePath: string } {
  onlyFields(tool, ['type', 'function'], at);
  const fn = requireObject(tool.function, `${at}.function`);
  onlyFields(fn, ['name', 'description', 'parameters', 'strict'], `${at}.function`);
  const namePath = `${at}.function.name`;
  const decoded: Tool = {
    type: 'function',
    name: requireString(fn.name, namePath),
    // OpenAI treats omitted parameters as "takes no arguments".
    parameters: fn.parameters === undefined || fn.parameters === null ? { type: 'object', properties: {} } : requireObject(fn.parameters, `${at}.function.parameters`),
  };
  const description = optString(fn, 'description', `${at}.function.description`);
  if (description !== undefined) decoded.description = description;
  const strict = optBoolean(fn, 'strict', `${at}.function.strict`);
  if (strict !== undefined) decoded.strict = strict;
  return { tool: decoded, namePath };
}

function decodeCustomTool(tool: JsonObject, at: string): { tool: Tool; namePath: string } {
  onlyFields(tool, ['type', 'custom'], at);
  const custom = requireObject(tool.custom, `${at}.custom`);
  onlyFields(custom, ['name', 'description', 'format'], `${at}.custom`);
  const namePath = `${at}.custom.name`;
  const decoded: Tool = { type: 'custom', name: requireString(custom.name, namePath) };
  const description = optString(custom, 'description', `${at}.custom.description`);
  if (description !== undefined) decoded.description = description;
  const format = decodeCustomFormat(custom.format, `${at}.custom.format`);
  if (format) decoded.format = format;
  return { tool: decoded, namePath };
}

function decodeCustomFormat(value: unknown, path: string): CustomToolFormat | undefined {
  if (value === undefined || value === null) return undefined;
  const format = requireObject(value, path);
  if (format.type === 'text') {
    onlyFields(format, ['type'], path);
    return { type: 'text' };
  }
  if (format.type === 'grammar') {
    onlyFields(format, ['type', 'grammar'], path);
    const grammar = requireObject(format.grammar, `${path}.grammar`);
    onlyFields(grammar, ['definition', 'syntax'], `${path}.grammar`);
    const syntax = optEnum(grammar, 'syntax', ['lark', 'regex'] as const, `${path}.grammar.syntax`);
    if (!syntax) throw missing(`${path}.grammar.syntax`);
    return { type: 'grammar', syntax, definition: requireString(grammar.definition, `${path}.grammar.definition`) };
  }
  throw invalidRequest(`${path}.type`, "must be 'text' or 'grammar'");
}
