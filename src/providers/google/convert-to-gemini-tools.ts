// Canonical tools and tool choice → Gemini `tools[].functionDeclarations` and `toolConfig`.
// https://ai.google.dev/api/caching#Tool, https://ai.google.dev/gemini-api/docs/function-calling
//
// Every tool is a function declaration under a name Gemini accepts (../shared/tool-names.ts):
// namespaced functions are flattened, custom (freeform) tools such as Codex's apply_patch
// become a one-string-argument function (../shared/wrap-custom-tool.ts), and parameter
// schemas are cleaned to Gemini's OpenAPI subset (convert-json-schema-to-gemini.ts).
import type { Request, Tool } from '../../canonical/types.js';
import { invalidRequest } from '../../http/errors.js';
import type { ToolNameMap, ToolNameRules } from '../shared/tool-names.js';
import { wrapCustomTool } from '../shared/wrap-custom-tool.js';
import { convertJsonSchemaToGemini } from './convert-json-schema-to-gemini.js';
import type { GeminiFunctionDeclaration, GeminiToolConfig } from './gemini-api.js';

// A declaration's name "must start with a letter or an underscore … a-z, A-Z, 0-9, or contain
// underscores, dots, colons and dashes, with a maximum length of 64"
// (https://ai.google.dev/api/caching#FunctionDeclaration); a returned FunctionCall's name is
// documented as "a-z, A-Z, 0-9, or contain underscores and dashes". We keep to both.
export const GEMINI_TOOL_NAME_RULES: ToolNameRules = { maxLength: 64, pattern: /^[a-zA-Z_][a-zA-Z0-9_-]*$/ };

export function convertToGeminiFunctionDeclaration(tool: Tool, names: ToolNameMap): GeminiFunctionDeclaration {
  if (tool.type === 'custom') {
    const wrapped = wrapCustomTool(tool);
    const decl: GeminiFunctionDeclaration = { name: names.toWire(tool.name, undefined, 'custom'), description: wrapped.description };
    const parameters = convertJsonSchemaToGemini(wrapped.parameters);
    if (parameters) decl.parameters = parameters;
    return decl;
  }
  let description = tool.description;
  if (tool.namespace !== undefined && tool.namespaceDescription) {
    // The flat name loses the grouping; keep what the namespace is for.
    description = `${description ?? ''}${description ? '\n\n' : ''}(Part of ${tool.namespace}: ${tool.namespaceDescription})`;
  }
  const decl: GeminiFunctionDeclaration = { name: names.toWire(tool.name, tool.namespace, 'function') };
  if (description) decl.description = description;
  // No parameters at all (`{type: "object", properties: {}}`): Gemini refuses an empty
  // `properties` ("should be non-empty for OBJECT type"), so the field is left out.
  const parameters = convertJsonSchemaToGemini(tool.parameters);
  if (parameters) decl.parameters = parameters;
  return decl;
}

// https://ai.google.dev/api/caching#FunctionCallingConfig: AUTO | ANY | NONE, and
// `allowedFunctionNames` (with ANY) to force one function.
export function convertToGeminiToolConfig(req: Request, names: ToolNameMap): GeminiToolConfig | undefined {
  const choice = req.toolChoice;
  if (choice === undefined || req.tools.length === 0) return undefined;
  if (choice === 'auto') return { functionCallingConfig: { mode: 'AUTO' } };
  if (choice === 'none') return { functionCallingConfig: { mode: 'NONE' } };
  if (choice === 'required') return { functionCallingConfig: { mode: 'ANY' } };
  const offered = req.tools.some((t) =>
    choice.type === 'function'
      ? t.type === 'function' && t.name === choice.name && t.namespace === choice.namespace
      : t.type === 'custom' && t.name === choice.name,
  );
  if (!offered) throw invalidRequest('tool_choice', `names ${choice.type} tool '${choice.name}', which is not among the tools`);
  const wire = choice.type === 'function' ? names.toWire(choice.name, choice.namespace, 'function') : names.toWire(choice.name, undefined, 'custom');
  return { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: [wire] } };
}
