// Decodes an inbound Chat Completions body (`POST /v1/chat/completions`) into the
// canonical Request, validating as it goes: every problem is a 400 naming the
// field (`messages[2].tool_call_id`), and every field the canonical model cannot
// carry is refused by name rather than silently dropped.
// Reference: https://platform.openai.com/docs/api-reference/chat/create
import type {
  ContentPart,
  CustomToolFormat,
  Item,
  ReasoningEffort,
  Request,
  ResponseFormat,
  Tool,
  ToolChoice,
  ToolOutput,
} from '../../canonical/types.js';
import { invalidRequest, unsupported } from '../../http/errors.js';

type Json = Record<string, unknown>;

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
  // Accepted only at their neutral values; see rejectUnsupportedParams.
  'n', 'logprobs', 'top_logprobs', 'audio', 'modalities', 'prediction', 'web_search_options',
  'logit_bias', 'service_tier', 'prompt_cache_retention', 'functions', 'function_call',
]);

const REASONING_EFFORTS: readonly ReasoningEffort[] = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh'];
const VERBOSITIES = ['low', 'medium', 'high'] as const;
const IMAGE_DETAILS = ['auto', 'low', 'high'] as const;

export function decodeChatRequest(body: unknown): Request {
  if (!isObject(body)) throw invalidRequest('body', 'must be a JSON object');
  for (const key of Object.keys(body)) {
    if (!KNOWN_PARAMS.has(key)) throw invalidRequest(key, 'unrecognized request argument', 'unknown_parameter');
  }
  rejectUnsupportedParams(body);

  const model = requireString(body.model, 'model');
  const warnings: string[] = [];
  const stream = optBoolean(body, 'stream') ?? false;
  decodeStreamOptions(body, stream);
  const tools = decodeTools(body.tools);

  const request: Request = {
    model,
    items: decodeMessages(body.messages, warnings),
    tools,
    stream,
    removedTools: [],
    warnings,
  };

  const toolChoice = decodeToolChoice(body.tool_choice, tools);
  if (toolChoice !== undefined) request.toolChoice = toolChoice;
  const parallel = optBoolean(body, 'parallel_tool_calls');
  if (parallel !== undefined) request.parallelToolCalls = parallel;
  const responseFormat = decodeResponseFormat(body.response_format);
  if (responseFormat) request.responseFormat = responseFormat;

  const maxOutputTokens = decodeMaxTokens(body);
  if (maxOutputTokens !== undefined) request.maxOutputTokens = maxOutputTokens;
  const temperature = optNumber(body, 'temperature', 0, 2);
  if (temperature !== undefined) request.temperature = temperature;
  const topP = optNumber(body, 'top_p', 0, 1);
  if (topP !== undefined) request.topP = topP;
  const stop = decodeStop(body.stop);
  if (stop) request.stop = stop;
  const seed = optInteger(body, 'seed', Number.MIN_SAFE_INTEGER);
  if (seed !== undefined) request.seed = seed;
  const presencePenalty = optNumber(body, 'presence_penalty', -2, 2);
  if (presencePenalty !== undefined) request.presencePenalty = presencePenalty;
  const frequencyPenalty = optNumber(body, 'frequency_penalty', -2, 2);
  if (frequencyPenalty !== undefined) request.frequencyPenalty = frequencyPenalty;

  const effort = optEnum(body, 'reasoning_effort', REASONING_EFFORTS);
  if (effort !== undefined) request.reasoning = { effort };
  const verbosity = optEnum(body, 'verbosity', VERBOSITIES);
  if (verbosity !== undefined) request.verbosity = verbosity;

  const store = optBoolean(body, 'store');
  if (store !== undefined) request.store = store;
  const promptCacheKey = optString(body, 'prompt_cache_key');
  if (promptCacheKey !== undefined) request.promptCacheKey = promptCacheKey;
  const metadata = decodeMetadata(body.metadata);
  if (metadata) request.metadata = metadata;
  const user = decodeUser(body, warnings);
  if (user !== undefined) request.user = user;
  return request;
}

// Reads what the Chat encoder needs beyond the canonical Request. Validates the
// same field decodeChatRequest does, so either may be called first.
export function decodeChatOptions(body: unknown): ChatOptions {
  if (!isObject(body)) throw invalidRequest('body', 'must be a JSON object');
  const stream = optBoolean(body, 'stream') ?? false;
  return { includeUsage: decodeStreamOptions(body, stream) };
}

// Features the canonical model cannot carry. Their neutral values (n: 1,
// logprobs: false, service_tier: 'auto', …) change nothing and are accepted.
function rejectUnsupportedParams(body: Json): void {
  const set = (key: string) => body[key] !== undefined && body[key] !== null;
  if (set('n') && body.n !== 1) {
    if (!Number.isInteger(body.n) || (body.n as number) < 1) throw invalidRequest('n', 'must be a positive integer');
    throw unsupported('n', 'only one choice per request is supported (n: 1)');
  }
  if (set('logprobs') && body.logprobs !== false) throw unsupported('logprobs', 'log probabilities are not available through this gateway');
  if (set('top_logprobs') && body.top_logprobs !== 0) throw unsupported('top_logprobs', 'log probabilities are not available through this gateway');
  if (set('audio')) throw unsupported('audio', 'audio output is not supported');
  if (set('modalities')) {
    if (!Array.isArray(body.modalities)) throw invalidRequest('modalities', 'must be an array');
    if (body.modalities.includes('audio')) throw unsupported('modalities', 'audio output is not supported');
    if (body.modalities.some((m) => m !== 'text')) throw invalidRequest('modalities', "only 'text' is allowed");
  }
  if (set('prediction')) throw unsupported('prediction', 'predicted outputs are not supported');
  if (set('web_search_options')) throw unsupported('web_search_options', 'hosted web search is not available on every route');
  // logit_bias is token-id based and tokenizer-specific, so it cannot follow a request
  // to another provider; an empty map is accepted because it changes nothing.
  if (set('logit_bias')) {
    if (!isObject(body.logit_bias)) throw invalidRequest('logit_bias', 'must be an object');
    if (Object.keys(body.logit_bias).length > 0) throw unsupported('logit_bias', 'token biases are tokenizer-specific and cannot be routed');
  }
  // The route, not the client, picks the upstream and its tier; 'auto'/'default'
  // ask for nothing beyond that, the paid tiers would be silently ignored.
  if (set('service_tier') && body.service_tier !== 'auto' && body.service_tier !== 'default') {
    throw unsupported('service_tier', "only 'auto' and 'default' are supported");
  }
  if (set('prompt_cache_retention') && body.prompt_cache_retention !== 'in-memory') {
    throw unsupported('prompt_cache_retention', "only 'in-memory' is supported");
  }
  // The deprecated functions API predates tool call ids, which every provider needs.
  if (set('functions')) throw unsupported('functions', "the legacy functions API is not supported; send 'tools'");
  if (set('function_call')) throw unsupported('function_call', "the legacy functions API is not supported; send 'tool_choice'");
}

function decodeStreamOptions(body: Json, stream: boolean): boolean {
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

// ---- messages -------------------------------------------------------------

// Fields each role may carry. Assistant messages also accept what SDKs echo back
// when a client appends the previous response's message as is (`annotations`,
// `refusal: null`, `audio: null`, `function_call: null`) and DeepSeek-style
// `reasoning_content`, which some servers require back in tool-calling turns.
const MESSAGE_FIELDS: Record<string, Set<string>> = {
  system: new Set(['role', 'content', 'name']),
  developer: new Set(['role', 'content', 'name']),
  user: new Set(['role', 'content', 'name']),
  assistant: new Set(['role', 'content', 'name', 'refusal', 'tool_calls', 'function_call', 'audio', 'annotations', 'reasoning_content']),
  tool: new Set(['role', 'content', 'tool_call_id']),
};

function decodeMessages(value: unknown, warnings: string[]): Item[] {
  if (value === undefined || value === null) throw invalidRequest('messages', 'is required', 'missing_required_parameter');
  if (!Array.isArray(value)) throw invalidRequest('messages', 'must be an array');
  if (value.length === 0) throw invalidRequest('messages', 'must contain at least one message', 'empty_array');
  // call id → kind, so a `tool` message answers with the matching output type.
  const calls = new Map<string, 'function' | 'custom'>();
  const items: Item[] = [];
  value.forEach((raw, i) => {
    const path = `messages[${i}]`;
    if (!isObject(raw)) throw invalidRequest(path, 'must be an object');
    const role = raw.role;
    if (role === 'function') {
      throw unsupported(`${path}.role`, "legacy 'function' messages are not supported; use 'tool_calls' and 'tool' messages");
    }
    if (typeof role !== 'string' || !MESSAGE_FIELDS[role]) {
      throw invalidRequest(`${path}.role`, "must be one of 'system', 'developer', 'user', 'assistant', 'tool'");
    }
    for (const key of Object.keys(raw)) {
      if (!MESSAGE_FIELDS[role].has(key)) throw invalidRequest(`${path}.${key}`, 'unrecognized argument', 'unknown_parameter');
    }
    // Participant names have no canonical home and no provider but OpenAI reads them.
    if (raw.name !== undefined && raw.name !== null) {
      requireString(raw.name, `${path}.name`);
      warnings.push(`${path}.name was ignored: participant names are not forwarded`);
    }
    switch (role) {
      case 'system':
      case 'developer':
        items.push({ type: 'message', role, content: decodeTextContent(raw.content, `${path}.content`) });
        break;
      case 'user':
        items.push({ type: 'message', role: 'user', content: decodeUserContent(raw.content, `${path}.content`) });
        break;
      case 'assistant':
        items.push(...decodeAssistant(raw, path, calls));
        break;
      case 'tool':
        items.push(decodeToolMessage(raw, path, calls));
        break;
    }
  });
  return items;
}

function decodeTextContent(value: unknown, path: string): ContentPart[] {
  if (typeof value === 'string') return [{ type: 'text', text: value }];
  if (!Array.isArray(value)) throw invalidRequest(path, 'must be a string or an array of text parts');
  return value.map((part, j) => {
    const p = requireObject(part, `${path}[${j}]`);
    if (p.type !== 'text') throw invalidRequest(`${path}[${j}].type`, "must be 'text'");
    return decodeTextPart(p, `${path}[${j}]`);
  });
}

function decodeTextPart(p: Json, path: string): ContentPart {
  onlyFields(p, ['type', 'text'], path);
  return { type: 'text', text: requireString(p.text, `${path}.text`, true) };
}

function decodeUserContent(value: unknown, path: string): ContentPart[] {
  if (typeof value === 'string') return [{ type: 'text', text: value }];
  if (!Array.isArray(value)) throw invalidRequest(path, 'must be a string or an array of content parts');
  return value.map((part, j): ContentPart => {
    const at = `${path}[${j}]`;
    const p = requireObject(part, at);
    switch (p.type) {
      case 'text':
        return decodeTextPart(p, at);
      case 'image_url': {
        onlyFields(p, ['type', 'image_url'], at);
        const image = requireObject(p.image_url, `${at}.image_url`);
        onlyFields(image, ['url', 'detail'], `${at}.image_url`);
        const out: ContentPart = { type: 'image', url: requireString(image.url, `${at}.image_url.url`) };
        const detail = optEnum(image, 'detail', IMAGE_DETAILS, `${at}.image_url.detail`);
        if (detail) out.detail = detail;
        return out;
      }
      case 'file': {
        onlyFields(p, ['type', 'file'], at);
        const file = requireObject(p.file, `${at}.file`);
        onlyFields(file, ['file_data', 'file_id', 'filename'], `${at}.file`);
        const out: ContentPart & { type: 'file' } = { type: 'file' };
        const data = optString(file, 'file_data', `${at}.file.file_data`);
        const id = optString(file, 'file_id', `${at}.file.file_id`);
        const name = optString(file, 'filename', `${at}.file.filename`);
        if (data === undefined && id === undefined) throw invalidRequest(`${at}.file`, "needs 'file_data' or 'file_id'");
        if (data !== undefined) out.fileData = data;
        if (id !== undefined) out.fileId = id;
        if (name !== undefined) out.filename = name;
        return out;
      }
      case 'input_audio':
        throw unsupported(`${at}.type`, 'audio input is not supported');
      default:
        throw invalidRequest(`${at}.type`, "must be one of 'text', 'image_url', 'file'");
    }
  });
}

// One assistant turn becomes: reasoning (if echoed back), a message with its text
// and refusal (if any), then one item per tool call, in the order sent.
function decodeAssistant(raw: Json, path: string, calls: Map<string, 'function' | 'custom'>): Item[] {
  for (const key of ['audio', 'function_call'] as const) {
    if (raw[key] !== undefined && raw[key] !== null) {
      throw unsupported(`${path}.${key}`, key === 'audio' ? 'audio replies are not supported' : "legacy function calls are not supported; use 'tool_calls'");
    }
  }
  if (raw.annotations !== undefined && raw.annotations !== null && !Array.isArray(raw.annotations)) {
    throw invalidRequest(`${path}.annotations`, 'must be an array');
  }
  const items: Item[] = [];
  const reasoning = optString(raw, 'reasoning_content', `${path}.reasoning_content`);
  if (reasoning) items.push({ type: 'reasoning', summary: [], content: [reasoning] });

  const content: ContentPart[] = [];
  const value = raw.content;
  if (typeof value === 'string') content.push({ type: 'text', text: value });
  else if (Array.isArray(value)) {
    value.forEach((part, j) => {
      const at = `${path}.content[${j}]`;
      const p = requireObject(part, at);
      if (p.type === 'text') content.push(decodeTextPart(p, at));
      else if (p.type === 'refusal') {
        onlyFields(p, ['type', 'refusal'], at);
        content.push({ type: 'refusal', text: requireString(p.refusal, `${at}.refusal`, true) });
      } else throw invalidRequest(`${at}.type`, "must be 'text' or 'refusal'");
    });
  } else if (value !== undefined && value !== null) {
    throw invalidRequest(`${path}.content`, 'must be a string, an array of content parts, or null');
  }
  const refusal = optString(raw, 'refusal', `${path}.refusal`);
  if (refusal) content.push({ type: 'refusal', text: refusal });

  const toolCalls = decodeToolCalls(raw.tool_calls, path, calls);
  if (content.length === 0 && toolCalls.length === 0) {
    throw invalidRequest(`${path}.content`, "is required unless 'tool_calls' is set");
  }
  // An empty string beside tool calls is how many SDKs spell "no text"; providers
  // such as Anthropic refuse empty text blocks, so it is left out there.
  const parts = toolCalls.length > 0 ? content.filter((p) => !(p.type === 'text' && p.text === '')) : content;
  if (parts.length > 0) items.push({ type: 'message', role: 'assistant', content: parts });
  return [...items, ...toolCalls];
}

function decodeToolCalls(value: unknown, path: string, calls: Map<string, 'function' | 'custom'>): Item[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidRequest(`${path}.tool_calls`, 'must be an array');
  return value.map((raw, k): Item => {
    const at = `${path}.tool_calls[${k}]`;
    const call = requireObject(raw, at);
    const callId = requireString(call.id, `${at}.id`);
    if (call.type === 'function') {
      onlyFields(call, ['id', 'type', 'function'], at);
      const fn = requireObject(call.function, `${at}.function`);
      onlyFields(fn, ['name', 'arguments'], `${at}.function`);
      calls.set(callId, 'function');
      return {
        type: 'function_call',
        callId,
        name: requireString(fn.name, `${at}.function.name`),
        // Arguments are a JSON-encoded string on the wire; kept verbatim, since the
        // model's own text (even if malformed) is what the next turn must see.
        arguments: requireString(fn.arguments, `${at}.function.arguments`, true),
      };
    }
    if (call.type === 'custom') {
      onlyFields(call, ['id', 'type', 'custom'], at);
      const custom = requireObject(call.custom, `${at}.custom`);
      onlyFields(custom, ['name', 'input'], `${at}.custom`);
      calls.set(callId, 'custom');
      return {
        type: 'custom_tool_call',
        callId,
        name: requireString(custom.name, `${at}.custom.name`),
        input: requireString(custom.input, `${at}.custom.input`, true),
      };
    }
    throw invalidRequest(`${at}.type`, "must be 'function' or 'custom'");
  });
}

function decodeToolMessage(raw: Json, path: string, calls: Map<string, 'function' | 'custom'>): Item {
  const callId = requireString(raw.tool_call_id, `${path}.tool_call_id`);
  const kind = calls.get(callId);
  // Every provider pairs a result with its call (Anthropic refuses an orphan
  // tool_result), and OpenAI itself refuses one, so catch it here with a clear name.
  if (!kind) throw invalidRequest(`${path}.tool_call_id`, `'${callId}' does not match any tool call in an earlier assistant message`);
  const parts = decodeTextContent(raw.content, `${path}.content`);
  const output: ToolOutput = typeof raw.content === 'string' ? raw.content : parts;
  return kind === 'custom'
    ? { type: 'custom_tool_call_output', callId, output }
    : { type: 'function_call_output', callId, output };
}

// ---- tools ----------------------------------------------------------------

function decodeTools(value: unknown): Tool[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidRequest('tools', 'must be an array');
  const seen = new Map<string, number>();
  return value.map((raw, i): Tool => {
    const at = `tools[${i}]`;
    const tool = requireObject(raw, at);
    let decoded: Tool;
    let namePath: string;
    if (tool.type === 'function') {
      onlyFields(tool, ['type', 'function'], at);
      const fn = requireObject(tool.function, `${at}.function`);
      onlyFields(fn, ['name', 'description', 'parameters', 'strict'], `${at}.function`);
      namePath = `${at}.function.name`;
      decoded = {
        type: 'function',
        name: requireString(fn.name, namePath),
        // OpenAI treats omitted parameters as "takes no arguments".
        parameters: fn.parameters === undefined || fn.parameters === null ? { type: 'object', properties: {} } : requireObject(fn.parameters, `${at}.function.parameters`),
      };
      const description = optString(fn, 'description', `${at}.function.description`);
      if (description !== undefined) decoded.description = description;
      const strict = optBoolean(fn, 'strict', `${at}.function.strict`);
      if (strict !== undefined) decoded.strict = strict;
    } else if (tool.type === 'custom') {
      onlyFields(tool, ['type', 'custom'], at);
      const custom = requireObject(tool.custom, `${at}.custom`);
      onlyFields(custom, ['name', 'description', 'format'], `${at}.custom`);
      namePath = `${at}.custom.name`;
      decoded = { type: 'custom', name: requireString(custom.name, namePath) };
      const description = optString(custom, 'description', `${at}.custom.description`);
      if (description !== undefined) decoded.description = description;
      const format = decodeCustomFormat(custom.format, `${at}.custom.format`);
      if (format) decoded.format = format;
    } else {
      throw invalidRequest(`${at}.type`, "must be 'function' or 'custom'");
    }
    // Names are how calls find their tool on every provider; a duplicate is ambiguous.
    const earlier = seen.get(decoded.name);
    if (earlier !== undefined) throw invalidRequest(namePath, `duplicates the name of tools[${earlier}]`);
    seen.set(decoded.name, i);
    return decoded;
  });
}

function decodeCustomFormat(value: unknown, path: string): CustomToolFormat | undefined {
  if (value === undefined || value === null) return undefined;
  const format = requireObject(value, path);
  if (format.type === 'text') {
    onlyFields(format, ['type'], path);
    return { type: 'text' };
  }
  if (format.type === 'grammar') {
    onlyFields(format, ['type', 'grammar'], path);
    const grammar = requireObject(format.grammar, `${path}.grammar`);
    onlyFields(grammar, ['definition', 'syntax'], `${path}.grammar`);
    const syntax = optEnum(grammar, 'syntax', ['lark', 'regex'] as const, `${path}.grammar.syntax`);
    if (!syntax) throw invalidRequest(`${path}.grammar.syntax`, 'is required', 'missing_required_parameter');
    return { type: 'grammar', syntax, definition: requireString(grammar.definition, `${path}.grammar.definition`) };
  }
  throw invalidRequest(`${path}.type`, "must be 'text' or 'grammar'");
}

function decodeToolChoice(value: unknown, tools: Tool[]): ToolChoice | undefined {
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

// ---- output shaping ---------------------------------------------------------

function decodeResponseFormat(value: unknown): ResponseFormat | undefined {
  if (value === undefined || value === null) return undefined;
  const format = requireObject(value, 'response_format');
  if (format.type === 'text' || format.type === 'json_object') {
    onlyFields(format, ['type'], 'response_format');
    return { type: format.type };
  }
  if (format.type === 'json_schema') {
    onlyFields(format, ['type', 'json_schema'], 'response_format');
    const js = requireObject(format.json_schema, 'response_format.json_schema');
    onlyFields(js, ['name', 'schema', 'strict', 'description'], 'response_format.json_schema');
    const out: ResponseFormat = {
      type: 'json_schema',
      name: requireString(js.name, 'response_format.json_schema.name'),
      // Optional for OpenAI, but without a schema no other provider can constrain output.
      schema: requireObject(js.schema, 'response_format.json_schema.schema'),
    };
    const strict = optBoolean(js, 'strict', 'response_format.json_schema.strict');
    if (strict !== undefined) out.strict = strict;
    const description = optString(js, 'description', 'response_format.json_schema.description');
    if (description !== undefined) out.description = description;
    return out;
  }
  throw invalidRequest('response_format.type', "must be 'text', 'json_object' or 'json_schema'");
}

// `max_tokens` is the deprecated spelling of `max_completion_tokens` (OpenAI refuses it
// for reasoning models); both mean the output cap, so either is accepted, not both differing.
function decodeMaxTokens(body: Json): number | undefined {
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
function decodeUser(body: Json, warnings: string[]): string | undefined {
  const user = optString(body, 'user');
  const safety = optString(body, 'safety_identifier');
  if (user !== undefined && safety !== undefined && user !== safety) {
    warnings.push("safety_identifier was ignored: 'user' was also sent");
  }
  return user ?? safety;
}

// ---- small validators -------------------------------------------------------

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function requireObject(value: unknown, path: string): Json {
  if (value === undefined || value === null) throw invalidRequest(path, 'is required', 'missing_required_parameter');
  if (!isObject(value)) throw invalidRequest(path, 'must be an object');
  return value;
}

function requireString(value: unknown, path: string, allowEmpty = false): string {
  if (value === undefined || value === null) throw invalidRequest(path, 'is required', 'missing_required_parameter');
  if (typeof value !== 'string') throw invalidRequest(path, 'must be a string');
  if (!allowEmpty && value === '') throw invalidRequest(path, 'must not be empty');
  return value;
}

function onlyFields(obj: Json, allowed: readonly string[], path: string): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) throw invalidRequest(`${path}.${key}`, 'unrecognized argument', 'unknown_parameter');
  }
}

// Optional fields: absent and null both mean "not set", as in OpenAI's API.
function optString(obj: Json, key: string, path = key): string | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw invalidRequest(path, 'must be a string');
  return v;
}

function optBoolean(obj: Json, key: string, path = key): boolean | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw invalidRequest(path, 'must be a boolean');
  return v;
}

function optNumber(obj: Json, key: string, min: number, max: number): number | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max) {
    throw invalidRequest(key, `must be a number between ${min} and ${max}`);
  }
  return v;
}

function optInteger(obj: Json, key: string, min: number): number | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min) {
    throw invalidRequest(key, min === 1 ? 'must be a positive integer' : 'must be an integer');
  }
  return v;
}

function optEnum<T extends string>(obj: Json, key: string, allowed: readonly T[], path = key): T | undefined {
  const v = obj[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || !(allowed as readonly string[]).includes(v)) {
    throw invalidRequest(path, `must be one of ${allowed.map((a) => `'${a}'`).join(', ')}`);
  }
  return v as T;
}
