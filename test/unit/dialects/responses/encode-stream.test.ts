import { describe, expect, it } from 'vitest';
import type { Event } from '../../../../src/canonical/types.js';
import { ResponsesStreamEncoder } from '../../../../src/dialects/responses/encode-stream.js';
import { assertValidResponsesStream } from '../../../support/responses-stream-validator.js';

function encode(events: Event[], opts: { heartbeatAfter?: number } = {}) {
  const enc = new ResponsesStreamEncoder({ responseId: 'resp_test', createdAt: 1700000000, echo: { model: 'alias-1' } });
  const out = [...enc.start()];
  events.forEach((e, i) => {
    out.push(...enc.push(e));
    if (opts.heartbeatAfter === i) out.push(enc.heartbeat());
  });
  out.push(...enc.end());
  return { out, response: enc.finalResponse };
}

const usage = { type: 'usage', usage: { inputTokens: 120, cachedInputTokens: 100, cacheWriteTokens: 0, outputTokens: 30, reasoningTokens: 12 } } as const;

describe('Responses stream encoder', () => {
  it('streams text as one message item that a strict client accepts, with usage on completion', () => {
    const { out, response } = encode([
      { type: 'start' },
      { type: 'text_start', key: 't' },
      { type: 'text_delta', key: 't', delta: 'Hel' },
      { type: 'text_delta', key: 't', delta: 'lo' },
      { type: 'text_end', key: 't' },
      usage,
      { type: 'finish', reason: 'stop' },
    ]);
    assertValidResponsesStream(out);
    expect(out.map((e) => e.type)).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      'response.output_text.delta',
      'response.output_text.delta',
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(response.output).toEqual([
      expect.objectContaining({ type: 'message', role: 'assistant', status: 'completed', content: [expect.objectContaining({ type: 'output_text', text: 'Hello' })] }),
    ]);
    expect(response.usage).toEqual({
      input_tokens: 120,
      input_tokens_details: { cached_tokens: 100 },
      output_tokens: 30,
      output_tokens_details: { reasoning_tokens: 12 },
      total_tokens: 150,
    });
  });

  it('emits reasoning, then parallel function calls with interleaved arguments, each with its own item', () => {
    const { out, response } = encode([
      { type: 'reasoning_start', key: 'r' },
      { type: 'reasoning_delta', key: 'r', delta: 'Think', kind: 'text' },
      { type: 'reasoning_end', key: 'r' },
      { type: 'tool_call_start', key: 'a', callId: 'call_a', name: 'exec_command', kind: 'function' },
      { type: 'tool_call_start', key: 'b', callId: 'call_b', name: 'spawn_agent', namespace: 'multi_agent_v1', kind: 'function' },
      { type: 'tool_call_delta', key: 'a', delta: '{"cmd":' },
      { type: 'tool_call_delta', key: 'b', delta: '{}' },
      { type: 'tool_call_delta', key: 'a', delta: '"ls"}' },
      { type: 'tool_call_end', key: 'b' },
      { type: 'tool_call_end', key: 'a' },
      usage,
      { type: 'finish', reason: 'tool_calls' },
    ]);
    assertValidResponsesStream(out);
    expect(response.output.map((i) => [i.type, i.call_id, i.name, i.arguments, i.namespace])).toEqual([
      ['reasoning', undefined, undefined, undefined, undefined],
      ['function_call', 'call_a', 'exec_command', '{"cmd":"ls"}', undefined],
      ['function_call', 'call_b', 'spawn_agent', '{}', 'multi_agent_v1'],
    ]);
    expect(response.output[0].content).toEqual([{ type: 'reasoning_text', text: 'Think' }]);
  });

  it('streams a custom tool call (apply_patch) as custom_tool_call input deltas', () => {
    const patch = '*** Begin Patch\n*** Add File: a.txt\n+hi\n*** End Patch\n';
    const { out, response } = encode([
      { type: 'tool_call_start', key: 'p', callId: 'call_p', name: 'apply_patch', kind: 'custom' },
      { type: 'tool_call_delta', key: 'p', delta: patch.slice(0, 20) },
      { type: 'tool_call_delta', key: 'p', delta: patch.slice(20) },
      { type: 'tool_call_end', key: 'p' },
      { type: 'finish', reason: 'tool_calls' },
    ]);
    assertValidResponsesStream(out);
    expect(out.filter((e) => e.type === 'response.custom_tool_call_input.delta')).toHaveLength(2);
    expect(response.output[0]).toMatchObject({ type: 'custom_tool_call', call_id: 'call_p', name: 'apply_patch', input: patch });
  });

  it('gives a no-argument call the arguments "{}" rather than an empty string', () => {
    const { out, response } = encode([
      { type: 'tool_call_start', key: 'x', callId: 'c', name: 'get_goal', kind: 'function' },
      { type: 'tool_call_end', key: 'x' },
      { type: 'finish', reason: 'tool_calls' },
    ]);
    assertValidResponsesStream(out);
    expect(response.output[0].arguments).toBe('{}');
  });

  it('keeps summary parts apart and carries encrypted_content on the reasoning item', () => {
    const { out, response } = encode([
      { type: 'reasoning_start', key: 'r' },
      { type: 'reasoning_delta', key: 'r', delta: 'First', kind: 'summary', summaryIndex: 0 },
      { type: 'reasoning_delta', key: 'r', delta: 'Second', kind: 'summary', summaryIndex: 1 },
      { type: 'reasoning_end', key: 'r', encryptedContent: 'opaque-state' },
      { type: 'text_start', key: 't' },
      { type: 'text_delta', key: 't', delta: 'ok' },
      { type: 'text_end', key: 't' },
      { type: 'finish', reason: 'stop' },
    ]);
    assertValidResponsesStream(out);
    expect(response.output[0]).toMatchObject({
      type: 'reasoning',
      summary: [
        { type: 'summary_text', text: 'First' },
        { type: 'summary_text', text: 'Second' },
      ],
      encrypted_content: 'opaque-state',
    });
  });

  it('ends a max-tokens stop as response.incomplete with reason max_output_tokens', () => {
    const { out, response } = encode([
      { type: 'text_start', key: 't' },
      { type: 'text_delta', key: 't', delta: 'cut' },
      { type: 'finish', reason: 'length' },
    ]);
    assertValidResponsesStream(out);
    expect(out.at(-1)!.type).toBe('response.incomplete');
    expect(response.incomplete_details).toEqual({ reason: 'max_output_tokens' });
  });

  it('fails with the error code after closing what was open', () => {
    const { out, response } = encode([
      { type: 'text_start', key: 't' },
      { type: 'text_delta', key: 't', delta: 'par' },
      { type: 'error', error: { status: 429, type: 'rate_limit_error', code: 'insufficient_quota', message: 'quota' } },
    ]);
    assertValidResponsesStream(out);
    expect(out.at(-1)!.type).toBe('response.failed');
    expect(response.error).toEqual({ code: 'insufficient_quota', message: 'quota' });
  });

  it('fails a stream that ended without a finish, never leaving the client without a terminal event', () => {
    const { out } = encode([{ type: 'text_start', key: 't' }, { type: 'text_delta', key: 't', delta: 'x' }]);
    assertValidResponsesStream(out);
    expect(out.at(-1)).toMatchObject({ type: 'response.failed', response: { error: { code: 'upstream_stream_truncated' } } });
  });

  it('interleaves heartbeats (response.in_progress) without breaking the sequence', () => {
    const { out } = encode(
      [
        { type: 'text_start', key: 't' },
        { type: 'text_delta', key: 't', delta: 'a' },
        { type: 'text_end', key: 't' },
        { type: 'finish', reason: 'stop' },
      ],
      { heartbeatAfter: 1 },
    );
    assertValidResponsesStream(out);
    expect(out.filter((e) => e.type === 'response.in_progress')).toHaveLength(2);
  });

  it('sends nothing for a warning event, wherever it comes (it is for the turn record)', () => {
    const warning = { type: 'warning', message: "output[1]: 'web_search_call' item not forwarded" } as const;
    const enc = new ResponsesStreamEncoder({ responseId: 'resp_test', createdAt: 1700000000, echo: { model: 'alias-1' } });
    enc.start();
    expect(enc.push(warning)).toEqual([]);
    const text: Event[] = [
      { type: 'start' },
      { type: 'text_start', key: 't' },
      { type: 'text_delta', key: 't', delta: 'Hi' },
      { type: 'text_end', key: 't' },
      usage,
      { type: 'finish', reason: 'stop' },
    ];
    const withWarnings = encode([warning, ...text.slice(0, 3), warning, ...text.slice(3), warning]);
    assertValidResponsesStream(withWarnings.out);
    expect(withWarnings.out).toEqual(encode(text).out);
  });
});
