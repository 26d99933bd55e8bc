// Canonical tools and tool choice → Chat Completions `tools` and `tool_choice`.
// https://platform.openai.com/docs/api-reference/chat/create#chat-create-tools
//
// Every tool goes out as a `function` tool under a wire name the server accepts
// (../shared/tool-names.ts): namespaced functions are flattened, and custom (freeform)
// tools are wrapped in a one-string-argument function (../shared/wrap-custom-tool.ts).
import type { Request, Tool } from '../../canonical/types.js';
import { invalidRequest } from '../../http/errors.js';
import type { ToolNameMap, ToolNameRules } from '../shared/tool-names.js';
import { wrapCustomTool } from '../shared/wrap-custom-tool.js';
import type { ChatFunctionTool, ChatToolChoice } from './chat-api.js';

// OpenAI: "a-z, A-Z, 0-9, underscores and dashes, max length 64"
// (https://platform.openai.com/docs/api-reference/chat/create#chat-create-tools); Mistral
// validates the same pattern. vLLM and the others accept at least that.
export const CHAT_TOOL_NAME_RULES: ToolNameRules = { maxLength: 64, pattern: /^[a-zA-Z0-9_-]+$/ };

export function convertToChatTool(tool: Tool, names: ToolNameMap): ChatFunctionTool {
  if (tool.type === 'custom') {
    // Chat servers other than OpenAI's take function tools only (DESIGN.md: vLLM and
    // SGLang refuse or drop others), and even OpenAI Chat has no freeform tools with a grammar.
    const wrapped = wrapCustomTool(tool);
    return {
      type: 'function',
      function: { name: names.toWire(tool.name, undefined, 'custom'), description: wrapped.description, parameters: wrapped.parameters },
    };
  }
  let description = tool.description;
  if (tool.namespace !== undefined && tool.namespaceDescription) {
    // The flat name loses the grouping; keep what the namespace is for.
    description = `${description ?? ''}${description ? '\n\n' : ''}(Part of ${tool.namespace}: ${tool.namespaceDescription})`;
  }
  const fn: ChatFunctionTool['function'] = { name: names.toWire(tool.name, tool.namespace, 'function'), parameters: tool.parameters };
  if (description !== undefined) fn.description = description;
  // Mistral accepts `strict` too (FunctionT in mistralai/client-ts).
  if (tool.strict !== undefined) fn.strict = tool.strict;
  return { type: 'function', function: fn };
}

export function convertToChatToolChoice(req: Request, names: ToolNameMap): ChatToolChoice | undefined {
  const choice = req.toolChoice;
  if (choice === undefined) return undefined;
  if (typeof choice === 'string') {
    // Without tools the field is refused by OpenAI ("tool_choice is only allowed when
    // tools are specified") and means nothing anyway.
    return req.tools.length > 0 ? choice : undefined;
  }
  const offered = req.tools.some((t) =>
    choice.type === 'function'
      ? t.type === 'function' && t.name === choice.name && t.namespace === choice.namespace
      : t.type === 'custom' && t.name === choice.name,
  );
  if (!offered) throw invalidRequest('tool_choice', `names ${choice.type} tool '${choice.name}', which is not among the tools`);
  const wire =
    choice.type === 'function' ? names.toWire(choice.name, choice.namespace, 'function') : names.toWire(choice.name, undefined, 'custom');
  return { type: 'function', function: { name: wire } };
}
