// Gemini stream chunks (`GenerateContentResponse`s, one per SSE `data:` frame) → canonical
// events. https://ai.google.dev/api/generate-content#method:-models.streamgeneratecontent
//
// A small state machine over the parts of the first candidate:
// - `thought: true` text → a reasoning block whose summary streams as it comes;
// - text → a text block (empty text parts, which Gemini sends at the end, add nothing);
// - `functionCall` → a tool call under a call id the gateway makes up (Gemini's calls have
//   none): `call_<responseId>_<n>`, unique per response and stable for a recording. Whole
//   calls (`args`) come in one part; Vertex's streamed calls (`partialArgs`/`willContinue`,
//   closed by `functionCall: {}` or by the next call or the finish) are assembled
//   (assemble-partial-args.ts) and their arguments sent when the call is complete;
// - `thoughtSignature` on any part → reasoning state (gemini-reasoning-state.ts) that the
//   pipeline seals into the reasoning item's encrypted_content. A call's signature travels
//   in a reasoning item emitted just before the call (the thought block, or an empty one);
//   a text signature (sent last, often on an empty text part) in a reasoning item just after
//   the text.
// - `finishReason` (map-gemini-finish-reason.ts) closes everything; STOP after calls is
//   `tool_calls`. `promptFeedback.blockReason` (the prompt itself was blocked) ends the turn
//   as `content_filter`. Usage is cumulative on every chunk; one usage event goes out at the
//   end. A stream that ends without a finish reason is an error (upstream_stream_truncated),
//   with its blocks left open: closing them would present a cut-off call as complete.
// - An `error` object inside the stream ends it with that error.
//
// Content the canonical model cannot carry (model-made images, code execution parts, other
// candidates) is reported once per kind as a `warning`.
import { randomUUID } from 'node:crypto';
import type { Event, GatewayErrorInfo, Usage } from '../../canonical/types.js';
import { errorTypeForStatus } from '../../http/errors.js';
import type { ToolKind, ToolNameMap } from '../shared/tool-names.js';
import { CUSTOM_INPUT_FIELD, unwrapCustomArguments } from '../shared/wrap-custom-tool.js';
import { PartialArgsAssembler } from './assemble-partial-args.js';
import { convertGeminiUsage, hasTokenCounts } from './convert-gemini-usage.js';
import type { GeminiCandidate, GeminiFunctionCall, GeminiPart, GeminiStreamChunk } from './gemini-api.js';
import { GEMINI_STATE_VERSION, geminiState, type GeminiReasoningState, type GeminiThoughtPart } from './gemini-reasoning-state.js';
import { mapGeminiFinishReason } from './map-gemini-finish-reason.js';
import { streamTruncated } from '../shared/stream-truncated.js';

export interface ParseGeminiStreamContext {
  // The map the request was converted with: restores namespaces and custom tools.
  names: ToolNameMap;
  // The upstream model (the route's): reasoning state is tagged with it.
  model: string;
}

export async function* parseGeminiStream(chunks: AsyncIterable<unknown>, ctx: ParseGeminiStreamContext): AsyncGenerator<Event> {
  const state = new GeminiStreamState(ctx);
  for await (const chunk of chunks) {
    yield* state.push(chunk);
    if (state.done) return;
  }
  yield* state.end();
}

interface ThoughtBlock {
  key: string;
  parts: GeminiThoughtPart[];
  // The signature of the part before this block (a text signature still unplaced).
  previousPart?: string;
}

interface StreamedCall {
  key: string;
  kind: ToolKind;
  args: PartialArgsAssembler;
}

class GeminiStreamState {
  done = false;
  private started = false;
  private blockCount = 0;
  private callCount = 0;
  private idBase: string | undefined;
  private text: { key: string } | null = null;
  private thought: ThoughtBlock | null = null;
  private call: StreamedCall | null = null;
  // A text signature waiting for the reasoning item that will carry it.
  private pendingSignature: string | undefined;
  private sawCalls = false;
  private usage: Usage | undefined;
  private finishRaw: string | undefined;
  private finishMessage: string | undefined;
  private filterDetail: string | undefined;
  private readonly warned = new Set<string>();

  constructor(private readonly ctx: ParseGeminiStreamContext) {}

  push(raw: unknown): Event[] {
    const out: Event[] = [];
    if (this.done || raw === null || typeof raw !== 'object') return out;
    const chunk = raw as GeminiStreamChunk;
    this.ensureStart(out, chunk);

    if (isObject(chunk.error)) {
      out.push({ type: 'error', error: streamError(chunk.error) });
      this.done = true;
      return out;
    }
    if (typeof chunk.responseId === 'string' && chunk.responseId !== '' && this.idBase === undefined) {
      this.idBase = chunk.responseId.replace(/[^A-Za-z0-9_-]/g, '');
    }
    if (isObject(chunk.usageMetadata) && hasTokenCounts(chunk.usageMetadata)) this.usage = convertGeminiUsage(chunk.usageMetadata);

    const blocked = chunk.promptFeedback?.blockReason;
    if (typeof blocked === 'string' && blocked !== '' && this.finishRaw === undefined) {
      // The prompt itself was refused: no candidate comes.
      this.finishRaw = blocked;
      this.filterDetail = `Gemini blocked the prompt (blockReason ${blocked}${chunk.promptFeedback?.blockReasonMessage ? `: ${chunk.promptFeedback.blockReasonMessage}` : ''})`;
      this.closeAll(out);
      return out;
    }

    const candidates = Array.isArray(chunk.candidates) ? chunk.candidates : [];
    candidates.forEach((candidate, position) => {
      if (!isObject(candidate)) return;
      const index = typeof candidate.index === 'number' ? candidate.index : position;
      if (index !== 0) {
        this.warnOnce(`candidate ${index}`, `candidates[${index}] ignored: the gateway asks for one candidate and forwards only the first`, out);
        return;
      }
      this.onCandidate(candidate, out);
    });
    return out;
  }

  end(): Event[] {
    const out: Event[] = [];
    if (this.done) return out;
    this.done = true;
    this.ensureStart(out);
    if (this.finishRaw === undefined) {
      out.push({
        type: 'error',
        error: streamTruncated('The Gemini stream ended before the response was complete (no finishReason).'),
      });
      return out;
    }
    this.closeAll(out);
    const mapped = mapGeminiFinishReason(this.finishRaw, this.sawCalls, this.finishMessage);
    if ('error' in mapped) {
      if (this.usage) out.push({ type: 'usage', usage: this.usage });
      out.push({ type: 'error', error: { status: 502, type: 'server_error', code: mapped.error.code, message: mapped.error.message } });
      return out;
    }
    if (mapped.reason === 'content_filter') {
      out.push({ type: 'warning', message: this.filterDetail ?? `Gemini filtered the response (finishReason ${this.finishRaw})` });
    }
    if (this.usage) out.push({ type: 'usage', usage: this.usage });
    out.push({ type: 'finish', reason: mapped.reason, raw: this.finishRaw });
    return out;
  }

  private ensureStart(out: Event[], chunk?: GeminiStreamChunk): void {
    if (this.started) return;
    this.started = true;
    const start: Extract<Event, { type: 'start' }> = { type: 'start' };
    if (typeof chunk?.responseId === 'string' && chunk.responseId !== '') start.id = chunk.responseId;
    if (typeof chunk?.modelVersion === 'string' && chunk.modelVersion !== '') start.model = chunk.modelVersion;
    out.push(start);
  }

  private onCandidate(candidate: GeminiCandidate, out: Event[]): void {
    const parts = candidate.content?.parts;
    if (Array.isArray(parts)) for (const part of parts) if (isObject(part)) this.onPart(part, out);

    const reason = candidate.finishReason;
    if (typeof reason !== 'string' || reason === '' || reason === 'FINISH_REASON_UNSPECIFIED' || this.finishRaw !== undefined) return;
    this.finishRaw = reason;
    if (typeof candidate.finishMessage === 'string') this.finishMessage = candidate.finishMessage;
    const blockedCategories = (candidate.safetyRatings ?? []).filter((r) => r?.blocked === true && typeof r.category === 'string').map((r) => r.category);
    this.filterDetail = `Gemini filtered the response (finishReason ${reason}${blockedCategories.length ? `; blocked: ${blockedCategories.join(', ')}` : ''}${this.finishMessage ? `; ${this.finishMessage}` : ''})`;
    this.closeAll(out);
  }

  private onPart(part: GeminiPart, out: Event[]): void {
    const signature = typeof part.thoughtSignature === 'string' && part.thoughtSignature !== '' ? part.thoughtSignature : undefined;

    if (isObject(part.functionCall)) {
      const fc = part.functionCall;
      const named = typeof fc.name === 'string' && fc.name !== '';
      if (this.call && !named) {
        this.continueCall(fc, signature, out);
        return;
      }
      if (this.call) this.finishCall(out);
      if (!named) {
        this.warnOnce('orphan functionCall', 'a functionCall piece without a name and without a call in progress was ignored', out);
        return;
      }
      this.startCall(fc, signature, out);
      return;
    }

    if (typeof part.text === 'string') {
      if (part.thought === true) {
        this.thoughtPart(part.text, signature, out);
        return;
      }
      this.closeThought(out);
      if (part.text !== '') {
        if (!this.text) {
          this.text = { key: `text_${this.blockCount++}` };
          out.push({ type: 'text_start', key: this.text.key });
        }
        out.push({ type: 'text_delta', key: this.text.key, delta: part.text });
      }
      if (signature !== undefined) this.pendingSignature = signature;
      return;
    }

    const kind = ['inlineData', 'fileData', 'executableCode', 'codeExecutionResult', 'functionResponse'].find((k) => k in part) ?? 'unknown';
    this.warnOnce(`part ${kind}`, `'${kind}' parts in Gemini's answer were dropped: the canonical model has no form for them`, out);
  }

  private thoughtPart(text: string, signature: string | undefined, out: Event[]): void {
    this.closeText(out);
    if (!this.thought) {
      this.thought = { key: `reasoning_${this.blockCount++}`, parts: [], previousPart: this.takePendingSignature() };
      out.push({ type: 'reasoning_start', key: this.thought.key });
    }
    const block = this.thought;
    if (text !== '') out.push({ type: 'reasoning_delta', key: block.key, delta: text, kind: 'summary' });
    // Streamed pieces of one thought run become one part; a signature closes the part it is on.
    const last = block.parts.at(-1);
    if (last && last.thoughtSignature === undefined) last.text += text;
    else block.parts.push({ text });
    if (signature !== undefined) block.parts.at(-1)!.thoughtSignature = signature;
  }

  private startCall(fc: GeminiFunctionCall, signature: string | undefined, out: Event[]): void {
    this.closeText(out);
    const callId = `call_${this.idBase ?? (this.idBase = randomUUID().replace(/-/g, '').slice(0, 16))}_${this.callCount++}`;
    const extra = signature !== undefined ? { callId, signature } : undefined;
    if (this.thought) this.closeThought(out, extra);
    else if (extra || this.pendingSignature !== undefined) {
      // An empty reasoning item whose only job is to carry the signature(s).
      const key = `reasoning_${this.blockCount++}`;
      out.push({ type: 'reasoning_start', key });
      out.push({ type: 'reasoning_end', key, state: this.stateOf({ key, parts: [], previousPart: this.takePendingSignature() }, extra) });
    }

    const { name, namespace, kind } = this.ctx.names.fromWire(fc.name!);
    const key = `call_${this.blockCount++}`;
    const start: Extract<Event, { type: 'tool_call_start' }> = { type: 'tool_call_start', key, callId, name, kind };
    if (namespace !== undefined) start.namespace = namespace;
    out.push(start);
    this.sawCalls = true;

    if (fc.willContinue === true) {
      const args = new PartialArgsAssembler();
      if (Array.isArray(fc.partialArgs)) args.apply(fc.partialArgs);
      this.call = { key, kind, args };
      return;
    }
    this.emitArguments(key, kind, isObject(fc.args) ? fc.args : undefined, out);
    out.push({ type: 'tool_call_end', key });
  }

  private continueCall(fc: GeminiFunctionCall, signature: string | undefined, out: Event[]): void {
    const call = this.call!;
    if (Array.isArray(fc.partialArgs)) call.args.apply(fc.partialArgs);
    if (isObject(fc.args)) {
      const assembled = call.args.value();
      for (const [k, v] of Object.entries(fc.args)) assembled[k] = v;
    }
    if (signature !== undefined) {
      this.warnOnce('late signature', 'a thoughtSignature that arrived in the middle of a streamed function call was dropped', out);
    }
    if (fc.willContinue !== true) this.finishCall(out);
  }

  private finishCall(out: Event[]): void {
    const call = this.call;
    if (!call) return;
    this.call = null;
    this.emitArguments(call.key, call.kind, call.args.value(), out);
    out.push({ type: 'tool_call_end', key: call.key });
  }

  private emitArguments(key: string, kind: ToolKind, args: Record<string, unknown> | undefined, out: Event[]): void {
    if (kind === 'custom') {
      // The wrapped function's `{"input": "…"}` → the raw freeform input.
      const raw = args?.[CUSTOM_INPUT_FIELD];
      const input = typeof raw === 'string' ? raw : args === undefined ? '' : unwrapCustomArguments(JSON.stringify(args));
      if (input !== '') out.push({ type: 'tool_call_delta', key, delta: input });
      return;
    }
    out.push({ type: 'tool_call_delta', key, delta: JSON.stringify(args ?? {}) });
  }

  private closeText(out: Event[]): void {
    if (!this.text) return;
    out.push({ type: 'text_end', key: this.text.key });
    this.text = null;
  }

  private closeThought(out: Event[], call?: { callId: string; signature: string }): void {
    const block = this.thought;
    if (!block) return;
    this.thought = null;
    out.push({ type: 'reasoning_end', key: block.key, state: this.stateOf(block, call) });
  }

  private stateOf(block: ThoughtBlock, call?: { callId: string; signature: string }) {
    const data: GeminiReasoningState = { v: GEMINI_STATE_VERSION };
    const thoughts = block.parts.filter((p) => p.text !== '' || p.thoughtSignature !== undefined);
    if (thoughts.length > 0) data.thoughts = thoughts;
    if (call) data.calls = { [call.callId]: call.signature };
    if (block.previousPart !== undefined) data.previousPart = block.previousPart;
    return geminiState(this.ctx.model, data);
  }

  private takePendingSignature(): string | undefined {
    const signature = this.pendingSignature;
    this.pendingSignature = undefined;
    return signature;
  }

  // The finish (or a blocked prompt): whatever is open is complete.
  private closeAll(out: Event[]): void {
    this.finishCall(out);
    this.closeThought(out);
    this.closeText(out);
    if (this.pendingSignature !== undefined) {
      const key = `reasoning_${this.blockCount++}`;
      out.push({ type: 'reasoning_start', key });
      out.push({ type: 'reasoning_end', key, state: this.stateOf({ key, parts: [], previousPart: this.takePendingSignature() }) });
    }
  }

  private warnOnce(kind: string, message: string, out: Event[]): void {
    if (this.warned.has(kind)) return;
    this.warned.add(kind);
    out.push({ type: 'warning', message });
  }
}

// `{error: {code, message, status}}` inside a 200 stream.
function streamError(err: NonNullable<GeminiStreamChunk['error']>): GatewayErrorInfo {
  const status = typeof err.code === 'number' && err.code >= 400 && err.code < 600 ? err.code : 502;
  return {
    status,
    type: errorTypeForStatus(status),
    code: typeof err.status === 'string' && err.status !== '' ? err.status.toLowerCase() : 'upstream_error',
    message: `Gemini stream error: ${typeof err.message === 'string' && err.message !== '' ? err.message : JSON.stringify(err)}`,
  };
}

function isObject<T>(value: T): value is T & Record<string, any> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
