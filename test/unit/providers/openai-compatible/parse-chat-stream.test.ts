// Replays every recorded Chat Completions stream (test/fixtures/openai-chat,
// openai-compatible, mistral; see test/fixtures/README.md for what each shows) through
// parseChatStream and checks what a user would see: text, reasoning, tool calls, usage,
// finish reason. Then the edge cases no recording has, one test each.
import { describe, expect, it } from 'vitest';
import type { Event, Tool, Usage } from '../../../../src/canonical/types.js';
import type { ChatFlavor } from '../../../../src/providers/openai-compatible/chat-api.js';
import { CHAT_TOOL_NAME_RULES } from '../../../../src/providers/openai-compatible/convert-to-chat-tools.js';
import { parseChatStream } from '../../../../src/providers/openai-compatible/parse-chat-stream.js';
import { buildToolNameMap } from '../../../../src/providers/shared/tool-names.js';
import { wrapCustomInput } from '../../../../src/providers/shared/wrap-custom-tool.js';
import { readChunks, readFixture } from '../../../support/fixtures.js';

async function* from(chunks: unknown[]): AsyncGenerator<unknown> {
  for (const c of chunks) yield c;
}

async function run(chunks: unknown[], opts: { tools?: Tool[]; flavor?: ChatFlavor } = {}): Promise<Event[]> {
  const names = buildToolNameMap(opts.tools ?? [], CHAT_TOOL_NAME_RULES);
  let n = 0;
  const events: Event[] = [];
  const ctx = { names, flavor: opts.flavor ?? 'openai_compatible', generateCallId: () => `call_generated_${++n}` } as const;
  for await (const e of parseChatStream(from(chunks), ctx)) events.push(e);
  return events;
}

interface ToolCallSeen {
  callId: string;
  name: string;
  namespace?: string;
  kind: 'function' | 'custom';
  arguments: string;
}

// What a client ends up with.
function summarize(events: Event[]) {
  const text: string[] = [];
  const reasoning: string[] = [];
  const refusal: string[] = [];
  const calls = new Map<string, ToolCallSeen>();
  let usage: Usage | undefined;
  let finish: Extract<Event, { type: 'finish' }> | undefined;
  let error: Extract<Event, { type: 'error' }>['error'] | undefined;
  for (const e of events) {
    if (e.type === 'text_delta') text.push(e.delta);
    if (e.type === 'reasoning_delta') reasoning.push(e.delta);
    if (e.type === 'refusal_delta') refusal.push(e.delta);
    if (e.type === 'tool_call_start') {
      const call: ToolCallSeen = { callId: e.callId, name: e.name, kind: e.kind, arguments: '' };
      if (e.namespace !== undefined) call.namespace = e.namespace;
      calls.set(e.key, call);
    }
    if (e.type === 'tool_call_delta') calls.get(e.key)!.arguments += e.delta;
    if (e.type === 'usage') usage = e.usage;
    if (e.type === 'finish') finish = e;
    if (e.type === 'error') error = e.error;
  }
  return { text: text.join(''), reasoning: reasoning.join(''), refusal: refusal.join(''), toolCalls: [...calls.values()], usage, finish, error };
}

// The stream contract: `start` first; every block started once, its deltas inside, ended
// once; a successful stream ends with [usage], finish.
function expectWellFormed(events: Event[]): void {
  expect(events[0].type).toBe('start');
  expect(events.filter((e) => e.type === 'start')).toHaveLength(1);
  const open = new Set<string>();
  const seen = new Set<string>();
  for (const e of events.slice(1)) {
    if (e.type.endsWith('_start')) {
      const key = (e as { key: string }).key;
      expect(seen.has(key)).toBe(false);
      open.add(key);
      seen.add(key);
    } else if (e.type.endsWith('_delta')) {
      expect(open.has((e as { key: string }).key)).toBe(true);
    } else if (e.type.endsWith('_end')) {
      expect(open.delete((e as { key: string }).key)).toBe(true);
    }
  }
  const last = events[events.length - 1];
  if (last.type === 'finish') {
    expect(open.size).toBe(0);
    const usageAt = events.findIndex((e) => e.type === 'usage');
    if (usageAt !== -1) expect(usageAt).toBe(events.length - 2);
  } else {
    expect(last.type).toBe('error');
  }
}

const usage = (u: Partial<Usage>): Usage => ({ inputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0, ...u });

// Explodes every content, reasoning and argument string into one-character chunks: the
// result must not depend on where the upstream cut its deltas.
function rechunk(chunks: any[]): any[] {
  const out: any[] = [];
  for (const chunk of chunks) {
    const choice = chunk.choices?.[0];
    const delta = choice?.delta;
    if (!delta) {
      out.push(chunk);
      continue;
    }
    const pieces: any[] = [];
    for (const field of ['reasoning_content', 'content'] as const) {
      if (typeof delta[field] === 'string' && delta[field].length > 1) {
        for (const ch of delta[field]) pieces.push({ [field]: ch });
      } else if (delta[field] != null) pieces.push({ [field]: delta[field] });
    }
    for (const tc of delta.tool_calls ?? []) {
      const args: string = tc.function?.arguments ?? '';
      pieces.push({ tool_calls: [{ ...tc, function: { ...tc.function, arguments: args.slice(0, 1) } }] });
      for (const ch of args.slice(1)) pieces.push({ tool_calls: [{ index: tc.index, id: tc.index === undefined ? tc.id : '', function: { arguments: ch } }] });
    }
    if (pieces.length === 0) pieces.push({});
    pieces.forEach((d, i) =>
      out.push({ ...chunk, choices: [{ ...choice, delta: d, finish_reason: i === pieces.length - 1 ? choice.finish_reason : null }] }),
    );
  }
  return out;
}

describe('parseChatStream: recorded streams', () => {
  it('openai-chat/openai-text: 300 content deltas, a finish chunk, then a usage-only chunk', async () => {
    const events = await run(readChunks('openai-chat/openai-text.chunks.txt'), { flavor: 'openai' });
    expectWellFormed(events);
    expect(events[0]).toEqual({ type: 'start', id: 'chatcmpl-D8Z5oo6uDh67AD85p73ksdT1KxhE0', model: 'gpt-4.1-nano-2025-04-14' });
    const s = summarize(events);
    expect(s.text.startsWith('**Holiday Name:** Harmony Day\n\n**Date:** Celebrated annually')).toBe(true);
    expect(s.text.endsWith('connected through shared human experiences and mutual respect.')).toBe(true);
    expect(s.text).toHaveLength(1724);
    expect(events.filter((e) => e.type === 'text_start')).toHaveLength(1);
    expect(s.usage).toEqual(usage({ inputTokens: 16, outputTokens: 300 }));
    expect(s.finish).toEqual({ type: 'finish', reason: 'stop', raw: 'stop' });
  });

  it('openai-chat/azure-model-router: waits past the empty first chunk for id and model', async () => {
    const events = await run(readChunks('openai-chat/azure-model-router.1.chunks.txt'), { flavor: 'openai' });
    expectWellFormed(events);
    expect(events[0]).toEqual({ type: 'start', id: 'chatcmpl-CYPS1lijGoK8gd9lYzY3r9Sx50nbt', model: 'gpt-5-nano-2025-08-07' });
    const s = summarize(events);
    expect(s.text).toBe('Capital of Denmark.');
    expect(s.usage).toEqual(usage({ inputTokens: 15, outputTokens: 78, reasoningTokens: 64 }));
    expect(s.finish?.reason).toBe('stop');
  });

  it('openai-compatible/alibaba-tool-call: repeated empty ids continue the call; usage after finish', async () => {
    const events = await run(readChunks('openai-compatible/alibaba-tool-call.chunks.txt'));
    expectWellFormed(events);
    const s = summarize(events);
    expect(s.toolCalls).toEqual([
      { callId: 'call_eee11723464a4b9eb8cee71d', name: 'weather', kind: 'function', arguments: '{"location": "San Francisco"}' },
    ]);
    expect(s.text).toBe('');
    expect(s.usage).toEqual(usage({ inputTokens: 295, outputTokens: 22 }));
    expect(s.finish).toEqual({ type: 'finish', reason: 'tool_calls', raw: 'tool_calls' });
  });

  it('openai-compatible/deepseek-text: 400 deltas cut off by finish_reason length, usage on the same chunk', async () => {
    const events = await run(readChunks('openai-compatible/deepseek-text.chunks.txt'));
    expectWellFormed(events);
    const s = summarize(events);
    expect(s.text.startsWith('## **Holiday Name:** Starlight Remembrance\n\n**Date:** The Sa')).toBe(true);
    expect(s.text.endsWith('in quiet groups, and observe 15 minutes of silent looking at')).toBe(true);
    expect(s.text).toHaveLength(1855);
    expect(s.usage).toEqual(usage({ inputTokens: 13, outputTokens: 400 }));
    expect(s.finish).toEqual({ type: 'finish', reason: 'length', raw: 'length' });
  });

  it('openai-compatible/deepseek-tool-call: reasoning_content, then a call in 10 fragments; cache hits counted', async () => {
    const events = await run(readChunks('openai-compatible/deepseek-tool-call.chunks.txt'));
    expectWellFormed(events);
    const s = summarize(events);
    expect(s.reasoning).toBe(
      'The user is asking for the weather in San Francisco. I need to use the weather tool to get this information. Let me invoke the weather tool with the location parameter set to "San Francisco".',
    );
    expect(events.filter((e) => e.type === 'reasoning_delta').every((e) => (e as { kind: string }).kind === 'text')).toBe(true);
    // The reasoning block closes before the call starts.
    const types = events.map((e) => e.type);
    expect(types.indexOf('reasoning_end')).toBeLessThan(types.indexOf('tool_call_start'));
    expect(s.toolCalls).toEqual([
      { callId: 'call_00_ioIn7yN9p1ZOMNpDLwd4MgAF', name: 'weather', kind: 'function', arguments: '{"location": "San Francisco"}' },
    ]);
    expect(s.usage).toEqual(usage({ inputTokens: 339, cachedInputTokens: 320, outputTokens: 83, reasoningTokens: 39 }));
    expect(s.finish?.reason).toBe('tool_calls');
  });

  it('openai-compatible/groq-tool-call: the whole call in one chunk, usage on the finish chunk', async () => {
    const events = await run(readChunks('openai-compatible/groq-tool-call.chunks.txt'));
    expectWellFormed(events);
    const s = summarize(events);
    expect(s.toolCalls).toEqual([{ callId: 'tk85n1k4m', name: 'weather', kind: 'function', arguments: '{}' }]);
    expect(s.usage).toEqual(usage({ inputTokens: 210, outputTokens: 15 }));
    expect(s.finish?.reason).toBe('tool_calls');
  });

  it('openai-compatible/xai-tool-call: reasoning, a complete call, usage with reasoning counted outside completion_tokens', async () => {
    const events = await run(readChunks('openai-compatible/xai-tool-call.chunks.txt'));
    expectWellFormed(events);
    const s = summarize(events);
    expect(s.reasoning).toBe('First, the user is');
    expect(s.toolCalls).toEqual([{ callId: 'call_55117580', name: 'weather', kind: 'function', arguments: '{"location":"San Francisco"}' }]);
    // prompt 291 + completion 26 + reasoning 196 = total 513: xAI's completion excludes reasoning.
    expect(s.usage).toEqual(usage({ inputTokens: 291, cachedInputTokens: 290, outputTokens: 222, reasoningTokens: 196 }));
    expect(s.finish?.reason).toBe('tool_calls');
  });

  it('openai-compatible/anthropic-fallback-tool-call.sse: text, then a call whose first index is 1 with "" fragments', async () => {
    const chunks = readFixture('openai-compatible/anthropic-fallback-tool-call.sse')
      .split('\n')
      .filter((l) => l.startsWith('data: ') && l !== 'data: [DONE]')
      .map((l) => JSON.parse(l.slice('data: '.length)));
    const events = await run(chunks);
    expectWellFormed(events);
    expect(events[0]).toEqual({ type: 'start', id: 'msg_sanitized', model: 'claude-haiku-4-5-20251001' });
    const s = summarize(events);
    expect(s.text).toBe('Reading it.');
    expect(s.toolCalls).toEqual([{ callId: 'toolu_sanitized', name: 'read_file', kind: 'function', arguments: '{"path": "a.txt"}' }]);
    // No empty argument deltas reach the client.
    expect(events.filter((e) => e.type === 'tool_call_delta' && e.delta === '')).toHaveLength(0);
    // The text block ends before the call starts.
    const types = events.map((e) => e.type);
    expect(types.indexOf('text_end')).toBeLessThan(types.indexOf('tool_call_start'));
    // No usage was recorded, so none is invented.
    expect(s.usage).toBeUndefined();
    expect(s.finish?.reason).toBe('tool_calls');
  });

  it('mistral/mistral-text: usage and finish on the last chunk', async () => {
    const events = await run(readChunks('mistral/mistral-text.chunks.txt'), { flavor: 'mistral' });
    expectWellFormed(events);
    const s = summarize(events);
    expect(s.text).toBe('Hello, world! This is a test response.');
    expect(s.usage).toEqual(usage({ inputTokens: 13, outputTokens: 8 }));
    expect(s.finish).toEqual({ type: 'finish', reason: 'stop', raw: 'stop' });
  });

  it('mistral/mistral-tool-call: the whole call in the finish chunk, no index, 9-character id', async () => {
    const events = await run(readChunks('mistral/mistral-tool-call.chunks.txt'), { flavor: 'mistral' });
    expectWellFormed(events);
    const s = summarize(events);
    expect(s.toolCalls).toEqual([{ callId: 'gSIMJiOkT', name: 'weather', kind: 'function', arguments: '{"location": "San Francisco"}' }]);
    expect(s.usage).toEqual(usage({ inputTokens: 124, outputTokens: 22 }));
    expect(s.finish?.reason).toBe('tool_calls');
  });

  it('mistral/mistral-reasoning: typed thinking and text chunks', async () => {
    const events = await run(readChunks('mistral/mistral-reasoning.chunks.txt'), { flavor: 'mistral' });
    expectWellFormed(events);
    const s = summarize(events);
    expect(s.reasoning).toBe('The user is asking for 2+2. This is basic arithmetic. 2+2=4.');
    expect(s.text).toBe('2 + 2 = 4');
    expect(events.map((e) => e.type).filter((t) => t.endsWith('_start') || t.endsWith('_end'))).toEqual([
      'reasoning_start',
      'reasoning_end',
      'text_start',
      'text_end',
    ]);
    expect(s.usage).toEqual(usage({ inputTokens: 10, outputTokens: 46 }));
    expect(s.finish?.reason).toBe('stop');
  });

  it('mistral/mistral-incremental-tool-call: id and name first, arguments in a chunk with name ""', async () => {
    const events = await run(readChunks('mistral/mistral-incremental-tool-call.chunks.txt'), { flavor: 'mistral' });
    expectWellFormed(events);
    const s = summarize(events);
    expect(s.toolCalls).toEqual([
      { callId: 'chatcmpl-tool-9f149c74c42f265b', name: 'webSearchTool', kind: 'function', arguments: '{"query": "current Berlin weather"}' },
    ]);
    expect(s.text).toBe('');
    expect(events.some((e) => e.type === 'text_start')).toBe(false);
    expect(s.usage).toEqual(usage({ inputTokens: 171, cachedInputTokens: 128, outputTokens: 14 }));
    expect(s.finish?.reason).toBe('tool_calls');
  });

  it.each([
    'openai-chat/openai-text.chunks.txt',
    'openai-compatible/alibaba-tool-call.chunks.txt',
    'openai-compatible/deepseek-tool-call.chunks.txt',
    'openai-compatible/xai-tool-call.chunks.txt',
    'mistral/mistral-tool-call.chunks.txt',
    'mistral/mistral-incremental-tool-call.chunks.txt',
  ])('%s gives the same result cut into one-character deltas', async (file) => {
    const chunks = readChunks(file);
    const whole = summarize(await run(chunks));
    const split = rechunk(chunks);
    expect(split.length).toBeGreaterThan(chunks.length);
    const events = await run(split);
    expectWellFormed(events);
    expect(summarize(events)).toEqual(whole);
  });
});

// Builds chunks the way servers send them.
const chunk = (delta: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  id: 'chatcmpl-1',
  model: 'm',
  choices: [{ index: 0, delta, finish_reason: null, ...extra }],
});
const finish = (reason: string, usageBody?: Record<string, unknown>) => ({
  id: 'chatcmpl-1',
  model: 'm',
  choices: [{ index: 0, delta: {}, finish_reason: reason }],
  ...(usageBody ? { usage: usageBody } : {}),
});

describe('parseChatStream: cases without a recording', () => {
  it('restores a flattened namespace name', async () => {
    const tools: Tool[] = [{ type: 'function', name: 'spawn_agent', namespace: 'multi_agent_v1', parameters: { type: 'object' } }];
    const events = await run(
      [chunk({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'multi_agent_v1__spawn_agent', arguments: '{"message":"hi"}' } }] }), finish('tool_calls')],
      { tools },
    );
    expect(summarize(events).toolCalls).toEqual([
      { callId: 'call_1', name: 'spawn_agent', namespace: 'multi_agent_v1', kind: 'function', arguments: '{"message":"hi"}' },
    ]);
  });

  it('streams a wrapped custom tool (apply_patch) as raw input, whatever the fragment boundaries', async () => {
    const tools: Tool[] = [{ type: 'custom', name: 'apply_patch' }];
    const patch = '*** Begin Patch\n*** Add File: a "b".txt\n+héllo\\world 😀\n*** End Patch\n';
    const args = wrapCustomInput(patch);
    for (const size of [1, 2, 3, 7, args.length]) {
      const fragments: string[] = [];
      for (let i = 0; i < args.length; i += size) fragments.push(args.slice(i, i + size));
      const events = await run(
        [
          chunk({ tool_calls: [{ index: 0, id: 'call_p', type: 'function', function: { name: 'apply_patch', arguments: '' } }] }),
          ...fragments.map((f) => chunk({ tool_calls: [{ index: 0, function: { arguments: f } }] })),
          finish('tool_calls'),
        ],
        { tools },
      );
      expectWellFormed(events);
      expect(summarize(events).toolCalls).toEqual([{ callId: 'call_p', name: 'apply_patch', kind: 'custom', arguments: patch }]);
    }
  });

  it('keeps parallel calls apart by index, interleaved', async () => {
    const events = await run([
      chunk({ tool_calls: [{ index: 0, id: 'call_a', type: 'function', function: { name: 'read', arguments: '{"p":' } }] }),
      chunk({ tool_calls: [{ index: 1, id: 'call_b', type: 'function', function: { name: 'read', arguments: '{"p":' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { arguments: '"a"}' } }] }),
      chunk({ tool_calls: [{ index: 1, function: { arguments: '"b"}' } }] }),
      finish('tool_calls'),
    ]);
    expectWellFormed(events);
    expect(summarize(events).toolCalls).toEqual([
      { callId: 'call_a', name: 'read', kind: 'function', arguments: '{"p":"a"}' },
      { callId: 'call_b', name: 'read', kind: 'function', arguments: '{"p":"b"}' },
    ]);
  });

  it('takes several complete calls in one Mistral chunk without index as separate calls', async () => {
    const events = await run(
      [
        chunk(
          {
            tool_calls: [
              { id: 'aaaaaaaaa', function: { name: 'read', arguments: '{"p":"a"}' } },
              { id: 'bbbbbbbbb', function: { name: 'read', arguments: '{"p":"b"}' } },
            ],
          },
          { finish_reason: 'tool_calls' },
        ),
      ],
      { flavor: 'mistral' },
    );
    expect(summarize(events).toolCalls.map((c) => [c.callId, c.arguments])).toEqual([
      ['aaaaaaaaa', '{"p":"a"}'],
      ['bbbbbbbbb', '{"p":"b"}'],
    ]);
  });

  it('starts a new call when a server reuses index 0 with a new id', async () => {
    const events = await run([
      chunk({ tool_calls: [{ index: 0, id: 'call_a', function: { name: 'read', arguments: '{}' } }] }),
      chunk({ tool_calls: [{ index: 0, id: 'call_b', function: { name: 'list', arguments: '{}' } }] }),
      finish('tool_calls'),
    ]);
    expect(summarize(events).toolCalls.map((c) => [c.callId, c.name])).toEqual([
      ['call_a', 'read'],
      ['call_b', 'list'],
    ]);
  });

  it('emits {} for a call without arguments and generates an id when the upstream gives none', async () => {
    const events = await run([chunk({ tool_calls: [{ index: 0, function: { name: 'get_goal', arguments: '' } }] }), finish('tool_calls')]);
    expect(summarize(events).toolCalls).toEqual([{ callId: 'call_generated_1', name: 'get_goal', kind: 'function', arguments: '{}' }]);
  });

  it('reports a call whose arguments came before its name once the name arrives', async () => {
    const events = await run([
      chunk({ tool_calls: [{ index: 0, id: 'call_x', function: { arguments: '{"a":' } }] }),
      chunk({ tool_calls: [{ index: 0, function: { name: 'f', arguments: '1}' } }] }),
      finish('tool_calls'),
    ]);
    expectWellFormed(events);
    expect(summarize(events).toolCalls).toEqual([{ callId: 'call_x', name: 'f', kind: 'function', arguments: '{"a":1}' }]);
  });

  it('says tool_calls when a server finishes with stop after calling tools', async () => {
    const events = await run([chunk({ tool_calls: [{ index: 0, id: 'c', function: { name: 'f', arguments: '{}' } }] }), finish('stop')]);
    expect(summarize(events).finish).toEqual({ type: 'finish', reason: 'tool_calls', raw: 'stop' });
  });

  it('reads vLLM `reasoning` and does not double text sent in both reasoning fields', async () => {
    const vllm = summarize(await run([chunk({ reasoning: 'think' }), chunk({ content: 'answer' }), finish('stop')]));
    expect([vllm.reasoning, vllm.text]).toEqual(['think', 'answer']);
    const both = summarize(await run([chunk({ reasoning: 'think', reasoning_content: 'think' }), finish('stop')]));
    expect(both.reasoning).toBe('think');
  });

  it('streams refusal deltas as a refusal block', async () => {
    const events = await run([chunk({ role: 'assistant', content: null, refusal: "I'm sorry, " }), chunk({ refusal: 'I cannot help.' }), finish('stop')]);
    expectWellFormed(events);
    expect(summarize(events).refusal).toBe("I'm sorry, I cannot help.");
    expect(summarize(events).finish?.reason).toBe('stop');
  });

  it('maps content_filter and keeps the raw reason', async () => {
    const s = summarize(await run([chunk({ content: 'Hel' }), finish('content_filter')]));
    expect(s.finish).toEqual({ type: 'finish', reason: 'content_filter', raw: 'content_filter' });
  });

  it('turns an in-stream error chunk into an error event with the upstream status', async () => {
    const events = await run([
      chunk({ content: 'partial' }),
      { error: { message: 'Rate limit reached', type: 'rate_limit_error', code: 'rate_limit_exceeded', status: 429 } },
      finish('stop'),
    ]);
    expect(events[events.length - 1]).toEqual({
      type: 'error',
      error: { status: 429, type: 'rate_limit_error', code: 'rate_limit_exceeded', message: 'Rate limit reached', param: null },
    });
    expect(events.some((e) => e.type === 'finish')).toBe(false);
  });

  it('uses 502 for an error chunk without a status, and vLLM numeric codes as status', async () => {
    const [, plain] = await run([{ error: { message: 'boom' } }]);
    expect(plain).toEqual({ type: 'error', error: { status: 502, type: 'server_error', code: null, message: 'boom', param: null } });
    const [, vllm] = await run([{ error: { object: 'error', message: 'bad', type: 'BadRequestError', param: null, code: 400 } }]);
    expect(vllm).toEqual({ type: 'error', error: { status: 400, type: 'BadRequestError', code: null, message: 'bad', param: null } });
  });

  it('reports a stream that ends without finish_reason as upstream_stream_truncated', async () => {
    const events = await run([chunk({ content: 'Hello' }), chunk({ tool_calls: [{ index: 0, id: 'c', function: { name: 'f', arguments: '{"a"' } }] })]);
    expect(summarize(events).text).toBe('Hello');
    expect(events[events.length - 1]).toEqual({
      type: 'error',
      error: expect.objectContaining({ status: 502, code: 'upstream_stream_truncated' }),
    });
    // The half-written call is not presented as finished.
    expect(events.some((e) => e.type === 'tool_call_end')).toBe(false);
    expect((await run([]))).toEqual([
      { type: 'start' },
      { type: 'error', error: expect.objectContaining({ code: 'upstream_stream_truncated' }) },
    ]);
  });

  it("treats Mistral's finish_reason error as an error, and model_length as length", async () => {
    const failed = await run([chunk({ content: 'Hi' }), finish('error')]);
    expect(failed[failed.length - 1]).toEqual({ type: 'error', error: expect.objectContaining({ status: 502, code: 'upstream_error' }) });
    expect(summarize(await run([chunk({ content: 'Hi' }), finish('model_length')])).finish?.reason).toBe('length');
  });

  it('ignores choices other than the first', async () => {
    const s = summarize(
      await run([
        { id: 'x', model: 'm', choices: [{ index: 1, delta: { content: 'other' } }, { index: 0, delta: { content: 'mine' } }] },
        finish('stop'),
      ]),
    );
    expect(s.text).toBe('mine');
  });
});

describe('parseChatStream: a warning for content the canonical model cannot carry', () => {
  const warnings = (events: Event[]) => events.flatMap((e) => (e.type === 'warning' ? [e.message] : []));

  it('stays silent on every recording: their extras (system_fingerprint, content_filter_results, obfuscation, x_groq) are metadata', async () => {
    const files = [
      'openai-chat/openai-text.chunks.txt',
      'openai-chat/azure-model-router.1.chunks.txt',
      'openai-compatible/alibaba-tool-call.chunks.txt',
      'openai-compatible/deepseek-text.chunks.txt',
      'openai-compatible/deepseek-tool-call.chunks.txt',
      'openai-compatible/groq-tool-call.chunks.txt',
      'openai-compatible/xai-tool-call.chunks.txt',
      'mistral/mistral-text.chunks.txt',
      'mistral/mistral-tool-call.chunks.txt',
      'mistral/mistral-reasoning.chunks.txt',
      'mistral/mistral-incremental-tool-call.chunks.txt',
    ];
    for (const file of files) {
      expect(warnings(await run(readChunks(file), { flavor: file.startsWith('mistral/') ? 'mistral' : 'openai_compatible' })), file).toEqual([]);
    }
  });

  it('names a choice other than the first once, however many chunks carry it', async () => {
    const other = { id: 'x', model: 'm', choices: [{ index: 1, delta: { content: 'other' } }, { index: 0, delta: { content: 'mine' } }] };
    const events = await run([other, other, finish('stop')]);
    expectWellFormed(events);
    expect(warnings(events)).toEqual(['choices[1] ignored: the gateway asks for one choice and forwards only the first']);
    expect(summarize(events).text).toBe('minemine');
  });

  it('reports text annotations (OpenAI search models) once per type, the text whole', async () => {
    const citation = { type: 'url_citation', url_citation: { url: 'https://a.example', title: 'A', start_index: 0, end_index: 3 } };
    const events = await run([chunk({ content: 'See A.' }), chunk({ annotations: [citation, citation] }), chunk({ annotations: [citation] }), finish('stop')], { flavor: 'openai' });
    expectWellFormed(events);
    expect(warnings(events)).toEqual(["'url_citation' annotations dropped: the canonical model carries no annotations"]);
    expect(summarize(events).text).toBe('See A.');
  });

  it('reports Mistral content chunks other than text and thinking (reference citations)', async () => {
    const events = await run(
      [chunk({ content: [{ type: 'text', text: 'Paris.' }, { type: 'reference', reference_ids: [1] }] }), chunk({ content: [{ type: 'reference', reference_ids: [2] }] }), finish('stop')],
      { flavor: 'mistral' },
    );
    expectWellFormed(events);
    expect(warnings(events)).toEqual(["'reference' content chunks dropped: the canonical model has no form for them"]);
    expect(summarize(events).text).toBe('Paris.');
  });

  it('reports a legacy function_call delta, and a warning that comes first still follows start', async () => {
    const events = await run([chunk({ function_call: { name: 'f', arguments: '{}' } }), finish('stop')]);
    expect(events.slice(0, 2)).toEqual([
      { type: 'start', id: 'chatcmpl-1', model: 'm' },
      { type: 'warning', message: "a legacy 'function_call' delta was dropped: only 'tool_calls' are read" },
    ]);
  });
});
