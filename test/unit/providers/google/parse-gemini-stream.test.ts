// parseGeminiStream, one behaviour per test, on hand-made chunks shaped like the recordings.
import { describe, expect, it } from 'vitest';
import type { Event, Tool } from '../../../../src/canonical/types.js';
import { GEMINI_TOOL_NAME_RULES } from '../../../../src/providers/google/convert-to-gemini-tools.js';
import { parseGeminiStream } from '../../../../src/providers/google/parse-gemini-stream.js';
import { buildToolNameMap } from '../../../../src/providers/shared/tool-names.js';

const tools: Tool[] = [
  { type: 'function', name: 'exec_command', parameters: { type: 'object', properties: { cmd: { type: 'string' } } } },
  { type: 'function', name: 'spawn_agent', namespace: 'multi_agent_v1', parameters: { type: 'object' } },
  { type: 'custom', name: 'apply_patch', format: { type: 'grammar', syntax: 'lark', definition: 'start: "x"' } },
];
const names = buildToolNameMap(tools, GEMINI_TOOL_NAME_RULES);

async function* from<T>(items: T[]): AsyncGenerator<T> {
  for (const i of items) yield i;
}

async function parse(chunks: object[]): Promise<Event[]> {
  const out: Event[] = [];
  for await (const e of parseGeminiStream(from(chunks), { names, model: 'gemini-3-pro-preview' })) out.push(e);
  return out;
}

const c = (parts: object[], extra: Record<string, unknown> = {}) => ({
  candidates: [{ content: { role: 'model', parts }, index: 0, ...extra }],
  responseId: 'r1',
  modelVersion: 'gemini-3-pro-preview',
});
const usage = (prompt: number, candidates: number, thoughts = 0, cached?: number) => ({
  usageMetadata: { promptTokenCount: prompt, candidatesTokenCount: candidates, thoughtsTokenCount: thoughts, ...(cached !== undefined ? { cachedContentTokenCount: cached } : {}) },
});
const stop = (parts: object[] = [{ text: '' }]) => c(parts, { finishReason: 'STOP' });
const types = (events: Event[]) => events.map((e) => e.type);

describe('parseGeminiStream', () => {
  it('start carries the responseId and modelVersion', async () => {
    const events = await parse([stop([{ text: 'hi' }])]);
    expect(events[0]).toEqual({ type: 'start', id: 'r1', model: 'gemini-3-pro-preview' });
  });

  it('text parts stream as one text block; empty text parts add nothing', async () => {
    const events = await parse([c([{ text: 'Hel' }]), c([{ text: '' }]), c([{ text: 'lo' }]), stop()]);
    expect(events.filter((e) => e.type === 'text_delta').map((e: any) => e.delta)).toEqual(['Hel', 'lo']);
    expect(types(events)).toEqual(['start', 'text_start', 'text_delta', 'text_delta', 'text_end', 'finish']);
  });

  it('thought parts stream as a reasoning summary, merged into one thought part in state', async () => {
    const events = await parse([c([{ text: '**Plan**\n', thought: true }]), c([{ text: 'Read it.', thought: true }]), stop([{ text: 'Done.' }])]);
    expect(events.filter((e) => e.type === 'reasoning_delta')).toEqual([
      { type: 'reasoning_delta', key: 'reasoning_0', delta: '**Plan**\n', kind: 'summary' },
      { type: 'reasoning_delta', key: 'reasoning_0', delta: 'Read it.', kind: 'summary' },
    ]);
    const end = events.find((e) => e.type === 'reasoning_end') as any;
    expect(end.state).toEqual({ family: 'google', model: 'gemini-3-pro-preview', data: { v: 1, thoughts: [{ text: '**Plan**\nRead it.' }] } });
    // The reasoning item closes before the text starts.
    expect(types(events)).toEqual(['start', 'reasoning_start', 'reasoning_delta', 'reasoning_delta', 'reasoning_end', 'text_start', 'text_delta', 'text_end', 'finish']);
  });

  it('a signature on a thought part stays on that thought part', async () => {
    const events = await parse([c([{ text: 'a', thought: true }]), c([{ text: '', thought: true, thoughtSignature: 'S1' }]), c([{ text: 'b', thought: true }]), stop([{ text: 'x' }])]);
    const end = events.find((e) => e.type === 'reasoning_end') as any;
    expect(end.state.data.thoughts).toEqual([{ text: 'a', thoughtSignature: 'S1' }, { text: 'b' }]);
  });

  it('a whole functionCall becomes a tool call with a synthesised id and its args as JSON', async () => {
    const events = await parse([c([{ functionCall: { name: 'exec_command', args: { cmd: 'ls' } } }]), stop()]);
    expect(events.filter((e) => e.type.startsWith('tool_call'))).toEqual([
      { type: 'tool_call_start', key: 'call_0', callId: 'call_r1_0', name: 'exec_command', kind: 'function' },
      { type: 'tool_call_delta', key: 'call_0', delta: '{"cmd":"ls"}' },
      { type: 'tool_call_end', key: 'call_0' },
    ]);
    expect(events.at(-1)).toEqual({ type: 'finish', reason: 'tool_calls', raw: 'STOP' });
  });

  it('call ids are unique per response and differ between responses', async () => {
    const one = await parse([c([{ functionCall: { name: 'exec_command', args: {} } }, { functionCall: { name: 'exec_command', args: {} } }]), stop()]);
    const two = await parse([{ ...c([{ functionCall: { name: 'exec_command', args: {} } }]), responseId: 'r2' }, stop()]);
    const ids = (evs: Event[]) => evs.flatMap((e) => (e.type === 'tool_call_start' ? [e.callId] : []));
    expect(ids(one)).toEqual(['call_r1_0', 'call_r1_1']);
    expect(ids(two)).toEqual(['call_r2_0']);
  });

  it('a call signature goes in a reasoning item emitted just before the call', async () => {
    const events = await parse([c([{ functionCall: { name: 'exec_command', args: { cmd: 'ls' } }, thoughtSignature: 'SIG' }]), stop()]);
    expect(types(events).slice(1, 4)).toEqual(['reasoning_start', 'reasoning_end', 'tool_call_start']);
    expect((events[2] as any).state.data).toEqual({ v: 1, calls: { call_r1_0: 'SIG' } });
  });

  it('a text signature (last, on an empty text part) goes in a reasoning item after the text', async () => {
    const events = await parse([c([{ text: 'Answer.' }]), stop([{ text: '', thoughtSignature: 'TSIG' }])]);
    expect(types(events)).toEqual(['start', 'text_start', 'text_delta', 'text_end', 'reasoning_start', 'reasoning_end', 'finish']);
    expect((events[5] as any).state.data).toEqual({ v: 1, previousPart: 'TSIG' });
  });

  it('text with a signature, then a call with its own: one reasoning item carries both', async () => {
    const events = await parse([c([{ text: 'Let me look.', thoughtSignature: 'T' }]), c([{ functionCall: { name: 'exec_command', args: {} }, thoughtSignature: 'C' }]), stop()]);
    const ends = events.filter((e) => e.type === 'reasoning_end') as any[];
    expect(ends.map((e) => e.state.data)).toEqual([{ v: 1, calls: { call_r1_0: 'C' }, previousPart: 'T' }]);
  });

  it('custom tools (apply_patch) come back as custom calls with the raw input', async () => {
    const patch = '*** Begin Patch\n*** Add File: a.txt\n+hi\n*** End Patch\n';
    const events = await parse([c([{ functionCall: { name: 'apply_patch', args: { input: patch } } }]), stop()]);
    expect(events.filter((e) => e.type.startsWith('tool_call'))).toEqual([
      { type: 'tool_call_start', key: 'call_0', callId: 'call_r1_0', name: 'apply_patch', kind: 'custom' },
      { type: 'tool_call_delta', key: 'call_0', delta: patch },
      { type: 'tool_call_end', key: 'call_0' },
    ]);
  });

  it('flattened namespace names are restored', async () => {
    const events = await parse([c([{ functionCall: { name: 'multi_agent_v1__spawn_agent', args: {} } }]), stop()]);
    expect(events.find((e) => e.type === 'tool_call_start')).toMatchObject({ name: 'spawn_agent', namespace: 'multi_agent_v1', kind: 'function' });
  });

  it('a call with no args at all says {}', async () => {
    const events = await parse([c([{ functionCall: { name: 'exec_command' } }]), stop()]);
    expect(events.find((e) => e.type === 'tool_call_delta')).toMatchObject({ delta: '{}' });
  });

  it('Vertex partialArgs: string pieces joined, numbers and booleans set, closed by functionCall {}', async () => {
    const events = await parse([
      c([{ functionCall: { name: 'exec_command', willContinue: true } }]),
      c([{ functionCall: { partialArgs: [{ jsonPath: '$.cmd', stringValue: 'echo ', willContinue: true }], willContinue: true } }]),
      c([{ functionCall: { partialArgs: [{ jsonPath: '$.cmd', stringValue: 'hi', willContinue: true }], willContinue: true } }]),
      c([{ functionCall: { partialArgs: [{ jsonPath: '$.cmd', stringValue: '' }], willContinue: true } }]),
      c([{ functionCall: { partialArgs: [{ jsonPath: '$.opts[0].n', numberValue: 2 }, { jsonPath: '$.login', boolValue: false }], willContinue: true } }]),
      c([{ functionCall: {} }]),
      stop(),
    ]);
    const delta = events.find((e) => e.type === 'tool_call_delta') as any;
    expect(JSON.parse(delta.delta)).toEqual({ cmd: 'echo hi', opts: [{ n: 2 }], login: false });
    expect(types(events)).toEqual(['start', 'tool_call_start', 'tool_call_delta', 'tool_call_end', 'finish']);
  });

  it('a streamed call cut by the finish (no closing functionCall {}) still completes', async () => {
    const events = await parse([
      c([{ functionCall: { name: 'exec_command', willContinue: true } }]),
      c([{ functionCall: { partialArgs: [{ jsonPath: '$.cmd', stringValue: 'ls' }], willContinue: true } }]),
      stop(),
    ]);
    expect(events.find((e) => e.type === 'tool_call_delta')).toMatchObject({ delta: '{"cmd":"ls"}' });
    expect(events.at(-1)).toMatchObject({ type: 'finish', reason: 'tool_calls' });
  });

  it('usage: cumulative, one event at the end, thoughts in output and reasoning, cached tokens kept', async () => {
    const events = await parse([
      { ...c([{ text: 'a' }]), ...usage(1000, 1, 50, 800) },
      { ...c([{ text: 'b' }]), ...usage(1000, 2, 50, 800) },
      { ...stop(), ...usage(1000, 3, 50, 800) },
    ]);
    expect(events.filter((e) => e.type === 'usage')).toEqual([
      { type: 'usage', usage: { inputTokens: 1000, cachedInputTokens: 800, cacheWriteTokens: 0, outputTokens: 53, reasoningTokens: 50 } },
    ]);
    expect(types(events).slice(-2)).toEqual(['usage', 'finish']);
  });

  it('Vertex chunks with usageMetadata {trafficType} only do not reset the counts', async () => {
    const events = await parse([{ ...stop([{ text: 'a' }]), ...usage(5, 6, 7) }, { ...c([]), usageMetadata: { trafficType: 'ON_DEMAND' } }]);
    expect(events.find((e) => e.type === 'usage')).toMatchObject({ usage: { inputTokens: 5, outputTokens: 13 } });
  });

  it('MAX_TOKENS → length', async () => {
    const events = await parse([c([{ text: 'cut' }], { finishReason: 'MAX_TOKENS' })]);
    expect(events.at(-1)).toEqual({ type: 'finish', reason: 'length', raw: 'MAX_TOKENS' });
  });

  it.each(['SAFETY', 'RECITATION', 'BLOCKLIST', 'PROHIBITED_CONTENT', 'SPII'])('%s → content_filter, with a warning saying why', async (reason) => {
    const events = await parse([
      c([{ text: 'partial' }]),
      c([], { finishReason: reason, safetyRatings: [{ category: 'HARM_CATEGORY_DANGEROUS_CONTENT', probability: 'HIGH', blocked: true }] }),
    ]);
    expect(events.at(-1)).toEqual({ type: 'finish', reason: 'content_filter', raw: reason });
    const warning = events.find((e) => e.type === 'warning') as any;
    expect(warning.message).toContain(`finishReason ${reason}`);
    if (reason === 'SAFETY') expect(warning.message).toContain('HARM_CATEGORY_DANGEROUS_CONTENT');
    // What streamed before is kept.
    expect(events.find((e) => e.type === 'text_delta')).toMatchObject({ delta: 'partial' });
  });

  it('promptFeedback.blockReason (the prompt was blocked) → content_filter', async () => {
    const events = await parse([{ promptFeedback: { blockReason: 'PROHIBITED_CONTENT' }, usageMetadata: { promptTokenCount: 12, totalTokenCount: 12 } }]);
    expect(events.at(-1)).toEqual({ type: 'finish', reason: 'content_filter', raw: 'PROHIBITED_CONTENT' });
    expect(events.find((e) => e.type === 'warning')).toMatchObject({ message: expect.stringContaining('blocked the prompt (blockReason PROHIBITED_CONTENT') });
  });

  it('MALFORMED_FUNCTION_CALL → an error, not a normal finish', async () => {
    const events = await parse([c([], { finishReason: 'MALFORMED_FUNCTION_CALL', finishMessage: 'Malformed function call: print(' })]);
    expect(events.at(-1)).toEqual({
      type: 'error',
      error: { status: 502, type: 'server_error', code: 'malformed_function_call', message: 'Gemini ended the response with MALFORMED_FUNCTION_CALL: Malformed function call: print(.' },
    });
  });

  it('a stream without finishReason ends in upstream_stream_truncated, blocks left open', async () => {
    const events = await parse([c([{ text: 'half' }])]);
    expect(events.at(-1)).toMatchObject({ type: 'error', error: { status: 502, code: 'upstream_stream_truncated' } });
    expect(events.some((e) => e.type === 'text_end')).toBe(false);
  });

  it('an error object inside the stream ends it with that error', async () => {
    const events = await parse([c([{ text: 'a' }]), { error: { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' } }, stop()]);
    expect(events.at(-1)).toEqual({
      type: 'error',
      error: { status: 503, type: 'server_error', code: 'unavailable', message: 'Gemini stream error: The model is overloaded.' },
    });
  });

  it('other candidates and non-text parts are reported once as warnings', async () => {
    const events = await parse([
      { candidates: [{ content: { parts: [{ text: 'a' }] }, index: 0 }, { content: { parts: [{ text: 'b' }] }, index: 1 }] },
      c([{ inlineData: { mimeType: 'image/png', data: 'AAAA' } }]),
      c([{ inlineData: { mimeType: 'image/png', data: 'AAAA' } }]),
      stop(),
    ]);
    expect(events.filter((e) => e.type === 'warning').map((e: any) => e.message)).toEqual([
      'candidates[1] ignored: the gateway asks for one candidate and forwards only the first',
      "'inlineData' parts in Gemini's answer were dropped: the canonical model has no form for them",
    ]);
    expect(events.filter((e) => e.type === 'text_delta').map((e: any) => e.delta)).toEqual(['a']);
  });
});
