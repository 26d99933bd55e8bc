// Canonical tools and tool choice → Anthropic `tools` and `tool_choice`.
// https://docs.anthropic.com/en/docs/agents-and-tools/tool-use/implement-tool-use
//
// - `function` tools → `{name, description, input_schema}` under a name Anthropic accepts,
//   `^[a-zA-Z0-9_-]{1,128}$` (../shared/tool-names.ts flattens namespaces:
//   `multi_agent_v1__spawn_agent`).
// - `custom` (freeform) tools such as Codex's `apply_patch` → a function with one string
//   parameter, the grammar in the description (../shared/wrap-custom-tool.ts); the stream
//   parser turns the calls back into `custom_tool_call`s.
// - `tool_choice`: auto → auto, none → none, required → any, a named tool → tool;
//   `parallel_tool_calls: false` → `disable_parallel_tool_use: true`.
// - History that holds tool calls while no tool is offered (Codex's compaction request
//   sends `tools: []`) would be refused ("Requests which include tool_use or tool_result
//   blocks must define tools"), so the tools named in the history are declared with an
//   open schema and `tool_choice: none`: the model reads the history and calls nothing.
import type { Request, Tool } from '../../canonical/types.js';
import { invalidRequest } from '../../http/errors.js';
import type { ToolNameMap, ToolNameRules } from '../shared/tool-names.js';
import { wrapCustomTool } from '../shared/wrap-custom-tool.js';
import type { AnthropicMessage, AnthropicTool, AnthropicToolChoice } from './anthropic-api.js';

export const ANTHROPIC_TOOL_NAME_RULES: ToolNameRules = { maxLength: 128, pattern: /^[a-zA-Z0-9_-]+$/ };

export function convertToAnthropicTool(tool: Tool, names: ToolNameMap): AnthropicTool {
  if (tool.type === 'custom') {
    const wrapped = wrapCustomTool(tool);
    return { name: names.toWire(tool.name, undefined, 'custom'), description: wrapped.description, input_schema: wrapped.parameters };
  }
  let description = tool.description;
  if (tool.namespace !== undefined && tool.namespaceDescription) {
    // The flat name loses the grouping; keep what the namespace is for.
    description = `${description ?? ''}${description ? '\n\n' : ''}(Part of ${tool.namespace}: ${tool.namespaceDescription})`;
  }
  const out: AnthropicTool = { name: names.toWire(tool.name, tool.namespace, 'function'), input_schema: objectSchema(tool.parameters) };
  if (description) out.description = description;
  // Strict tool use needs a model with structured outputs (4.5+); sent only when asked for.
  if (tool.strict === true) out.strict = true;
  return out;
}

// Anthropic wants `type: "object"` at the top of every input_schema.
function objectSchema(schema: Record<string, unknown>): Record<string, unknown> {
  if (schema.type === 'object') return schema;
  if (schema.type === undefined) return { type: 'object', ...(schema.properties === undefined ? { properties: {} } : {}), ...schema };
  return schema;
}

export function convertToAnthropicToolChoice(req: Request, names: ToolNameMap): AnthropicToolChoice | undefined {
  const choice = req.toolChoice;
  const noParallel = req.parallelToolCalls === false ? { disable_parallel_tool_use: true } : {};
  if (req.tools.length === 0) return undefined;
  if (choice === undefined || choice === 'auto') return req.parallelToolCalls === false ? { type: 'auto', ...noParallel } : undefined;
  if (choice === 'none') return { type: 'none' };
  if (choice === 'required') return { type: 'any', ...noParallel };
  const offered = req.tools.some((t) =>
    choice.type === 'function'
      ? t.type === 'function' && t.name === choice.name && t.namespace === choice.namespace
      : t.type === 'custom' && t.name === choice.name,
  );
  if (!offered) throw invalidRequest('tool_choice', `names ${choice.type} tool '${choice.name}', which is not among the tools`);
  const name = choice.type === 'function' ? names.toWire(choice.name, choice.namespace, 'function') : names.toWire(choice.name, undefined, 'custom');
  return { type: 'tool', name, ...noParallel };
}

// The wire names of tool_use blocks in the history, for declaring them when no tool is offered.
export function historyOnlyTools(messages: AnthropicMessage[]): AnthropicTool[] {
  const seen = new Set<string>();
  let results = false;
  for (const m of messages) {
    for (const b of m.content) {
      if (b.type === 'tool_use') seen.add(b.name);
      if (b.type === 'tool_result') results = true;
    }
  }
  if (seen.size === 0 && !results) return [];
  const declared = [...seen].map((name) => ({
    name,
    description: 'A tool used earlier in this conversation; it is not available now.',
    input_schema: { type: 'object', properties: {} },
  }));
  return declared.length > 0 ? declared : [{ name: 'unavailable_tool', description: 'No tool is available now.', input_schema: { type: 'object', properties: {} } }];
}
