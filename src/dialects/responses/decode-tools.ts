// Responses `tools` → canonical tools.
// https://platform.openai.com/docs/api-reference/responses/create#responses-create-tools
//
// - `function` and freeform `custom` tools (Codex's `apply_patch` with a Lark grammar)
//   map one to one.
// - `namespace` tools (Codex's `multi_agent_v1`) are flattened: each nested function
//   becomes a canonical function with `namespace` (and the namespace's description) set,
//   so providers without namespaces can flatten the name and OpenAI can regroup them.
// - Hosted tools run on OpenAI's side (web search, tool search, code interpreter, …).
//   The gateway cannot run them on another provider, so they are removed, recorded in
//   `removedTools` and warned about: never dropped silently.
import type { CustomToolFormat, Tool } from '../../canonical/types.js';
import { unsupported } from '../../http/errors.js';
import { missing, optional, type JsonObject } from '../shared/validate-fields.js';
import {
  badEnum,
  expectArray,
  expectObject,
  optionalBoolean,
  optionalString,
  requiredString,
  wrongType,
} from './decode-checks.js';
import { HOSTED_TOOL_TYPES } from './hosted-tool-types.js';


const TOOL_TYPES = ['function', 'custom', 'namespace', ...HOSTED_TOOL_TYPES];

export interface DecodedTools {
  tools: Tool[];
  removedTools: string[];
  warnings: string[];
}

export function decodeTools(value: unknown): DecodedTools {
  const out: DecodedTools = { tools: [], removedTools: [], warnings: [] };
  if (value === undefined || value === null) return out;
  expectArray(value, 'tools').forEach((raw, i) => {
    const path = `tools[${i}]`;
    const tool = expectObject(raw, path);
    const type = requiredString(tool, 'type', `${path}.type`);
    if (type === 'function') {
      out.tools.push(decodeFunction(tool, path, out.warnings));
    } else if (type === 'custom') {
      out.tools.push(decodeCustom(tool, path));
    } else if (type === 'namespace') {
      out.tools.push(...decodeNamespace(tool, path, out.warnings));
    } else if (HOSTED_TOOL_TYPES.has(type)) {
      out.removedTools.push(type);
      out.warnings.push(`${path}: removed hosted tool '${type}': the gateway does not run OpenAI's hosted tools`);
    } else {
      throw badEnum(`${path}.type`, type, TOOL_TYPES);
    }
  });
  return out;
}

function decodeFunction(
  tool: JsonObject,
  path: string,
  warnings: string[],
  namespace?: { name: string; description?: string },
): Tool {
  const name = requiredString(tool, 'name', `${path}.name`);
  const parameters = tool.parameters;
  if (parameters !== undefined && parameters !== null && (typeof parameters !== 'object' || Array.isArray(parameters))) {
    throw wrongType(`${path}.parameters`, 'a JSON Schema object', parameters);
  }
  // `defer_loading` hides a tool until `tool_search` finds it; tool_search is a hosted
  // tool the gateway removes, so deferred tools are offered up front instead.
  if (optionalBoolean(tool, 'defer_loading', `${path}.defer_loading`) === true) {
    warnings.push(`${path}: defer_loading ignored: '${name}' is offered up front`);
  }
  return {
    type: 'function',
    name,
    ...optional('namespace', namespace?.name),
    ...optional('namespaceDescription', namespace?.description),
    ...optional('description', optionalString(tool, 'description', `${path}.description`)),
    // A function without parameters takes none; providers need a schema either way.
    parameters: (parameters as Record<string, unknown> | null | undefined) ?? { type: 'object', properties: {} },
    ...optional('strict', optionalBoolean(tool, 'strict', `${path}.strict`)),
  };
}

function decodeCustom(tool: JsonObject, path: string): Tool {
  return {
    type: 'custom',
    name: requiredString(tool, 'name', `${path}.name`),
    ...optional('description', optionalString(tool, 'description', `${path}.description`)),
    ...optional('format', decodeCustomFormat(tool.format, `${path}.format`)),
  };
}

function decodeCustomFormat(value: unknown, path: string): CustomToolFormat | undefined {
  if (value === undefined || value === null) return undefined;
  const format = expectObject(value, path);
  const type = requiredString(format, 'type', `${path}.type`);
  if (type === 'text') return { type: 'text' };
  if (type !== 'grammar') throw badEnum(`${path}.type`, type, ['text', 'grammar']);
  const syntax = requiredString(format, 'syntax', `${path}.syntax`);
  if (syntax !== 'lark' && syntax !== 'regex') throw badEnum(`${path}.syntax`, syntax, ['lark', 'regex']);
  return { type: 'grammar', syntax, definition: requiredString(format, 'definition', `${path}.definition`) };
}

function decodeNamespace(tool: JsonObject, path: string, warnings: string[]): Tool[] {
  const namespace = {
    name: requiredString(tool, 'name', `${path}.name`),
    description: optionalString(tool, 'description', `${path}.description`),
  };
  if (tool.tools === undefined || tool.tools === null) throw missing(`${path}.tools`);
  return expectArray(tool.tools, `${path}.tools`).map((raw, j) => {
    const nestedPath = `${path}.tools[${j}]`;
    const nested = expectObject(raw, nestedPath);
    const type = requiredString(nested, 'type', `${nestedPath}.type`);
    if (type === 'custom') {
      // The canonical custom tool has no namespace (see the report).
      throw unsupported(nestedPath, 'custom tools inside a namespace are not supported by the gateway');
    }
    if (type !== 'function') throw badEnum(`${nestedPath}.type`, type, ['function', 'custom']);
    return decodeFunction(nested, nestedPath, warnings, namespace);
  });
}
