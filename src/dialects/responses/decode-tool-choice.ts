// Responses `tool_choice` → canonical tool choice.
// https://platform.openai.com/docs/api-reference/responses/create#responses-create-tool_choice
//
// | Responses                            | canonical                                         |
// |--------------------------------------|---------------------------------------------------|
// | 'auto' / 'none' / 'required'         | the same                                          |
// | {type:'function', name}              | {type:'function', name, namespace?}: the namespace |
// |                                      | of the declared tool when only a nested one matches |
// | {type:'custom', name}                | {type:'custom', name}                             |
// | {type:'allowed_tools', mode, tools}  | approximation + warning: only the listed tools    |
// |                                      | stay offered, tool_choice = mode                  |
// | hosted ({type:'web_search_preview'}, | approximation + warning: 'auto' (the hosted tool  |
// | 'file_search', 'mcp', 'shell', …)    | itself was removed)                               |
//
// allowed_tools exists so a client can restrict calls without changing `tools` (and so
// keep OpenAI's prompt cache); no other provider has it, and removing the other tools
// is the reading that keeps the model from calling them.
import type { Tool, ToolChoice } from '../../canonical/types.js';
import { invalidRequest } from '../../http/errors.js';
import { missing } from '../shared/validate-fields.js';
import { badEnum, expectArray, expectObject, optionalString, requiredString, wrongType } from './decode-checks.js';
import { HOSTED_TOOL_TYPES } from './hosted-tool-types.js';

const MODES = ['auto', 'none', 'required'] as const;


export interface DecodedToolChoice {
  toolChoice?: ToolChoice;
  // The tools left after `allowed_tools`; the input list otherwise.
  tools: Tool[];
  warnings: string[];
}

export function decodeToolChoice(value: unknown, tools: Tool[]): DecodedToolChoice {
  if (value === undefined || value === null) return { tools, warnings: [] };
  if (typeof value === 'string') {
    if (!(MODES as readonly string[]).includes(value)) throw badEnum('tool_choice', value, MODES);
    return { toolChoice: value as (typeof MODES)[number], tools, warnings: [] };
  }
  const choice = expectObject(value, 'tool_choice');
  const type = requiredString(choice, 'type', 'tool_choice.type');
  switch (type) {
    case 'function':
      return forceFunction(requiredString(choice, 'name', 'tool_choice.name'), tools);
    case 'custom': {
      const name = requiredString(choice, 'name', 'tool_choice.name');
      if (!tools.some((t) => t.type === 'custom' && t.name === name)) {
        throw invalidRequest('tool_choice.name', `no custom tool named '${name}' in tools`);
      }
      return { toolChoice: { type: 'custom', name }, tools, warnings: [] };
    }
    case 'allowed_tools':
      return allowedTools(choice, tools);
    default:
      if (HOSTED_TOOL_TYPES.has(type)) {
        return {
          toolChoice: 'auto',
          tools,
          warnings: [`tool_choice: hosted tool '${type}' was removed; approximated as 'auto'`],
        };
      }
      throw badEnum('tool_choice.type', type, ['function', 'custom', 'allowed_tools', ...HOSTED_TOOL_TYPES]);
  }
}

function forceFunction(name: string, tools: Tool[]): DecodedToolChoice {
  const matches = tools.filter((t) => t.type === 'function' && t.name === name);
  if (matches.length === 0) throw invalidRequest('tool_choice.name', `no function tool named '${name}' in tools`);
  const topLevel = matches.find((t) => t.type === 'function' && t.namespace === undefined);
  const chosen = topLevel ?? matches[0];
  const namespace = chosen.type === 'function' ? chosen.namespace : undefined;
  const warnings =
    !topLevel && matches.length > 1
      ? [`tool_choice: '${name}' exists in several namespaces; forcing the one in '${namespace}'`]
      : [];
  return { toolChoice: { type: 'function', name, ...(namespace ? { namespace } : {}) }, tools, warnings };
}

function allowedTools(choice: Record<string, unknown>, tools: Tool[]): DecodedToolChoice {
  const mode = requiredString(choice, 'mode', 'tool_choice.mode');
  if (mode !== 'auto' && mode !== 'required') throw badEnum('tool_choice.mode', mode, ['auto', 'required']);
  if (choice.tools === undefined || choice.tools === null) throw missing('tool_choice.tools');
  const allowed = expectArray(choice.tools, 'tool_choice.tools').map((raw, i) => {
    const entry = expectObject(raw, `tool_choice.tools[${i}]`);
    const type = requiredString(entry, 'type', `tool_choice.tools[${i}].type`);
    const name = optionalString(entry, 'name', `tool_choice.tools[${i}].name`);
    if ((type === 'function' || type === 'custom') && name === undefined) {
      throw missing(`tool_choice.tools[${i}].name`);
    }
    if (entry.namespace !== undefined && typeof entry.namespace !== 'string') {
      throw wrongType(`tool_choice.tools[${i}].namespace`, 'a string', entry.namespace);
    }
    return { type, name, namespace: entry.namespace as string | undefined };
  });
  const kept = tools.filter((t) =>
    allowed.some(
      (a) =>
        a.type === t.type &&
        a.name === t.name &&
        (a.namespace === undefined || (t.type === 'function' && t.namespace === a.namespace)),
    ),
  );
  return {
    toolChoice: mode,
    tools: kept,
    warnings: [
      `tool_choice: allowed_tools approximated by offering only the ${kept.length} allowed of ${tools.length} tools, with tool_choice '${mode}'`,
    ],
  };
}
