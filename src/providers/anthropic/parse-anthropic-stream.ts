// Anthropic Messages stream events (the JSON of each `data:` line) → canonical events.
// https://docs.anthropic.com/en/docs/build-with-claude/streaming
//
// A small state machine over `message_start`, `content_block_start|delta|stop`,
// `message_delta`, `message_stop`, `ping` and `error`:
// - text blocks → text_start/delta/end;
// - thinking and redacted_thinking blocks → one reasoning item per run of consecutive
//   thinking blocks. Thinking text streams as reasoning SUMMARY deltas (one summary part per
//   block): Claude 4 models return summarized thinking, and Codex shows reasoning summaries
//   (raw `reasoning_text` only with `show_raw_agent_reasoning`). The blocks themselves,
//   signature / data verbatim, go on `reasoning_end.state`, which the pipeline seals into
//   `encrypted_content` so the next request can send them back unchanged;
// - tool_use → tool_call_start/delta/end under the client's name (namespaces restored,
//   wrapped custom tools unwrapped, their `{"input": "…"}` decoded as it streams);
// - usage from message_start, corrected by message_delta (convert-anthropic-usage.ts);
// - the stop reason from message_delta (map-anthropic-stop-reason.ts), emitted at
//   message_stop with the usage; a refusal carries stop_details.explanation as refusal text.
//
// Not translated, each reported once as a warning: server tool blocks (server_tool_use,
// web_search_tool_result, code execution results…), citations_delta, unknown block and
// delta types. A mid-stream `event: error` (overloaded_error…) becomes an error event with
// the status its type has over HTTP (map-anthropic-error.ts). A repeated message_start with
// the same id is one message (duplicate-message-start.chunks.txt); one with another id is
// an invalid stream (spliced-message-start.chunks.txt). A stream that ends without
// message_stop is `upstream_stream_truncated` (502), its open blocks left open on purpose:
// closing them would present a cut-off tool call as complete.
import { randomUUID } from 'node:crypto';
import type { Event, FinishReason } from '../../canonical/types.js';
import type { ToolNameMap } from '../shared/tool-names.js';
import { createCustomInputDecoder, CUSTOM_INPUT_FIELD, type CustomInputDecoder } from '../shared/wrap-custom-tool.js';
import type { StopDetails, StreamContentBlock, StreamDelta, StreamEvent } from './anthropic-api.js';
import { anthropicReasoningState, type AnthropicThinkingBlock } from './anthropic-reasoning-state.js';
import { convertAnthropicUsage, emptyAnthropicUsage, mergeAnthropicUsage } from './convert-anthropic-usage.js';
import { anthropicStreamError } from './map-anthropic-error.js';
import { mapAnthropicStopReason } from './map-anthropic-stop-reason.js';
import { streamTruncated } from '../shared/stream-truncated.js';

export interface ParseAnthropicStreamContext {
  // The map the request was converted with: restores namespaces and custom tools.
  names: ToolNameMap;
  // The upstream model the request named; reasoning state is tagged with it.
  model: string;
  // For a tool_use block without an id (never seen from Anthropic itself).
  generateCallId?: () => string;
}

export async function* parseAnthropicStream(events: AsyncIterable<unknown>, ctx: ParseAnthropicStreamContext): AsyncGenerator<Event> {
  const state = new AnthropicStreamState(ctx);
  for await (const event of events) {
    yield* state.push(event);
    if (state.done) return;
  }
  yield* state.end();
}

type BlockState =
  | { kind: 'text'; key: string }
  | { kind: 'thinking'; thinking: string; signature: string; summaryIndex?: number }
  | { kind: 'redacted'; data: string }
  | { kind: 'tool'; key: string; custom: boolean; decoder?: CustomInputDecoder; hasArguments: boolean; startInput: unknown }
  | { kind: 'skipped' };

interface ReasoningGroup {
  key: string;
  blocks: AnthropicThinkingBlock[];
  summaries: number;
  unsigned: number;
}

class AnthropicStreamState {
  done = false;
  private started = false;
  private sawMessageStart = false;
  private messageId: string | undefined;
  private readonly blocks = new Map<number, BlockState>();
  private reasoning: ReasoningGroup | null = null;
  private reasoningCount = 0;
  private toolCalls = 0;
  private usage = emptyAnthropicUsage();
  private stopReason: string | undefined;
  private stopDetails: StopDetails | undefined;
  private readonly warned = new Set<string>();
  private readonly generateCallId: () => string;

  constructor(private readonly ctx: ParseAnthropicStreamContext) {
    this.generateCallId = ctx.generateCallId ?? (() => `toolu_${randomUUID().replace(/-/g, '').slice(0, 24)}`);
  }

  push(raw: unknown): Event[] {
    const out: Event[] = [];
    if (raw === null || typeof raw !== 'object' || this.done) return out;
    const ev = raw as StreamEvent;
    switch (ev.type) {
      case 'message_start':
        this.onMessageStart(ev, out);
        break;
      case 'content_block_start':
        this.onBlockStart(ev.index, ev.content_block ?? {}, out);
        break;
      case 'content_block_delta':
        this.onBlockDelta(ev.index, ev.delta ?? {}, out);
        break;
      case 'content_block_stop':
        this.onBlockStop(ev.index, out);
        break;
      case 'message_delta':
        if (typeof ev.delta?.stop_reason === 'string') this.stopReason = ev.delta.stop_reason;
        if (ev.delta?.stop_details && typeof ev.delta.stop_details === 'object') this.stopDetails = ev.delta.stop_details;
        if (ev.usage && typeof ev.usage === 'object') this.usage = mergeAnthropicUsage(this.usage, ev.usage);
        break;
      case 'message_stop':
        this.finish(out);
        break;
      case 'error':
        this.ensureStart(out);
        out.push({ type: 'error', error: anthropicStreamError(ev.error) });
        this.done = true;
        break;
      case 'ping':
        break;
      default:
        this.warnOnce(`event ${String(ev.type)}`, `Anthropic stream event '${String(ev.type)}' ignored: not part of the Messages stream the gateway knows`, out);
    }
    return out;
  }

  end(): Event[] {
    const out: Event[] = [];
    if (this.done) return out;
    this.done = true;
    this.ensureStart(out);
    out.push({
      type: 'error',
      error: streamTruncated('The Anthropic stream ended before the response was complete (no message_stop).'),
    });
    return out;
  }

  private ensureStart(out: Event[], id?: string, model?: string): void {
    if (this.started) return;
    this.started = true;
    const start: Extract<Event, { type: 'start' }> = { type: 'start' };
    if (id) start.id = id;
    if (model) start.model = model;
    out.push(start);
  }

  private onMessageStart(ev: StreamEvent, out: Event[]): void {
    const message = ev.message ?? {};
    const id = typeof message.id === 'string' ? message.id : undefined;
    if (this.sawMessageStart) {
      if (id === this.messageId) return; // the same message announced twice: one message
      out.push({
        type: 'error',
        error: {
          status: 502,
          type: 'server_error',
          code: 'upstream_invalid_stream',
          message: `Anthropic sent a second message_start (id ${id ?? 'none'}) inside message ${this.messageId ?? 'without id'}; the stream is invalid.`,
        },
      });
      this.done = true;
      return;
    }
    this.sawMessageStart = true;
    this.messageId = id;
    this.ensureStart(out, id, typeof message.model === 'string' ? message.model : undefined);
    if (message.usage && typeof message.usage === 'object') this.usage = mergeAnthropicUsage(this.usage, message.usage);
  }

  private onBlockStart(index: number | undefined, block: StreamContentBlock, out: Event[]): void {
    this.ensureStart(out);
    const i = typeof index === 'number' ? index : this.blocks.size;
    const type = typeof block.type === 'string' ? block.type : 'untyped';
    if (type !== 'thinking' && type !== 'redacted_thinking') this.closeReasoning(out);
    switch (type) {
      case 'text': {
        const key = `text_${i}`;
        this.blocks.set(i, { kind: 'text', key });
        out.push({ type: 'text_start', key });
        if (typeof block.text === 'string' && block.text !== '') out.push({ type: 'text_delta', key, delta: block.text });
        return;
      }
      case 'thinking': {
        const b: BlockState = { kind: 'thinking', thinking: '', signature: typeof block.signature === 'string' ? block.signature : '' };
        this.blocks.set(i, b);
        this.openReasoning(out);
        if (typeof block.thinking === 'string' && block.thinking !== '') this.thinkingDelta(b, block.thinking, out);
        return;
      }
      case 'redacted_thinking': {
        this.blocks.set(i, { kind: 'redacted', data: typeof block.data === 'string' ? block.data : '' });
        this.openReasoning(out);
        return;
      }
      case 'tool_use': {
        const key = `tool_${i}`;
        const client = this.ctx.names.fromWire(typeof block.name === 'string' ? block.name : '');
        const custom = client.kind === 'custom';
        this.blocks.set(i, { kind: 'tool', key, custom, decoder: custom ? createCustomInputDecoder() : undefined, hasArguments: false, startInput: block.input });
        this.toolCalls++;
        const start: Extract<Event, { type: 'tool_call_start' }> = {
          type: 'tool_call_start',
          key,
          callId: typeof block.id === 'string' && block.id !== '' ? block.id : this.generateCallId(),
          name: client.name,
          kind: client.kind,
        };
        if (client.namespace !== undefined) start.namespace = client.namespace;
        out.push(start);
        return;
      }
      default:
        this.blocks.set(i, { kind: 'skipped' });
        this.warnOnce(
          `block ${type}`,
          type === 'server_tool_use' || type.endsWith('_tool_result') || type === 'mcp_tool_use'
            ? `Anthropic server tool block '${type}' skipped: the gateway does not run provider-hosted tools, and the canonical model cannot carry their results`
            : `Anthropic content block '${type}' skipped: the canonical model has no form for it`,
          out,
        );
    }
  }

  private onBlockDelta(index: number | undefined, delta: StreamDelta, out: Event[]): void {
    const block = typeof index === 'number' ? this.blocks.get(index) : undefined;
    const type = typeof delta.type === 'string' ? delta.type : 'untyped';
    if (type === 'citations_delta') {
      this.warnOnce('citations', "Anthropic citations dropped (citations_delta): the canonical model carries no annotations", out);
      return;
    }
    if (!block || block.kind === 'skipped') return;
    switch (type) {
      case 'text_delta':
        if (block.kind === 'text' && typeof delta.text === 'string' && delta.text !== '') out.push({ type: 'text_delta', key: block.key, delta: delta.text });
        return;
      case 'thinking_delta':
        if (block.kind === 'thinking' && typeof delta.thinking === 'string') this.thinkingDelta(block, delta.thinking, out);
        return;
      case 'signature_delta':
        if (block.kind === 'thinking' && typeof delta.signature === 'string') block.signature += delta.signature;
        return;
      case 'input_json_delta':
        if (block.kind === 'tool' && typeof delta.partial_json === 'string') this.toolArguments(block, delta.partial_json, out);
        return;
      default:
        this.warnOnce(`delta ${type}`, `Anthropic delta '${type}' ignored: the canonical model has no form for it`, out);
    }
  }

  private onBlockStop(index: number | undefined, out: Event[]): void {
    if (typeof index !== 'number') return;
    const block = this.blocks.get(index);
    if (!block) return;
    this.blocks.delete(index);
    switch (block.kind) {
      case 'text':
        out.push({ type: 'text_end', key: block.key });
        return;
      case 'thinking':
        if (!this.reasoning) return;
        if (block.signature === '') this.reasoning.unsigned++;
        else this.reasoning.blocks.push({ type: 'thinking', thinking: block.thinking, signature: block.signature });
        return;
      case 'redacted':
        if (this.reasoning && block.data !== '') this.reasoning.blocks.push({ type: 'redacted_thinking', data: block.data });
        return;
      case 'tool':
        this.closeTool(block, out);
        return;
      case 'skipped':
        return;
    }
  }

  private openReasoning(out: Event[]): void {
    if (this.reasoning) return;
    this.reasoning = { key: `reasoning_${this.reasoningCount++}`, blocks: [], summaries: 0, unsigned: 0 };
    out.push({ type: 'reasoning_start', key: this.reasoning.key });
  }

  private thinkingDelta(block: Extract<BlockState, { kind: 'thinking' }>, text: string, out: Event[]): void {
    block.thinking += text;
    if (text === '' || !this.reasoning) return;
    block.summaryIndex ??= this.reasoning.summaries++;
    out.push({ type: 'reasoning_delta', key: this.reasoning.key, delta: text, kind: 'summary', summaryIndex: block.summaryIndex });
  }

  private closeReasoning(out: Event[]): void {
    const group = this.reasoning;
    if (!group) return;
    this.reasoning = null;
    if (group.unsigned > 0) {
      // A thinking block without its signature cannot be sent back; nor can the rest of
      // the run without it (Anthropic checks the sequence), so the item carries no state.
      out.push({ type: 'warning', message: `${group.unsigned} Anthropic thinking block(s) ended without a signature; their reasoning item cannot be sent back to Anthropic` });
      out.push({ type: 'reasoning_end', key: group.key });
      return;
    }
    if (group.blocks.length === 0) {
      out.push({ type: 'reasoning_end', key: group.key });
      return;
    }
    out.push({ type: 'reasoning_end', key: group.key, state: anthropicReasoningState(this.ctx.model, group.blocks) });
  }

  private toolArguments(block: Extract<BlockState, { kind: 'tool' }>, json: string, out: Event[]): void {
    if (json === '') return;
    if (block.decoder) {
      block.hasArguments = true;
      const input = block.decoder.push(json);
      if (input !== '') out.push({ type: 'tool_call_delta', key: block.key, delta: input });
      return;
    }
    if (json.trim() !== '') block.hasArguments = true;
    out.push({ type: 'tool_call_delta', key: block.key, delta: json });
  }

  private closeTool(block: Extract<BlockState, { kind: 'tool' }>, out: Event[]): void {
    const start = block.startInput;
    const startHasInput = start !== null && typeof start === 'object' && Object.keys(start).length > 0;
    if (block.decoder) {
      if (!block.hasArguments && startHasInput) {
        // The whole input came on content_block_start (no input_json_delta).
        const value = (start as Record<string, unknown>)[CUSTOM_INPUT_FIELD];
        const input = typeof value === 'string' ? value : JSON.stringify(start);
        if (input !== '') out.push({ type: 'tool_call_delta', key: block.key, delta: input });
      } else {
        const rest = block.decoder.end();
        if (rest !== '') out.push({ type: 'tool_call_delta', key: block.key, delta: rest });
      }
    } else if (!block.hasArguments) {
      // A no-argument call streams `""` (anthropic-tool-no-args.chunks.txt): it is `{}`.
      out.push({ type: 'tool_call_delta', key: block.key, delta: startHasInput ? JSON.stringify(start) : '{}' });
    }
    out.push({ type: 'tool_call_end', key: block.key });
  }

  private finish(out: Event[]): void {
    this.ensureStart(out);
    this.closeReasoning(out);
    for (const [index, block] of [...this.blocks]) {
      this.blocks.delete(index);
      if (block.kind === 'text') out.push({ type: 'text_end', key: block.key });
      else if (block.kind === 'tool') this.closeTool(block, out);
    }
    let reason: FinishReason = mapAnthropicStopReason(this.stopReason);
    if (this.stopReason === 'refusal') {
      const key = 'refusal';
      const explanation = typeof this.stopDetails?.explanation === 'string' && this.stopDetails.explanation !== ''
        ? this.stopDetails.explanation
        : 'Claude declined to answer this request (Anthropic stop_reason: refusal).';
      out.push({ type: 'refusal_start', key }, { type: 'refusal_delta', key, delta: explanation }, { type: 'refusal_end', key });
    } else if (this.stopReason === 'pause_turn') {
      out.push({ type: 'warning', message: 'Anthropic paused the turn (stop_reason pause_turn); it ended with what was produced so far' });
    } else if (this.stopReason === undefined) {
      out.push({ type: 'warning', message: 'Anthropic ended the message without a stop_reason; treated as end_turn' });
    }
    if (reason === 'stop' && this.toolCalls > 0) reason = 'tool_calls';
    out.push({ type: 'usage', usage: convertAnthropicUsage(this.usage) });
    const finish: Extract<Event, { type: 'finish' }> = { type: 'finish', reason };
    if (this.stopReason !== undefined) finish.raw = this.stopReason;
    out.push(finish);
    this.done = true;
  }

  private warnOnce(kind: string, message: string, out: Event[]): void {
    if (this.warned.has(kind)) return;
    this.warned.add(kind);
    this.ensureStart(out);
    out.push({ type: 'warning', message });
  }
}
