// Replays every recorded Anthropic stream (test/fixtures/anthropic; test/fixtures/README.md
// says what each shows and which are hand-made) through parseAnthropicStream and checks what
// a user would see: text, thinking, tool calls, usage, finish reason. Then one test per
// event type or edge case no recording has.
import { describe, expect, it } from 'vitest';
import type { Event, GatewayErrorInfo, ProviderState, Tool, Usage } from '../../../../src/canonical/types.js';
import { ANTHROPIC_TOOL_NAME_RULES } from '../../../../src/providers/anthropic/convert-to-anthropic-tools.js';
import { parseAnthropicStream } from '../../../../src/providers/anthropic/parse-anthropic-stream.js';
import { buildToolNameMap } from '../../../../src/providers/shared/tool-names.js';
import { readChunks } from '../../../support/fixtures.js';
import { anthropicEvents } from '../../../support/fake-anthropic-upstream.js';

async function* from(items: unknown[]): AsyncGenerator<unknown> {
  for (const i of items) yield i;
}

const fixtureTools: Tool[] = ['updateIssueList', 'weather', 'json', 'test-tool'].map((name) => ({ type: 'function', name, parameters: { type: 'object' } }));

async function run(events: unknown[], tools: Tool[] = fixtureTools): Promise<Event[]> {
  const names = buildToolNameMap(tools, ANTHROPIC_TOOL_NAME_RULES);
  const out: Event[] = [];
  for await (const e of parseAnthropicStream(from(events), { names, model: 'claude-test' })) out.push(e);
  return out;
}

interface Seen {
  start?: Extract<Event, { type: 'start' }>;
  text: string;
  reasoning: string[];
  states: ProviderState[];
  refusal: string;
  calls: { callId: string; name: string; namespace?: string; kind: string; arguments: string }[];
  usage?: Usage;
  finish?: Extract<Event, { type: 'finish' }>;
  error?: GatewayErrorInfo;
  warnings: string[];
}

function summarize(events: Event[]): Seen {
  const s: Seen = { text: '', reasoning: [], states: [], refusal: '', calls: [], warnings: [] };
  const calls = new Map<string, Seen['calls'][number]>();
  const reasoning = new Map<string, string>();
  for (const e of events) {
    if (e.type === 'start') s.start = e;
    if (e.type === 'text_delta') s.text += e.delta;
    if (e.type === 'reasoning_delta') reasoning.set(`${e.key}/${e.summaryIndex}`, (reasoning.get(`${e.key}/${e.summaryIndex}`) ?? '') + e.delta);
    if (e.type === 'reasoning_end' && e.state) s.states.push(e.state);
    if (e.type === 'refusal_delta') s.refusal += e.delta;
    if (e.type === 'tool_call_start') {
      const c = { callId: e.callId, name: e.name, kind: e.kind, arguments: '', ...(e.namespace ? { namespace: e.namespace } : {}) };
      calls.set(e.key, c);
      s.calls.push(c);
    }
    if (e.type === 'tool_call_delta') calls.get(e.key)!.arguments += e.delta;
    if (e.type === 'usage') s.usage = e.usage;
    if (e.type === 'finish') s.finish = e;
    if (e.type === 'error') s.error = e.error;
    if (e.type === 'warning') s.warnings.push(e.message);
  }
  s.reasoning = [...reasoning.values()];
  return s;
}

const usage = (u: Partial<Usage>): Usage => ({ inputTokens: 0, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0, ...u });

describe('recorded Anthropic streams → canonical events', () => {
  it('anthropic-text.chunks.txt: text, usage, end_turn → stop', async () => {
    const s = summarize(await run(readChunks('anthropic/anthropic-text.chunks.txt')));
    expect(s.start).toEqual({ type: 'start', id: 'msg_01QC4g3HwBThD4BaNtBckFDJ', model: 'claude-sonnet-4-5-20250929' });
    expect(s.text).toBe("Hello! I'm doing well, thank you for asking. How are you doing today? Is there anything I can help you with?");
    expect(s.usage).toEqual(usage({ inputTokens: 12, outputTokens: 30 }));
    expect(s.finish).toEqual({ type: 'finish', reason: 'stop', raw: 'end_turn' });
    expect(s.warnings).toEqual([]);
  });

  it('anthropic-tool-no-args.chunks.txt: text then a no-argument tool_use whose only delta is "" → arguments {}', async () => {
    const s = summarize(await run(readChunks('anthropic/anthropic-tool-no-args.chunks.txt')));
    expect(s.text).toBe("I'll update the issue list for you.");
    expect(s.calls).toEqual([{ callId: 'toolu_01QE1WLsSVp5hy5Q3GmGTmjP', name: 'updateIssueList', kind: 'function', arguments: '{}' }]);
    expect(s.finish).toMatchObject({ reason: 'tool_calls', raw: 'tool_use' });
    expect(s.usage).toEqual(usage({ inputTokens: 565, outputTokens: 48 }));
  });

  it('anthropic-json-other-tool.1.chunks.txt: input split inside a string value, pings everywhere', async () => {
    const s = summarize(await run(readChunks('anthropic/anthropic-json-other-tool.1.chunks.txt')));
    expect(s.calls).toEqual([{ callId: 'toolu_019Zvehfe1XQWweT1pm7okyt', name: 'weather', kind: 'function', arguments: '{"location": "San Francisco"}' }]);
    expect(s.text).toBe('');
    expect(s.usage).toEqual(usage({ inputTokens: 843, outputTokens: 28 }));
    expect(s.finish?.reason).toBe('tool_calls');
  });

  it('anthropic-json-tool.2.chunks.txt: text, then a nested-array input in one large delta plus a closing brace', async () => {
    const s = summarize(await run(readChunks('anthropic/anthropic-json-tool.2.chunks.txt')));
    expect(s.text).toBe("I'll invoke the JSON response tool.");
    expect(s.calls).toHaveLength(1);
    expect(s.calls[0]).toMatchObject({ callId: 'toolu_01KFbKqPYSuAKujiL6mTfzYA', name: 'json' });
    expect(JSON.parse(s.calls[0].arguments)).toEqual({ elements: [{ location: 'San Francisco', temperature: 58, condition: 'sunny' }] });
    expect(s.usage).toEqual(usage({ inputTokens: 849, outputTokens: 47 }));
  });

  it('anthropic-json-output-format.1.chunks.txt: structured output streams as ordinary text (114 deltas)', async () => {
    const s = summarize(await run(readChunks('anthropic/anthropic-json-output-format.1.chunks.txt')));
    const doc = JSON.parse(s.text);
    expect(Object.keys(doc)).toEqual(['characters']);
    expect(doc.characters.map((c: any) => c.name)).toEqual(['Theron Ironheart', 'Lyra Starweaver', 'Rook Shadowstep']);
    expect(s.calls).toEqual([]);
    expect(s.usage).toEqual(usage({ inputTokens: 313, outputTokens: 305 }));
    expect(s.finish?.reason).toBe('stop');
  });

  it('anthropic-clear-thinking.1.chunks.txt: thinking → a reasoning summary, the block with its signature → reasoning_end.state', async () => {
    const s = summarize(await run(readChunks('anthropic/anthropic-clear-thinking.1.chunks.txt')));
    const thinking = 'The previous result was 925. Now I need to divide that by 5.\n\n925 ÷ 5 = 185';
    expect(s.reasoning).toEqual([thinking]);
    expect(s.states).toEqual([
      {
        family: 'anthropic',
        model: 'claude-test',
        data: {
          blocks: [
            {
              type: 'thinking',
              thinking,
              signature:
                'EvQBCkYICxgCKkAxhD4NUKFzudtZ6NzbZdEiBACIScTzqjPViM596iWLZIk4EFKYYBj3B6Ptl3b0dcQv/VeJBNbejNWIWRBn+KPNEgz6HWtKx7p+QRgKsEoaDGjsiqfht7gTRFYHiyIwD1VSmNqHxv3wy8KEMP+LYb/TC4UH3H97tuoaADARFFcA0phdfxnzKQxFnc9lwY+dKlzUsaKSUAFeu1bDL5ikZJ1vL0Fkz6JjoFke0L/wOJRIUDUlDUOFJ1tZ3ea7g6LGE/5hwuvWgLwewdcm64d+43l7F57XrOmqNd6flI2K/oPr/4yzNgvi/EhT6Ca17BgB',
            },
          ],
        },
      },
    ]);
    expect(s.text).toBe('925 ÷ 5 = 185');
    expect(s.usage).toEqual(usage({ inputTokens: 69, outputTokens: 53 }));
    expect(s.finish?.reason).toBe('stop');
    // context_management on message_delta is metadata, not content: no warning.
    expect(s.warnings).toEqual([]);
  });

  it('anthropic-code-execution-20260120-prompt-cache.1.chunks.txt: cache reads and writes counted into input tokens; server tool blocks skipped with warnings', async () => {
    const events = await run(readChunks('anthropic/anthropic-code-execution-20260120-prompt-cache.1.chunks.txt'));
    const s = summarize(events);
    // message_delta's counts win: 6 + 6289 cache read + 3337 cache write.
    expect(s.usage).toEqual(usage({ inputTokens: 9632, cachedInputTokens: 6289, cacheWriteTokens: 3337, outputTokens: 198, reasoningTokens: 0 }));
    expect(s.text).toBe('The sum of the squares of the numbers 1 through 12 is **650**.');
    expect(s.calls).toEqual([]);
    expect(s.warnings).toEqual([
      expect.stringContaining("server tool block 'server_tool_use' skipped"),
      expect.stringContaining("server tool block 'bash_code_execution_tool_result' skipped"),
    ]);
    expect(s.finish?.reason).toBe('stop');
  });

  it('anthropic-message-delta-input-tokens.chunks.txt: message_delta corrects the input count (43 → 61)', async () => {
    const s = summarize(await run(readChunks('anthropic/anthropic-message-delta-input-tokens.chunks.txt')));
    expect(s.text).toBe('pong');
    expect(s.usage).toEqual(usage({ inputTokens: 61, outputTokens: 2 }));
  });

  it('duplicate-message-start.chunks.txt (hand-made): the same message_start twice is one message', async () => {
    const events = await run(readChunks('anthropic/duplicate-message-start.chunks.txt'));
    expect(events.filter((e) => e.type === 'start')).toHaveLength(1);
    const s = summarize(events);
    expect(s.text).toBe('Hello, World!');
    expect(s.error).toBeUndefined();
    // Input from message_start, output from message_delta.
    expect(s.usage).toEqual(usage({ inputTokens: 17, outputTokens: 227 }));
  });

  it('spliced-message-start.chunks.txt (hand-made): a second message_start with another id is an invalid stream', async () => {
    const events = await run(readChunks('anthropic/spliced-message-start.chunks.txt'));
    const s = summarize(events);
    expect(s.error).toMatchObject({ status: 502, code: 'upstream_invalid_stream' });
    expect(s.error!.message).toContain('msg_second');
    expect(events.at(-1)!.type).toBe('error');
    expect(s.finish).toBeUndefined();
    // Nothing of the second message leaks into the first.
    expect(s.reasoning).toEqual(['I will call the tool.']);
    expect(s.calls).toEqual([{ callId: 'toolu_first', name: 'test-tool', kind: 'function', arguments: '{"value":"Spark' }]);
  });

  it('anthropic-refusal.chunks.txt: stop_reason refusal → a refusal part with the explanation, finish refusal', async () => {
    const s = summarize(await run(readChunks('anthropic/anthropic-refusal.chunks.txt')));
    expect(s.refusal).toBe("This request triggered restrictions on violative cyber content and was blocked under Anthropic's Usage Policy.");
    expect(s.text).toBe('');
    expect(s.finish).toEqual({ type: 'finish', reason: 'refusal', raw: 'refusal' });
    expect(s.usage).toEqual(usage({ inputTokens: 18, outputTokens: 5 }));
  });

  it('anthropic-web-search-tool.1.chunks.txt: server tool blocks and citations skipped (one warning each), the text kept whole', async () => {
    const chunks = readChunks('anthropic/anthropic-web-search-tool.1.chunks.txt');
    const expectedText = chunks
      .filter((c) => c.type === 'content_block_delta' && c.delta.type === 'text_delta')
      .map((c) => c.delta.text)
      .join('');
    const s = summarize(await run(chunks));
    expect(s.text).toBe(expectedText);
    expect(s.text.length).toBeGreaterThan(1000);
    expect(s.warnings).toEqual([
      expect.stringContaining("'server_tool_use' skipped"),
      expect.stringContaining("'web_search_tool_result' skipped"),
      expect.stringContaining('citations'),
    ]);
    expect(s.calls).toEqual([]);
    expect(s.usage).toEqual(usage({ inputTokens: 15665, outputTokens: 795 }));
  });
});

describe('stream edge cases (one per event type)', () => {
  it('redacted_thinking joins the thinking block in one reasoning item; both go on the state verbatim', async () => {
    const events = await run(anthropicEvents({ thinking: 'Plan.', signature: 'sig-1', redacted: ['ENCRYPTED=='], text: 'Hi' }));
    expect(events.filter((e) => e.type === 'reasoning_start')).toHaveLength(1);
    const s = summarize(events);
    expect(s.states[0].data).toEqual({
      blocks: [
        { type: 'thinking', thinking: 'Plan.', signature: 'sig-1' },
        { type: 'redacted_thinking', data: 'ENCRYPTED==' },
      ],
    });
    expect(s.reasoning).toEqual(['Plan.']);
  });

  it('a mid-stream error event (overloaded_error) → an error with status 529 and the Anthropic type as code', async () => {
    const chunks = anthropicEvents({ text: 'partial answer' }).slice(0, 4);
    const s = summarize(await run([...chunks, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }]));
    expect(s.error).toEqual({ status: 529, type: 'server_error', code: 'overloaded_error', message: 'Anthropic upstream error: Overloaded' });
    expect(s.finish).toBeUndefined();
  });

  it('an error event of type api_error → 500, rate_limit_error → 429', async () => {
    expect(summarize(await run([{ type: 'error', error: { type: 'api_error', message: 'Internal' } }])).error).toMatchObject({ status: 500, code: 'api_error' });
    expect(summarize(await run([{ type: 'error', error: { type: 'rate_limit_error', message: 'slow' } }])).error).toMatchObject({ status: 429, code: 'rate_limit_error' });
  });

  it('a stream that ends without message_stop → upstream_stream_truncated (502), the open tool call left open', async () => {
    const full = anthropicEvents({ toolUses: [{ id: 'toolu_1', name: 'weather', input: { location: 'Paris' } }] });
    const cut = full.slice(0, full.findIndex((e: any) => e.type === 'content_block_stop'));
    const events = await run(cut);
    const s = summarize(events);
    expect(s.error).toMatchObject({ status: 502, code: 'upstream_stream_truncated' });
    expect(events.some((e) => e.type === 'tool_call_end')).toBe(false);
  });

  it('message_delta without message_stop is still truncated', async () => {
    const full = anthropicEvents({ text: 'hi' });
    expect(summarize(await run(full.slice(0, -1))).error).toMatchObject({ code: 'upstream_stream_truncated' });
  });

  it('stop_reason max_tokens → length', async () => {
    const s = summarize(await run(anthropicEvents({ text: 'cut', stopReason: 'max_tokens' })));
    expect(s.finish).toEqual({ type: 'finish', reason: 'length', raw: 'max_tokens' });
  });

  it('stop_reason pause_turn → stop with a warning', async () => {
    const s = summarize(await run(anthropicEvents({ text: 'so far', stopReason: 'pause_turn' })));
    expect(s.finish?.reason).toBe('stop');
    expect(s.warnings).toEqual([expect.stringContaining('pause_turn')]);
  });

  it('a refusal without stop_details still says why', async () => {
    const s = summarize(await run(anthropicEvents({ stopReason: 'refusal' })));
    expect(s.refusal).toContain('declined');
  });

  it('two parallel tool_use blocks → two calls with exact arguments', async () => {
    const s = summarize(
      await run(
        anthropicEvents({
          toolUses: [
            { id: 'toolu_a', name: 'weather', input: { location: 'Paris' } },
            { id: 'toolu_b', name: 'weather', input: { location: 'Tōkyō "quoted"' } },
          ],
          splitInto: 5,
        }),
      ),
    );
    expect(s.calls.map((c) => [c.callId, c.name, JSON.parse(c.arguments)])).toEqual([
      ['toolu_a', 'weather', { location: 'Paris' }],
      ['toolu_b', 'weather', { location: 'Tōkyō "quoted"' }],
    ]);
  });

  it('a wrapped custom tool (apply_patch) comes back as a custom call whose raw input is decoded as it streams', async () => {
    const patch = '*** Begin Patch\n*** Add File: a.txt\n+héllo "x"\n*** End Patch\n';
    const tools: Tool[] = [{ type: 'custom', name: 'apply_patch', format: { type: 'grammar', syntax: 'lark', definition: 'start: x' } }];
    const events = await run(anthropicEvents({ toolUses: [{ id: 'toolu_p', name: 'apply_patch', input: { input: patch } }], splitInto: 9 }), tools);
    const deltas = events.filter((e) => e.type === 'tool_call_delta');
    expect(deltas.length).toBeGreaterThan(3);
    const s = summarize(events);
    expect(s.calls).toEqual([{ callId: 'toolu_p', name: 'apply_patch', kind: 'custom', arguments: patch }]);
  });

  it('a flattened namespace name comes back as the namespace and the name', async () => {
    const tools: Tool[] = [{ type: 'function', name: 'spawn_agent', namespace: 'multi_agent_v1', parameters: { type: 'object' } }];
    const s = summarize(await run(anthropicEvents({ toolUses: [{ id: 'toolu_n', name: 'multi_agent_v1__spawn_agent', input: { task: 'x' } }] }), tools));
    expect(s.calls[0]).toMatchObject({ name: 'spawn_agent', namespace: 'multi_agent_v1', kind: 'function' });
  });

  it('a tool_use whose whole input came on content_block_start (no deltas) keeps that input', async () => {
    const chunks = [
      { type: 'message_start', message: { id: 'msg_x', usage: { input_tokens: 3 } } },
      { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'toolu_s', name: 'weather', input: { location: 'Oslo' } } },
      { type: 'content_block_stop', index: 0 },
      { type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 4 } },
      { type: 'message_stop' },
    ];
    expect(summarize(await run(chunks)).calls[0].arguments).toBe('{"location":"Oslo"}');
  });

  it('a thinking block that never got its signature carries no state, with a warning', async () => {
    const chunks = anthropicEvents({ thinking: 'hmm', text: 'x' }).filter((e: any) => e.delta?.type !== 'signature_delta');
    const s = summarize(await run(chunks));
    expect(s.states).toEqual([]);
    expect(s.reasoning).toEqual(['hmm']);
    expect(s.warnings).toEqual([expect.stringContaining('without a signature')]);
  });

  it('thinking blocks with omitted text (display: omitted) still carry their signature', async () => {
    const chunks = [
      { type: 'message_start', message: { id: 'msg_o', usage: { input_tokens: 3 } } },
      { type: 'content_block_start', index: 0, content_block: { type: 'thinking', thinking: '', signature: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'signature_delta', signature: 'sig-omitted' } },
      { type: 'content_block_stop', index: 0 },
      { type: 'message_delta', delta: { stop_reason: 'end_turn' }, usage: { output_tokens: 4 } },
      { type: 'message_stop' },
    ];
    const s = summarize(await run(chunks));
    expect(s.reasoning).toEqual([]);
    expect(s.states[0].data).toEqual({ blocks: [{ type: 'thinking', thinking: '', signature: 'sig-omitted' }] });
  });

  it('unknown event types and delta types are warned about once and do not stop the stream', async () => {
    const chunks = anthropicEvents({ text: 'ok' });
    chunks.splice(2, 0, { type: 'future_event' }, { type: 'future_event' }, { type: 'content_block_delta', index: 0, delta: { type: 'future_delta' } });
    const s = summarize(await run(chunks));
    expect(s.text).toBe('ok');
    expect(s.warnings).toHaveLength(2);
    expect(s.finish?.reason).toBe('stop');
  });

  it('usage: output_tokens_details.thinking_tokens → reasoning tokens', async () => {
    const chunks = anthropicEvents({ text: 'ok' });
    (chunks.at(-2) as any).usage.output_tokens_details = { thinking_tokens: 12 };
    expect(summarize(await run(chunks)).usage?.reasoningTokens).toBe(12);
  });
});
