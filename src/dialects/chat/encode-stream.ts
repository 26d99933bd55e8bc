// Canonical events → Chat Completions stream chunks (`chat.completion.chunk`), one
// small state machine. Each pushed event's chunks come back at once (no buffering,
// with one documented exception: custom tool calls, see below); the caller writes
// each as a `data:` line and ends with `data: [DONE]`.
// Shapes follow OpenAI's streaming reference and the recordings in
// test/fixtures/openai-chat/ (openai-text, azure-model-router):
// https://platform.openai.com/docs/api-reference/chat-streaming/streaming
import { randomUUID } from 'node:crypto';
import type { Event, Usage } from '../../canonical/types.js';
import { mapFinishReason, type ChatFinishReason } from './map-finish-reason.js';

export interface ChatStreamEncoderOptions {
  id?: string;
  // The alias the client asked for, never the upstream model: clients match on it.
  model: string;
  created?: number;
  includeUsage: boolean;
}

export interface ChatUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number };
  completion_tokens_details: { reasoning_tokens: number };
}

export type ChatToolCallDelta =
  | { index: number; id?: string; type?: 'function'; function: { name?: string; arguments: string } }
  | { index: number; id: string; type: 'custom'; custom: { name: string; input: string } };

export interface ChatDelta {
  role?: 'assistant';
  content?: string;
  refusal?: string | null;
  // Raw reasoning text. Not part of OpenAI's schema: the `reasoning_content` field is
  // the common extension of DeepSeek and vLLM, which Chat clients that show
  // reasoning already read.
  reasoning_content?: string;
  tool_calls?: ChatToolCallDelta[];
}

export interface ChatCompletionChunk {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
  choices: { index: 0; delta: ChatDelta; logprobs: null; finish_reason: ChatFinishReason | null }[];
  // Present (null until the last chunk) only when the client asked for usage, as OpenAI does.
  usage?: ChatUsage | null;
}

// What OpenAI sends when a stream fails after it started; the `openai` SDK turns a
// `data:` line carrying `error` into a thrown APIError.
export interface ChatErrorChunk {
  error: { message: string; type: string; code: string | null; param: string | null };
}

export type ChatStreamChunk = ChatCompletionChunk | ChatErrorChunk;

export interface ChatStreamEncoder {
  push(event: Event): ChatStreamChunk[];
  // Call once the event stream is exhausted: closes what the upstream left open and
  // sends the usage chunk.
  end(): ChatStreamChunk[];
}

export function newChatCompletionId(): string {
  return `chatcmpl-${randomUUID().replace(/-/g, '')}`;
}

// Chat has no tool namespaces. A namespaced call can only reach this dialect if a
// provider adapter restored one the client never declared; it is flattened the way
// Codex names MCP tools (`server__tool`), a spelling every provider's name rule accepts.
export function flattenToolName(name: string, namespace?: string): string {
  return namespace ? `${namespace}__${name}` : name;
}

export function toChatUsage(usage: Usage): ChatUsage {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
    prompt_tokens_details: { cached_tokens: usage.cachedInputTokens },
    completion_tokens_details: { reasoning_tokens: usage.reasoningTokens },
  };
}

interface ToolCallState {
  index: number;
  kind: 'function' | 'custom';
  callId: string;
  name: string;
  // Custom calls only: the input gathered so far (see the `custom` branch below).
  input: string;
  sent: boolean;
}

export function createChatStreamEncoder(opts: ChatStreamEncoderOptions): ChatStreamEncoder {
  const id = opts.id ?? newChatCompletionId();
  const created = opts.created ?? Math.floor(Date.now() / 1000);
  const toolCalls = new Map<string, ToolCallState>();
  let started = false;
  let finished = false;
  let closed = false;
  let usage: Usage | undefined;
  // Separate reasoning parts (summary parts, thinking blocks) with a blank line, as
  // the Responses API's summaries read as paragraphs.
  let reasoningPart: string | undefined;

  const chunk = (delta: ChatDelta, finishReason: ChatFinishReason | null = null): ChatCompletionChunk => {
    const c: ChatCompletionChunk = {
      id,
      object: 'chat.completion.chunk',
      created,
      model: opts.model,
      choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    };
    if (opts.includeUsage) c.usage = null;
    return c;
  };

  // OpenAI's first chunk announces the role with empty content, before any text.
  const open = (out: ChatStreamChunk[]): ChatStreamChunk[] => {
    if (!started) {
      started = true;
      out.unshift(chunk({ role: 'assistant', content: '', refusal: null }));
    }
    return out;
  };

  // Custom (freeform) tool calls go out whole, when their input is complete. OpenAI
  // documents no streamed delta for them in Chat (openai/openai-openapi#576: the
  // chunk schema only has `function`), and the `openai` SDK merges unknown tool-call
  // fields with Object.assign, so fragments of `custom.input` would overwrite each
  // other; one complete `{type:'custom', custom:{name, input}}` survives both.
  const sendCustom = (call: ToolCallState): ChatStreamChunk[] => {
    if (call.sent) return [];
    call.sent = true;
    return [
      chunk({ tool_calls: [{ index: call.index, id: call.callId, type: 'custom', custom: { name: call.name, input: call.input } }] }),
    ];
  };
  const flushCustom = (): ChatStreamChunk[] =>
    [...toolCalls.values()].filter((c) => c.kind === 'custom').flatMap(sendCustom);

  const finish = (reason: ChatFinishReason): ChatStreamChunk[] => {
    finished = true;
    return [...flushCustom(), chunk({}, reason)];
  };

  const push = (event: Event): ChatStreamChunk[] => {
    if (closed) return [];
    switch (event.type) {
      case 'start':
      case 'text_start':
      case 'text_end':
      case 'refusal_start':
      case 'refusal_end':
      case 'reasoning_start':
        return open([]);
      // The Chat dialect has nowhere to return opaque reasoning state (signatures,
      // encrypted content); a Chat client replays only `reasoning_content` text.
      case 'reasoning_end':
        return open([]);
      case 'text_delta':
        return open(event.delta ? [chunk({ content: event.delta })] : []);
      case 'refusal_delta':
        return open(event.delta ? [chunk({ refusal: event.delta })] : []);
      case 'reasoning_delta': {
        if (!event.delta) return open([]);
        const part = `${event.key}#${event.summaryIndex ?? 0}`;
        const separator = reasoningPart !== undefined && reasoningPart !== part ? '\n\n' : '';
        reasoningPart = part;
        return open([chunk({ reasoning_content: separator + event.delta })]);
      }
      case 'tool_call_start': {
        const call: ToolCallState = {
          index: toolCalls.size,
          kind: event.kind,
          callId: event.callId,
          name: flattenToolName(event.name, event.namespace),
          input: '',
          sent: false,
        };
        toolCalls.set(event.key, call);
        if (call.kind === 'custom') return open([]);
        return open([
          chunk({ tool_calls: [{ index: call.index, id: call.callId, type: 'function', function: { name: call.name, arguments: '' } }] }),
        ]);
      }
      case 'tool_call_delta': {
        const call = toolCalls.get(event.key);
        if (!call || !event.delta) return open([]);
        if (call.kind === 'custom') {
          call.input += event.delta;
          return open([]);
        }
        return open([chunk({ tool_calls: [{ index: call.index, function: { arguments: event.delta } }] })]);
      }
      case 'tool_call_end': {
        const call = toolCalls.get(event.key);
        return open(call?.kind === 'custom' ? sendCustom(call) : []);
      }
      case 'usage':
        // Held for the trailing usage chunk: providers report it in pieces (Anthropic
        // at message start and end), and OpenAI sends it after the finish chunk.
        usage = event.usage;
        return [];
      case 'finish':
        if (finished) return [];
        return open(finish(mapFinishReason(event.reason, toolCalls.size > 0)));
      case 'error': {
        closed = true;
        const { message, type, code, param } = event.error;
        return [{ error: { message, type, code, param: param ?? null } }];
      }
      // For the turn record only; not even the role chunk, which waits for real output.
      case 'warning':
        return [];
    }
  };

  const end = (): ChatStreamChunk[] => {
    if (closed) return [];
    closed = true;
    // Adapters report a truncated upstream as an `error` event, so a stream that ends
    // without `finish` ended normally; the SDK refuses a choice without finish_reason.
    const out = finished ? [] : open(finish(toolCalls.size > 0 ? 'tool_calls' : 'stop'));
    // Only real numbers: a usage chunk of zeros would be billed and charted as real.
    if (opts.includeUsage && usage) {
      out.push({ id, object: 'chat.completion.chunk', created, model: opts.model, choices: [], usage: toChatUsage(usage) });
    }
    return out;
  };

  return { push, end };
}
