// Canonical Request → OpenAI Responses API body (translation: openai_responses_v1): the
// inverse of src/dialects/responses/decode-request.ts, so a Codex request that goes
// through the canonical model reaches OpenAI as Codex wrote it, except for:
//   - `model`: the route's upstream model;
//   - hosted tools (web_search, tool_search, …): removed at decode time (req.removedTools);
//   - `stream`: always true (the gateway streams upstream and buffers for non-stream clients);
//   - `client_metadata`, item `status`, `reasoning.content: null`: not carried (see the
//     decoder's field table); reasoning items that cannot be resolved are left out (below);
//   - `stop`, `seed`, `presence_penalty`, `frequency_penalty`: Chat Completions knobs the
//     Responses API does not take; `responsesRequestWarnings` lists them for the turn.
// https://platform.openai.com/docs/api-reference/responses/create
import type { Request, Tool, ToolChoice } from '../../canonical/types.js';
import { convertToResponsesInput } from './convert-to-responses-input.js';

type Json = Record<string, unknown>;

export function convertToResponsesRequest(req: Request, target: { model: string }): Json {
  const body: Json = {
    model: target.model,
    ...(req.instructions !== undefined ? { instructions: req.instructions } : {}),
    input: convertToResponsesInput(req.items, req.store),
    // Sent even when empty: Codex's compaction call sends `tools: []` and OpenAI takes it.
    tools: convertTools(req.tools),
  };
  if (req.toolChoice !== undefined) body.tool_choice = convertToolChoice(req.toolChoice);
  if (req.parallelToolCalls !== undefined) body.parallel_tool_calls = req.parallelToolCalls;
  if (req.reasoning !== undefined) body.reasoning = { ...req.reasoning };
  const text: Json = {};
  if (req.responseFormat !== undefined) text.format = { ...req.responseFormat };
  if (req.verbosity !== undefined) text.verbosity = req.verbosity;
  if (Object.keys(text).length > 0) body.text = text;
  if (req.maxOutputTokens !== undefined) body.max_output_tokens = req.maxOutputTokens;
  if (req.temperature !== undefined) body.temperature = req.temperature;
  if (req.topP !== undefined) body.top_p = req.topP;
  body.stream = true;
  if (req.store !== undefined) body.store = req.store;
  if (req.include !== undefined) body.include = [...req.include];
  if (req.promptCacheKey !== undefined) body.prompt_cache_key = req.promptCacheKey;
  if (req.metadata !== undefined) body.metadata = { ...req.metadata };
  if (req.user !== undefined) body.user = req.user;
  return body;
}

// What the Responses API cannot carry from this request, for the turn's warnings.
export function responsesRequestWarnings(req: Request): string[] {
  const dropped: string[] = [];
  if (req.stop !== undefined && req.stop.length > 0) dropped.push('stop');
  if (req.seed !== undefined) dropped.push('seed');
  if (req.presencePenalty !== undefined) dropped.push('presence_penalty');
  if (req.frequencyPenalty !== undefined) dropped.push('frequency_penalty');
  const unresolvable = req.items.filter(
    (i) => i.type === 'reasoning' && i.encryptedContent === undefined && !(req.store === true && i.id !== undefined),
  ).length;
  const warnings = dropped.map((f) => `${f} ignored: the OpenAI Responses API has no such parameter`);
  if (unresolvable > 0) {
    warnings.push(`left out ${unresolvable} reasoning item(s) without encrypted_content: OpenAI cannot resolve them with store: false`);
  }
  return warnings;
}

// Functions that share a `namespace` go back into one `namespace` tool, placed where
// its first member was (the decoder flattened it in place, so Codex's order survives).
function convertTools(tools: Tool[]): Json[] {
  const out: Json[] = [];
  const namespaces = new Map<string, Json[]>();
  for (const tool of tools) {
    if (tool.type === 'custom') {
      out.push({
        type: 'custom',
        name: tool.name,
        ...(tool.description !== undefined ? { description: tool.description } : {}),
        ...(tool.format !== undefined ? { format: { ...tool.format } } : {}),
      });
      continue;
    }
    const fn: Json = {
      type: 'function',
      name: tool.name,
      ...(tool.description !== undefined ? { description: tool.description } : {}),
      ...(tool.strict !== undefined ? { strict: tool.strict } : {}),
      parameters: tool.parameters,
    };
    if (tool.namespace === undefined) {
      out.push(fn);
      continue;
    }
    let members = namespaces.get(tool.namespace);
    if (!members) {
      members = [];
      namespaces.set(tool.namespace, members);
      out.push({
        type: 'namespace',
        name: tool.namespace,
        ...(tool.namespaceDescription !== undefined ? { description: tool.namespaceDescription } : {}),
        tools: members,
      });
    }
    members.push(fn);
  }
  return out;
}

// OpenAI's ToolChoiceFunction has only a name; the namespace is implied by the tools.
function convertToolChoice(choice: ToolChoice): unknown {
  if (typeof choice === 'string') return choice;
  return { type: choice.type, name: choice.name };
}
