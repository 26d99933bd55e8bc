// POST /v1/responses body → canonical Request, validated: every mistake is a 400 that
// names the exact field (`input[3].call_id`), in OpenAI's error shape and codes.
// https://platform.openai.com/docs/api-reference/responses/create
//
// What happens to each top-level field. Every field the real Codex CLI 0.169 sends
// (test/fixtures/codex/*-request.json) is accepted.
//
// | field                         | handling                                                      |
// |-------------------------------|---------------------------------------------------------------|
// | model                         | string → model (a route alias); absent → '' (routed by policy)  |
// | input                         | string (one user message) or items → items (decode-input-items)|
// | instructions                  | → instructions                                                |
// | tools                         | → tools; hosted tools → removedTools + warning (decode-tools) |
// | tool_choice                   | → toolChoice; allowed_tools / hosted: approximation + warning |
// | parallel_tool_calls           | → parallelToolCalls                                           |
// | reasoning                     | {effort, summary (generate_summary)} → reasoning              |
// | text                          | format → responseFormat, verbosity → verbosity                |
// | max_output_tokens             | → maxOutputTokens                                             |
// | temperature, top_p            | → temperature, topP                                           |
// | stream                        | → stream (default false)                                      |
// | store, include                | → store, include (kept for OpenAI upstreams)                  |
// | prompt_cache_key              | → promptCacheKey                                              |
// | metadata                      | → metadata (string values)                                    |
// | user, safety_identifier       | → user (`user` first; safety_identifier is its successor)     |
// | previous_response_id          | 400 unsupported: the gateway is stateless, send the history   |
// | conversation                  | 400 unsupported: same reason                                  |
// | background: true              | 400 unsupported: needs a stored response to poll              |
// | prompt                        | 400 unsupported: a template stored at OpenAI, changes the input|
// | context_management (non-empty)| 400 unsupported: server-side compaction rewrites the history |
// | top_logprobs > 0              | 400 unsupported: canonical streams carry no logprobs          |
// | truncation: 'auto'            | warning: the gateway never truncates; an over-long input      |
// |                               | fails with context_length_exceeded instead                    |
// | service_tier (not auto/default)| warning: a billing/latency tier, no canonical field          |
// | prompt_cache_retention        | warning: cache lifetime only, no canonical field              |
// | client_metadata               | ignored: Codex bookkeeping (thread, turn and window ids, also |
// |                               | sent as headers); it never reaches the model                  |
// | stream_options                | ignored: only `include_obfuscation`, SSE padding the gateway  |
// |                               | writes (or not) itself                                        |
// | max_tool_calls                | ignored: it caps calls to hosted tools, which are removed     |
// | anything else                 | 400 unknown_parameter naming it, as OpenAI answers            |
import type { Request } from '../../canonical/types.js';
import { GatewayError, invalidRequest, unsupported } from '../../http/errors.js';
import { isObject, optional, type JsonObject } from '../shared/validate-fields.js';
import {
  expectArray,
  expectObject,
  optionalBoolean,
  optionalNumber,
  optionalString,
  requiredString,
  unknownParameter,
  wrongType,
} from './decode-checks.js';
import { decodeInput } from './decode-input-items.js';
import { decodeReasoningConfig, decodeText } from './decode-text-config.js';
import { decodeToolChoice } from './decode-tool-choice.js';
import { decodeTools } from './decode-tools.js';

const KNOWN_FIELDS = new Set([
  'model',
  'input',
  'instructions',
  'tools',
  'tool_choice',
  'parallel_tool_calls',
  'reasoning',
  'text',
  'max_output_tokens',
  'temperature',
  'top_p',
  'stream',
  'store',
  'include',
  'prompt_cache_key',
  'metadata',
  'user',
  'safety_identifier',
  'previous_response_id',
  'conversation',
  'background',
  'prompt',
  'context_management',
  'top_logprobs',
  'truncation',
  'service_tier',
  'prompt_cache_retention',
  'client_metadata',
  'stream_options',
  'max_tool_calls',
]);

export function decodeResponsesRequest(body: unknown): Request {
  if (!isObject(body)) {
    throw new GatewayError(400, 'invalid_request_body', `The request body must be a JSON object, got ${body === null ? 'null' : Array.isArray(body) ? 'an array' : typeof body}.`);
  }
  for (const key of Object.keys(body)) if (!KNOWN_FIELDS.has(key)) throw unknownParameter(key);

  // Absent: the routing policy chooses (issue 4); present, it must name something.
  const model = optionalString(body, 'model', 'model') ?? '';
  if ('model' in body && model === '') throw invalidRequest('model', 'must not be empty');
  refuseStatefulFeatures(body);

  const warnings: string[] = [];
  const input = decodeInput(body.input);
  const declared = decodeTools(body.tools);
  const choice = decodeToolChoice(body.tool_choice, declared.tools);
  const text = decodeText(body.text);
  const reasoning = decodeReasoningConfig(body.reasoning);
  warnings.push(...input.warnings, ...declared.warnings, ...choice.warnings, ...text.warnings, ...reasoning.warnings);
  warnings.push(...ignoredButNoted(body));

  const instructions = optionalString(body, 'instructions', 'instructions');
  if (input.items.length === 0 && !instructions) throw invalidRequest('input', 'must contain at least one item');

  return {
    model,
    ...optional('instructions', instructions),
    items: input.items,
    tools: choice.tools,
    ...optional('toolChoice', choice.toolChoice),
    ...optional('parallelToolCalls', optionalBoolean(body, 'parallel_tool_calls', 'parallel_tool_calls')),
    ...optional('reasoning', reasoning.reasoning),
    ...optional('responseFormat', text.responseFormat),
    ...optional('verbosity', text.verbosity),
    ...optional('maxOutputTokens', optionalNumber(body, 'max_output_tokens', 'max_output_tokens', { min: 1, integer: true })),
    ...optional('temperature', optionalNumber(body, 'temperature', 'temperature', { min: 0, max: 2 })),
    ...optional('topP', optionalNumber(body, 'top_p', 'top_p', { min: 0, max: 1 })),
    stream: optionalBoolean(body, 'stream', 'stream') ?? false,
    ...optional('store', optionalBoolean(body, 'store', 'store')),
    ...optional('include', decodeInclude(body.include)),
    ...optional('promptCacheKey', optionalString(body, 'prompt_cache_key', 'prompt_cache_key')),
    ...optional('metadata', decodeMetadata(body.metadata)),
    ...optional(
      'user',
      optionalString(body, 'user', 'user') ?? optionalString(body, 'safety_identifier', 'safety_identifier'),
    ),
    removedTools: declared.removedTools,
    warnings,
  };
}

function refuseStatefulFeatures(body: JsonObject): void {
  if (optionalString(body, 'previous_response_id', 'previous_response_id') !== undefined) {
    throw unsupported('previous_response_id', 'the gateway is stateless; send the whole conversation in `input` (with store: false)');
  }
  if (body.conversation !== undefined && body.conversation !== null) {
    throw unsupported('conversation', 'the gateway is stateless; send the whole conversation in `input`');
  }
  if (optionalBoolean(body, 'background', 'background') === true) {
    throw unsupported('background', 'background responses need a stored response to poll; the gateway is stateless');
  }
  if (body.prompt !== undefined && body.prompt !== null) {
    throw unsupported('prompt', 'prompt templates are stored at OpenAI; send the instructions and input themselves');
  }
  if (body.context_management !== undefined && body.context_management !== null) {
    if (expectArray(body.context_management, 'context_management').length > 0) {
      throw unsupported('context_management', 'server-side compaction is not supported; compact on the client');
    }
  }
  if ((optionalNumber(body, 'top_logprobs', 'top_logprobs', { min: 0, max: 20, integer: true }) ?? 0) > 0) {
    throw unsupported('top_logprobs', 'log probabilities are not returned by the gateway');
  }
}

function ignoredButNoted(body: JsonObject): string[] {
  const warnings: string[] = [];
  const truncation = optionalString(body, 'truncation', 'truncation');
  if (truncation !== undefined && truncation !== 'auto' && truncation !== 'disabled') {
    throw invalidRequest('truncation', `got '${truncation}'; supported values are 'auto', 'disabled'`);
  }
  if (truncation === 'auto') {
    warnings.push("truncation 'auto' ignored: the gateway does not truncate; an input over the context window fails instead");
  }
  const tier = optionalString(body, 'service_tier', 'service_tier');
  if (tier !== undefined && tier !== 'auto' && tier !== 'default') {
    warnings.push(`service_tier '${tier}' ignored: not carried to the upstream`);
  }
  const retention = optionalString(body, 'prompt_cache_retention', 'prompt_cache_retention');
  if (retention !== undefined) warnings.push(`prompt_cache_retention '${retention}' ignored: not carried to the upstream`);
  if (body.client_metadata !== undefined && body.client_metadata !== null) expectObject(body.client_metadata, 'client_metadata');
  if (body.stream_options !== undefined && body.stream_options !== null) expectObject(body.stream_options, 'stream_options');
  optionalNumber(body, 'max_tool_calls', 'max_tool_calls', { min: 0, integer: true });
  return warnings;
}

function decodeInclude(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  return expectArray(value, 'include').map((v, i) => {
    if (typeof v !== 'string') throw wrongType(`include[${i}]`, 'a string', v);
    return v;
  });
}

function decodeMetadata(value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  const obj = expectObject(value, 'metadata');
  for (const [k, v] of Object.entries(obj)) {
    if (typeof v !== 'string') throw wrongType(`metadata.${k}`, 'a string', v);
  }
  return obj as Record<string, string>;
}
