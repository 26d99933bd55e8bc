import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import type { Event, Usage } from '../../../../src/canonical/types.js';
import { createChatStreamEncoder, type ChatStreamChunk } from '../../../../src/dialects/chat/encode-stream.js';
import { readChunks } from '../../../support/fixtures.js';

const opts = { id: 'chatcmpl-test', model: 'my-alias', created: 1_700_000_000 };

function encode(events: Event[], includeUsage = false): ChatStreamChunk[] {
  const encoder = createChatStreamEncoder({ ...opts, includeUsage });
  return [...events.flatMap((e) => encoder.push(e)), ...encoder.end()];
}

const deltas = (chunks: ChatStreamChunk[]) => chunks.map((c) => ('choices' in c ? c.choices[0]?.delta : c));

// Serves the chunks as an SSE body to the real `openai` SDK, the way the HTTP layer
// will, so the test sees what an SDK user sees.
function sdkClient(chunks: ChatStreamChunk[]): OpenAI {
  const body = [...chunks.map((c) => `data: ${JSON.stringify(c)}\n\n`), 'data: [DONE]\n\n'].join('');
  return new OpenAI({
    apiKey: 'test',
    baseURL: 'http://gateway.test/v1',
    maxRetries: 0,
    fetch: async () => new Response(body, { headers: { 'content-type': 'text/event-stream' } }),
  });
}

async function sdkFinal(chunks: ChatStreamChunk[]) {
  const stream = sdkClient(chunks).chat.completions.stream({ model: 'my-alias', messages: [{ role: 'user', content: 'x' }] });
  return stream.finalChatCompletion();
}

const usage: Usage = { inputTokens: 120, cachedInputTokens: 100, cacheWriteTokens: 0, outputTokens: 30, reasoningTokens: 12 };

const textEvents: Event[] = [
  { type: 'start', id: 'up_1', model: 'upstream-model' },
  { type: 'text_start', key: 't0' },
  { type: 'text_delta', key: 't0', delta: 'Hello' },
  { type: 'text_delta', key: 't0', delta: ', world' },
  { type: 'text_end', key: 't0' },
  { type: 'usage', usage },
  { type: 'finish', reason: 'stop' },
];

describe('createChatStreamEncoder', () => {
  it('streams plain text: role chunk, content deltas, finish chunk', () => {
    const chunks = encode(textEvents);
    expect(deltas(chunks)).toEqual([{ role: 'assistant', content: '', refusal: null }, { content: 'Hello' }, { content: ', world' }, {}]);
    const last = chunks.at(-1)!;
    expect('choices' in last && last.choices[0]!.finish_reason).toBe('stop');
    for (const c of chunks) {
      expect(c).toMatchObject({ id: 'chatcmpl-test', object: 'chat.completion.chunk', created: 1_700_000_000, model: 'my-alias' });
      expect(c).not.toHaveProperty('usage');
    }
  });

  it('returns each event’s chunks at once, without waiting for the next event', () => {
    const encoder = createChatStreamEncoder({ ...opts, includeUsage: false });
    expect(encoder.push({ type: 'start' })).toHaveLength(1);
    expect(encoder.push({ type: 'text_delta', key: 't', delta: 'a' })).toHaveLength(1);
    expect(encoder.push({ type: 'text_delta', key: 't', delta: 'b' })).toHaveLength(1);
  });

  it('opens with the role chunk even when the first event is a delta', () => {
    const encoder = createChatStreamEncoder({ ...opts, includeUsage: false });
    expect(deltas(encoder.push({ type: 'text_delta', key: 't', delta: 'a' }))).toEqual([
      { role: 'assistant', content: '', refusal: null },
      { content: 'a' },
    ]);
  });

  it('streams reasoning as reasoning_content before the text, separating parts', () => {
    const chunks = encode([
      { type: 'start' },
      { type: 'reasoning_start', key: 'r0' },
      { type: 'reasoning_delta', key: 'r0', delta: 'First, ', kind: 'summary', summaryIndex: 0 },
      { type: 'reasoning_delta', key: 'r0', delta: 'look.', kind: 'summary', summaryIndex: 0 },
      { type: 'reasoning_delta', key: 'r0', delta: 'Then answer.', kind: 'summary', summaryIndex: 1 },
      { type: 'reasoning_end', key: 'r0', encryptedContent: 'opaque' },
      { type: 'text_delta', key: 't0', delta: '42' },
      { type: 'finish', reason: 'stop' },
    ]);
    expect(deltas(chunks).slice(1)).toEqual([
      { reasoning_content: 'First, ' },
      { reasoning_content: 'look.' },
      { reasoning_content: '\n\nThen answer.' },
      { content: '42' },
      {},
    ]);
  });

  it('streams two parallel tool calls with interleaved argument deltas by index', async () => {
    const chunks = encode([
      { type: 'start' },
      { type: 'tool_call_start', key: 'a', callId: 'call_a', name: 'read_file', kind: 'function' },
      { type: 'tool_call_start', key: 'b', callId: 'call_b', name: 'list_dir', kind: 'function' },
      { type: 'tool_call_delta', key: 'a', delta: '{"path":' },
      { type: 'tool_call_delta', key: 'b', delta: '{"dir":"' },
      { type: 'tool_call_delta', key: 'a', delta: '"a.ts"}' },
      { type: 'tool_call_delta', key: 'b', delta: 'src"}' },
      { type: 'tool_call_end', key: 'a' },
      { type: 'tool_call_end', key: 'b' },
      { type: 'finish', reason: 'tool_calls' },
    ]);
    expect(deltas(chunks).slice(1)).toEqual([
      { tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'read_file', arguments: '' } }] },
      { tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'list_dir', arguments: '' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '{"path":' } }] },
      { tool_calls: [{ index: 1, function: { arguments: '{"dir":"' } }] },
      { tool_calls: [{ index: 0, function: { arguments: '"a.ts"}' } }] },
      { tool_calls: [{ index: 1, function: { arguments: 'src"}' } }] },
      {},
    ]);
    const final = await sdkFinal(chunks);
    expect(final.choices[0]!.finish_reason).toBe('tool_calls');
    expect(final.choices[0]!.message.tool_calls).toEqual([
      { id: 'call_a', type: 'function', function: { name: 'read_file', arguments: '{"path":"a.ts"}' } },
      { id: 'call_b', type: 'function', function: { name: 'list_dir', arguments: '{"dir":"src"}' } },
    ]);
  });

  it('reports tool_calls when the provider said stop after calling a tool', () => {
    const chunks = encode([
      { type: 'tool_call_start', key: 'a', callId: 'c', name: 'f', kind: 'function' },
      { type: 'tool_call_end', key: 'a' },
      { type: 'finish', reason: 'stop' },
    ]);
    const last = chunks.at(-1)!;
    expect('choices' in last && last.choices[0]!.finish_reason).toBe('tool_calls');
  });

  it('flattens a namespaced function name, since Chat has no namespaces', () => {
    const chunks = encode([{ type: 'tool_call_start', key: 'a', callId: 'c', name: 'search', namespace: 'github', kind: 'function' }]);
    expect(deltas(chunks)[1]).toEqual({
      tool_calls: [{ index: 0, id: 'c', type: 'function', function: { name: 'github__search', arguments: '' } }],
    });
  });

  it('sends a custom tool call whole, as type custom, when its input is complete', () => {
    const encoder = createChatStreamEncoder({ ...opts, includeUsage: false });
    encoder.push({ type: 'start' });
    expect(encoder.push({ type: 'tool_call_start', key: 'p', callId: 'call_p', name: 'apply_patch', kind: 'custom' })).toEqual([]);
    expect(encoder.push({ type: 'tool_call_delta', key: 'p', delta: '*** Begin Patch\n' })).toEqual([]);
    expect(encoder.push({ type: 'tool_call_delta', key: 'p', delta: '*** End Patch' })).toEqual([]);
    expect(deltas(encoder.push({ type: 'tool_call_end', key: 'p' }))).toEqual([
      { tool_calls: [{ index: 0, id: 'call_p', type: 'custom', custom: { name: 'apply_patch', input: '*** Begin Patch\n*** End Patch' } }] },
    ]);
    const finish = encoder.push({ type: 'finish', reason: 'tool_calls' });
    expect(deltas(finish)).toEqual([{}]);
  });

  it('sends an unfinished custom tool call before the finish chunk', () => {
    const chunks = encode([
      { type: 'tool_call_start', key: 'p', callId: 'call_p', name: 'shell', kind: 'custom' },
      { type: 'tool_call_delta', key: 'p', delta: 'ls' },
      { type: 'finish', reason: 'tool_calls' },
    ]);
    expect(deltas(chunks).slice(1)).toEqual([
      { tool_calls: [{ index: 0, id: 'call_p', type: 'custom', custom: { name: 'shell', input: 'ls' } }] },
      {},
    ]);
  });

  it('sends the usage chunk only when include_usage was asked for, after the finish chunk', () => {
    expect(encode(textEvents, false).some((c) => 'usage' in c)).toBe(false);
    const chunks = encode(textEvents, true);
    for (const c of chunks.slice(0, -1)) expect(c).toHaveProperty('usage', null);
    expect(chunks.at(-2)).toMatchObject({ choices: [{ finish_reason: 'stop' }] });
    expect(chunks.at(-1)).toEqual({
      id: 'chatcmpl-test',
      object: 'chat.completion.chunk',
      created: 1_700_000_000,
      model: 'my-alias',
      choices: [],
      usage: {
        prompt_tokens: 120,
        completion_tokens: 30,
        total_tokens: 150,
        prompt_tokens_details: { cached_tokens: 100 },
        completion_tokens_details: { reasoning_tokens: 12 },
      },
    });
  });

  it('streams a refusal as delta.refusal and finishes with stop', async () => {
    const chunks = encode([
      { type: 'start' },
      { type: 'refusal_start', key: 'x' },
      { type: 'refusal_delta', key: 'x', delta: "I can't " },
      { type: 'refusal_delta', key: 'x', delta: 'help with that.' },
      { type: 'refusal_end', key: 'x' },
      { type: 'finish', reason: 'refusal' },
    ]);
    expect(deltas(chunks).slice(1)).toEqual([{ refusal: "I can't " }, { refusal: 'help with that.' }, {}]);
    const final = await sdkFinal(chunks);
    expect(final.choices[0]!.finish_reason).toBe('stop');
    expect(final.choices[0]!.message.refusal).toBe("I can't help with that.");
  });

  it('maps length and content_filter finish reasons', () => {
    for (const reason of ['length', 'content_filter'] as const) {
      const last = encode([{ type: 'text_delta', key: 't', delta: 'a' }, { type: 'finish', reason }]).at(-1)!;
      expect('choices' in last && last.choices[0]!.finish_reason).toBe(reason);
    }
  });

  it('ends a mid-stream error with an error chunk, then emits nothing more', async () => {
    const encoder = createChatStreamEncoder({ ...opts, includeUsage: true });
    const chunks = [
      ...encoder.push({ type: 'start' }),
      ...encoder.push({ type: 'text_delta', key: 't', delta: 'partial' }),
      ...encoder.push({
        type: 'error',
        error: { status: 502, type: 'server_error', code: 'upstream_error', message: 'Upstream connection reset' },
      }),
    ];
    expect(chunks.at(-1)).toEqual({
      error: { message: 'Upstream connection reset', type: 'server_error', code: 'upstream_error', param: null },
    });
    expect(encoder.push({ type: 'text_delta', key: 't', delta: 'more' })).toEqual([]);
    expect(encoder.push({ type: 'finish', reason: 'stop' })).toEqual([]);
    expect(encoder.end()).toEqual([]);

    const stream = await sdkClient(chunks).chat.completions.create({ model: 'my-alias', messages: [], stream: true });
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const c of stream) seen.push(c.choices[0]?.delta.content ?? '');
      })(),
    ).rejects.toMatchObject({ message: expect.stringContaining('Upstream connection reset'), code: 'upstream_error', type: 'server_error' });
    expect(seen.join('')).toBe('partial');
  });

  it('closes a stream that ended without finish as a normal stop', () => {
    const chunks = encode([{ type: 'start' }, { type: 'text_delta', key: 't', delta: 'a' }]);
    const last = chunks.at(-1)!;
    expect('choices' in last && last.choices[0]!.finish_reason).toBe('stop');
  });

  it('concatenates, as the openai SDK does, to the exact text and arguments', async () => {
    const text = 'Let me check — “quoted” text, emoji 🎉, and \\n escapes.\n';
    const args = '{"cmd":["bash","-lc","echo \\"hi\\""],"timeout":10}';
    const events: Event[] = [{ type: 'start' }];
    for (const piece of text.match(/.{1,3}/gsu)!) events.push({ type: 'text_delta', key: 't', delta: piece });
    events.push({ type: 'tool_call_start', key: 'c', callId: 'call_1', name: 'exec_command', kind: 'function' });
    for (const piece of args.match(/.{1,4}/gs)!) events.push({ type: 'tool_call_delta', key: 'c', delta: piece });
    events.push({ type: 'tool_call_end', key: 'c' }, { type: 'usage', usage }, { type: 'finish', reason: 'tool_calls' });

    const final = await sdkFinal(encode(events, true));
    expect(final.choices[0]!.message.content).toBe(text);
    expect(final.choices[0]!.message.tool_calls).toEqual([
      { id: 'call_1', type: 'function', function: { name: 'exec_command', arguments: args } },
    ]);
    expect(final.usage).toMatchObject({ prompt_tokens: 120, completion_tokens: 30, total_tokens: 150 });
    expect(final.model).toBe('my-alias');
  });
});

// Replays test/fixtures/openai-chat/openai-text.chunks.txt (a real gpt-4.1-nano stream
// with include_usage): the canonical events an OpenAI adapter would produce from it,
// built here by hand, must encode back to the same text and usage.
describe('createChatStreamEncoder against the openai-text recording', () => {
  const recorded = readChunks('openai-chat/openai-text.chunks.txt');
  const recordedText = recorded.map((c) => c.choices[0]?.delta?.content ?? '').join('');
  const recordedUsage = recorded.at(-1).usage;

  const events: Event[] = [{ type: 'start', id: recorded[0].id, model: recorded[0].model }, { type: 'text_start', key: 'text' }];
  for (const c of recorded) {
    const content = c.choices[0]?.delta?.content;
    if (content) events.push({ type: 'text_delta', key: 'text', delta: content });
  }
  events.push(
    { type: 'text_end', key: 'text' },
    { type: 'finish', reason: recorded.at(-2).choices[0].finish_reason },
    {
      type: 'usage',
      usage: {
        inputTokens: recordedUsage.prompt_tokens,
        cachedInputTokens: recordedUsage.prompt_tokens_details.cached_tokens,
        cacheWriteTokens: 0,
        outputTokens: recordedUsage.completion_tokens,
        reasoningTokens: recordedUsage.completion_tokens_details.reasoning_tokens,
      },
    },
  );

  it('has the recording’s concatenated text, finish reason and usage numbers', async () => {
    const chunks = encode(events, true);
    const final = await sdkFinal(chunks);
    expect(recordedText.length).toBeGreaterThan(1000);
    expect(final.choices[0]!.message.content).toBe(recordedText);
    expect(final.choices[0]!.finish_reason).toBe('stop');
    expect(final.usage).toEqual({
      prompt_tokens: recordedUsage.prompt_tokens,
      completion_tokens: recordedUsage.completion_tokens,
      total_tokens: recordedUsage.total_tokens,
      prompt_tokens_details: { cached_tokens: recordedUsage.prompt_tokens_details.cached_tokens },
      completion_tokens_details: { reasoning_tokens: recordedUsage.completion_tokens_details.reasoning_tokens },
    });
  });

  it('has the recording’s chunk layout: role chunk first, finish chunk, then usage with no choices', () => {
    const chunks = encode(events, true) as any[];
    expect(chunks.length).toBe(recorded.length);
    expect(chunks[0].choices[0].delta).toMatchObject({ role: 'assistant', content: '' });
    expect(chunks.at(-2).choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' });
    expect(chunks.at(-1).choices).toEqual([]);
    expect(Object.keys(chunks[1]).sort()).toEqual(
      Object.keys(recorded[1]).filter((k) => !['service_tier', 'system_fingerprint', 'obfuscation'].includes(k)).sort(),
    );
  });

  it('sends nothing for a warning event, not even the role chunk (it is for the turn record)', () => {
    const warning: Event = { type: 'warning', message: "'url_citation' annotations dropped" };
    const encoder = createChatStreamEncoder({ ...opts, includeUsage: true });
    expect(encoder.push(warning)).toEqual([]);
    expect(encode([warning, ...textEvents.slice(0, 3), warning, ...textEvents.slice(3), warning], true)).toEqual(encode(textEvents, true));
  });
});
