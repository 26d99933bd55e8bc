// Canonical request → a Gemini `generateContent` request body (sent to
// `:streamGenerateContent?alt=sse` on the Gemini API and on Vertex AI alike).
// https://ai.google.dev/api/generate-content#request-body
//
// What does not fit is refused with a 400 naming the field, or approximated and recorded
// in `warnings`; nothing is dropped silently.
//
// contents: convert-to-gemini-contents.ts; tools: convert-to-gemini-tools.ts; schemas:
// convert-json-schema-to-gemini.ts; thinking: convert-to-gemini-thinking-config.ts;
// safety: gemini-safety-settings.ts.
import type { Request } from '../../canonical/types.js';
import type { RouteConfig } from '../../config/types.js';
import { buildToolNameMap, type ToolNameMap } from '../shared/tool-names.js';
import { convertToGeminiContents } from './convert-to-gemini-contents.js';
import { convertToGeminiThinkingConfig } from './convert-to-gemini-thinking-config.js';
import { convertToGeminiFunctionDeclaration, convertToGeminiToolConfig, GEMINI_TOOL_NAME_RULES } from './convert-to-gemini-tools.js';
import type { GeminiGenerationConfig, GeminiRequestBody } from './gemini-api.js';
import { geminiSafetySettings } from './gemini-safety-settings.js';

export interface GeminiRequestConversion {
  body: GeminiRequestBody;
  // Hand it to parseGeminiStream: it restores namespaces and custom tools in the reply.
  names: ToolNameMap;
  warnings: string[];
}

export function convertToGeminiRequest(req: Request, route: RouteConfig): GeminiRequestConversion {
  const model = route.model;
  const warnings: string[] = [];
  const names = buildToolNameMap(req.tools, GEMINI_TOOL_NAME_RULES);

  const { systemInstruction, contents } = convertToGeminiContents(req, model, names, warnings);
  const body: GeminiRequestBody = { contents };
  if (systemInstruction) body.systemInstruction = systemInstruction;

  if (req.tools.length > 0) {
    body.tools = [{ functionDeclarations: req.tools.map((t) => convertToGeminiFunctionDeclaration(t, names)) }];
    // Gemini decides on parallel calls itself (https://ai.google.dev/gemini-api/docs/function-calling#parallel_function_calling).
    if (req.parallelToolCalls === false) warnings.push('parallel_tool_calls: false not sent: Gemini has no setting for it');
  }
  const toolConfig = convertToGeminiToolConfig(req, names);
  if (toolConfig) body.toolConfig = toolConfig;

  body.safetySettings = geminiSafetySettings(route);

  // https://ai.google.dev/api/generate-content#generationconfig
  const config: GeminiGenerationConfig = {};
  const maxOutputTokens = req.maxOutputTokens ?? route.max_output_tokens;
  if (maxOutputTokens !== undefined) config.maxOutputTokens = maxOutputTokens;
  if (req.temperature !== undefined) config.temperature = req.temperature;
  if (req.topP !== undefined) config.topP = req.topP;
  if (req.stop !== undefined && req.stop.length > 0) config.stopSequences = req.stop;
  if (req.seed !== undefined) config.seed = req.seed;
  if (req.presencePenalty !== undefined) config.presencePenalty = req.presencePenalty;
  if (req.frequencyPenalty !== undefined) config.frequencyPenalty = req.frequencyPenalty;

  // Structured output: https://ai.google.dev/gemini-api/docs/structured-output. The schema
  // goes as JSON Schema (`responseJsonSchema`), which keeps additionalProperties, $ref and
  // unions; only the `$schema`/`$id` annotations are left out.
  const format = req.responseFormat;
  if (format?.type === 'json_object') config.responseMimeType = 'application/json';
  else if (format?.type === 'json_schema') {
    config.responseMimeType = 'application/json';
    const { $schema: _s, $id: _i, ...schema } = format.schema;
    config.responseJsonSchema = schema;
  }

  const thinking = convertToGeminiThinkingConfig(req, model, warnings);
  if (thinking) config.thinkingConfig = thinking;
  if (Object.keys(config).length > 0) body.generationConfig = config;

  if (req.verbosity !== undefined) warnings.push(`text.verbosity '${req.verbosity}' not sent: Gemini has no such parameter`);

  return { body, names, warnings };
}
