// Canonical events → one non-streamed `chat.completion` body.
// https://platform.openai.com/docs/api-reference/chat/object
// Built by running the stream encoder and folding its chunks the way the `openai`
// SDK's ChatCompletionStream does, so a client sees the same answer whether or not
// it streamed.
import { emptyUsage, type Event, type GatewayErrorInfo, type Usage } from '../../canonical/types.js';
import { GatewayError } from '../../http/errors.js';
import type { ChatFinishReason } from './map-finish-reason.js';
import {
  createChatStreamEncoder,
  newChatCompletionId,
  toChatUsage,
  type ChatStreamChunk,
  type ChatUsage,
} from './encode-stream.js';

export interface ChatResponseAggregatorOptions {
  id?: string;
  model: string;
  created?: number;
}

export type ChatToolCall =
  | { id: string; type: 'function'; function: { name: string; arguments: string } }
  | { id: string; type: 'custom'; custom: { name: string; input: string } };

export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: {
    index: 0;
    message: {
      role: 'assistant';
      content: string | null;
      refusal: string | null;
      // DeepSeek/vLLM extension, as in the stream (see encode-stream.ts).
      reasoning_content?: string;
      tool_calls?: ChatToolCall[];
      annotations: [];
    };
    logprobs: null;
    finish_reason: ChatFinishReason;
  }[];
  usage: ChatUsage;
}

export interface ChatResponseAggregator {
  push(event: Event): void;
  // The body to send; throws the GatewayError if the upstream failed.
  result(): ChatCompletion;
}

export function createChatResponseAggregator(opts: ChatResponseAggregatorOptions): ChatResponseAggregator {
  const id = opts.id ?? newChatCompletionId();
  const created = opts.created ?? Math.floor(Date.now() / 1000);
  const encoder = createChatStreamEncoder({ id, model: opts.model, created, includeUsage: false });
  let content: string | null = null;
  let refusal: string | null = null;
  let reasoning: string | undefined;
  const toolCalls: ChatToolCall[] = [];
  let finishReason: ChatFinishReason = 'stop';
  // A non-streamed body always has `usage`; clients read it unguarded.
  let usage: Usage = emptyUsage();
  let error: GatewayErrorInfo | undefined;
  let completion: ChatCompletion | undefined;

  const fold = (chunks: ChatStreamChunk[]): void => {
    for (const c of chunks) {
      if ('error' in c) continue;
      for (const choice of c.choices) {
        const d = choice.delta;
        if (d.content) content = (content ?? '') + d.content;
        if (d.refusal) refusal = (refusal ?? '') + d.refusal;
        if (d.reasoning_content) reasoning = (reasoning ?? '') + d.reasoning_content;
        for (const t of d.tool_calls ?? []) {
          if (t.type === 'custom') toolCalls[t.index] = { id: t.id, type: 'custom', custom: { ...t.custom } };
          else if (t.type === 'function') toolCalls[t.index] = { id: t.id!, type: 'function', function: { name: t.function.name!, arguments: '' } };
          else {
            const call = toolCalls[t.index];
            if (call?.type === 'function') call.function.arguments += t.function.arguments;
          }
        }
        if (choice.finish_reason) finishReason = choice.finish_reason;
      }
    }
  };

  return {
    push(event) {
      if (error || completion) return;
      if (event.type === 'error') error = event.error;
      else if (event.type === 'usage') usage = event.usage;
      else fold(encoder.push(event));
    },
    result() {
      if (error) throw GatewayError.from(error);
      if (completion) return completion;
      fold(encoder.end());
      const message: ChatCompletion['choices'][0]['message'] = { role: 'assistant', content, refusal, annotations: [] };
      if (reasoning !== undefined) message.reasoning_content = reasoning;
      if (toolCalls.length > 0) message.tool_calls = toolCalls;
      completion = {
        id,
        object: 'chat.completion',
        created,
        model: opts.model,
        choices: [{ index: 0, message, logprobs: null, finish_reason: finishReason }],
        usage: toChatUsage(usage),
      };
      return completion;
    },
  };
}
