import { describe, expect, it } from 'vitest';
import type { Event } from '../../../../src/canonical/types.js';
import { createChatResponseAggregator } from '../../../../src/dialects/chat/encode-response.js';
import { GatewayError } from '../../../../src/http/errors.js';
import { readJsonFixture } from '../../../support/fixtures.js';

const opts = { id: 'chatcmpl-test', model: 'my-alias', created: 1_700_000_000 };

function aggregate(events: Event[]) {
  const agg = createChatResponseAggregator(opts);
  for (const e of events) agg.push(e);
  return agg.result();
}

describe('createChatResponseAggregator', () => {
  it('builds a chat.completion with text, finish_reason and usage', () => {
    const body = aggregate([
      { type: 'start' },
      { type: 'text_delta', key: 't', delta: 'Hello' },
      { type: 'text_delta', key: 't', delta: ' there' },
      { type: 'usage', usage: { inputTokens: 10, cachedInputTokens: 4, cacheWriteTokens: 0, outputTokens: 5, reasoningTokens: 0 } },
      { type: 'finish', reason: 'stop' },
    ]);
    expect(body).toEqual({
      id: 'chatcmpl-test',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'my-alias',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Hello there', refusal: null, annotations: [] },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: {
        prompt_tokens: 10,
        completion_tokens: 5,
        total_tokens: 15,
        prompt_tokens_details: { cached_tokens: 4 },
        completion_tokens_details: { reasoning_tokens: 0 },
      },
    });
  });

  it('has the same message keys as the recorded non-streamed OpenAI body (openai-chat/openai-text.json)', () => {
    const recorded = readJsonFixture('openai-chat/openai-text.json');
    const body = aggregate([{ type: 'text_delta', key: 't', delta: 'x' }, { type: 'finish', reason: 'stop' }]);
    expect(Object.keys(body.choices[0]!.message).sort()).toEqual(Object.keys(recorded.choices[0].message).sort());
    expect(Object.keys(body.choices[0]!).sort()).toEqual(Object.keys(recorded.choices[0]).sort());
  });

  it('carries reasoning_content and full tool-call arguments, content null without text', () => {
    const body = aggregate([
      { type: 'reasoning_delta', key: 'r', delta: 'Need the file.', kind: 'text' },
      { type: 'tool_call_start', key: 'a', callId: 'call_a', name: 'read_file', kind: 'function' },
      { type: 'tool_call_start', key: 'b', callId: 'call_b', name: 'apply_patch', kind: 'custom' },
      { type: 'tool_call_delta', key: 'a', delta: '{"path":' },
      { type: 'tool_call_delta', key: 'b', delta: '*** Begin Patch' },
      { type: 'tool_call_delta', key: 'a', delta: '"a.ts"}' },
      { type: 'tool_call_end', key: 'a' },
      { type: 'tool_call_end', key: 'b' },
      { type: 'finish', reason: 'tool_calls' },
    ]);
    expect(body.choices[0]).toMatchObject({
      finish_reason: 'tool_calls',
      message: {
        content: null,
        reasoning_content: 'Need the file.',
        tool_calls: [
          { id: 'call_a', type: 'function', function: { name: 'read_file', arguments: '{"path":"a.ts"}' } },
          { id: 'call_b', type: 'custom', custom: { name: 'apply_patch', input: '*** Begin Patch' } },
        ],
      },
    });
  });

  it('puts a refusal in message.refusal with finish_reason stop', () => {
    const body = aggregate([
      { type: 'refusal_delta', key: 'x', delta: 'No.' },
      { type: 'finish', reason: 'refusal' },
    ]);
    expect(body.choices[0]).toMatchObject({ finish_reason: 'stop', message: { content: null, refusal: 'No.' } });
  });

  it('reports zero usage when the provider sent none (the field is never absent)', () => {
    const body = aggregate([{ type: 'text_delta', key: 't', delta: 'a' }, { type: 'finish', reason: 'length' }]);
    expect(body.choices[0]!.finish_reason).toBe('length');
    expect(body.usage.total_tokens).toBe(0);
  });

  it('throws the upstream error as a GatewayError with its status', () => {
    const agg = createChatResponseAggregator(opts);
    agg.push({ type: 'text_delta', key: 't', delta: 'partial' });
    agg.push({ type: 'error', error: { status: 429, type: 'rate_limit_error', code: 'rate_limit_exceeded', message: 'Slow down' } });
    agg.push({ type: 'finish', reason: 'stop' });
    expect(() => agg.result()).toThrow(GatewayError);
    expect(() => agg.result()).toThrow(expect.objectContaining({ status: 429, code: 'rate_limit_exceeded', message: 'Slow down' }));
  });

  it('ignores warning events: the body is the same without them', () => {
    const events: Event[] = [
      { type: 'start' },
      { type: 'text_delta', key: 't', delta: 'Hello' },
      { type: 'finish', reason: 'stop' },
    ];
    const warning: Event = { type: 'warning', message: "'reference' content chunks dropped" };
    expect(aggregate([warning, events[0], warning, ...events.slice(1), warning])).toEqual(aggregate(events));
  });
});
