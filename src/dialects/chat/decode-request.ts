// Decodes an inbound Chat Completions body (`POST /v1/chat/completions`) into the
// canonical Request, validating as it goes: every problem is a 400 naming the
// field (`messages[2].tool_call_id`), and every field the canonical model cannot
// carry is refused by name rather than silently dropped.
// Reference: https://platform.openai.com/docs/api-reference/chat/create
//
// | field                                | handling                                                  |
// |--------------------------------------|-----------------------------------------------------------|
// | model                                | required string → model (a route alias)                   |
// | messages                             | → items, system/developer in place (decode-chat-messages) |
// | tools, tool_choice                   | → tools, toolChoice (decode-chat-tools, -tool-choice)     |
// | parallel_tool_calls                  | → parallelToolCalls                                       |
// | response_format                      | → responseFormat (decode-chat-response-format)            |
// | max_completion_tokens, max_tokens    | → maxOutputTokens (either; both only if equal)            |
// | temperature, top_p, stop, seed,      | → the same canonical fields                               |
// | presence_penalty, frequency_penalty  |                                                           |
// | reasoning_effort, verbosity          | → reasoning.effort, verbosity                             |
// | stream, stream_options.include_usage | → stream; include_usage via decodeChatOptions             |
// | store, prompt_cache_key, metadata    | → the same canonical fields                               |
// | user, safety_identifier              | → user (`user` first; warning when both differ)           |
// | n, logprobs, audio, modalities, …    | 400 unsupported unless neutral (reject-unsupported-…)     |
// | anything else                        | 400 unknown_parameter naming it                           |
import type { ReasoningEffort, Request } from '../../canonical/types.js';
import { invalidRequest } from '../../http/errors.js';
import { isObject, optional, type JsonObject } from '../shared/validate-fields.js';
import { optBoolean, optEnum, optInteger, optNumber, optString, requireObject, requireString } from './decode-chat-checks.js';
import { decodeChatMessages } from './decode-chat-messages.js';
import { decodeChatResponseFormat } from './decode-chat-response-format.js';
import { decodeChatToolChoice } from './decode-chat-tool-choice.js';
import { decodeChatTools } from './decode-chat-tools.js';
import { rejectUnsupportedChatParams } from './reject-unsupported-chat-params.js';

export interface ChatOptions {
  // `stream_options.include_usage`: the client wants the trailing usage chunk.
  includeUsage: boolean;
}

// Top-level parameters this dialect accepts; anything else is `unknown_parameter`,
// as OpenAI answers ("Unrecognized request argument supplied").
const KNOWN_PARAMS = new Set([
  'model', 'messages', 'tools', 'tool_choice', 'parallel_tool_calls', 'response_format',
  'max_tokens', 'max_completion_tokens', 'temperature', 'top_p', 'stop', 'seed',
  'presence_penalty', 'frequency_penalty', 'reasoning_effort', 'verbosity', 'stream',
  'stream_options', 'user', 'safety_identifier', 'metadata', 'store', 'prompt_cache_key',
  // Accepted only at their neutral values; see reject-unsupported-chat-params.ts.
  'n', 'logprobs', 'top_logprobs', 'audio', 'modalities', 'prediction', 'web_search_options',
  'logit_bias', 'service_tier', 'prompt_cache_retention', 'functions', 'function_call',
]);

const REASONING_EFFORTS: readonly ReasoningEffort[] = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh'];
const VERBOSITIES = ['low', 'medium', 'high'] as const;

export function decodeChatRequest(body: unknown): Request {
  if (!isObject(body)) throw invalidRequest('body', 'must be a JSON object');
  for (const key of Object.keys(body)) {
    if (!KNOWN_PARAMS.has(key)) throw invalidRequest(key, 'unrecognized request argument', 'unknown_parameter');
  }
  rejectUnsupportedChatParams(body);

  // Absent: the routing policy chooses (issue 4).
  const model = body.model === undefined ? '' : requireString(body.model, 'model');
  const warnings: string[] = [];
  const stream = optBoolean(body, 'stream') ?? false;
  decodeStreamOptions(body, stream);
  const tools = decodeChatTools(body.tools);
  const items = decodeChatMessages(body.messages, warnings);

  // Fields are read in this order, so the first mistake is the one reported.
  return {
    model,
    items,
    tools,
    ...optional('toolChoice', decodeChatToolChoice(body.tool_choice, tools)),
    ...optional('parallelToolCalls', optBoolean(body, 'parallel_tool_calls')),
    ...optional('responseFormat', decodeChatResponseFormat(body.response_format)),
    ...optional('maxOutputTokens', decodeMaxTokens(body)),
    ...optional('temperature', optNumber(body, 'temperature', 0, 2)),
    ...optional('topP', optNumber(body, 'top_p', 0, 1)),
    ...optional('stop', decodeStop(body.stop)),
    ...optional('seed', optInteger(body, 'seed', Number.MIN_SAFE_INTEGER)),
    ...optional('presencePenalty', optNumber(body, 'presence_penalty', -2, 2)),
    ...optional('frequencyPenalty', optNumber(body, 'frequency_penalty', -2, 2)),
    ...optional('reasoning', decodeReasoningEffort(body)),
    ...optional('verbosity', optEnum(body, 'verbosity', VERBOSITIES)),
    stream,
    ...optional('store', optBoolean(body, 'store')),
    ...optional('promptCacheKey', optString(body, 'prompt_cache_key')),
    ...optional('metadata', decodeMetadata(body.metadata)),
    ...optional('user', decodeUser(body, warnings)),
    removedTools: [],
    warnings,
  };
}

// Reads what the Chat encoder needs beyond the canonical Request. Validates the
// same field decodeChatRequest does, so either may be called first.
export function decodeChatOptions(body: unknown): ChatOptions {
  if (!isObject(body)) throw invalidRequest('body', 'must be a JSON object');
  const stream = optBoolean(body, 'stream') ?? false;
  return { includeUsage: decodeStreamOptions(body, stream) };
}

function decodeStreamOptions(body: JsonObject, stream: boolean): boolean {
  const options = body.stream_options;
  if (options === undefined || options === null) return false;
  if (!isObject(options)) throw invalidRequest('stream_options', 'must be an object');
  // OpenAI refuses stream_options on a non-streamed request; mirror it so clients
  // tested against us behave the same against OpenAI.
  if (!stream) throw invalidRequest('stream_options', "is only allowed when 'stream' is true");
  for (const key of Object.keys(options)) {
    // include_obfuscation only toggles OpenAI's padding field, which we never send.
    if (key !== 'include_usage' && key !== 'include_obfuscation') {
      throw invalidRequest(`stream_options.${key}`, 'unrecognized request argument', 'unknown_parameter');
    }
  }
  optBoolean(options, 'include_obfuscation', 'stream_options.include_obfuscation');
  return optBoolean(options, 'include_usage', 'stream_options.include_usage') ?? false;
}

// `max_tokens` is the deprecated spelling of `max_completion_tokens` (OpenAI refuses it
// for reasoning models); both mean the output cap, so either is accepted, not both differing.
function decodeMaxTokens(body: JsonObject): number | undefined {
  const completion = optInteger(body, 'max_completion_tokens', 1);
  const legacy = optInteger(body, 'max_tokens', 1);
  if (completion !== undefined && legacy !== undefined && completion !== legacy) {
    throw invalidRequest('max_tokens', "conflicts with 'max_completion_tokens'; send only one");
  }
  return completion ?? legacy;
}

function decodeStop(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return [value];
  if (!Array.isArray(value) || value.some((s) => typeof s !== 'string')) {
    throw invalidRequest('stop', 'must be a string or an array of strings');
  }
  return value.length > 0 ? (value as string[]) : undefined;
}

function decodeReasoningEffort(body: JsonObject): Request['reasoning'] {
  const effort = optEnum(body, 'reasoning_effort', REASONING_EFFORTS);
  return effort === undefined ? undefined : { effort };
}

function decodeMetadata(value: unknown): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  const metadata = requireObject(value, 'metadata');
  for (const [key, v] of Object.entries(metadata)) {
    if (typeof v !== 'string') throw invalidRequest(`metadata.${key}`, 'must be a string');
  }
  return metadata as Record<string, string>;
}

// OpenAI introduced `safety_identifier` to replace `user` for abuse tracking; both name
// the end user, which is what canonical `user` carries.
function decodeUser(body: JsonObject, warnings: string[]): string | undefined {
  const user = optString(body, 'user');
  const safety = optString(body, 'safety_identifier');
  if (user !== undefined && safety !== undefined && user !== safety) {
    warnings.push("safety_identifier was ignored: 'user' was also sent");
  }
  return user ?? safety;
}
