// A loopback fake of an OpenAI-compatible Chat Completions server (vLLM,
// SGLang, Ollama style) for tests that put the gateway in front of it.
//
// - `POST /v1/chat/completions`, streamed (`data: <json>\n\n` frames, one write
//   each, then `data: [DONE]\n\n`) or not; `GET /v1/models`.
// - It refuses, with a 400 in OpenAI's error shape, what a real server refuses
//   (see `validateChatRequest`), so a translation bug fails the test instead of
//   passing against a forgiving fake.
// - Each recorded request exposes `closed`, so a test can see the gateway drop
//   the upstream connection when its own client goes away.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// ---------------------------------------------------------------------------
// Replies

export type ChatReply =
  /**
   * Streamed chunks. On a non-streamed request they are aggregated into one
   * `chat.completion` (see `aggregateChatChunks`). Usage-only chunks
   * (`choices: []`) are sent only when the request asked for
   * `stream_options.include_usage` (like OpenAI and vLLM), unless the server
   * was started with `usage: 'always'`.
   */
  | {
      stream: object[];
      /** Pause between frames (default: yield to the event loop only). */
      delayMs?: number;
      /** Send `data: [DONE]` at the end (default true). */
      done?: boolean;
      /** Destroy the socket after this many chunks, without [DONE] (a crashed upstream). */
      abortAfter?: number;
      headers?: Record<string, string>;
    }
  /** A JSON body, 200 unless `status` says otherwise (e.g. 429 with `headers: { 'retry-after': '1' }`). */
  | { json: object; status?: number; headers?: Record<string, string> }
  /**
   * Send headers (and for a streamed request the given chunks, by default one
   * role chunk), then stay silent until the client goes away or the server
   * closes. `'before-headers'` sends nothing at all.
   */
  | { hang: true | 'before-headers'; chunks?: object[] }
  /** Raw body pieces written as they are (malformed SSE, error frames, ...). */
  | { raw: string[]; status?: number; headers?: Record<string, string>; delayMs?: number; end?: boolean }
  /** Destroy the socket without any response (ECONNRESET for the client). */
  | { destroy: true };

export interface ChatScriptRequest {
  body: any;
  headers: Record<string, string | string[] | undefined>;
  /** 0-based position among chat completion requests (rejected ones included). */
  index: number;
}

export interface RecordedChatRequest extends ChatScriptRequest {
  method: string;
  url: string;
  rawBody: string;
  /** Set when the fake refused the request itself (validation or auth). */
  rejection?: { status: number; error: { message: string; type: string; param: string | null; code: string | null } };
  /** Resolves when the response's connection closes or the response ends; `completed` says which. */
  closed: Promise<{ completed: boolean }>;
  /** True once the connection closed before the response was complete (the client went away). */
  clientAborted: boolean;
}

export interface FakeChatUpstreamOptions {
  script: (req: ChatScriptRequest) => ChatReply | Promise<ChatReply>;
  /** When set, requests must carry `Authorization: Bearer <apiKey>` (401 otherwise). */
  apiKey?: string;
  /** `'when-requested'` (default): usage chunks only with `stream_options.include_usage`. */
  usage?: 'when-requested' | 'always';
  /** `'reject'` (default, like OpenAI) or `'ignore'` (like vLLM) unknown top-level fields. */
  unknownFields?: 'reject' | 'ignore';
  /** Top-level fields to accept beyond OpenAI's and vLLM's. */
  extraAllowedFields?: string[];
  /** Model ids for `GET /v1/models` (default `['fake-model']`). */
  models?: string[];
}

export interface FakeChatUpstream {
  /** `http://127.0.0.1:PORT/v1` */
  url: string;
  /** Chat completion requests in arrival order. */
  requests: RecordedChatRequest[];
  /** Any other request (method, path), e.g. `GET /v1/models`. */
  otherRequests: { method: string; url: string; headers: IncomingHttpHeaders }[];
  /** Resolves with the `index`-th chat completion request once it has arrived. */
  waitForRequest(index: number): Promise<RecordedChatRequest>;
  /** Number of responses whose connection the client closed before they were complete. */
  readonly clientAborts: number;
  close(): Promise<void>;
}

export async function startFakeChatUpstream(opts: FakeChatUpstreamOptions): Promise<FakeChatUpstream> {
  const requests: RecordedChatRequest[] = [];
  const otherRequests: FakeChatUpstream['otherRequests'] = [];
  const waiters = new Map<number, ((r: RecordedChatRequest) => void)[]>();
  let clientAborts = 0;
  let shuttingDown = false;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0];
      if (!(req.method === 'POST' && path === '/v1/chat/completions')) {
        otherRequests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
        if (req.method === 'GET' && path === '/v1/models') {
          const data = (opts.models ?? ['fake-model']).map((id) => ({ id, object: 'model', created: 0, owned_by: 'fake' }));
          sendJson(res, 200, { object: 'list', data });
        } else {
          sendJson(res, 404, errorBody(`Not Found: ${req.method} ${req.url}`, 'not_found_error', null, null));
        }
        return;
      }

      const rawBody = Buffer.concat(chunks).toString('utf8');
      let completed = false;
      const record: RecordedChatRequest = {
        index: requests.length,
        method: req.method,
        url: req.url ?? '',
        headers: req.headers,
        rawBody,
        body: undefined,
        clientAborted: false,
        closed: new Promise((resolve) => {
          res.once('finish', () => {
            completed = true;
          });
          res.once('close', () => {
            // Closes the fake caused itself (abortAfter, destroy, close()) are not client aborts.
            if (!completed && !selfClosed.has(res) && !shuttingDown) {
              record.clientAborted = true;
              clientAborts++;
            }
            resolve({ completed });
          });
        }),
      };
      requests.push(record);
      for (const w of waiters.get(record.index) ?? []) w(record);
      waiters.delete(record.index);

      const reject = (status: number, error: NonNullable<RecordedChatRequest['rejection']>['error']) => {
        record.rejection = { status, error };
        sendJson(res, status, { error });
      };

      if (opts.apiKey !== undefined && req.headers.authorization !== `Bearer ${opts.apiKey}`) {
        reject(401, {
          message: 'Incorrect API key provided.',
          type: 'invalid_request_error',
          param: null,
          code: 'invalid_api_key',
        });
        return;
      }
      try {
        record.body = JSON.parse(rawBody);
      } catch {
        reject(400, {
          message: 'We could not parse the JSON body of your request.',
          type: 'invalid_request_error',
          param: null,
          code: null,
        });
        return;
      }
      const invalid = validateChatRequest(record.body, {
        unknownFields: opts.unknownFields ?? 'reject',
        extraAllowedFields: opts.extraAllowedFields,
      });
      if (invalid) {
        reject(400, { message: invalid.message, type: 'invalid_request_error', param: invalid.param, code: invalid.code ?? null });
        return;
      }

      const body = record.body;
      const streamed = body.stream === true;
      const includeUsage = opts.usage === 'always' || body.stream_options?.include_usage === true;
      Promise.resolve()
        .then(() => opts.script({ body, headers: record.headers, index: record.index }))
        .then((reply) => writeReply(res, reply, streamed, includeUsage))
        .catch((e: unknown) => {
          if (!res.headersSent) {
            sendJson(res, 500, errorBody(`fake upstream script failed: ${String(e)}`, 'server_error', null, null));
          } else destroyOnPurpose(res);
        });
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    otherRequests,
    waitForRequest(index) {
      if (requests[index]) return Promise.resolve(requests[index]);
      return new Promise((resolve) => {
        const list = waiters.get(index) ?? [];
        list.push(resolve);
        waiters.set(index, list);
      });
    },
    get clientAborts() {
      return clientAborts;
    },
    close: () =>
      new Promise<void>((resolve) => {
        shuttingDown = true;
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function errorBody(message: string, type: string, param: string | null, code: string | null) {
  return { error: { message, type, param, code } };
}

function sendJson(res: ServerResponse, status: number, json: object, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(json);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** Responses whose socket the fake destroyed on purpose. */
const selfClosed = new WeakSet<ServerResponse>();
function destroyOnPurpose(res: ServerResponse): void {
  selfClosed.add(res);
  res.socket?.destroy();
}

const SSE_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' };

function pause(ms: number | undefined): Promise<void> {
  return new Promise((r) => (ms ? setTimeout(r, ms) : setImmediate(r)));
}

function isUsageOnly(chunk: any): boolean {
  return Array.isArray(chunk?.choices) && chunk.choices.length === 0 && chunk.usage != null;
}

async function writeReply(res: ServerResponse, reply: ChatReply, streamed: boolean, includeUsage: boolean): Promise<void> {
  if ('destroy' in reply) {
    destroyOnPurpose(res);
    return;
  }
  if ('json' in reply) {
    sendJson(res, reply.status ?? 200, reply.json, reply.headers);
    return;
  }
  if ('hang' in reply) {
    if (reply.hang === 'before-headers') return;
    res.writeHead(200, streamed ? SSE_HEADERS : { 'content-type': 'application/json' });
    res.flushHeaders();
    if (streamed) {
      for (const c of reply.chunks ?? [chatChunk({ role: 'assistant', content: '' }, null, {})]) {
        res.write(`data: ${JSON.stringify(c)}\n\n`);
      }
    }
    return; // silent until the client or close() ends it
  }
  if ('raw' in reply) {
    res.writeHead(reply.status ?? 200, reply.headers ?? SSE_HEADERS);
    for (const piece of reply.raw) {
      if (res.destroyed) return;
      res.write(piece);
      await pause(reply.delayMs);
    }
    if (reply.end !== false) res.end();
    return;
  }
  // { stream }
  if (!streamed) {
    sendJson(res, 200, aggregateChatChunks(reply.stream), reply.headers);
    return;
  }
  res.writeHead(200, { ...SSE_HEADERS, ...reply.headers });
  let sent = 0;
  for (const chunk of reply.stream) {
    if (res.destroyed) return;
    if (!includeUsage && isUsageOnly(chunk)) continue;
    if (reply.abortAfter !== undefined && sent >= reply.abortAfter) {
      destroyOnPurpose(res);
      return;
    }
    res.write(`data: ${JSON.stringify(chunk)}\n\n`);
    sent++;
    await pause(reply.delayMs);
  }
  if (res.destroyed) return;
  if (reply.abortAfter !== undefined && sent >= reply.abortAfter) {
    destroyOnPurpose(res);
    return;
  }
  if (reply.done !== false) res.write('data: [DONE]\n\n');
  res.end();
}

// ---------------------------------------------------------------------------
// Validation: what OpenAI's and vLLM's chat servers refuse.

export interface ChatValidationError {
  message: string;
  param: string | null;
  code?: string | null;
}

const OPENAI_FIELDS = [
  'model', 'messages', 'stream', 'stream_options', 'tools', 'tool_choice', 'parallel_tool_calls',
  'temperature', 'top_p', 'n', 'stop', 'max_tokens', 'max_completion_tokens', 'presence_penalty',
  'frequency_penalty', 'logit_bias', 'logprobs', 'top_logprobs', 'user', 'seed', 'response_format',
  'reasoning_effort', 'store', 'metadata', 'service_tier', 'modalities', 'audio', 'prediction',
  'prompt_cache_key', 'prompt_cache_retention', 'safety_identifier', 'verbosity', 'web_search_options',
  'functions', 'function_call',
];
// vLLM's sampling and chat-template extensions (it ignores anything else with a warning).
const VLLM_FIELDS = [
  'top_k', 'min_p', 'repetition_penalty', 'length_penalty', 'min_tokens', 'stop_token_ids',
  'skip_special_tokens', 'spaces_between_special_tokens', 'include_stop_str_in_output', 'ignore_eos',
  'use_beam_search', 'best_of', 'echo', 'add_generation_prompt', 'continue_final_message',
  'add_special_tokens', 'chat_template', 'chat_template_kwargs', 'documents', 'guided_json',
  'guided_regex', 'guided_choice', 'guided_grammar', 'structured_outputs', 'priority', 'request_id',
  'truncate_prompt_tokens', 'mm_processor_kwargs', 'cache_salt', 'return_tokens_as_token_ids',
];
const MESSAGE_FIELDS = new Set([
  'role', 'content', 'name', 'tool_calls', 'tool_call_id', 'refusal', 'audio', 'function_call',
  'reasoning_content', 'reasoning',
]);
const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool']);
const USER_PART_TYPES = new Set(['text', 'image_url', 'input_audio', 'file']);
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const EFFORTS = new Set(['none', 'minimal', 'low', 'medium', 'high', 'xhigh']);

const isObj = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);
const typeName = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

function checkTextContent(content: unknown, param: string, allowed: Set<string>): ChatValidationError | null {
  if (typeof content === 'string') return null;
  if (!Array.isArray(content)) {
    return { message: `Invalid type for '${param}': expected one of a string or array of objects, but got ${typeName(content)} instead.`, param };
  }
  for (const [i, part] of content.entries()) {
    const p = `${param}[${i}]`;
    if (!isObj(part) || typeof part.type !== 'string') return { message: `Invalid '${p}': expected an object with a 'type'.`, param: p };
    if (!allowed.has(part.type)) {
      return { message: `Invalid value: '${part.type}'. Supported values are: ${[...allowed].map((t) => `'${t}'`).join(', ')}.`, param: `${p}.type`, code: 'invalid_value' };
    }
    if (part.type === 'text' && typeof part.text !== 'string') return { message: `Missing required parameter: '${p}.text'.`, param: `${p}.text`, code: 'missing_required_parameter' };
    if (part.type === 'image_url' && !(isObj(part.image_url) && typeof part.image_url.url === 'string')) {
      return { message: `Missing required parameter: '${p}.image_url.url'.`, param: `${p}.image_url.url`, code: 'missing_required_parameter' };
    }
  }
  return null;
}

/**
 * Returns why a real OpenAI-compatible server would refuse this body, or null.
 * Checks: `model` and non-empty `messages`; roles and content part types
 * (a Responses-style `input_text` part is refused); assistant `tool_calls`
 * shape (`type: "function"`, `arguments` a JSON string); every `tool`
 * message answers an id of the immediately preceding assistant `tool_calls`,
 * and every such id is answered before the next non-tool message; `tools`
 * non-empty, only `function` tools, names matching `^[a-zA-Z0-9_-]{1,64}$`;
 * `tool_choice` / `parallel_tool_calls` only with tools; `stream_options`
 * only when streaming; sampling ranges; unknown top-level fields (optional).
 */
export function validateChatRequest(
  body: unknown,
  opts: { unknownFields?: 'reject' | 'ignore'; extraAllowedFields?: string[] } = {},
): ChatValidationError | null {
  if (!isObj(body)) return { message: 'The request body must be a JSON object.', param: null };
  if ((opts.unknownFields ?? 'reject') === 'reject') {
    const known = new Set([...OPENAI_FIELDS, ...VLLM_FIELDS, ...(opts.extraAllowedFields ?? [])]);
    for (const key of Object.keys(body)) {
      if (!known.has(key)) return { message: `Unrecognized request argument supplied: ${key}`, param: key, code: 'unknown_parameter' };
    }
  }
  if (typeof body.model !== 'string' || body.model === '') {
    return { message: "Missing required parameter: 'model'.", param: 'model', code: 'missing_required_parameter' };
  }
  if (!Array.isArray(body.messages)) {
    return { message: "Missing required parameter: 'messages'.", param: 'messages', code: 'missing_required_parameter' };
  }
  if (body.messages.length === 0) {
    return { message: "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.", param: 'messages', code: 'empty_array' };
  }
  if (body.stream !== undefined && typeof body.stream !== 'boolean') {
    return { message: `Invalid type for 'stream': expected a boolean, but got ${typeName(body.stream)} instead.`, param: 'stream' };
  }
  if (body.stream_options != null && body.stream !== true) {
    return { message: "The 'stream_options' parameter is only allowed when 'stream' is enabled.", param: 'stream_options' };
  }

  // Tools
  const toolNames = new Set<string>();
  if (body.tools !== undefined) {
    if (!Array.isArray(body.tools)) return { message: `Invalid type for 'tools': expected an array, but got ${typeName(body.tools)} instead.`, param: 'tools' };
    if (body.tools.length === 0) {
      return { message: "Invalid 'tools': empty array. Expected an array with minimum length 1, but got an empty array instead.", param: 'tools', code: 'empty_array' };
    }
    for (const [i, tool] of body.tools.entries()) {
      const p = `tools[${i}]`;
      if (!isObj(tool) || tool.type !== 'function') {
        return { message: `Invalid value: '${isObj(tool) ? String(tool.type) : typeName(tool)}'. Supported values are: 'function'.`, param: `${p}.type`, code: 'invalid_value' };
      }
      if (!isObj(tool.function) || typeof tool.function.name !== 'string') {
        return { message: `Missing required parameter: '${p}.function.name'.`, param: `${p}.function.name`, code: 'missing_required_parameter' };
      }
      if (!TOOL_NAME.test(tool.function.name)) {
        return { message: `Invalid '${p}.function.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]{1,64}$'.`, param: `${p}.function.name`, code: 'invalid_value' };
      }
      if (tool.function.parameters !== undefined && !isObj(tool.function.parameters)) {
        return { message: `Invalid type for '${p}.function.parameters': expected an object, but got ${typeName(tool.function.parameters)} instead.`, param: `${p}.function.parameters` };
      }
      toolNames.add(tool.function.name);
    }
  }
  if (body.tool_choice !== undefined && body.tool_choice !== null) {
    if (toolNames.size === 0) return { message: "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.", param: 'tool_choice' };
    const tc = body.tool_choice;
    if (typeof tc === 'string') {
      if (!['none', 'auto', 'required'].includes(tc)) return { message: `Invalid value: '${tc}'. Supported values are: 'none', 'auto', and 'required'.`, param: 'tool_choice', code: 'invalid_value' };
    } else if (!(isObj(tc) && tc.type === 'function' && isObj(tc.function) && toolNames.has(tc.function.name))) {
      return { message: "Invalid 'tool_choice': it must name a function listed in 'tools'.", param: 'tool_choice' };
    }
  }
  if (body.parallel_tool_calls !== undefined && body.parallel_tool_calls !== null && toolNames.size === 0) {
    return { message: "Invalid value for 'parallel_tool_calls': 'parallel_tool_calls' is only allowed when 'tools' are specified.", param: 'parallel_tool_calls' };
  }

  // Messages
  let pending: Set<string> | null = null; // ids of the last assistant tool_calls not yet answered
  for (const [i, m] of body.messages.entries()) {
    const p = `messages[${i}]`;
    if (!isObj(m)) return { message: `Invalid type for '${p}': expected an object, but got ${typeName(m)} instead.`, param: p };
    if (!ROLES.has(m.role)) {
      return { message: `Invalid value: '${String(m.role)}'. Supported values are: 'system', 'developer', 'user', 'assistant', and 'tool'.`, param: `${p}.role`, code: 'invalid_value' };
    }
    for (const key of Object.keys(m)) {
      if (!MESSAGE_FIELDS.has(key)) return { message: `Additional properties are not allowed ('${key}' was unexpected) - '${p}'`, param: p };
    }
    if (m.role !== 'tool' && pending && pending.size > 0) {
      return {
        message: `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${[...pending].join(', ')}`,
        param: 'messages',
      };
    }
    if (m.role !== 'tool') pending = null;

    switch (m.role) {
      case 'system':
      case 'developer': {
        const e = checkTextContent(m.content, `${p}.content`, new Set(['text']));
        if (e) return e;
        break;
      }
      case 'user': {
        if (m.content === undefined) return { message: `Missing required parameter: '${p}.content'.`, param: `${p}.content`, code: 'missing_required_parameter' };
        const e = checkTextContent(m.content, `${p}.content`, USER_PART_TYPES);
        if (e) return e;
        break;
      }
      case 'assistant': {
        const hasCalls = m.tool_calls !== undefined && m.tool_calls !== null;
        if (m.content != null) {
          const e = checkTextContent(m.content, `${p}.content`, new Set(['text', 'refusal']));
          if (e) return e;
        } else if (!hasCalls && m.function_call == null) {
          return { message: `Invalid '${p}': an assistant message needs 'content' or 'tool_calls'.`, param: `${p}.content`, code: 'missing_required_parameter' };
        }
        if (hasCalls) {
          if (!Array.isArray(m.tool_calls) || m.tool_calls.length === 0) {
            return { message: `Invalid '${p}.tool_calls': expected a non-empty array.`, param: `${p}.tool_calls` };
          }
          pending = new Set();
          for (const [j, call] of m.tool_calls.entries()) {
            const q = `${p}.tool_calls[${j}]`;
            if (!isObj(call) || typeof call.id !== 'string' || call.id === '') {
              return { message: `Missing required parameter: '${q}.id'.`, param: `${q}.id`, code: 'missing_required_parameter' };
            }
            if (call.type !== 'function') {
              return { message: `Invalid value: '${String(call.type)}'. Supported values are: 'function'.`, param: `${q}.type`, code: 'invalid_value' };
            }
            if (!isObj(call.function) || typeof call.function.name !== 'string' || call.function.name === '') {
              return { message: `Missing required parameter: '${q}.function.name'.`, param: `${q}.function.name`, code: 'missing_required_parameter' };
            }
            if (typeof call.function.arguments !== 'string') {
              return { message: `Invalid type for '${q}.function.arguments': expected a string, but got ${typeName(call.function.arguments)} instead.`, param: `${q}.function.arguments`, code: 'invalid_type' };
            }
            try {
              JSON.parse(call.function.arguments); // vLLM parses them for the chat template
            } catch {
              return { message: `Invalid '${q}.function.arguments': not valid JSON.`, param: `${q}.function.arguments` };
            }
            if (pending.has(call.id)) return { message: `Duplicate tool_call id '${call.id}' in '${p}.tool_calls'.`, param: `${q}.id` };
            pending.add(call.id);
          }
        }
        break;
      }
      case 'tool': {
        if (typeof m.tool_call_id !== 'string' || m.tool_call_id === '') {
          return { message: `Missing required parameter: '${p}.tool_call_id'.`, param: `${p}.tool_call_id`, code: 'missing_required_parameter' };
        }
        if (!pending || !pending.has(m.tool_call_id)) {
          return {
            message: `Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'. No pending tool call has id '${m.tool_call_id}'.`,
            param: `${p}.role`,
          };
        }
        pending.delete(m.tool_call_id);
        if (m.content === undefined || m.content === null) {
          return { message: `Missing required parameter: '${p}.content'.`, param: `${p}.content`, code: 'missing_required_parameter' };
        }
        const e = checkTextContent(m.content, `${p}.content`, new Set(['text']));
        if (e) return e;
        break;
      }
    }
  }
  if (pending && pending.size > 0) {
    return {
      message: `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${[...pending].join(', ')}`,
      param: 'messages',
    };
  }

  // Sampling and limits
  const range = (key: string, min: number, max: number): ChatValidationError | null => {
    const v = body[key];
    if (v === undefined || v === null) return null;
    if (typeof v !== 'number' || v < min || v > max) {
      return { message: `Invalid '${key}': expected a number between ${min} and ${max}, but got ${JSON.stringify(v)}.`, param: key };
    }
    return null;
  };
  for (const e of [range('temperature', 0, 2), range('top_p', 0, 1), range('presence_penalty', -2, 2), range('frequency_penalty', -2, 2)]) {
    if (e) return e;
  }
  for (const key of ['max_tokens', 'max_completion_tokens', 'n']) {
    const v = body[key];
    if (v !== undefined && v !== null && !(Number.isInteger(v) && v >= 1)) {
      return { message: `Invalid '${key}': expected an integer >= 1, but got ${JSON.stringify(v)}.`, param: key };
    }
  }
  if (body.reasoning_effort != null && !EFFORTS.has(body.reasoning_effort)) {
    return { message: `Invalid value: '${String(body.reasoning_effort)}'. Supported values are: ${[...EFFORTS].map((e) => `'${e}'`).join(', ')}.`, param: 'reasoning_effort', code: 'invalid_value' };
  }
  if (body.response_format != null) {
    const rf = body.response_format;
    if (!isObj(rf) || !['text', 'json_object', 'json_schema'].includes(rf.type)) {
      return { message: "Invalid 'response_format.type'. Supported values are: 'text', 'json_object', and 'json_schema'.", param: 'response_format.type', code: 'invalid_value' };
    }
    if (rf.type === 'json_schema' && !(isObj(rf.json_schema) && typeof rf.json_schema.name === 'string')) {
      return { message: "Missing required parameter: 'response_format.json_schema.name'.", param: 'response_format.json_schema.name', code: 'missing_required_parameter' };
    }
  }
  return null;
}

// ---------------------------------------------------------------------------
// Chunk builders, shaped like the recordings in test/fixtures/openai-compatible.

export interface ChatUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details?: { cached_tokens: number };
  completion_tokens_details?: { reasoning_tokens: number };
}

export interface ChunkOptions {
  id?: string;
  model?: string;
  created?: number;
  /** Usage for the final `choices: []` chunk; `false` leaves that chunk out. */
  usage?: Partial<ChatUsage> | false;
}

let chunkCounter = 0;

function chatChunk(delta: object, finishReason: string | null, o: { id?: string; model?: string; created?: number }) {
  return {
    id: o.id ?? 'chatcmpl-fake',
    object: 'chat.completion.chunk',
    created: o.created ?? 1_700_000_000,
    model: o.model ?? 'fake-model',
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  };
}

function fullUsage(u: Partial<ChatUsage> | undefined, completionGuess: number): ChatUsage {
  const prompt = u?.prompt_tokens ?? 100;
  const completion = u?.completion_tokens ?? Math.max(1, completionGuess);
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: u?.total_tokens ?? prompt + completion,
    prompt_tokens_details: u?.prompt_tokens_details ?? { cached_tokens: 0 },
    completion_tokens_details: u?.completion_tokens_details ?? { reasoning_tokens: 0 },
  };
}

function tail(finishReason: string, o: ChunkOptions & { id: string }, completionGuess: number): object[] {
  const out: object[] = [chatChunk({}, finishReason, o)];
  if (o.usage !== false) {
    out.push({
      id: o.id,
      object: 'chat.completion.chunk',
      created: o.created ?? 1_700_000_000,
      model: o.model ?? 'fake-model',
      choices: [],
      usage: fullUsage(o.usage, completionGuess),
    });
  }
  return out;
}

/** Splits into `parts` near-equal pieces, or into word pieces (`" word"`) when `parts` is unset. */
export function splitText(text: string, parts?: number): string[] {
  if (text === '') return [];
  if (parts === undefined) return text.match(/\s*\S+|\s+$/g) ?? [text];
  const size = Math.max(1, Math.ceil(text.length / Math.max(1, parts)));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/**
 * A streamed text answer: a role chunk, content deltas (optionally preceded by
 * `reasoning_content` deltas, as vLLM's reasoning parsers and DeepSeek send),
 * a finish chunk, and a usage chunk with `choices: []`.
 */
export function chatTextChunks(
  text: string,
  opts: ChunkOptions & { splitInto?: number; finishReason?: string; reasoning?: string; reasoningField?: 'reasoning_content' | 'reasoning' } = {},
): object[] {
  const o = { ...opts, id: opts.id ?? `chatcmpl-fake-${++chunkCounter}` };
  const field = opts.reasoningField ?? 'reasoning_content';
  return [
    chatChunk({ role: 'assistant', content: '' }, null, o),
    ...(opts.reasoning ? splitText(opts.reasoning).map((r) => chatChunk({ [field]: r }, null, o)) : []),
    ...splitText(text, opts.splitInto).map((t) => chatChunk({ content: t }, null, o)),
    ...tail(opts.finishReason ?? 'stop', o, Math.ceil((text.length + (opts.reasoning?.length ?? 0)) / 4)),
  ];
}

export interface FakeToolCall {
  id: string;
  name: string;
  /** The JSON arguments string, streamed in fragments. */
  arguments: string;
}

/**
 * Streamed tool calls (parallel when several): a role chunk, optional text,
 * then per call a start chunk (`index`, `id`, `type`, `name`, `arguments: ""`)
 * and argument fragments, then `finish_reason: "tool_calls"` and a usage chunk.
 */
export function chatToolCallsChunks(
  calls: FakeToolCall[],
  opts: ChunkOptions & { splitInto?: number; text?: string } = {},
): object[] {
  const o = { ...opts, id: opts.id ?? `chatcmpl-fake-${++chunkCounter}` };
  const out: object[] = [chatChunk({ role: 'assistant', content: opts.text ? '' : null }, null, o)];
  if (opts.text) out.push(...splitText(opts.text).map((t) => chatChunk({ content: t }, null, o)));
  calls.forEach((call, index) => {
    out.push(chatChunk({ tool_calls: [{ index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }] }, null, o));
    for (const frag of splitText(call.arguments, opts.splitInto ?? 4)) {
      out.push(chatChunk({ tool_calls: [{ index, function: { arguments: frag } }] }, null, o));
    }
  });
  const size = calls.reduce((n, c) => n + c.arguments.length + c.name.length, opts.text?.length ?? 0);
  out.push(...tail('tool_calls', o, Math.ceil(size / 4)));
  return out;
}

/** One streamed tool call; see {@link chatToolCallsChunks}. */
export function chatToolCallChunks(call: FakeToolCall & ChunkOptions & { splitInto?: number; text?: string }): object[] {
  const { id, name, arguments: args, ...opts } = call;
  return chatToolCallsChunks([{ id, name, arguments: args }], opts);
}

/** Folds streamed chunks into the non-streamed `chat.completion` a server would return. */
export function aggregateChatChunks(chunks: object[]): object {
  let id = 'chatcmpl-fake';
  let model = 'fake-model';
  let created = 1_700_000_000;
  let content: string | null = null;
  let reasoning: string | null = null;
  let finish: string | null = null;
  let usage: object | undefined;
  const calls: { id: string; type: 'function'; function: { name: string; arguments: string } }[] = [];
  for (const c of chunks as any[]) {
    id = c.id ?? id;
    model = c.model ?? model;
    created = c.created ?? created;
    if (c.usage) usage = c.usage;
    const choice = c.choices?.[0];
    if (!choice) continue;
    const d = choice.delta ?? {};
    if (typeof d.content === 'string' && d.content !== '') content = (content ?? '') + d.content;
    const r = d.reasoning_content ?? d.reasoning;
    if (typeof r === 'string' && r !== '') reasoning = (reasoning ?? '') + r;
    for (const tc of d.tool_calls ?? []) {
      const slot = (calls[tc.index ?? 0] ??= { id: '', type: 'function', function: { name: '', arguments: '' } });
      if (tc.id) slot.id = tc.id;
      if (tc.function?.name) slot.function.name += tc.function.name;
      if (tc.function?.arguments) slot.function.arguments += tc.function.arguments;
    }
    if (choice.finish_reason) finish = choice.finish_reason;
  }
  const message: Record<string, unknown> = { role: 'assistant', content, refusal: null };
  if (reasoning !== null) message.reasoning_content = reasoning;
  if (calls.length) message.tool_calls = calls.filter(Boolean);
  return {
    id,
    object: 'chat.completion',
    created,
    model,
    choices: [{ index: 0, message, logprobs: null, finish_reason: finish ?? 'stop' }],
    usage: usage ?? fullUsage(undefined, Math.ceil((content?.length ?? 0) / 4)),
  };
}

/** A non-streamed `chat.completion` body with text and/or tool calls. */
export function chatCompletionJson(
  opts: ChunkOptions & { text?: string | null; toolCalls?: FakeToolCall[]; finishReason?: string },
): object {
  const chunks = opts.toolCalls?.length
    ? chatToolCallsChunks(opts.toolCalls, { ...opts, text: opts.text ?? undefined })
    : chatTextChunks(opts.text ?? '', opts);
  const out = aggregateChatChunks(chunks) as any;
  if (opts.finishReason) out.choices[0].finish_reason = opts.finishReason;
  return out;
}
