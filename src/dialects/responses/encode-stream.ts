// Canonical events → Responses API stream events, as a small state machine.
//
// What Codex and strict clients need (test/fixtures/codex/README.md, the openai SDK's
// ResponseStream): `response.created` + `response.in_progress` first; each item's
// `output_item.added` before any of its deltas; stable item ids and output_index;
// `sequence_number` increasing by one; every `*.delta` closed by its `*.done`; each
// item's `output_item.done`; and exactly one terminal event carrying id, output and usage.
// Every push returns the events to send now: nothing is held back.
import type { Event, FinishReason, GatewayErrorInfo, Usage } from '../../canonical/types.js';
import { emptyUsage } from '../../canonical/types.js';
import { toResponsesUsage, type ResponsesUsage } from './encode-usage.js';

export type ResponsesEvent = { type: string; sequence_number: number; [k: string]: unknown };

// The request fields a Response object echoes back (OpenAI returns them; SDKs read some).
export interface ResponseEcho {
  model: string;
  instructions?: string | null;
  tools?: unknown[];
  tool_choice?: unknown;
  parallel_tool_calls?: boolean;
  reasoning?: unknown;
  text?: unknown;
  temperature?: number | null;
  top_p?: number | null;
  max_output_tokens?: number | null;
  store?: boolean;
  metadata?: Record<string, string>;
  prompt_cache_key?: string | null;
}

export interface ResponseObject {
  id: string;
  object: 'response';
  created_at: number;
  status: 'in_progress' | 'completed' | 'failed' | 'incomplete';
  error: { code: string; message: string } | null;
  incomplete_details: { reason: string } | null;
  output: OutputItem[];
  usage: ResponsesUsage | null;
  [k: string]: unknown;
}

type OutputItem = { id: string; type: string; [k: string]: unknown };

type Block =
  | { kind: 'text'; contentIndex: number; text: string; refusal: boolean }
  | { kind: 'reasoning'; item: OpenItem; summaryIndex: number; summaryText: string; rawText: string | null }
  | { kind: 'tool'; item: OpenItem; text: string; custom: boolean };

interface OpenItem {
  outputIndex: number;
  item: OutputItem;
}

export interface EncoderOptions {
  responseId: string;
  createdAt: number;
  echo: ResponseEcho;
}

export class ResponsesStreamEncoder {
  private seq = 0;
  private readonly response: ResponseObject;
  private readonly blocks = new Map<string, Block>();
  // The assistant message item currently taking content parts: consecutive text
  // blocks share one message item, as OpenAI does.
  private message: OpenItem | null = null;
  private nextItem = 0;
  private usage: Usage = emptyUsage();
  private finish: FinishReason | null = null;
  private sawToolCall = false;
  private ended = false;

  constructor(private readonly opts: EncoderOptions) {
    const e = opts.echo;
    this.response = {
      id: opts.responseId,
      object: 'response',
      created_at: opts.createdAt,
      status: 'in_progress',
      error: null,
      incomplete_details: null,
      instructions: e.instructions ?? null,
      max_output_tokens: e.max_output_tokens ?? null,
      model: e.model,
      output: [],
      parallel_tool_calls: e.parallel_tool_calls ?? true,
      previous_response_id: null,
      reasoning: e.reasoning ?? { effort: null, summary: null },
      store: e.store ?? false,
      temperature: e.temperature ?? null,
      text: e.text ?? { format: { type: 'text' } },
      tool_choice: e.tool_choice ?? 'auto',
      tools: e.tools ?? [],
      top_p: e.top_p ?? null,
      truncation: 'disabled',
      usage: null,
      metadata: e.metadata ?? {},
      ...(e.prompt_cache_key ? { prompt_cache_key: e.prompt_cache_key } : {}),
    };
  }

  get isEnded(): boolean {
    return this.ended;
  }

  get finalResponse(): ResponseObject {
    return this.response;
  }

  // `response.created` then `response.in_progress`, to flush as soon as the upstream answered.
  start(): ResponsesEvent[] {
    return [
      this.ev('response.created', { response: this.snapshot() }),
      this.ev('response.in_progress', { response: this.snapshot() }),
    ];
  }

  // Sent while the upstream is silent: Codex resets its idle timer only on data events.
  heartbeat(): ResponsesEvent {
    return this.ev('response.in_progress', { response: this.snapshot() });
  }

  push(event: Event): ResponsesEvent[] {
    if (this.ended) return [];
    const out: ResponsesEvent[] = [];
    switch (event.type) {
      case 'start':
        break;
      case 'text_start':
      case 'refusal_start':
        this.openTextBlock(event.key, event.type === 'refusal_start', event.type === 'text_start' ? event.phase : undefined, out);
        break;
      case 'text_delta':
      case 'refusal_delta':
        this.textDelta(event.key, event.delta, event.type === 'refusal_delta', out);
        break;
      case 'text_end':
      case 'refusal_end':
        this.closeTextBlock(event.key, out);
        break;
      case 'reasoning_start':
        this.openReasoning(event.key, event.id, out);
        break;
      case 'reasoning_delta':
        this.reasoningDelta(event.key, event.delta, event.kind, event.summaryIndex, out);
        break;
      case 'reasoning_end':
        this.closeReasoning(event.key, event.encryptedContent, out);
        break;
      case 'tool_call_start':
        this.openToolCall(event, out);
        break;
      case 'tool_call_delta':
        this.toolDelta(event.key, event.delta, out);
        break;
      case 'tool_call_end':
        this.closeToolCall(event.key, out);
        break;
      case 'usage':
        this.usage = event.usage;
        break;
      case 'finish':
        this.finish = event.reason;
        break;
      case 'error':
        this.fail(event.error, out);
        break;
      case 'warning':
        // For the turn record only; a Responses stream has no event for it.
        break;
      default:
        event satisfies never;
    }
    return out;
  }

  // Closes what is open and sends the terminal event. Called once the upstream ended.
  end(): ResponsesEvent[] {
    if (this.ended) return [];
    const out: ResponsesEvent[] = [];
    if (this.finish === null) {
      // The provider adapters turn a truncated upstream into an `error` event; this
      // guards the contract that every stream ends with a terminal event.
      this.fail({ status: 502, type: 'server_error', code: 'upstream_stream_truncated', message: 'The upstream stream ended before the response was complete.' }, out);
      return out;
    }
    this.closeAll('completed', out);
    this.response.usage = toResponsesUsage(this.usage);
    if (this.finish === 'length' || this.finish === 'content_filter') {
      this.response.status = 'incomplete';
      this.response.incomplete_details = { reason: this.finish === 'length' ? 'max_output_tokens' : 'content_filter' };
      out.push(this.ev('response.incomplete', { response: this.response }));
    } else {
      this.response.status = 'completed';
      out.push(this.ev('response.completed', { response: this.response }));
    }
    this.ended = true;
    return out;
  }

  // A failure: open items are closed as incomplete, then `response.failed` with the code
  // Codex keys its behaviour on (context_length_exceeded and insufficient_quota stop it).
  fail(error: GatewayErrorInfo, out: ResponsesEvent[] = []): ResponsesEvent[] {
    if (this.ended) return out;
    this.closeAll('incomplete', out);
    this.response.status = 'failed';
    this.response.error = { code: error.code ?? error.type, message: error.message };
    this.response.usage = toResponsesUsage(this.usage);
    out.push(this.ev('response.failed', { response: this.response }));
    this.ended = true;
    return out;
  }

  get toolCallsMade(): boolean {
    return this.sawToolCall;
  }

  // --- messages -------------------------------------------------------------

  private openTextBlock(key: string, refusal: boolean, phase: string | undefined, out: ResponsesEvent[]): void {
    if (this.message && phase !== undefined && this.message.item.phase !== phase) this.closeMessage(out);
    if (!this.message) {
      const item: OutputItem = { id: this.itemId('msg'), type: 'message', status: 'in_progress', content: [], role: 'assistant' };
      if (phase !== undefined) item.phase = phase;
      this.message = this.addItem(item, out);
    }
    const msg = this.message;
    const content = msg.item.content as unknown[];
    const contentIndex = content.length;
    const part = refusal ? { type: 'refusal', refusal: '' } : { type: 'output_text', annotations: [], logprobs: [], text: '' };
    content.push(part);
    out.push(this.ev('response.content_part.added', { item_id: msg.item.id, output_index: msg.outputIndex, content_index: contentIndex, part: { ...part } }));
    this.blocks.set(key, { kind: 'text', contentIndex, text: '', refusal });
  }

  private textDelta(key: string, delta: string, refusal: boolean, out: ResponsesEvent[]): void {
    let block = this.blocks.get(key);
    if (!block) {
      // A delta with no start: open implicitly rather than drop text.
      this.openTextBlock(key, refusal, undefined, out);
      block = this.blocks.get(key)!;
    }
    if (block.kind !== 'text' || !this.message || delta === '') return;
    block.text += delta;
    out.push(
      this.ev(block.refusal ? 'response.refusal.delta' : 'response.output_text.delta', {
        item_id: this.message.item.id,
        output_index: this.message.outputIndex,
        content_index: block.contentIndex,
        delta,
        ...(block.refusal ? {} : { logprobs: [] }),
      }),
    );
  }

  private closeTextBlock(key: string, out: ResponsesEvent[]): void {
    const block = this.blocks.get(key);
    if (!block || block.kind !== 'text' || !this.message) return;
    this.blocks.delete(key);
    const msg = this.message;
    const base = { item_id: msg.item.id, output_index: msg.outputIndex, content_index: block.contentIndex };
    const part = block.refusal
      ? { type: 'refusal', refusal: block.text }
      : { type: 'output_text', annotations: [], logprobs: [], text: block.text };
    (msg.item.content as unknown[])[block.contentIndex] = part;
    if (block.refusal) out.push(this.ev('response.refusal.done', { ...base, refusal: block.text }));
    else out.push(this.ev('response.output_text.done', { ...base, text: block.text, logprobs: [] }));
    out.push(this.ev('response.content_part.done', { ...base, part: { ...part } }));
  }

  private closeMessage(out: ResponsesEvent[], status = 'completed'): void {
    if (!this.message) return;
    for (const [key, block] of this.blocks) if (block.kind === 'text') this.closeTextBlock(key, out);
    const msg = this.message;
    this.message = null;
    msg.item.status = status;
    out.push(this.ev('response.output_item.done', { output_index: msg.outputIndex, item: clone(msg.item) }));
  }

  // --- reasoning ------------------------------------------------------------

  private openReasoning(key: string, _upstreamId: string | undefined, out: ResponsesEvent[]): void {
    this.closeMessage(out);
    const item = this.addItem({ id: this.itemId('rs'), type: 'reasoning', summary: [] }, out);
    this.blocks.set(key, { kind: 'reasoning', item, summaryIndex: -1, summaryText: '', rawText: null });
  }

  private reasoningDelta(key: string, delta: string, kind: 'summary' | 'text', summaryIndex: number | undefined, out: ResponsesEvent[]): void {
    let block = this.blocks.get(key);
    if (!block) {
      this.openReasoning(key, undefined, out);
      block = this.blocks.get(key)!;
    }
    if (block.kind !== 'reasoning' || delta === '') return;
    const { item } = block;
    const base = { item_id: item.item.id, output_index: item.outputIndex };
    if (kind === 'text') {
      if (block.rawText === null) {
        block.rawText = '';
        item.item.content = [{ type: 'reasoning_text', text: '' }];
        out.push(this.ev('response.content_part.added', { ...base, content_index: 0, part: { type: 'reasoning_text', text: '' } }));
      }
      block.rawText += delta;
      out.push(this.ev('response.reasoning_text.delta', { ...base, content_index: 0, delta }));
      return;
    }
    const index = summaryIndex ?? Math.max(block.summaryIndex, 0);
    if (index !== block.summaryIndex) {
      this.closeSummaryPart(block, out);
      block.summaryIndex = index;
      block.summaryText = '';
      out.push(this.ev('response.reasoning_summary_part.added', { ...base, summary_index: index, part: { type: 'summary_text', text: '' } }));
    }
    block.summaryText += delta;
    out.push(this.ev('response.reasoning_summary_text.delta', { ...base, summary_index: index, delta }));
  }

  private closeSummaryPart(block: Extract<Block, { kind: 'reasoning' }>, out: ResponsesEvent[]): void {
    if (block.summaryIndex < 0) return;
    const base = { item_id: block.item.item.id, output_index: block.item.outputIndex, summary_index: block.summaryIndex };
    const part = { type: 'summary_text', text: block.summaryText };
    (block.item.item.summary as unknown[])[block.summaryIndex] = part;
    out.push(this.ev('response.reasoning_summary_text.done', { ...base, text: block.summaryText }));
    out.push(this.ev('response.reasoning_summary_part.done', { ...base, part: { ...part } }));
  }

  private closeReasoning(key: string, encryptedContent: string | undefined, out: ResponsesEvent[]): void {
    const block = this.blocks.get(key);
    if (!block || block.kind !== 'reasoning') return;
    this.blocks.delete(key);
    this.closeSummaryPart(block, out);
    const { item } = block;
    const base = { item_id: item.item.id, output_index: item.outputIndex };
    if (block.rawText !== null) {
      const part = { type: 'reasoning_text', text: block.rawText };
      item.item.content = [part];
      out.push(this.ev('response.reasoning_text.done', { ...base, content_index: 0, text: block.rawText }));
      out.push(this.ev('response.content_part.done', { ...base, content_index: 0, part: { ...part } }));
    }
    // Summary indexes are sparse only if the upstream skipped one; never send holes.
    item.item.summary = (item.item.summary as unknown[]).filter(Boolean);
    if (encryptedContent !== undefined) item.item.encrypted_content = encryptedContent;
    out.push(this.ev('response.output_item.done', { output_index: item.outputIndex, item: clone(item.item) }));
  }

  // --- tool calls -----------------------------------------------------------

  private openToolCall(event: Extract<Event, { type: 'tool_call_start' }>, out: ResponsesEvent[]): void {
    this.closeMessage(out);
    this.sawToolCall = true;
    const custom = event.kind === 'custom';
    const item: OutputItem = custom
      ? { id: this.itemId('ctc'), type: 'custom_tool_call', status: 'in_progress', call_id: event.callId, name: event.name, input: '' }
      : { id: this.itemId('fc'), type: 'function_call', status: 'in_progress', arguments: '', call_id: event.callId, name: event.name };
    if (!custom && event.namespace) item.namespace = event.namespace;
    const open = this.addItem(item, out);
    this.blocks.set(event.key, { kind: 'tool', item: open, text: '', custom });
  }

  private toolDelta(key: string, delta: string, out: ResponsesEvent[]): void {
    const block = this.blocks.get(key);
    if (!block || block.kind !== 'tool' || delta === '') return;
    block.text += delta;
    const base = { item_id: block.item.item.id, output_index: block.item.outputIndex, delta };
    out.push(this.ev(block.custom ? 'response.custom_tool_call_input.delta' : 'response.function_call_arguments.delta', base));
  }

  private closeToolCall(key: string, out: ResponsesEvent[], status = 'completed'): void {
    const block = this.blocks.get(key);
    if (!block || block.kind !== 'tool') return;
    this.blocks.delete(key);
    // A call with no arguments is `{}`, never an empty string Codex cannot parse.
    if (!block.custom && block.text === '') {
      block.text = '{}';
      out.push(this.ev('response.function_call_arguments.delta', { item_id: block.item.item.id, output_index: block.item.outputIndex, delta: '{}' }));
    }
    const { item } = block;
    const base = { item_id: item.item.id, output_index: item.outputIndex };
    if (block.custom) {
      item.item.input = block.text;
      out.push(this.ev('response.custom_tool_call_input.done', { ...base, input: block.text }));
    } else {
      item.item.arguments = block.text;
      out.push(this.ev('response.function_call_arguments.done', { ...base, name: item.item.name, arguments: block.text }));
    }
    item.item.status = status;
    out.push(this.ev('response.output_item.done', { output_index: item.outputIndex, item: clone(item.item) }));
  }

  // --- shared ---------------------------------------------------------------

  private closeAll(status: 'completed' | 'incomplete', out: ResponsesEvent[]): void {
    this.closeMessage(out, status);
    for (const [key, block] of [...this.blocks]) {
      if (block.kind === 'reasoning') this.closeReasoning(key, undefined, out);
      // A tool call cut off by a failure stays open: closing it would hand the client
      // partial arguments as if they were a complete call.
      else if (block.kind === 'tool' && status === 'completed') this.closeToolCall(key, out, status);
    }
  }

  private addItem(item: OutputItem, out: ResponsesEvent[]): OpenItem {
    const outputIndex = this.response.output.length;
    this.response.output.push(item);
    out.push(this.ev('response.output_item.added', { output_index: outputIndex, item: clone(item) }));
    return { outputIndex, item };
  }

  private itemId(prefix: string): string {
    return `${prefix}_${this.opts.responseId.replace(/^resp_/, '')}${(this.nextItem++).toString(36)}`;
  }

  private snapshot(): ResponseObject {
    return { ...this.response, output: [] };
  }

  private ev(type: string, body: Record<string, unknown>): ResponsesEvent {
    return { type, sequence_number: this.seq++, ...body };
  }
}

function clone<T>(v: T): T {
  return structuredClone(v);
}
