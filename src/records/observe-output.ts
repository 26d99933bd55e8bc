// What the turn record keeps from the answer's events: the tool calls (assembled from
// their deltas), the length of assistant text, the response id and the finish reason.
// Fed one event at a time by the pipeline; cheap enough for the hot path.
import type { Event } from '../canonical/types.js';
import type { RecordedToolCall } from './turn-record.js';

export interface ObservedOutput {
  toolCalls: RecordedToolCall[];
  textLength: number;
  responseId?: string;
  finishReason?: string;
}

export class OutputObserver {
  private readonly calls = new Map<string, RecordedToolCall>();
  private readonly order: string[] = [];
  private textLength = 0;
  private responseId?: string;
  private finishReason?: string;

  onEvent(ev: Event): void {
    switch (ev.type) {
      case 'text_delta':
        this.textLength += ev.delta.length;
        break;
      case 'tool_call_start':
        if (!this.calls.has(ev.key)) this.order.push(ev.key);
        this.calls.set(ev.key, { callId: ev.callId, kind: ev.kind, name: ev.name, ...(ev.namespace ? { namespace: ev.namespace } : {}), arguments: '' });
        break;
      case 'tool_call_delta': {
        const call = this.calls.get(ev.key);
        if (call) call.arguments += ev.delta;
        break;
      }
      case 'start':
        if (ev.id) this.responseId ??= ev.id;
        break;
      case 'finish':
        this.finishReason = ev.reason;
        break;
    }
  }

  result(): ObservedOutput {
    return {
      toolCalls: this.order.map((k) => this.calls.get(k)!),
      textLength: this.textLength,
      ...(this.responseId ? { responseId: this.responseId } : {}),
      ...(this.finishReason ? { finishReason: this.finishReason } : {}),
    };
  }
}

// The same from a finished Responses `response` object (passthrough: the terminal
// event's `response.output`, or a non-streamed body).
export function observeResponsesOutput(response: any): ObservedOutput {
  const out: ObservedOutput = { toolCalls: [], textLength: 0 };
  if (typeof response?.id === 'string') out.responseId = response.id;
  if (typeof response?.status === 'string') out.finishReason = response.status;
  for (const item of Array.isArray(response?.output) ? response.output : []) {
    if (item?.type === 'message' && Array.isArray(item.content)) {
      for (const part of item.content) if (part?.type === 'output_text' && typeof part.text === 'string') out.textLength += part.text.length;
    } else if (item?.type === 'function_call') {
      out.toolCalls.push({ callId: String(item.call_id ?? ''), kind: 'function', name: String(item.name ?? ''), ...(item.namespace ? { namespace: String(item.namespace) } : {}), arguments: String(item.arguments ?? '') });
    } else if (item?.type === 'custom_tool_call') {
      out.toolCalls.push({ callId: String(item.call_id ?? ''), kind: 'custom', name: String(item.name ?? ''), arguments: String(item.input ?? '') });
    }
  }
  return out;
}

// The same from a non-streamed Chat Completions body.
export function observeChatOutput(body: any): ObservedOutput {
  const out: ObservedOutput = { toolCalls: [], textLength: 0 };
  if (typeof body?.id === 'string') out.responseId = body.id;
  const choice = Array.isArray(body?.choices) ? body.choices[0] : undefined;
  if (typeof choice?.finish_reason === 'string') out.finishReason = choice.finish_reason;
  const message = choice?.message;
  if (typeof message?.content === 'string') out.textLength = message.content.length;
  for (const call of Array.isArray(message?.tool_calls) ? message.tool_calls : [])
    out.toolCalls.push({ callId: String(call?.id ?? ''), kind: 'function', name: String(call?.function?.name ?? ''), arguments: String(call?.function?.arguments ?? '') });
  return out;
}
