// OpenAI Responses stream events (JSON-parsed SSE payloads) → canonical events, as a
// small state machine.
// https://platform.openai.com/docs/api-reference/responses-streaming
//
// - Events are correlated by `output_index`, never by `item_id`: GitHub Copilot's
//   /responses endpoint sends a new `item_id` on every event of the same item
//   (test/fixtures/openai-responses/github-copilot-id-rotation.1.chunks.txt).
// - Each `*.done` event and each item's `output_item.done` carries the full text. When
//   it holds more than the deltas did, the rest is emitted as one more delta: a stream
//   that sends no deltas at all (Codex's "minimal" SSE, test/fixtures/codex/sse-minimal-*.txt,
//   or a function call whose arguments only come on `.done`) still yields everything.
// - A reasoning item's `encrypted_content` is taken from its `output_item.done`: the one
//   on `.added` is a different, earlier value
//   (test/fixtures/openai-responses/openai-reasoning-encrypted-content.1.chunks.txt).
// - `custom_tool_call_input.done` may be missing (openai-custom-tool.1, hand-written);
//   the item's `output_item.done` closes the call either way.
// - Hosted-tool items (web_search_call, local_shell_call, apply_patch_call, …) have no
//   canonical form: they and their events are skipped, with one `warning` per item
//   naming its type (test/fixtures/openai-responses/openai-web-search-tool.1.chunks.txt).
// - Text annotations (web search `url_citation`s) have no canonical form either: a
//   message's dropped annotations are counted into one `warning` per annotation type.
// - The stream ends at `response.completed` / `response.incomplete` (usage + finish),
//   `response.failed` or an `error` event (one canonical error). Anything else ending
//   the stream is an `upstream_stream_truncated` error (502).
import type { Event } from '../../canonical/types.js';
import { convertResponsesUsage } from './convert-responses-usage.js';
import { responsesErrorToInfo } from './map-responses-error.js';
import { mapResponsesIncompleteReason } from './map-responses-incomplete-reason.js';
import { streamTruncated } from '../shared/stream-truncated.js';

type Json = Record<string, unknown>;

interface Block {
  key: string;
  open: boolean;
  // What has been emitted so far, to emit only the rest of a `.done` text.
  text: string;
}

type Slot =
  | {
      kind: 'message';
      keyBase: string;
      phase?: string;
      parts: Map<number, Block & { refusal: boolean }>;
      // `contentIndex:annotationIndex` → annotation type, reported (once) when the item closes.
      annotations: Map<string, string>;
      annotationsReported: boolean;
    }
  | { kind: 'reasoning'; block: Block; summaries: string[]; texts: string[] }
  | { kind: 'tool'; block: Block; custom: boolean }
  | { kind: 'skip' };

export async function* parseResponsesStream(events: AsyncIterable<unknown>): AsyncGenerator<Event> {
  const parser = new ResponsesStreamParser();
  for await (const raw of events) {
    yield* parser.push(raw);
    if (parser.finished) return;
  }
  yield* parser.end();
}

export class ResponsesStreamParser {
  finished = false;
  private started = false;
  private toolCalls = 0;
  private readonly slots = new Map<string, Slot>();

  // The canonical events one upstream event turns into.
  push(raw: unknown): Event[] {
    const out: Event[] = [];
    if (this.finished || !isObject(raw) || typeof raw.type !== 'string') return out;
    const ev = raw;
    switch (ev.type) {
      case 'response.created': {
        const response = isObject(ev.response) ? ev.response : {};
        if (!this.started) {
          this.started = true;
          out.push({ type: 'start', ...str('id', response.id), ...str('model', response.model) });
        }
        break;
      }
      case 'response.output_item.added':
        if (isObject(ev.item)) this.slotFor(ev, out, ev.item);
        break;
      case 'response.output_item.done':
        if (isObject(ev.item)) this.closeSlot(this.slotFor(ev, out, ev.item), ev.item, out);
        break;

      case 'response.content_part.added':
      case 'response.content_part.done': {
        const part = isObject(ev.part) ? ev.part : {};
        if (part.type !== 'output_text' && part.type !== 'refusal') break;
        const refusal = part.type === 'refusal';
        const block = this.part(ev, refusal, out);
        const slot = this.slots.get(slotId(ev));
        if (slot?.kind === 'message') noteAnnotations(slot, num(ev.content_index), part.annotations);
        if (block && ev.type === 'response.content_part.done') {
          this.closePart(block, refusal, refusal ? part.refusal : part.text, out);
        }
        break;
      }
      case 'response.output_text.delta':
      case 'response.refusal.delta': {
        const refusal = ev.type === 'response.refusal.delta';
        const block = this.part(ev, refusal, out);
        if (block) this.delta(block, ev.delta, (key, delta) => out.push({ type: refusal ? 'refusal_delta' : 'text_delta', key, delta }));
        break;
      }
      case 'response.output_text.done':
      case 'response.refusal.done': {
        const refusal = ev.type === 'response.refusal.done';
        const block = this.part(ev, refusal, out);
        if (block) this.closePart(block, refusal, refusal ? ev.refusal : ev.text, out);
        break;
      }

      case 'response.reasoning_summary_text.delta':
      case 'response.reasoning_text.delta': {
        const slot = this.reasoning(ev, out);
        const summary = ev.type === 'response.reasoning_summary_text.delta';
        const index = summary ? num(ev.summary_index) : num(ev.content_index);
        if (slot && typeof ev.delta === 'string') this.reasoningDelta(slot, summary, index, ev.delta, out);
        break;
      }
      case 'response.reasoning_summary_text.done':
      case 'response.reasoning_summary_part.done':
      case 'response.reasoning_text.done': {
        const slot = this.reasoning(ev, out);
        const summary = ev.type !== 'response.reasoning_text.done';
        const index = summary ? num(ev.summary_index) : num(ev.content_index);
        const full = ev.type === 'response.reasoning_summary_part.done' && isObject(ev.part) ? ev.part.text : ev.text;
        if (slot) this.reasoningRest(slot, summary, index, full, out);
        break;
      }

      case 'response.output_text.annotation.added': {
        const slot = this.slots.get(slotId(ev));
        if (slot?.kind === 'message' && isObject(ev.annotation)) {
          noteAnnotation(slot, num(ev.content_index), num(ev.annotation_index), ev.annotation);
        }
        break;
      }

      case 'response.function_call_arguments.delta':
      case 'response.custom_tool_call_input.delta': {
        const slot = this.slots.get(slotId(ev));
        if (slot?.kind === 'tool') this.delta(slot.block, ev.delta, (key, delta) => out.push({ type: 'tool_call_delta', key, delta }));
        break;
      }
      case 'response.function_call_arguments.done':
      case 'response.custom_tool_call_input.done': {
        const slot = this.slots.get(slotId(ev));
        const full = ev.type === 'response.function_call_arguments.done' ? ev.arguments : ev.input;
        if (slot?.kind === 'tool') this.rest(slot.block, full, (key, delta) => out.push({ type: 'tool_call_delta', key, delta }));
        break;
      }

      case 'response.completed':
      case 'response.incomplete': {
        const response = isObject(ev.response) ? ev.response : {};
        this.ensureStarted(out);
        this.closeAll(Array.isArray(response.output) ? response.output : [], out);
        const usage = convertResponsesUsage(response.usage);
        if (usage) out.push({ type: 'usage', usage });
        if (ev.type === 'response.completed') {
          out.push({ type: 'finish', reason: this.toolCalls > 0 ? 'tool_calls' : 'stop', raw: 'completed' });
        } else {
          const details = isObject(response.incomplete_details) ? response.incomplete_details : {};
          const reason = typeof details.reason === 'string' ? details.reason : undefined;
          out.push({ type: 'finish', reason: mapResponsesIncompleteReason(reason), ...str('raw', reason) });
        }
        this.finished = true;
        break;
      }
      case 'response.failed': {
        const response = isObject(ev.response) ? ev.response : {};
        out.push({ type: 'error', error: responsesErrorToInfo(response.error) });
        this.finished = true;
        break;
      }
      case 'error':
        // OpenAI nests {type, code, message, param} under `error`; its API reference puts
        // code/message/param on the event itself. Both are read.
        out.push({
          type: 'error',
          error: responsesErrorToInfo(isObject(ev.error) ? ev.error : { code: ev.code, message: ev.message, param: ev.param }),
        });
        this.finished = true;
        break;
      default:
        // response.in_progress, summary_part.added, hosted-tool progress, keep-alives.
        break;
    }
    return out;
  }

  // Called when the upstream body ends: without a terminal event the answer is incomplete.
  end(): Event[] {
    if (this.finished) return [];
    this.finished = true;
    return [
      {
        type: 'error',
        error: streamTruncated('The upstream stream ended before response.completed.'),
      },
    ];
  }

  private ensureStarted(out: Event[]): void {
    if (this.started) return;
    this.started = true;
    out.push({ type: 'start' });
  }

  // The slot of an output item, opened (and its start event emitted) on first sight:
  // normally on `output_item.added`, on `output_item.done` when `.added` never came.
  private slotFor(ev: Json, out: Event[], item: Json): Slot {
    const id = slotId(ev);
    const existing = this.slots.get(id);
    if (existing) return existing;
    this.ensureStarted(out);
    const key = `item${id}`;
    let slot: Slot;
    switch (item.type) {
      case 'message':
        slot = { kind: 'message', keyBase: key, ...str('phase', item.phase), parts: new Map(), annotations: new Map(), annotationsReported: false };
        break;
      case 'reasoning':
        slot = { kind: 'reasoning', block: { key, open: true, text: '' }, summaries: [], texts: [] };
        out.push({ type: 'reasoning_start', key, ...str('id', item.id) });
        break;
      case 'function_call':
      case 'custom_tool_call': {
        const custom = item.type === 'custom_tool_call';
        slot = { kind: 'tool', block: { key, open: true, text: '' }, custom };
        this.toolCalls += 1;
        out.push({
          type: 'tool_call_start',
          key,
          callId: typeof item.call_id === 'string' ? item.call_id : typeof item.id === 'string' ? item.id : key,
          name: typeof item.name === 'string' ? item.name : '',
          ...str('namespace', item.namespace),
          kind: custom ? 'custom' : 'function',
          ...str('id', item.id),
        });
        break;
      }
      default:
        slot = { kind: 'skip' };
        out.push({
          type: 'warning',
          message: `${outputLabel(id)}: '${typeof item.type === 'string' ? item.type : 'untyped'}' item not forwarded: the canonical model has no form for it`,
        });
    }
    this.slots.set(id, slot);
    return slot;
  }

  // The text or refusal part an event addresses; a message slot is opened for deltas
  // that arrive without `output_item.added` (Codex logs those but shows the text).
  private part(ev: Json, refusal: boolean, out: Event[]): (Block & { refusal: boolean }) | undefined {
    const id = slotId(ev);
    let slot = this.slots.get(id);
    if (!slot) slot = this.slotFor(ev, out, { type: 'message' });
    if (slot.kind !== 'message') return undefined;
    const block = this.openPart(slot, num(ev.content_index), refusal, out);
    return block.refusal === refusal ? block : undefined;
  }

  private openPart(
    slot: Extract<Slot, { kind: 'message' }>,
    index: number,
    refusal: boolean,
    out: Event[],
  ): Block & { refusal: boolean } {
    const existing = slot.parts.get(index);
    if (existing) return existing;
    const block = { key: `${slot.keyBase}.${index}`, open: true, text: '', refusal };
    slot.parts.set(index, block);
    out.push(refusal ? { type: 'refusal_start', key: block.key } : { type: 'text_start', key: block.key, ...str('phase', slot.phase) });
    return block;
  }

  private closePart(block: Block & { refusal: boolean }, refusal: boolean, full: unknown, out: Event[]): void {
    if (!block.open || block.refusal !== refusal) return;
    this.rest(block, full, (key, delta) => out.push({ type: refusal ? 'refusal_delta' : 'text_delta', key, delta }));
    block.open = false;
    out.push({ type: refusal ? 'refusal_end' : 'text_end', key: block.key });
  }

  private reasoning(ev: Json, out: Event[]): Extract<Slot, { kind: 'reasoning' }> | undefined {
    const slot = this.slots.get(slotId(ev)) ?? this.slotFor(ev, out, { type: 'reasoning', ...str('id', ev.item_id) });
    return slot.kind === 'reasoning' && slot.block.open ? slot : undefined;
  }

  private reasoningDelta(
    slot: Extract<Slot, { kind: 'reasoning' }>,
    summary: boolean,
    index: number,
    delta: string,
    out: Event[],
  ): void {
    if (delta === '') return;
    const texts = summary ? slot.summaries : slot.texts;
    texts[index] = (texts[index] ?? '') + delta;
    out.push({
      type: 'reasoning_delta',
      key: slot.block.key,
      delta,
      kind: summary ? 'summary' : 'text',
      ...(summary ? { summaryIndex: index } : {}),
    });
  }

  private reasoningRest(
    slot: Extract<Slot, { kind: 'reasoning' }>,
    summary: boolean,
    index: number,
    full: unknown,
    out: Event[],
  ): void {
    const sent = (summary ? slot.summaries : slot.texts)[index] ?? '';
    const rest = remainder(sent, full);
    if (rest) this.reasoningDelta(slot, summary, index, rest, out);
  }

  private closeSlot(slot: Slot, item: Json | undefined, out: Event[]): void {
    switch (slot.kind) {
      case 'message': {
        const content = item && Array.isArray(item.content) ? item.content : [];
        content.forEach((raw, index) => {
          if (isObject(raw)) noteAnnotations(slot, index, raw.annotations);
          if (!isObject(raw) || (raw.type !== 'output_text' && raw.type !== 'refusal')) return;
          const refusal = raw.type === 'refusal';
          const block = slot.parts.get(index) ?? this.openPart(slot, index, refusal, out);
          this.closePart(block, refusal, refusal ? raw.refusal : raw.text, out);
        });
        for (const block of slot.parts.values()) this.closePart(block, block.refusal, undefined, out);
        this.reportAnnotations(slot, out);
        break;
      }
      case 'reasoning': {
        if (!slot.block.open) return;
        if (item) {
          texts(item.summary).forEach((text, i) => this.reasoningRest(slot, true, i, text, out));
          texts(item.content).forEach((text, i) => this.reasoningRest(slot, false, i, text, out));
        }
        slot.block.open = false;
        out.push({ type: 'reasoning_end', key: slot.block.key, ...str('encryptedContent', item?.encrypted_content) });
        break;
      }
      case 'tool': {
        if (!slot.block.open) return;
        if (item) {
          this.rest(slot.block, slot.custom ? item.input : item.arguments, (key, delta) =>
            out.push({ type: 'tool_call_delta', key, delta }),
          );
        }
        slot.block.open = false;
        out.push({ type: 'tool_call_end', key: slot.block.key });
        break;
      }
      case 'skip':
        break;
    }
  }

  private reportAnnotations(slot: Extract<Slot, { kind: 'message' }>, out: Event[]): void {
    if (slot.annotationsReported) return;
    slot.annotationsReported = true;
    const byType = new Map<string, number>();
    for (const type of slot.annotations.values()) byType.set(type, (byType.get(type) ?? 0) + 1);
    const where = outputLabel(slot.keyBase.slice('item'.length));
    for (const [type, n] of byType) {
      out.push({ type: 'warning', message: `${where}: dropped ${n} '${type}' annotation(s): the canonical model carries no annotations` });
    }
  }

  // At the terminal event, items still open are closed from the response's `output`.
  private closeAll(output: unknown[], out: Event[]): void {
    for (const [id, slot] of this.slots) {
      const item = /^\d+$/.test(id) ? output[Number(id)] : undefined;
      this.closeSlot(slot, isObject(item) ? item : undefined, out);
    }
  }

  private delta(block: Block, delta: unknown, emit: (key: string, delta: string) => void): void {
    if (!block.open || typeof delta !== 'string' || delta === '') return;
    block.text += delta;
    emit(block.key, delta);
  }

  private rest(block: Block, full: unknown, emit: (key: string, delta: string) => void): void {
    if (!block.open) return;
    const rest = remainder(block.text, full);
    if (rest) {
      block.text += rest;
      emit(block.key, rest);
    }
  }
}

// What a `.done` text adds to what the deltas already said; nothing if it disagrees
// with them (the deltas were sent to the client and cannot be taken back).
function remainder(sent: string, full: unknown): string {
  if (typeof full !== 'string' || full.length <= sent.length || !full.startsWith(sent)) return '';
  return full.slice(sent.length);
}

// `item_id` (or the item's own id) only when a server omits `output_index`.
function slotId(ev: Json): string {
  if (typeof ev.output_index === 'number') return String(ev.output_index);
  if (typeof ev.item_id === 'string') return `:${ev.item_id}`;
  return isObject(ev.item) && typeof ev.item.id === 'string' ? `:${ev.item.id}` : ':?';
}

// Annotations come as `output_text.annotation.added` events and again in the part on
// `content_part.done` / `output_item.done`; keyed by position, each is counted once.
function noteAnnotation(slot: Extract<Slot, { kind: 'message' }>, contentIndex: number, index: number, annotation: Json): void {
  if (slot.annotationsReported) return;
  slot.annotations.set(`${contentIndex}:${index}`, typeof annotation.type === 'string' ? annotation.type : 'untyped');
}

function noteAnnotations(slot: Extract<Slot, { kind: 'message' }>, contentIndex: number, annotations: unknown): void {
  if (!Array.isArray(annotations)) return;
  annotations.forEach((a, i) => {
    if (isObject(a)) noteAnnotation(slot, contentIndex, i, a);
  });
}

// Where a skipped or trimmed item sat: its output index, or its id when the server sent none.
function outputLabel(slotKey: string): string {
  return /^\d+$/.test(slotKey) ? `output[${slotKey}]` : `output item ${slotKey.slice(1)}`;
}

function texts(value: unknown): string[] {
  if (!Array.isArray(value)) return [];
  return value.map((p) => (isObject(p) && typeof p.text === 'string' ? p.text : ''));
}

function num(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}

function str<K extends string>(key: K, value: unknown): { [P in K]?: string } {
  return (typeof value === 'string' ? { [key]: value } : {}) as { [P in K]?: string };
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
