// The real `openai` SDK drives the gateway, which translates to a loopback Gemini-API-shaped
// fake (test/support/fake-gemini-upstream.ts) that refuses what the Gemini API refuses.
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FakeGeminiUpstream, type GeminiReply, geminiFunctionCallChunks, geminiTextChunks, startFakeGeminiUpstream } from '../support/fake-gemini-upstream.js';
import { readFixture } from '../support/fixtures.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { assertValidResponsesStream } from '../support/responses-stream-validator.js';

let upstream: FakeGeminiUpstream;
let gw: TestGateway;
let client: OpenAI;
let next: (req: { body: any; model: string }) => GeminiReply;

const weatherTool = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'Weather for a city',
  strict: false,
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
};

beforeAll(async () => {
  upstream = await startFakeGeminiUpstream({ script: (req) => next(req), apiKey: 'AIza-test-key' });
  const routes = [
    ['gemini-pro', 'gemini-2.5-pro', '    api_key_ref: gemini_key\n'],
    ['gemini-3', 'gemini-3-pro-preview', '    api_key_ref: gemini_key\n'],
    ['gemini-nokey', 'gemini-2.5-flash', '    api_key_ref: missing_key\n'],
    ['gemini-strict', 'gemini-2.5-flash', '    api_key_ref: gemini_key\n    safety_settings: BLOCK_ONLY_HIGH\n    max_output_tokens: 4096\n'],
  ]
    .map(([alias, model, extra]) => `  - alias: "${alias}"\n    provider: google\n    model: ${model}\n    base_url: "${upstream.url}"\n${extra}`)
    .join('');
  gw = await startTestGateway(`routes:\n${routes}`, { env: { GEMINI_KEY: 'AIza-test-key' } });
  client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});

afterAll(async () => {
  await gw?.close();
  await upstream?.close();
});

describe('openai SDK → gateway → Gemini API', () => {
  it('responses.create (not streamed): text, usage, and a request Gemini accepts', async () => {
    next = () => ({ chunks: geminiTextChunks('Hello from Gemini.', { usage: { promptTokenCount: 42, candidatesTokenCount: 5, thoughtsTokenCount: 30, cachedContentTokenCount: 20 } }) });
    const res = await client.responses.create({ model: 'gemini-pro', instructions: 'Be brief.', input: 'Say hello' });
    expect(res.output_text).toBe('Hello from Gemini.');
    expect(res.status).toBe('completed');
    expect(res.usage).toMatchObject({
      input_tokens: 42,
      input_tokens_details: { cached_tokens: 20 },
      output_tokens: 35,
      output_tokens_details: { reasoning_tokens: 30 },
      total_tokens: 77,
    });
    const sent = upstream.requests.at(-1)!;
    expect(sent.rejection).toBeUndefined();
    expect(sent).toMatchObject({ api: 'gemini', model: 'gemini-2.5-pro', url: '/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse' });
    expect(sent.headers['x-goog-api-key']).toBe('AIza-test-key');
    expect(sent.body).toMatchObject({
      systemInstruction: { parts: [{ text: 'Be brief.' }] },
      contents: [{ role: 'user', parts: [{ text: 'Say hello' }] }],
      generationConfig: { thinkingConfig: { includeThoughts: true } },
    });
    expect(sent.body.safetySettings.every((s: any) => s.threshold === 'BLOCK_NONE')).toBe(true);
  });

  it('route settings reach Gemini: safety threshold and default max output tokens', async () => {
    next = () => ({ chunks: geminiTextChunks('ok') });
    await client.responses.create({ model: 'gemini-strict', input: 'x' });
    const sent = upstream.requests.at(-1)!;
    expect(sent.body.safetySettings.map((s: any) => s.threshold)).toEqual(['BLOCK_ONLY_HIGH', 'BLOCK_ONLY_HIGH', 'BLOCK_ONLY_HIGH', 'BLOCK_ONLY_HIGH']);
    expect(sent.body.generationConfig.maxOutputTokens).toBe(4096);
  });

  it('Gemini 3: thoughts stream as a reasoning summary; two parallel calls; the signature comes back on the first call next turn', async () => {
    next = () => ({
      chunks: geminiFunctionCallChunks(
        [
          { name: 'get_weather', args: { city: 'Paris' } },
          { name: 'get_weather', args: { city: 'Tōkyō "quoted"' } },
        ],
        { thoughts: '**Checking weather** for both cities.', signature: 'SIG-parallel-1' },
      ),
    });
    const stream = await client.responses.create({
      model: 'gemini-3',
      input: 'Weather in Paris and Tokyo?',
      tools: [weatherTool],
      store: false,
      include: ['reasoning.encrypted_content'],
      reasoning: { effort: 'low', summary: 'auto' },
      stream: true,
    });
    const events: any[] = [];
    for await (const e of stream) events.push(e);
    assertValidResponsesStream(events);
    const done = events.at(-1);
    expect(done.type).toBe('response.completed');
    const output = done.response.output;
    expect(output.map((o: any) => o.type)).toEqual(['reasoning', 'function_call', 'function_call']);
    expect(output[0].summary).toEqual([{ type: 'summary_text', text: '**Checking weather** for both cities.' }]);
    // Sealed by the gateway: the signature never reaches the client in the clear.
    expect(output[0].encrypted_content).toMatch(/^gw1\./);
    expect(JSON.stringify(events)).not.toContain('SIG-parallel-1');
    const calls = output.filter((o: any) => o.type === 'function_call');
    expect(calls.map((c: any) => [c.name, JSON.parse(c.arguments)])).toEqual([
      ['get_weather', { city: 'Paris' }],
      ['get_weather', { city: 'Tōkyō "quoted"' }],
    ]);
    expect(upstream.requests.at(-1)!.body.generationConfig.thinkingConfig).toEqual({ thinkingLevel: 'low', includeThoughts: true });

    // Turn 2, as Codex sends it: the whole history with the output items echoed.
    next = () => ({ chunks: geminiTextChunks('Sunny in both.', { signature: 'SIG-text-2' }) });
    const res = await client.responses.create({
      model: 'gemini-3',
      tools: [weatherTool],
      store: false,
      input: [
        { role: 'user', content: 'Weather in Paris and Tokyo?' },
        ...output,
        { type: 'function_call_output', call_id: calls[0].call_id, output: 'sunny' },
        { type: 'function_call_output', call_id: calls[1].call_id, output: 'also sunny' },
      ],
    });
    expect(res.output_text).toBe('Sunny in both.');
    const sent = upstream.requests.at(-1)!;
    expect(sent.rejection).toBeUndefined();
    expect(sent.body.contents).toEqual([
      { role: 'user', parts: [{ text: 'Weather in Paris and Tokyo?' }] },
      {
        role: 'model',
        parts: [
          { text: '**Checking weather** for both cities.', thought: true },
          { functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'SIG-parallel-1' },
          { functionCall: { name: 'get_weather', args: { city: 'Tōkyō "quoted"' } } },
        ],
      },
      {
        role: 'user',
        parts: [
          { functionResponse: { name: 'get_weather', response: { output: 'sunny' } } },
          { functionResponse: { name: 'get_weather', response: { output: 'also sunny' } } },
        ],
      },
    ]);
  });

  it('Chat Completions in: a tool-call history without reasoning reaches Gemini 3 with skip_thought_signature_validator', async () => {
    next = () => ({ chunks: geminiTextChunks('It is sunny.') });
    const res = await client.chat.completions.create({
      model: 'gemini-3',
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: weatherTool.parameters } }],
      messages: [
        { role: 'system', content: 'You help.' },
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
        { role: 'tool', tool_call_id: 'call_a', content: 'sunny' },
      ],
    });
    expect(res.choices[0].message.content).toBe('It is sunny.');
    const sent = upstream.requests.at(-1)!;
    expect(sent.rejection).toBeUndefined();
    expect(sent.body.contents[1].parts[0]).toEqual({ functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'skip_thought_signature_validator' });
    expect(gw.turns.at(-1)!.warnings.some((w) => w.includes('skip_thought_signature_validator'))).toBe(true);
  });

  it('Chat Completions in, streamed: a Gemini function call becomes a tool_calls delta', async () => {
    next = () => ({ chunks: geminiFunctionCallChunks([{ name: 'get_weather', args: { city: 'Oslo' } }], { signature: 'S' }) });
    const stream = await client.chat.completions.create({
      model: 'gemini-pro',
      stream: true,
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: weatherTool.parameters } }],
      messages: [{ role: 'user', content: 'Weather in Oslo?' }],
    });
    let args = '';
    let name = '';
    let finish: string | null = null;
    for await (const chunk of stream) {
      for (const tc of chunk.choices[0]?.delta?.tool_calls ?? []) {
        name += tc.function?.name ?? '';
        args += tc.function?.arguments ?? '';
      }
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect([name, JSON.parse(args), finish]).toEqual(['get_weather', { city: 'Oslo' }, 'tool_calls']);
  });

  it('a 429 with RetryInfo keeps its status, gets Retry-After, and the code resource_exhausted', async () => {
    next = () => ({ json: JSON.parse(readFixture('gemini/google-429-retry-info.json')), status: 429 });
    const err = await client.responses.create({ model: 'gemini-pro', input: 'x' }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(err.status).toBe(429);
    expect(err.headers.get('retry-after')).toBe('35');
    expect(err.error).toMatchObject({ code: 'resource_exhausted', type: 'rate_limit_error', message: 'Gemini upstream error: You exceeded your current quota, please check your plan.' });
  });

  it('SAFETY finish → response.incomplete with reason content_filter', async () => {
    next = () => ({ chunks: geminiTextChunks('Partial answ', { finishReason: 'SAFETY' }) });
    const stream = await client.responses.create({ model: 'gemini-pro', input: 'x', stream: true });
    const events: any[] = [];
    for await (const e of stream) events.push(e);
    assertValidResponsesStream(events);
    expect(events.at(-1)).toMatchObject({ type: 'response.incomplete', response: { status: 'incomplete', incomplete_details: { reason: 'content_filter' } } });
    expect(gw.turns.at(-1)!.warnings.some((w) => w.includes('finishReason SAFETY'))).toBe(true);
  });

  it('a stream cut before its finishReason → response.failed upstream_stream_truncated', async () => {
    next = () => ({ chunks: geminiTextChunks('one two three four').slice(0, 2) });
    const stream = await client.responses.create({ model: 'gemini-pro', input: 'x', stream: true });
    const events: any[] = [];
    for await (const e of stream) events.push(e);
    assertValidResponsesStream(events);
    expect(events.at(-1)).toMatchObject({ type: 'response.failed', response: { error: { code: 'upstream_stream_truncated' } } });
  });

  it('a route whose key variable is unset: 500 upstream_key_missing, nothing sent upstream', async () => {
    const before = upstream.requests.length;
    const err = await client.responses.create({ model: 'gemini-nokey', input: 'x' }).catch((e) => e);
    expect(err.status).toBe(500);
    expect(err.error.code).toBe('upstream_key_missing');
    expect(upstream.requests.length).toBe(before);
  });
});
