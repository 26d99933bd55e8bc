// Every recorded Gemini / Vertex AI stream (test/fixtures/gemini, see its README for which are
// Vertex and which are hand-made) rebuilt as Google frames it (`data: …\r\n\r\n`, no end
// sentinel; and `\n\n`), read by readSseJson, parsed by parseGeminiStream, encoded as a
// Responses stream and checked by the strict validator: exact texts, calls, thoughts,
// signatures in reasoning state, usage and finish.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Event, Tool } from '../../../../src/canonical/types.js';
import { ResponsesStreamEncoder } from '../../../../src/dialects/responses/encode-stream.js';
import { GEMINI_TOOL_NAME_RULES } from '../../../../src/providers/google/convert-to-gemini-tools.js';
import { parseGeminiStream } from '../../../../src/providers/google/parse-gemini-stream.js';
import { buildToolNameMap } from '../../../../src/providers/shared/tool-names.js';
import { readSseJson } from '../../../../src/upstream/read-sse.js';
import { chunksToSseFrames, FIXTURES_DIR, readChunks } from '../../../support/fixtures.js';
import { assertValidResponsesStream } from '../../../support/responses-stream-validator.js';

const tools: Tool[] = ['weather', 'getWeather', 'read_theme', 'read_screen', 'writeItems', 'cookRecipe'].map((name) => ({
  type: 'function',
  name,
  parameters: { type: 'object' },
}));
const names = buildToolNameMap(tools, GEMINI_TOOL_NAME_RULES);

async function* bytes(frames: string[], splitEvery?: number): AsyncGenerator<Uint8Array> {
  const all = Buffer.from(frames.join(''), 'utf8');
  if (splitEvery === undefined) {
    for (const f of frames) yield Buffer.from(f, 'utf8');
    return;
  }
  // Real reads split frames and UTF-8 characters anywhere.
  for (let i = 0; i < all.length; i += splitEvery) yield all.subarray(i, i + splitEvery);
}

async function replay(file: string, opts: { crlf: boolean; splitEvery?: number }) {
  const frames = chunksToSseFrames(file, { crlf: opts.crlf });
  const events: Event[] = [];
  const enc = new ResponsesStreamEncoder({ responseId: 'resp_gemini', createdAt: 1, echo: { model: 'gemini-alias' } });
  const out = [...enc.start()];
  for await (const e of parseGeminiStream(readSseJson(bytes(frames, opts.splitEvery), 'Gemini'), { names, model: 'gemini-3-pro-preview' })) {
    events.push(e);
    out.push(...enc.push(e));
  }
  out.push(...enc.end());
  assertValidResponsesStream(out);
  const response = enc.finalResponse;
  const calls = response.output.filter((o) => o.type === 'function_call').map((o: any) => ({ name: o.name, arguments: JSON.parse(o.arguments), callId: o.call_id }));
  const text = response.output.filter((o) => o.type === 'message').flatMap((o: any) => o.content.map((c: any) => c.text)).join('');
  const reasoning = response.output.filter((o) => o.type === 'reasoning').map((o: any) => o.summary.map((s: any) => s.text).join(''));
  const states = events.flatMap((e) => (e.type === 'reasoning_end' && e.state ? [e.state.data as any] : []));
  const usage = events.find((e) => e.type === 'usage') as Extract<Event, { type: 'usage' }> | undefined;
  const finish = events.find((e) => e.type === 'finish') as Extract<Event, { type: 'finish' }> | undefined;
  return { out, response, events, calls, text, reasoning, states, usage: usage?.usage, finish, terminal: out.at(-1)!.type };
}

// The signature a recording carries on chunk `line`, first part.
const signatureOf = (file: string, line: number) => readChunks(file)[line].candidates[0].content.parts[0].thoughtSignature as string;

interface Expected {
  text: string;
  calls: { name: string; arguments: unknown }[];
  reasoning: string[];
  outputTypes: string[];
  usage: { inputTokens: number; outputTokens: number; reasoningTokens: number; cachedInputTokens: number };
  finish: 'stop' | 'tool_calls';
  check?: (r: Awaited<ReturnType<typeof replay>>) => void;
}

const nestedRecipe = {
  recipe: {
    ingredients: [
      { amount: '16 oz', name: 'Lasagna noodles' },
      { amount: '1 lb', name: 'Ground beef' },
      { amount: '15 oz', name: 'Ricotta cheese' },
      { amount: '3 cups', name: 'Mozzarella cheese' },
      { amount: '1/2 cup', name: 'Parmesan cheese' },
      { amount: '24 oz', name: 'Tomato sauce' },
      { amount: '1', name: 'Egg' },
      { amount: '2 cloves', name: 'Garlic' },
      { amount: '1 tsp', name: 'Salt' },
      { amount: '1/2 tsp', name: 'Pepper' },
    ],
    name: 'Lasagna',
    steps: [
      'Preheat oven to 375°F (190°C).',
      'Cook lasagna noodles according to package directions, drain and set aside.',
      'Brown ground beef with minced garlic in a skillet. Drain fat and stir in tomato sauce. Simmer for 10 minutes.',
      'In a bowl, mix ricotta cheese, egg, salt, pepper, and Parmesan cheese.',
      'In a 9x13 baking dish, spread a thin layer of meat sauce.',
      'Layer noodles, ricotta mixture, mozzarella, and meat sauce. Repeat.',
      'Top with remaining mozzarella cheese.',
      'Cover with foil and bake for 25 minutes.',
      'Remove foil and bake for another 25 minutes until golden.',
      'Let stand for 15 minutes before serving.',
    ],
  },
};

const EXPECTED: Record<string, Expected> = {
  'google-text.chunks.txt': {
    text: 'There are **3** "r"s in strawberry.\n\nst**r**awbe**rr**y',
    calls: [],
    reasoning: [''],
    // The text signature arrives last (on an empty text part), so its reasoning item follows the message.
    outputTypes: ['message', 'reasoning'],
    usage: { inputTokens: 9, outputTokens: 23 + 185, reasoningTokens: 185, cachedInputTokens: 0 },
    finish: 'stop',
    check: (r) => expect(r.states).toEqual([{ v: 1, previousPart: signatureOf('gemini/google-text.chunks.txt', 2) }]),
  },
  'google-tool-call.chunks.txt': {
    text: '',
    calls: [{ name: 'weather', arguments: { location: 'San Francisco' } }],
    reasoning: [''],
    outputTypes: ['reasoning', 'function_call'],
    usage: { inputTokens: 29, outputTokens: 15 + 45, reasoningTokens: 45, cachedInputTokens: 0 },
    finish: 'tool_calls',
    check: (r) => expect(r.states).toEqual([{ v: 1, calls: { [r.calls[0].callId]: signatureOf('gemini/google-tool-call.chunks.txt', 0) } }]),
  },
  'google-stream-no-args-tool-call.chunks.txt': {
    text: '',
    calls: [
      { name: 'read_theme', arguments: {} },
      { name: 'read_screen', arguments: { id: 'A' } },
      { name: 'read_screen', arguments: { id: 'B' } },
      { name: 'read_screen', arguments: { id: 'C' } },
    ],
    reasoning: [readChunks('gemini/google-stream-no-args-tool-call.chunks.txt')[0].candidates[0].content.parts[0].text],
    outputTypes: ['reasoning', 'function_call', 'function_call', 'function_call', 'function_call'],
    usage: { inputTokens: 249, outputTokens: 58 + 183, reasoningTokens: 183, cachedInputTokens: 0 },
    finish: 'tool_calls',
    check: (r) => {
      // Four parallel calls; only the first carries the turn's signature, with the thought part.
      const thought = readChunks('gemini/google-stream-no-args-tool-call.chunks.txt')[0].candidates[0].content.parts[0].text;
      expect(r.states).toEqual([
        { v: 1, thoughts: [{ text: thought }], calls: { [r.calls[0].callId]: signatureOf('gemini/google-stream-no-args-tool-call.chunks.txt', 1) } },
      ]);
      expect(new Set(r.calls.map((c) => c.callId)).size).toBe(4);
    },
  },
  'google-stream-tool-call-arguments.chunks.txt': {
    text: '',
    calls: [
      { name: 'getWeather', arguments: { location: 'Boston' } },
      { name: 'getWeather', arguments: { location: 'San Francisco' } },
    ],
    reasoning: [''],
    outputTypes: ['reasoning', 'function_call', 'function_call'],
    usage: { inputTokens: 26, outputTokens: 23 + 132, reasoningTokens: 132, cachedInputTokens: 0 },
    finish: 'tool_calls',
    check: (r) => expect(r.states[0].calls).toEqual({ [r.calls[0].callId]: signatureOf('gemini/google-stream-tool-call-arguments.chunks.txt', 0) }),
  },
  'google-stream-tool-call-array-arguments-missing-terminal-function-call.chunks.txt': {
    text: '',
    calls: [
      {
        name: 'writeItems',
        arguments: {
          operations: [
            { action: 'add', description: 'Fresh red apple', itemid: 'apple_001', price: 0.5 },
            { action: 'add', description: 'Ripe yellow banana', itemid: 'banana_001', price: 0.3 },
          ],
        },
      },
    ],
    reasoning: [''],
    outputTypes: ['reasoning', 'function_call'],
    usage: { inputTokens: 54, outputTokens: 74 + 121, reasoningTokens: 121, cachedInputTokens: 0 },
    finish: 'tool_calls',
    check: (r) =>
      expect(r.states[0].calls).toEqual({
        [r.calls[0].callId]: signatureOf('gemini/google-stream-tool-call-array-arguments-missing-terminal-function-call.chunks.txt', 0),
      }),
  },
  'google-vertex-stream-tool-call-arguments-nested.1.chunks.txt': {
    text: '',
    calls: [{ name: 'cookRecipe', arguments: nestedRecipe }],
    reasoning: [''],
    outputTypes: ['reasoning', 'function_call'],
    usage: { inputTokens: 31, outputTokens: 684 + 1026, reasoningTokens: 1026, cachedInputTokens: 0 },
    finish: 'tool_calls',
    check: (r) => {
      const signature = signatureOf('gemini/google-vertex-stream-tool-call-arguments-nested.1.chunks.txt', 0);
      expect(signature.length).toBe(5832);
      expect(r.states[0].calls).toEqual({ [r.calls[0].callId]: signature });
    },
  },
};

describe('Gemini recordings → canonical → Responses stream', () => {
  const recorded = readdirSync(`${FIXTURES_DIR}/gemini`).filter((f) => f.endsWith('.chunks.txt'));

  it('every recording has expectations here', () => {
    expect(recorded.sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  for (const file of recorded) {
    describe(file, () => {
      for (const framing of [{ crlf: true }, { crlf: false }, { crlf: true, splitEvery: 7 }]) {
        it(`${framing.crlf ? '\\r\\n\\r\\n' : '\\n\\n'} framing${framing.splitEvery ? `, re-chunked every ${framing.splitEvery} bytes` : ''}`, async () => {
          const expected = EXPECTED[file];
          const r = await replay(`gemini/${file}`, framing);
          expect(r.text).toBe(expected.text);
          expect(r.calls.map(({ name, arguments: args }) => ({ name, arguments: args }))).toEqual(expected.calls);
          expect(r.reasoning).toEqual(expected.reasoning);
          expect(r.response.output.map((o) => o.type)).toEqual(expected.outputTypes);
          expect(r.usage).toEqual({ ...expected.usage, cacheWriteTokens: 0 });
          expect(r.finish).toMatchObject({ reason: expected.finish, raw: 'STOP' });
          expect(r.terminal).toBe('response.completed');
          expect(r.response.usage).toMatchObject({
            input_tokens: expected.usage.inputTokens,
            output_tokens: expected.usage.outputTokens,
            output_tokens_details: { reasoning_tokens: expected.usage.reasoningTokens },
          });
          expected.check?.(r);
        });
      }
    });
  }
});
