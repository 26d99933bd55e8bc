// A loopback fake of the Anthropic Messages API for tests that put the gateway in front
// of it.
//
// - `POST /v1/messages`: streamed as Anthropic streams (`event: <type>\ndata: <json>\n\n`
//   frames, one write each, nothing after `message_stop`), or one Message JSON when the
//   request does not ask for a stream.
// - It refuses, with Anthropic's status and error shape
//   (`{"type":"error","error":{"type":"invalid_request_error","message":…}}`), what the real
//   API refuses (see `validateAnthropicRequest`, messages worded as Anthropic words them),
//   so a translation bug fails the test instead of passing against a forgiving fake.
// - It remembers every thinking block it streamed (thinking text + signature) and every
//   redacted_thinking `data`, and refuses a thinking block that comes back altered, as the
//   real API refuses a block whose signature does not verify.
import { createHash } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// ---------------------------------------------------------------------------
// Replies

export type AnthropicReply =
  /** Stream events (the `data:` payloads); each frame gets `event: <payload.type>`. */
  | { events: object[]; delayMs?: number; /** destroy the socket after this many events */ abortAfter?: number; headers?: Record<string, string> }
  /** A Message JSON (like the `.json` recordings), streamed through {@link messageToEvents}. */
  | { message: object; delayMs?: number }
  /** A JSON body, 200 unless `status` says otherwise, e.g. a 529 `anthropicErrorBody('overloaded_error', 'Overloaded')`. */
  | { json: object; status?: number; headers?: Record<string, string> }
  /** Raw body pieces written as they are (malformed SSE, …). */
  | { raw: string[]; status?: number; headers?: Record<string, string>; delayMs?: number }
  /** Destroy the socket without any response. */
  | { destroy: true };

export interface AnthropicScriptRequest {
  body: any;
  headers: Record<string, string | string[] | undefined>;
  /** 0-based position among /v1/messages requests (rejected ones included). */
  index: number;
}

export interface RecordedAnthropicRequest extends AnthropicScriptRequest {
  rawBody: string;
  /** Set when the fake refused the request itself. */
  rejection?: { status: number; type: string; message: string };
}

export interface FakeAnthropicUpstreamOptions {
  script: (req: AnthropicScriptRequest) => AnthropicReply | Promise<AnthropicReply>;
  /** Requests must carry `x-api-key: <apiKey>` (401 otherwise). */
  apiKey: string;
  /** Accepted `anthropic-version` values (default: the two Anthropic has published). */
  versions?: string[];
}

export interface FakeAnthropicUpstream {
  /** `http://127.0.0.1:PORT` (the route's base_url; the gateway posts to `{url}/v1/messages`). */
  url: string;
  requests: RecordedAnthropicRequest[];
  close(): Promise<void>;
}

export const ANTHROPIC_VERSIONS = ['2023-06-01', '2023-01-01'];

export async function startFakeAnthropicUpstream(opts: FakeAnthropicUpstreamOptions): Promise<FakeAnthropicUpstream> {
  const requests: RecordedAnthropicRequest[] = [];
  const issued: IssuedThinking = { thinking: new Map(), redacted: new Set() };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0];
      if (!(req.method === 'POST' && path === '/v1/messages')) {
        sendJson(res, 404, anthropicErrorBody('not_found_error', `Not Found: ${req.method} ${path}`));
        return;
      }
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const record: RecordedAnthropicRequest = { index: requests.length, headers: req.headers, rawBody, body: undefined };
      requests.push(record);
      const reject = (r: AnthropicRejection) => {
        record.rejection = r;
        sendJson(res, r.status, anthropicErrorBody(r.type, r.message));
      };
      try {
        record.body = JSON.parse(rawBody);
      } catch {
        reject({ status: 400, type: 'invalid_request_error', message: 'There was an issue with the format of your request: the body is not valid JSON.' });
        return;
      }
      const problem = validateAnthropicRequest(record.body, req.headers, { apiKey: opts.apiKey, versions: opts.versions ?? ANTHROPIC_VERSIONS, issued });
      if (problem) {
        reject(problem);
        return;
      }
      const streamed = record.body.stream === true;
      Promise.resolve()
        .then(() => opts.script({ body: record.body, headers: req.headers, index: record.index }))
        .then((reply) => writeReply(res, reply, streamed, issued))
        .catch((e: unknown) => {
          if (!res.headersSent) sendJson(res, 500, anthropicErrorBody('api_error', `fake upstream script failed: ${String(e)}`));
          else res.socket?.destroy();
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function anthropicErrorBody(type: string, message: string): object {
  return { type: 'error', error: { type, message }, request_id: 'req_fake_0001' };
}

function sendJson(res: ServerResponse, status: number, json: object, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(json);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

const pause = (ms: number | undefined) => new Promise<void>((r) => (ms ? setTimeout(r, ms) : setImmediate(r)));

async function writeReply(res: ServerResponse, reply: AnthropicReply, streamed: boolean, issued: IssuedThinking): Promise<void> {
  if ('destroy' in reply) {
    res.socket?.destroy();
    return;
  }
  if ('json' in reply) {
    sendJson(res, reply.status ?? 200, reply.json, reply.headers);
    return;
  }
  if ('raw' in reply) {
    res.writeHead(reply.status ?? 200, reply.headers ?? { 'content-type': 'text/event-stream' });
    for (const piece of reply.raw) {
      if (res.destroyed) return;
      res.write(piece);
      await pause(reply.delayMs);
    }
    res.end();
    return;
  }
  const events = 'message' in reply ? messageToEvents(reply.message) : reply.events;
  registerIssued(events, issued);
  if (!streamed) {
    sendJson(res, 200, aggregateAnthropicEvents(events));
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', ...('headers' in reply ? reply.headers : {}) });
  let sent = 0;
  for (const event of events as any[]) {
    if (res.destroyed) return;
    if ('abortAfter' in reply && reply.abortAfter !== undefined && sent >= reply.abortAfter) {
      res.socket?.destroy();
      return;
    }
    res.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
    sent++;
    await pause(reply.delayMs);
  }
  res.end();
}

// ---------------------------------------------------------------------------
// Thinking blocks the fake handed out, to recognise them when they come back.

export interface IssuedThinking {
  /** signature → the thinking text it was issued with */
  thinking: Map<string, string>;
  redacted: Set<string>;
}

function registerIssued(events: object[], issued: IssuedThinking): void {
  const open = new Map<number, { thinking: string; signature: string }>();
  for (const e of events as any[]) {
    if (e.type === 'content_block_start' && e.content_block?.type === 'thinking') {
      open.set(e.index, { thinking: e.content_block.thinking ?? '', signature: e.content_block.signature ?? '' });
    } else if (e.type === 'content_block_start' && e.content_block?.type === 'redacted_thinking') {
      issued.redacted.add(e.content_block.data);
    } else if (e.type === 'content_block_delta' && open.has(e.index)) {
      const b = open.get(e.index)!;
      if (e.delta?.type === 'thinking_delta') b.thinking += e.delta.thinking;
      if (e.delta?.type === 'signature_delta') b.signature += e.delta.signature;
    } else if (e.type === 'content_block_stop' && open.has(e.index)) {
      const b = open.get(e.index)!;
      if (b.signature) issued.thinking.set(b.signature, b.thinking);
      open.delete(e.index);
    }
  }
}

// ---------------------------------------------------------------------------
// Validation: what the real Messages API refuses.
// https://docs.anthropic.com/en/api/messages, /en/api/errors, /en/docs/build-with-claude/extended-thinking,
// /en/docs/agents-and-tools/tool-use/implement-tool-use, /en/docs/build-with-claude/prompt-caching

export interface AnthropicRejection {
  status: number;
  type: string;
  message: string;
}

const TOP_LEVEL = new Set([
  'model', 'messages', 'max_tokens', 'system', 'metadata', 'stop_sequences', 'stream', 'temperature', 'top_p', 'top_k',
  'tools', 'tool_choice', 'thinking', 'output_config', 'service_tier', 'container', 'context_management', 'mcp_servers',
]);
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,128}$/;
const TOOL_ID = /^[a-zA-Z0-9_-]+$/;
const IMAGE_TYPES = new Set(['image/jpeg', 'image/png', 'image/gif', 'image/webp']);
const USER_BLOCKS = new Set(['text', 'image', 'document', 'tool_result', 'search_result']);
const ASSISTANT_BLOCKS = new Set(['text', 'thinking', 'redacted_thinking', 'tool_use', 'server_tool_use', 'web_search_tool_result']);

const isObj = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);
const bad = (message: string): AnthropicRejection => ({ status: 400, type: 'invalid_request_error', message });

// The version of a Claude model id (4.5 for claude-sonnet-4-5-…), or undefined.
function claudeVersion(model: string): number | undefined {
  const m = /claude-(?:(?:opus|sonnet|haiku|fable|mythos)-)?(\d+)(?:-(\d))?(?=$|[-@a-z])/.exec(model);
  return m ? Number(m[1]) + (m[2] ? Number(m[2]) / 10 : 0) : undefined;
}

export function validateAnthropicRequest(
  body: any,
  headers: Record<string, string | string[] | undefined>,
  opts: { apiKey?: string; versions?: string[]; issued?: IssuedThinking } = {},
): AnthropicRejection | null {
  if (opts.apiKey !== undefined) {
    const key = headers['x-api-key'];
    if (key === undefined) return { status: 401, type: 'authentication_error', message: 'x-api-key header is required' };
    if (key !== opts.apiKey) return { status: 401, type: 'authentication_error', message: 'invalid x-api-key' };
  }
  const apiVersion = headers['anthropic-version'];
  if (apiVersion === undefined) return bad('anthropic-version: header is required');
  if (!(opts.versions ?? ANTHROPIC_VERSIONS).includes(String(apiVersion))) return bad(`anthropic-version: invalid version '${String(apiVersion)}'`);

  if (!isObj(body)) return bad('The request body must be a JSON object.');
  for (const k of Object.keys(body)) if (!TOP_LEVEL.has(k)) return bad(`${k}: Extra inputs are not permitted`);
  if (typeof body.model !== 'string' || body.model === '') return bad('model: Field required');
  if (body.max_tokens === undefined) return bad('max_tokens: Field required');
  if (!Number.isInteger(body.max_tokens) || body.max_tokens < 1) return bad('max_tokens: Input should be greater than or equal to 1');
  if (body.stream !== undefined && typeof body.stream !== 'boolean') return bad('stream: Input should be a valid boolean');
  const version = claudeVersion(body.model);

  // system
  if (body.system !== undefined) {
    if (Array.isArray(body.system)) {
      for (const [i, b] of body.system.entries()) {
        if (!isObj(b) || b.type !== 'text') return bad(`system.${i}.type: Input should be 'text'`);
        if (typeof b.text !== 'string' || b.text === '') return bad('system: text content blocks must be non-empty');
      }
    } else if (typeof body.system !== 'string') return bad('system: Input should be a valid string or list of text blocks');
  }

  // messages
  if (!Array.isArray(body.messages) || body.messages.length === 0) return bad('messages: at least one message is required');
  let sawToolBlocks = false;
  for (const [i, m] of body.messages.entries()) {
    if (!isObj(m)) return bad(`messages.${i}: Input should be a valid dictionary`);
    if (m.role !== 'user' && m.role !== 'assistant') return bad(`messages.${i}.role: Input should be 'user' or 'assistant'`);
    if (typeof m.content === 'string') {
      if (m.content === '' && !(m.role === 'assistant' && i === body.messages.length - 1)) return bad(`messages.${i}: all messages must have non-empty content except for the optional final assistant message`);
      continue;
    }
    if (!Array.isArray(m.content)) return bad(`messages.${i}.content: Input should be a valid list`);
    if (m.content.length === 0) return bad(`messages.${i}: all messages must have non-empty content except for the optional final assistant message`);
    const allowed = m.role === 'user' ? USER_BLOCKS : ASSISTANT_BLOCKS;
    for (const [j, b] of m.content.entries()) {
      const at = `messages.${i}.content.${j}`;
      if (!isObj(b) || !allowed.has(b.type)) return bad(`${at}.type: block type '${isObj(b) ? b.type : typeof b}' is not allowed in a ${m.role} message`);
      const e = checkBlock(b, at, opts.issued);
      if (e) return e;
      if (b.type === 'tool_use' || b.type === 'tool_result') sawToolBlocks = true;
    }
    if (m.role === 'assistant' && i === body.messages.length - 1) {
      const last = m.content.at(-1);
      if (last?.type === 'text' && /\s$/.test(last.text)) return bad('final assistant content cannot end with trailing whitespace');
    }
  }

  // tool_use ↔ tool_result pairing
  const msgs = body.messages as any[];
  const blocksOf = (m: any): any[] => (Array.isArray(m?.content) ? m.content : []);
  for (const [i, m] of msgs.entries()) {
    if (m.role === 'assistant') {
      const ids = blocksOf(m).filter((b) => b.type === 'tool_use').map((b) => b.id);
      if (ids.length === 0) continue;
      const next = msgs[i + 1];
      const nextBlocks = next?.role === 'user' ? blocksOf(next) : [];
      let leading = 0;
      while (leading < nextBlocks.length && nextBlocks[leading].type === 'tool_result') leading++;
      if (nextBlocks.slice(leading).some((b) => b.type === 'tool_result')) {
        return bad(`messages.${i + 1}: Did not find ${ids.length} \`tool_result\` block(s) at the beginning of this message. Messages following \`tool_use\` blocks must begin with a matching number of \`tool_result\` blocks.`);
      }
      const answered = new Set(nextBlocks.slice(0, leading).map((b) => b.tool_use_id));
      const missing = ids.filter((id) => !answered.has(id));
      if (missing.length > 0) {
        return bad(`messages.${i}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`);
      }
    } else {
      const prevIds = new Set(msgs[i - 1]?.role === 'assistant' ? blocksOf(msgs[i - 1]).filter((b) => b.type === 'tool_use').map((b) => b.id) : []);
      for (const [j, b] of blocksOf(m).entries()) {
        if (b.type === 'tool_result' && !prevIds.has(b.tool_use_id)) {
          return bad(`messages.${i}.content.${j}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${b.tool_use_id}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`);
        }
      }
    }
  }

  // tools and tool_choice
  const toolNames = new Set<string>();
  if (body.tools !== undefined) {
    if (!Array.isArray(body.tools)) return bad('tools: Input should be a valid list');
    for (const [i, t] of body.tools.entries()) {
      if (!isObj(t)) return bad(`tools.${i}: Input should be a valid dictionary`);
      if (typeof t.name !== 'string' || !TOOL_NAME.test(t.name)) return bad(`tools.${i}.custom.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'`);
      if (toolNames.has(t.name)) return bad(`tools: Tool names must be unique.`);
      toolNames.add(t.name);
      if (!isObj(t.input_schema) || t.input_schema.type !== 'object') return bad(`tools.${i}.custom.input_schema.type: Input should be 'object'`);
      for (const k of Object.keys(t)) if (!['name', 'description', 'input_schema', 'cache_control', 'strict', 'type'].includes(k)) return bad(`tools.${i}.custom.${k}: Extra inputs are not permitted`);
    }
  }
  if (sawToolBlocks && toolNames.size === 0) return bad('Requests which include `tool_use` or `tool_result` blocks must define tools.');
  const choice = body.tool_choice;
  if (choice !== undefined) {
    if (!isObj(choice) || !['auto', 'any', 'tool', 'none'].includes(choice.type)) return bad("tool_choice.type: Input should be 'auto', 'any', 'tool' or 'none'");
    if (choice.type === 'tool' && !toolNames.has(choice.name)) return bad(`tool_choice.name: Tool '${choice.name}' not found in tools`);
    if (choice.type === 'none' && 'disable_parallel_tool_use' in choice) return bad('tool_choice.none.disable_parallel_tool_use: Extra inputs are not permitted');
  }

  // thinking and what goes with it
  const thinking = body.thinking;
  let thinkingOn = false;
  if (thinking !== undefined) {
    if (!isObj(thinking)) return bad('thinking: Input should be a valid dictionary');
    if (thinking.type === 'enabled') {
      if (version !== undefined && version >= 4.7) {
        return bad('"thinking.type.enabled" is not supported for this model. Use "thinking.type.adaptive" and "output_config.effort" to control thinking behavior.');
      }
      if (!Number.isInteger(thinking.budget_tokens) || thinking.budget_tokens < 1024) return bad('thinking.enabled.budget_tokens: Input should be greater than or equal to 1024');
      if (thinking.budget_tokens >= body.max_tokens) return bad('`max_tokens` must be greater than `thinking.budget_tokens`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#max-tokens-and-context-window-size');
      thinkingOn = true;
    } else if (thinking.type === 'adaptive') {
      if (version !== undefined && version < 4.6) return bad('"thinking.type.adaptive" is not supported for this model.');
      thinkingOn = true;
    } else if (thinking.type !== 'disabled') {
      return bad("thinking.type: Input should be 'enabled', 'adaptive' or 'disabled'");
    }
  }
  if (version !== undefined && version >= 4.7) {
    for (const k of ['temperature', 'top_p', 'top_k']) if (body[k] !== undefined) return bad(`\`${k}\` is deprecated for this model.`);
  }
  if (body.temperature !== undefined && (typeof body.temperature !== 'number' || body.temperature < 0 || body.temperature > 1)) return bad('temperature: Input should be less than or equal to 1');
  if (body.temperature !== undefined && body.top_p !== undefined && version !== undefined && version >= 4.1) {
    return bad('`temperature` and `top_p` cannot both be specified for this model. Please use only one.');
  }
  if (thinkingOn) {
    if (choice?.type === 'any' || choice?.type === 'tool') return bad('Thinking may not be enabled when tool_choice forces tool use.');
    if (body.temperature !== undefined && body.temperature !== 1) return bad('`temperature` may only be set to 1 when thinking is enabled. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking#feature-compatibility');
    if (body.top_p !== undefined && body.top_p < 0.95) return bad('`top_p` must be greater than or equal to 0.95 or unset when thinking is enabled.');
    if (body.top_k !== undefined) return bad('`top_k` must be unset when thinking is enabled.');
    const e = checkThinkingContinuity(msgs);
    if (e) return e;
  }

  // prompt caching
  let breakpoints = 0;
  const count = (b: any) => {
    if (isObj(b) && b.cache_control !== undefined) breakpoints++;
  };
  (Array.isArray(body.system) ? body.system : []).forEach(count);
  (Array.isArray(body.tools) ? body.tools : []).forEach(count);
  for (const m of msgs) blocksOf(m).forEach(count);
  if (breakpoints > 4) return bad(`A maximum of 4 blocks with cache_control may be provided. Found ${breakpoints}.`);

  if (body.output_config !== undefined) {
    const oc = body.output_config;
    if (!isObj(oc)) return bad('output_config: Input should be a valid dictionary');
    if (oc.effort !== undefined && !['low', 'medium', 'high', 'xhigh', 'max'].includes(oc.effort)) return bad("output_config.effort: Input should be 'low', 'medium', 'high', 'xhigh' or 'max'");
    if (oc.effort === 'xhigh' && !(version !== undefined && version >= 4.7)) return bad('output_config.effort: xhigh is not supported for this model.');
    if (oc.format !== undefined && !(isObj(oc.format) && oc.format.type === 'json_schema' && isObj(oc.format.schema))) return bad("output_config.format: Input should be {type: 'json_schema', schema}");
  }
  return null;
}

// With thinking on, the assistant turn in progress must start with a thinking block.
function checkThinkingContinuity(msgs: any[]): AnthropicRejection | null {
  if (msgs.at(-1)?.role !== 'user') return null;
  let firstIndex = -1;
  for (let i = msgs.length - 1; i >= 0; i--) {
    const m = msgs[i];
    const blocks: any[] = Array.isArray(m.content) ? m.content : [{ type: 'text' }];
    if (m.role === 'user') {
      if (!blocks.some((b) => b.type === 'tool_result')) break;
    } else firstIndex = i;
  }
  if (firstIndex < 0) return null;
  const head = msgs[firstIndex].content[0];
  if (head?.type === 'thinking' || head?.type === 'redacted_thinking') return null;
  return bad(
    `messages.${firstIndex}.content.0.type: Expected \`thinking\` or \`redacted_thinking\`, but found \`${head?.type}\`. When \`thinking\` is enabled, a final \`assistant\` message must start with a thinking block (preceeding the lastmost set of \`tool_use\` and \`tool_result\` blocks). We recommend you include thinking blocks from previous turns. To avoid this requirement, disable \`thinking\`. Please consult our documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking`,
  );
}

function checkBlock(b: Record<string, any>, at: string, issued: IssuedThinking | undefined): AnthropicRejection | null {
  switch (b.type) {
    case 'text':
      if (typeof b.text !== 'string' || b.text === '') return bad('messages: text content blocks must be non-empty');
      return null;
    case 'image': {
      const s = b.source;
      if (!isObj(s)) return bad(`${at}.image.source: Field required`);
      if (s.type === 'base64') {
        if (!IMAGE_TYPES.has(s.media_type)) return bad(`${at}.image.source.base64.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'`);
        if (typeof s.data !== 'string' || s.data === '') return bad(`${at}.image.source.base64.data: Field required`);
      } else if (s.type === 'url') {
        if (typeof s.url !== 'string' || !/^https?:\/\//.test(s.url)) return bad(`${at}.image.source.url.url: Input should be a valid URL`);
      } else return bad(`${at}.image.source.type: Input should be 'base64', 'url' or 'file'`);
      return null;
    }
    case 'document': {
      const s = b.source;
      if (!isObj(s) || !['base64', 'text', 'url', 'content', 'file'].includes(s.type)) return bad(`${at}.document.source: invalid source`);
      if (s.type === 'base64' && s.media_type !== 'application/pdf') return bad(`${at}.document.source.base64.media_type: Input should be 'application/pdf'`);
      return null;
    }
    case 'thinking':
      if ('cache_control' in b) return bad(`${at}.thinking.cache_control: Extra inputs are not permitted`);
      if (typeof b.thinking !== 'string' || typeof b.signature !== 'string') return bad(`${at}.thinking.signature: Field required`);
      if (issued && issued.thinking.get(b.signature) !== b.thinking) return bad(`${at}: Invalid \`signature\` in \`thinking\` block`);
      return null;
    case 'redacted_thinking':
      if ('cache_control' in b) return bad(`${at}.redacted_thinking.cache_control: Extra inputs are not permitted`);
      if (issued && !issued.redacted.has(b.data)) return bad(`${at}: Invalid \`data\` in \`redacted_thinking\` block`);
      return null;
    case 'tool_use':
      if (typeof b.id !== 'string' || !TOOL_ID.test(b.id)) return bad(`${at}.tool_use.id: String should match pattern '^[a-zA-Z0-9_-]+$'`);
      if (typeof b.name !== 'string' || !TOOL_NAME.test(b.name)) return bad(`${at}.tool_use.name: String should match pattern '^[a-zA-Z0-9_-]{1,128}$'`);
      if (!isObj(b.input)) return bad(`${at}.tool_use.input: Input should be a valid dictionary`);
      return null;
    case 'tool_result': {
      if (typeof b.tool_use_id !== 'string' || !TOOL_ID.test(b.tool_use_id)) return bad(`${at}.tool_result.tool_use_id: String should match pattern '^[a-zA-Z0-9_-]+$'`);
      if (b.content === undefined || typeof b.content === 'string') return null;
      if (!Array.isArray(b.content)) return bad(`${at}.tool_result.content: Input should be a valid string or list`);
      for (const [k, c] of b.content.entries()) {
        if (!isObj(c) || !['text', 'image', 'document', 'search_result'].includes(c.type)) return bad(`${at}.tool_result.content.${k}.type: not allowed in a tool result`);
        const e = checkBlock(c, `${at}.tool_result.content.${k}`, issued);
        if (e) return e;
      }
      return null;
    }
    default:
      return null;
  }
}

// ---------------------------------------------------------------------------
// Event builders, shaped like the recordings in test/fixtures/anthropic.

export interface FakeToolUse {
  id: string;
  name: string;
  input: Record<string, unknown>;
}

export interface AnthropicEventsOptions {
  id?: string;
  model?: string;
  /** A thinking block first (summarized thinking text), with `signature` (default: derived from the text). */
  thinking?: string;
  signature?: string;
  /** redacted_thinking blocks (their `data`) after the thinking block. */
  redacted?: string[];
  text?: string;
  toolUses?: FakeToolUse[];
  /** Default: tool_use when there are tool uses, else end_turn. */
  stopReason?: string;
  stopDetails?: object;
  usage?: { input_tokens?: number; output_tokens?: number; cache_read_input_tokens?: number; cache_creation_input_tokens?: number };
  /** Split texts and tool inputs into this many deltas (default 3). */
  splitInto?: number;
}

let messageCounter = 0;

export function fakeSignature(thinking: string): string {
  return `EqQBCkgIARABGAIiQ${createHash('sha256').update(thinking).digest('base64')}`;
}

function split(text: string, parts: number): string[] {
  if (text === '') return [];
  const size = Math.max(1, Math.ceil(text.length / Math.max(1, parts)));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/** A complete stream: message_start, the blocks, message_delta, message_stop. */
export function anthropicEvents(o: AnthropicEventsOptions): object[] {
  const parts = o.splitInto ?? 3;
  const usage = o.usage ?? {};
  const events: object[] = [
    {
      type: 'message_start',
      message: {
        id: o.id ?? `msg_fake${String(++messageCounter).padStart(4, '0')}`,
        type: 'message',
        role: 'assistant',
        model: o.model ?? 'claude-sonnet-4-5-20250929',
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: {
          input_tokens: usage.input_tokens ?? 100,
          cache_creation_input_tokens: usage.cache_creation_input_tokens ?? 0,
          cache_read_input_tokens: usage.cache_read_input_tokens ?? 0,
          output_tokens: 1,
        },
      },
    },
  ];
  let index = 0;
  if (o.thinking !== undefined) {
    events.push({ type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } });
    events.push({ type: 'ping' });
    for (const t of split(o.thinking, parts)) events.push({ type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking: t } });
    events.push({ type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: o.signature ?? fakeSignature(o.thinking) } });
    events.push({ type: 'content_block_stop', index });
    index++;
  }
  for (const data of o.redacted ?? []) {
    events.push({ type: 'content_block_start', index, content_block: { type: 'redacted_thinking', data } });
    events.push({ type: 'content_block_stop', index });
    index++;
  }
  if (o.text !== undefined) {
    events.push({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
    for (const t of split(o.text, parts)) events.push({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: t } });
    events.push({ type: 'content_block_stop', index });
    index++;
  }
  for (const tool of o.toolUses ?? []) {
    events.push({ type: 'content_block_start', index, content_block: { type: 'tool_use', id: tool.id, name: tool.name, input: {} } });
    events.push({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: '' } });
    for (const j of split(JSON.stringify(tool.input), parts)) events.push({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: j } });
    events.push({ type: 'content_block_stop', index });
    index++;
  }
  const stopReason = o.stopReason ?? (o.toolUses?.length ? 'tool_use' : 'end_turn');
  events.push({
    type: 'message_delta',
    delta: { stop_reason: stopReason, stop_sequence: null, ...(o.stopDetails ? { stop_details: o.stopDetails } : {}) },
    usage: {
      input_tokens: usage.input_tokens ?? 100,
      cache_creation_input_tokens: usage.cache_creation_input_tokens ?? 0,
      cache_read_input_tokens: usage.cache_read_input_tokens ?? 0,
      output_tokens: usage.output_tokens ?? 20,
    },
  });
  events.push({ type: 'message_stop' });
  return events;
}

/** A Message JSON (the non-streamed answer, e.g. a `.json` recording) as the stream Anthropic would send for it. */
export function messageToEvents(message: any): object[] {
  const { content = [], stop_reason, stop_sequence, stop_details, usage = {}, ...rest } = message;
  const events: object[] = [{ type: 'message_start', message: { ...rest, content: [], stop_reason: null, stop_sequence: null, usage: { ...usage, output_tokens: 1 } } }];
  (content as any[]).forEach((block, index) => {
    if (block.type === 'text') {
      events.push({ type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
      events.push({ type: 'content_block_delta', index, delta: { type: 'text_delta', text: block.text } });
    } else if (block.type === 'thinking') {
      events.push({ type: 'content_block_start', index, content_block: { type: 'thinking', thinking: '', signature: '' } });
      events.push({ type: 'content_block_delta', index, delta: { type: 'thinking_delta', thinking: block.thinking } });
      events.push({ type: 'content_block_delta', index, delta: { type: 'signature_delta', signature: block.signature } });
    } else if (block.type === 'tool_use') {
      events.push({ type: 'content_block_start', index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } });
      events.push({ type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(block.input) } });
    } else {
      events.push({ type: 'content_block_start', index, content_block: block });
    }
    events.push({ type: 'content_block_stop', index });
  });
  events.push({
    type: 'message_delta',
    delta: { stop_reason, stop_sequence: stop_sequence ?? null, ...(stop_details !== undefined ? { stop_details } : {}) },
    usage,
  });
  events.push({ type: 'message_stop' });
  return events;
}

/** Folds a stream back into the Message a non-streamed request gets. */
export function aggregateAnthropicEvents(events: object[]): object {
  let message: any = {};
  const content: any[] = [];
  const partial = new Map<number, string>();
  for (const e of events as any[]) {
    if (e.type === 'message_start') message = { ...e.message };
    else if (e.type === 'content_block_start') content[e.index] = { ...e.content_block };
    else if (e.type === 'content_block_delta') {
      const b = content[e.index];
      const d = e.delta;
      if (d.type === 'text_delta') b.text += d.text;
      else if (d.type === 'thinking_delta') b.thinking += d.thinking;
      else if (d.type === 'signature_delta') b.signature = (b.signature ?? '') + d.signature;
      else if (d.type === 'input_json_delta') partial.set(e.index, (partial.get(e.index) ?? '') + d.partial_json);
    } else if (e.type === 'content_block_stop' && partial.has(e.index)) {
      const json = partial.get(e.index)!;
      content[e.index].input = json.trim() === '' ? {} : JSON.parse(json);
    } else if (e.type === 'message_delta') {
      Object.assign(message, e.delta);
      message.usage = { ...message.usage, ...e.usage };
    }
  }
  return { ...message, content: content.filter(Boolean) };
}
