// Chat Completions stream chunks (the JSON of each `data:` line, `[DONE]` removed) →
// canonical events. A small state machine: at most one prose block (text, reasoning or
// refusal) open at a time, tool calls open by index until the choice finishes, then
// usage and finish last. https://platform.openai.com/docs/api-reference/chat-streaming
//
// Vendor differences it absorbs, each seen in a recording (test/fixtures/README.md):
// - Azure's first chunk has `choices: []`, `id: ""`, `model: ""`;
// - DeepSeek and xAI stream `reasoning_content`, vLLM ≥ 0.10 `reasoning`;
// - Mistral streams `content` as typed chunks (`thinking`, `text`) and a whole tool call
//   in one chunk without `index`;
// - Qwen repeats `id: ""` and `type` on every tool-call chunk; through an Anthropic-backed
//   gateway the first tool `index` is 1; arguments may arrive as `""` fragments;
// - usage comes on the finish chunk (DeepSeek, Mistral, Groq) or on a trailing chunk with
//   `choices: []` (OpenAI `stream_options.include_usage`, Qwen, xAI).
//
// Content it cannot carry is reported as one `warning` per kind, on first sight: choices
// other than the first, text annotations (OpenAI search models' `url_citation`s), Mistral
// content chunks other than text and thinking (`reference` citations), and a legacy
// `function_call` delta. Metadata (system_fingerprint, content_filter_results, logprobs,
// obfuscation) is not content and passes without a word.
import { randomUUID } from 'node:crypto';
import type { Event, FinishReason, GatewayErrorInfo, Usage } from '../../canonical/types.js';
import { errorTypeForStatus } from '../../http/errors.js';
import type { ToolKind, ToolNameMap } from '../shared/tool-names.js';
import { createCustomInputDecoder, type CustomInputDecoder } from '../shared/wrap-custom-tool.js';
import type {
  ChatChunkChoice,
  ChatChunkDelta,
  ChatFlavor,
  ChatStreamChunk,
  ChatStreamErrorBody,
  ChatToolCallDelta,
} from './chat-api.js';
import { convertChatUsage } from './convert-chat-usage.js';
import { mapChatFinishReason } from './map-chat-finish-reason.js';
import { streamTruncated } from '../shared/stream-truncated.js';

export interface ParseChatStreamContext {
  // The map the request was converted with: restores namespaces and custom tools.
  names: ToolNameMap;
  flavor: ChatFlavor;
  // For upstreams that send a tool call without an id; random by default.
  generateCallId?: () => string;
}

export async function* parseChatStream(
  chunks: AsyncIterable<unknown>,
  ctx: ParseChatStreamContext,
): AsyncGenerator<Event> {
  const state = new ChatStreamState(ctx);
  for await (const chunk of chunks) {
    yield* state.push(chunk);
    if (state.done) return;
  }
  yield* state.end();
}

type ProseKind = 'text' | 'reasoning' | 'refusal';

interface ToolCallState {
  key: string;
  upstreamId?: string;
  wireName?: string;
  kind: ToolKind;
  started: boolean;
  // Argument fragments that came before the name did.
  pending: string[];
  // Whether any non-blank argument text went out (a no-argument call must still say `{}`).
  hasArguments: boolean;
  decoder?: CustomInputDecoder;
}

class ChatStreamState {
  done = false;
  private started = false;
  private prose: { kind: ProseKind; key: string } | null = null;
  private blockCount = 0;
  private tools: ToolCallState[] = [];
  private toolsByIndex = new Map<number, ToolCallState>();
  private openTools = new Set<ToolCallState>();
  private finishRaw: string | undefined;
  private usage: Usage | undefined;
  private readonly warned = new Set<string>();
  private readonly generateCallId: () => string;

  constructor(private readonly ctx: ParseChatStreamContext) {
    this.generateCallId = ctx.generateCallId ?? (() => `call_${randomUUID().replace(/-/g, '').slice(0, 24)}`);
  }

  push(raw: unknown): Event[] {
    const out: Event[] = [];
    if (raw === null || typeof raw !== 'object') return out;
    const chunk = raw as ChatStreamChunk;

    const error = streamError(chunk);
    if (error) {
      this.ensureStart(out, chunk);
      out.push({ type: 'error', error });
      this.done = true;
      return out;
    }

    if (!this.started && (nonEmpty(chunk.id) || nonEmpty(chunk.model))) this.ensureStart(out, chunk);

    const usage = isObject(chunk.usage) ? chunk.usage : isObject(chunk.x_groq?.usage) ? chunk.x_groq.usage : undefined;
    if (usage) this.usage = convertChatUsage(usage);

    for (const choice of Array.isArray(chunk.choices) ? chunk.choices : []) {
      if (!isObject(choice)) continue;
      const index = choice.index ?? 0;
      if (index !== 0) {
        // We never ask for n > 1; another choice would be a different answer.
        this.warnOnce(`choice ${index}`, `choices[${index}] ignored: the gateway asks for one choice and forwards only the first`, chunk, out);
        continue;
      }
      this.onChoice(choice, chunk, out);
      if (this.done) break;
    }
    return out;
  }

  end(): Event[] {
    const out: Event[] = [];
    if (this.done) return out;
    this.done = true;
    this.ensureStart(out);
    if (this.finishRaw === undefined) {
      // No finish_reason: the connection dropped or a proxy cut the stream. Blocks stay
      // open on purpose: closing them would present a partial tool call as complete.
      out.push({
        type: 'error',
        error: streamTruncated('The upstream stream ended before the response was complete (no finish_reason).'),
      });
      return out;
    }
    this.closeAll(out);
    if (this.usage) out.push({ type: 'usage', usage: this.usage });
    let reason: FinishReason = mapChatFinishReason(this.finishRaw);
    // Some servers (vLLM, Ollama) say `stop` after tool calls; clients that branch on
    // `tool_calls` would then not run them.
    if (reason === 'stop' && this.tools.length > 0) reason = 'tool_calls';
    out.push({ type: 'finish', reason, raw: this.finishRaw });
    return out;
  }

  private ensureStart(out: Event[], chunk?: ChatStreamChunk): void {
    if (this.started) return;
    this.started = true;
    const start: Extract<Event, { type: 'start' }> = { type: 'start' };
    if (chunk && nonEmpty(chunk.id)) start.id = chunk.id;
    if (chunk && nonEmpty(chunk.model)) start.model = chunk.model;
    out.push(start);
  }

  private onChoice(choice: ChatChunkChoice, chunk: ChatStreamChunk, out: Event[]): void {
    const delta = isObject(choice.delta) ? choice.delta : undefined;
    if (delta) this.onDelta(delta, chunk, out);

    const reason = choice.finish_reason;
    if (!nonEmpty(reason) || this.finishRaw !== undefined) return;
    if (reason === 'error') {
      // Mistral: generation failed on the server side.
      this.ensureStart(out, chunk);
      out.push({
        type: 'error',
        error: { status: 502, type: 'server_error', code: 'upstream_error', message: 'The upstream ended the response with finish_reason "error".' },
      });
      this.done = true;
      return;
    }
    this.finishRaw = reason;
    this.closeAll(out);
  }

  private onDelta(delta: ChatChunkDelta, chunk: ChatStreamChunk, out: Event[]): void {
    // Both fields carry the same text where a server sends both (vLLM's transition); take one.
    const reasoning = nonEmpty(delta.reasoning_content) ? delta.reasoning_content : nonEmpty(delta.reasoning) ? delta.reasoning : undefined;
    if (reasoning !== undefined) this.proseDelta('reasoning', reasoning, chunk, out);

    const content = delta.content;
    if (typeof content === 'string') {
      if (content !== '') this.proseDelta('text', content, chunk, out);
    } else if (Array.isArray(content)) {
      for (const part of content) this.onContentChunk(part, chunk, out);
    }

    if (nonEmpty(delta.refusal)) this.proseDelta('refusal', delta.refusal, chunk, out);

    if (Array.isArray(delta.tool_calls)) {
      for (const call of delta.tool_calls) if (isObject(call)) this.onToolCallDelta(call, chunk, out);
    }

    if (Array.isArray(delta.annotations)) {
      for (const a of delta.annotations) {
        const type = isObject(a) && nonEmpty(a.type) ? a.type : 'untyped';
        this.warnOnce(`annotation ${type}`, `'${type}' annotations dropped: the canonical model carries no annotations`, chunk, out);
      }
    }
    if (isObject(delta.function_call)) {
      this.warnOnce('function_call', "a legacy 'function_call' delta was dropped: only 'tool_calls' are read", chunk, out);
    }
  }

  // Mistral typed chunks: https://docs.mistral.ai/capabilities/reasoning/
  private onContentChunk(part: unknown, chunk: ChatStreamChunk, out: Event[]): void {
    if (!isObject(part)) return;
    const p = part as Record<string, unknown>;
    if (p.type === 'text' && nonEmpty(p.text)) {
      this.proseDelta('text', p.text, chunk, out);
    } else if (p.type === 'thinking') {
      const thinking = p.thinking;
      if (typeof thinking === 'string') {
        if (thinking !== '') this.proseDelta('reasoning', thinking, chunk, out);
      } else if (Array.isArray(thinking)) {
        for (const t of thinking) {
          if (isObject(t) && nonEmpty((t as Record<string, unknown>).text)) {
            this.proseDelta('reasoning', (t as { text: string }).text, chunk, out);
          }
        }
      }
    } else if (p.type !== 'text') {
      // `reference` citations, and whatever Mistral adds next.
      const type = nonEmpty(p.type) ? p.type : 'untyped';
      this.warnOnce(`chunk ${type}`, `'${type}' content chunks dropped: the canonical model has no form for them`, chunk, out);
    }
  }

  private warnOnce(kind: string, message: string, chunk: ChatStreamChunk, out: Event[]): void {
    if (this.warned.has(kind)) return;
    this.warned.add(kind);
    this.ensureStart(out, chunk);
    out.push({ type: 'warning', message });
  }

  private proseDelta(kind: ProseKind, delta: string, chunk: ChatStreamChunk, out: Event[]): void {
    this.ensureStart(out, chunk);
    if (this.prose?.kind !== kind) {
      this.closeProse(out);
      const key = `${kind}_${this.blockCount++}`;
      this.prose = { kind, key };
      out.push({ type: `${kind}_start`, key } as Event);
    }
    const key = this.prose.key;
    if (kind === 'reasoning') out.push({ type: 'reasoning_delta', key, delta, kind: 'text' });
    else out.push({ type: `${kind}_delta`, key, delta } as Event);
  }

  private closeProse(out: Event[]): void {
    if (!this.prose) return;
    out.push({ type: `${this.prose.kind}_end`, key: this.prose.key } as Event);
    this.prose = null;
  }

  private onToolCallDelta(tc: ChatToolCallDelta, chunk: ChatStreamChunk, out: Event[]): void {
    const id = nonEmpty(tc.id) ? tc.id : undefined;
    const fn = isObject(tc.function) ? tc.function : undefined;
    const name = nonEmpty(fn?.name) ? fn.name : undefined;
    const rawArgs = fn?.arguments;
    const args = typeof rawArgs === 'string' ? rawArgs : isObject(rawArgs) ? JSON.stringify(rawArgs) : '';

    let call: ToolCallState | undefined;
    const index = typeof tc.index === 'number' ? tc.index : undefined;
    if (index !== undefined) {
      const existing = this.toolsByIndex.get(index);
      // The same index with a different non-empty id is a new call (servers that number
      // every call 0); an empty or repeated id continues the call.
      if (existing && !(id && existing.upstreamId && id !== existing.upstreamId)) call = existing;
    } else if (id) {
      call = this.tools.find((t) => t.upstreamId === id);
    } else {
      call = this.tools[this.tools.length - 1];
    }
    if (!call || !this.openTools.has(call)) {
      call = { key: `tool_${this.tools.length}`, upstreamId: id, kind: 'function', started: false, pending: [], hasArguments: false };
      this.tools.push(call);
      this.openTools.add(call);
      if (index !== undefined) this.toolsByIndex.set(index, call);
      this.closeProse(out);
    } else if (id && !call.upstreamId && !call.started) {
      call.upstreamId = id;
    }

    if (name && !call.wireName) call.wireName = name;
    if (!call.started && call.wireName !== undefined) this.startTool(call, chunk, out);
    if (args !== '') {
      if (call.started) this.toolArguments(call, args, out);
      else call.pending.push(args);
    }
  }

  private startTool(call: ToolCallState, chunk: ChatStreamChunk | undefined, out: Event[]): void {
    this.ensureStart(out, chunk);
    call.started = true;
    const client = this.ctx.names.fromWire(call.wireName ?? '');
    call.kind = client.kind;
    if (client.kind === 'custom') call.decoder = createCustomInputDecoder();
    const start: Extract<Event, { type: 'tool_call_start' }> = {
      type: 'tool_call_start',
      key: call.key,
      callId: call.upstreamId ?? this.generateCallId(),
      name: client.name,
      kind: client.kind,
    };
    if (client.namespace !== undefined) start.namespace = client.namespace;
    out.push(start);
    for (const args of call.pending.splice(0)) this.toolArguments(call, args, out);
  }

  private toolArguments(call: ToolCallState, args: string, out: Event[]): void {
    if (call.decoder) {
      const input = call.decoder.push(args);
      if (input !== '') out.push({ type: 'tool_call_delta', key: call.key, delta: input });
      return;
    }
    if (args.trim() !== '') call.hasArguments = true;
    out.push({ type: 'tool_call_delta', key: call.key, delta: args });
  }

  private closeAll(out: Event[]): void {
    this.closeProse(out);
    for (const call of this.tools) {
      if (!this.openTools.has(call)) continue;
      this.openTools.delete(call);
      // A call whose name never came: still reported (under an empty name), never dropped.
      if (!call.started) this.startTool(call, undefined, out);
      if (call.decoder) {
        const rest = call.decoder.end();
        if (rest !== '') out.push({ type: 'tool_call_delta', key: call.key, delta: rest });
      } else if (!call.hasArguments) {
        out.push({ type: 'tool_call_delta', key: call.key, delta: '{}' });
      }
      out.push({ type: 'tool_call_end', key: call.key });
    }
  }
}

// `{error: {...}}` inside a 200 stream (OpenAI, vLLM, OpenRouter), or Mistral's
// `{object: "error", message, type, code}`.
function streamError(chunk: ChatStreamChunk): GatewayErrorInfo | undefined {
  let body: ChatStreamErrorBody | undefined;
  if (isObject(chunk.error)) body = chunk.error;
  else if (chunk.object === 'error') body = chunk as unknown as ChatStreamErrorBody;
  if (!body) return undefined;
  const numericCode = typeof body.code === 'number' ? body.code : undefined;
  const status =
    typeof body.status === 'number' && body.status >= 400 && body.status < 600
      ? body.status
      : numericCode !== undefined && numericCode >= 400 && numericCode < 600
        ? numericCode
        : 502;
  const message = typeof body.message === 'string' && body.message !== '' ? body.message : JSON.stringify(body.message ?? body);
  return {
    status,
    type: nonEmpty(body.type) ? body.type : errorTypeForStatus(status),
    code: typeof body.code === 'string' && body.code !== '' ? body.code : null,
    message,
    param: typeof body.param === 'string' ? body.param : null,
  };
}

function nonEmpty(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

function isObject<T>(value: T): value is T & object {
  return value !== null && typeof value === 'object';
}
