// Canonical request → a streamed Anthropic Messages request (`POST /v1/messages`).
// https://docs.anthropic.com/en/api/messages
//
// What does not fit is refused with a 400 naming the field, or approximated and recorded
// in `warnings`; nothing is dropped silently. The pieces, one file each:
// system + messages (convert-to-anthropic-messages.ts), tools and tool_choice
// (convert-to-anthropic-tools.ts), thinking (map-anthropic-thinking.ts and
// check-thinking-continuity.ts), prompt caching (add-cache-breakpoints.ts), per-model
// differences (anthropic-model-profile.ts).
//
// - `max_tokens` (required by Anthropic): the request's max_output_tokens, else the
//   route's `max_output_tokens`, else the model's default (32000 for current models;
//   Codex sends none, and a `max_tokens` stop fails a Codex turn).
// - `text.format` json_schema → `output_config.format` (Anthropic's JSON outputs: the answer
//   streams as ordinary text, which is what a Responses client expects in output_text,
//   and unlike a forced tool it works with thinking). Needs a model with structured
//   outputs (Claude 4.5 and later); older models answer 400 naming the field.
//   json_object (no Anthropic equivalent) → an instruction in the system prompt, warned.
// - Sampling: temperature (0–2 at OpenAI) is capped at 1; Claude 4.1+ refuse temperature
//   together with top_p, so top_p is left out then; thinking allows neither a changed
//   temperature nor top_p below 0.95; Opus 4.7+ refuse all sampling parameters. Each
//   omission is warned about. seed, penalties and verbosity have no Anthropic equivalent.
import type { Request } from '../../canonical/types.js';
import { buildToolNameMap, type ToolNameMap } from '../shared/tool-names.js';
import { addCacheBreakpoints } from './add-cache-breakpoints.js';
import type { AnthropicOutputConfig, AnthropicRequestBody, AnthropicTool } from './anthropic-api.js';
import { anthropicModelProfile } from './anthropic-model-profile.js';
import { thinkingCanContinue } from './check-thinking-continuity.js';
import { convertToAnthropicMessages } from './convert-to-anthropic-messages.js';
import {
  ANTHROPIC_TOOL_NAME_RULES,
  convertToAnthropicTool,
  convertToAnthropicToolChoice,
  historyOnlyTools,
} from './convert-to-anthropic-tools.js';
import { mapAnthropicThinking } from './map-anthropic-thinking.js';

export interface AnthropicTarget {
  // The upstream model (the route's `model`).
  model: string;
  // The route's `max_output_tokens`.
  maxOutputTokens?: number;
  // The route's `prompt_cache` (default auto).
  promptCache?: 'auto' | 'off';
}

export interface AnthropicRequestConversion {
  body: AnthropicRequestBody;
  // Hand it to parseAnthropicStream: it restores namespaces and custom tools in the reply.
  names: ToolNameMap;
  warnings: string[];
}

export const JSON_OBJECT_INSTRUCTION = 'Respond with one valid JSON object and nothing else: no prose, no code fences.';

export function convertToAnthropicRequest(req: Request, target: AnthropicTarget): AnthropicRequestConversion {
  const warnings: string[] = [];
  const { model } = target;
  const profile = anthropicModelProfile(model);
  const names = buildToolNameMap(req.tools, ANTHROPIC_TOOL_NAME_RULES);
  const { system, messages } = convertToAnthropicMessages(req, names, model, warnings);

  const maxTokens = req.maxOutputTokens ?? target.maxOutputTokens ?? profile.defaultMaxTokens;
  const body: AnthropicRequestBody = { model, max_tokens: maxTokens, messages, stream: true };

  let tools: AnthropicTool[] = req.tools.map((t) => convertToAnthropicTool(t, names));
  let toolChoice = convertToAnthropicToolChoice(req, names);
  if (tools.length === 0) {
    tools = historyOnlyTools(messages);
    if (tools.length > 0) {
      toolChoice = { type: 'none' };
      warnings.push(`no tools offered but the history holds tool calls: ${tools.map((t) => t.name).join(', ')} declared with tool_choice none so Anthropic accepts the history`);
    }
  }
  if (tools.length > 0) body.tools = tools;

  const outputConfig: AnthropicOutputConfig = {};
  const format = req.responseFormat;
  if (format?.type === 'json_schema') {
    outputConfig.format = { type: 'json_schema', schema: format.schema };
  } else if (format?.type === 'json_object') {
    system.push({ type: 'text', text: JSON_OBJECT_INSTRUCTION });
    warnings.push('text.format json_object: Anthropic has no JSON mode; asked for in the system prompt instead');
  }
  if (system.length > 0) body.system = system;

  // Thinking, then what thinking rules out.
  const choice = mapAnthropicThinking(req.reasoning?.effort, profile, maxTokens, model, warnings);
  let thinking = choice.thinking;
  if (thinking && (toolChoice?.type === 'any' || toolChoice?.type === 'tool')) {
    // https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking#extended-thinking-with-tool-use
    thinking = undefined;
    warnings.push('thinking turned off for this request: Anthropic allows forced tool use (tool_choice required or a named tool) only without thinking');
  }
  if (thinking && !thinkingCanContinue(messages)) {
    thinking = undefined;
    warnings.push(
      'thinking turned off for this request: the tool-use turn in progress has no thinking block to send back (its reasoning item was lost, came from another provider or model, or the client keeps none), and Anthropic refuses thinking without it',
    );
  }
  if (thinking && messages.at(-1)?.role === 'assistant') {
    thinking = undefined;
    warnings.push('thinking turned off for this request: Anthropic does not allow thinking with a prefilled assistant message');
  }
  if (thinking) body.thinking = thinking;
  if (choice.effort) outputConfig.effort = choice.effort;
  if (outputConfig.effort || outputConfig.format) body.output_config = outputConfig;

  if (tools.length > 0 && toolChoice) body.tool_choice = toolChoice;

  applySampling(body, req, profile.acceptsSamplingParams, thinking !== undefined, model, warnings);
  if (req.stop && req.stop.length > 0) body.stop_sequences = req.stop;
  // https://docs.anthropic.com/en/api/messages#body-metadata (an opaque id, no PII).
  if (req.user) body.metadata = { user_id: req.user };
  if (req.seed !== undefined) warnings.push('seed not sent: Anthropic has no seed parameter');
  if (req.presencePenalty !== undefined) warnings.push('presence_penalty not sent: Anthropic has no such parameter');
  if (req.frequencyPenalty !== undefined) warnings.push('frequency_penalty not sent: Anthropic has no such parameter');
  if (req.verbosity !== undefined) warnings.push(`text.verbosity '${req.verbosity}' not sent: Anthropic has no such parameter`);

  if ((target.promptCache ?? 'auto') === 'auto') addCacheBreakpoints(body);
  return { body, names, warnings };
}

function applySampling(body: AnthropicRequestBody, req: Request, accepted: boolean, thinking: boolean, model: string, warnings: string[]): void {
  let temperature = req.temperature;
  let topP = req.topP;
  if (!accepted) {
    if (temperature !== undefined || topP !== undefined) warnings.push(`temperature/top_p not sent: ${model} does not accept sampling parameters`);
    return;
  }
  if (temperature !== undefined && temperature > 1) {
    warnings.push(`temperature ${temperature} sent as 1 (Anthropic's range is 0 to 1)`);
    temperature = 1;
  }
  if (thinking) {
    if (temperature !== undefined && temperature !== 1) {
      warnings.push(`temperature ${temperature} not sent: Anthropic allows no temperature change with thinking`);
      temperature = undefined;
    }
    if (topP !== undefined && topP < 0.95) {
      warnings.push(`top_p ${topP} not sent: Anthropic allows top_p between 0.95 and 1 with thinking`);
      topP = undefined;
    }
  }
  if (temperature !== undefined && topP !== undefined) {
    warnings.push('top_p not sent: Claude models refuse temperature and top_p together; temperature kept');
    topP = undefined;
  }
  if (temperature !== undefined) body.temperature = temperature;
  if (topP !== undefined) body.top_p = topP;
}
