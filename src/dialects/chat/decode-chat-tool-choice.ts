// Chat `tool_choice` → canonical tool choice.
// https://platform.openai.com/docs/api-reference/chat/create#chat-create-tool_choice
//
// | Chat                                   | canonical                                  |
// |----------------------------------------|--------------------------------------------|
// | 'none' / 'auto' / 'required'           | the same                                   |
// | {type:'function', function:{name}}     | {type:'function', name}: must be in tools  |
// | {type:'custom', custom:{name}}         | {type:'custom', name}: must be in tools    |
// | {type:'allowed_tools', …}              | 400 unsupported: narrow `tools` instead    |
import type { Tool, ToolChoice } from '../../canonical/types.js';
import { invalidRequest, unsupported } from '../../http/errors.js';
import { onlyFields, requireObject, requireString } from './decode-chat-checks.js';

export function decodeChatToolChoice(value: unknown, tools: Tool[]): ToolChoice | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === 'none' || value === 'auto' || value === 'required') return value;
  if (typeof value === 'string') throw invalidRequest('tool_choice', "must be 'none', 'auto', 'required' or a named tool");
  const choice = requireObject(value, 'tool_choice');
  if (choice.type === 'function' || choice.type === 'custom') {
    const kind = choice.type;
    onlyFields(choice, ['type', kind], 'tool_choice');
    const named = requireObject(choice[kind], `tool_choice.${kind}`);
    onlyFields(named, ['name'], `tool_choice.${kind}`);
    const name = requireString(named.name, `tool_choice.${kind}.name`);
    if (!tools.some((t) => t.type === kind && t.name === name)) {
      throw invalidRequest(`tool_choice.${kind}.name`, `no ${kind} tool named '${name}' in 'tools'`);
    }
    return { type: kind, name };
  }
  if (choice.type === 'allowed_tools') throw unsupported('tool_choice.type', "'allowed_tools' is not supported; narrow 'tools' instead");
  throw invalidRequest('tool_choice.type', "must be 'function' or 'custom'");
}
