// The real `openai` SDK drives the gateway, which translates to a loopback
// OpenAI-compatible (vLLM-shaped) fake upstream that rejects what vLLM would reject.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { startFakeChatUpstream, chatTextChunks, chatToolCallsChunks, type FakeChatUpstream, type ChatReply } from '../support/fake-chat-upstream.js';
import { startTestGateway, compatRoute, type TestGateway } from '../support/gateway.js';
import { assertValidResponsesStream } from '../support/responses-stream-validator.js';
import { parsePrometheusText, samples } from '../unit/metrics/prometheus-text.js';

let upstream: FakeChatUpstream;
let gw: TestGateway;
let client: OpenAI;
let next: (req: { body: any }) => ChatReply;

beforeAll(async () => {
  upstream = await startFakeChatUpstream({ script: (req) => next(req), apiKey: 'sk-upstream' });
  gw = await startTestGateway(`routes:\n${compatRoute('local-coder', upstream.url, '    api_key_ref: vllm_key\n')}`, {
    env: { VLLM_KEY: 'sk-upstream' },
  });
  client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'unused', maxRetries: 0 });
});

afterAll(async () => {
  await gw?.close();
  await upstream?.close();
});

const weatherTool = {
  type: 'function' as const,
  name: 'get_weather',
  description: 'Weather for a city',
  strict: false,
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false },
};

describe('openai SDK → gateway → OpenAI-compatible upstream', () => {
  it('responses.create (not streamed) returns the text and usage', async () => {
    next = () => ({ stream: chatTextChunks('Hello from the fake model.', { splitInto: 5, usage: { prompt_tokens: 42, completion_tokens: 7 } }) });
    const res = await client.responses.create({ model: 'local-coder', input: 'Say hello' });
    expect(res.output_text).toBe('Hello from the fake model.');
    expect(res.status).toBe('completed');
    expect(res.model).toBe('local-coder');
    expect(res.usage).toMatchObject({ input_tokens: 42, output_tokens: 7, total_tokens: 49, input_tokens_details: { cached_tokens: 0 } });
    // The upstream got a Chat request with the route's model and key, always streamed with usage.
    const sent = upstream.requests.at(-1)!;
    expect(sent.body).toMatchObject({ model: 'fake-model', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'Say hello' }] });
  });

  it('responses.create streamed with two parallel tool calls yields two function_call items with exact arguments', async () => {
    next = () => ({
      stream: chatToolCallsChunks(
        [
          { id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
          { id: 'call_2', name: 'get_weather', arguments: '{"city":"Tōkyō \\"quoted\\""}' },
        ],
        { splitInto: 4 },
      ),
    });
    const stream = await client.responses.create({ model: 'local-coder', input: 'Weather in Paris and Tokyo?', tools: [weatherTool], stream: true });
    const events: any[] = [];
    for await (const e of stream) events.push(e);
    assertValidResponsesStream(events);
    const done = events.at(-1);
    expect(done.type).toBe('response.completed');
    const calls = done.response.output.filter((o: any) => o.type === 'function_call');
    expect(calls.map((c: any) => [c.call_id, c.name, JSON.parse(c.arguments)])).toEqual([
      ['call_1', 'get_weather', { city: 'Paris' }],
      ['call_2', 'get_weather', { city: 'Tōkyō "quoted"' }],
    ]);
  });

  it('the next turn reaches the upstream as one assistant message with both calls, then the tool results in order', async () => {
    next = () => ({ stream: chatTextChunks('Sunny in both.') });
    const res = await client.responses.create({
      model: 'local-coder',
      tools: [weatherTool],
      input: [
        { role: 'user', content: 'Weather in Paris and Tokyo?' },
        { type: 'function_call', call_id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
        { type: 'function_call', call_id: 'call_2', name: 'get_weather', arguments: '{"city":"Tokyo"}' },
        { type: 'function_call_output', call_id: 'call_1', output: 'sunny' },
        { type: 'function_call_output', call_id: 'call_2', output: 'also sunny' },
      ],
    });
    expect(res.output_text).toBe('Sunny in both.');
    const messages = upstream.requests.at(-1)!.body.messages;
    expect(messages.map((m: any) => m.role)).toEqual(['user', 'assistant', 'tool', 'tool']);
    expect(messages[1].tool_calls.map((c: any) => c.id)).toEqual(['call_1', 'call_2']);
    expect(messages.slice(2).map((m: any) => [m.tool_call_id, m.content])).toEqual([
      ['call_1', 'sunny'],
      ['call_2', 'also sunny'],
    ]);
  });

  it('responses.stream() helper assembles the final response', async () => {
    next = () => ({ stream: chatTextChunks('Streaming works.', { splitInto: 3, reasoning: 'Let me think.' }) });
    const stream = client.responses.stream({ model: 'local-coder', input: 'hi' });
    const deltas: string[] = [];
    stream.on('response.output_text.delta', (e) => deltas.push(e.delta));
    const final = await stream.finalResponse();
    expect(deltas.join('')).toBe('Streaming works.');
    // This SDK version adds `output_text` only in create(); read the message item itself.
    const message = final.output.find((o) => o.type === 'message') as any;
    expect(message.content[0].text).toBe('Streaming works.');
    expect(final.output[0]).toMatchObject({ type: 'reasoning', content: [{ type: 'reasoning_text', text: 'Let me think.' }] });
  });

  it('chat.completions.create (not streamed) with a tool call', async () => {
    next = () => ({ stream: chatToolCallsChunks([{ id: 'call_9', name: 'get_weather', arguments: '{"city":"Oslo"}' }]) });
    const res = await client.chat.completions.create({
      model: 'local-coder',
      messages: [{ role: 'user', content: 'Weather in Oslo?' }],
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: weatherTool.parameters } }],
    });
    expect(res.choices[0].finish_reason).toBe('tool_calls');
    expect(res.choices[0].message.tool_calls?.[0]).toMatchObject({ id: 'call_9', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } });
    expect(res.model).toBe('local-coder');
  });

  it('chat.completions.create streamed, with include_usage, text and a tool call', async () => {
    next = () => ({ stream: chatToolCallsChunks([{ id: 'call_7', name: 'get_weather', arguments: '{"city":"Rome"}' }], { text: 'Checking. ', splitInto: 3 }) });
    const stream = await client.chat.completions.create({
      model: 'local-coder',
      messages: [{ role: 'user', content: 'Weather in Rome?' }],
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: weatherTool.parameters } }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let args = '';
    let finish: string | null = null;
    let usage: any;
    for await (const chunk of stream) {
      const c = chunk.choices[0];
      if (c?.delta.content) text += c.delta.content;
      if (c?.delta.tool_calls) args += c.delta.tool_calls[0].function?.arguments ?? '';
      if (c?.finish_reason) finish = c.finish_reason;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe('Checking. ');
    expect(JSON.parse(args)).toEqual({ city: 'Rome' });
    expect(finish).toBe('tool_calls');
    expect(usage).toMatchObject({ prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number) });
  });

  it('an unknown model is a 404 model_not_found naming the aliases', async () => {
    const err = await client.responses.create({ model: 'gpt-9', input: 'hi' }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect(err.code).toBe('model_not_found');
    expect(err.message).toContain('Available models: local-coder');
  });

  it('an upstream 429 keeps its status and Retry-After', async () => {
    next = () => ({ status: 429, json: { error: { message: 'slow down', type: 'rate_limit_error', code: 'rate_limit_exceeded' } }, headers: { 'retry-after': '7' } });
    const err = await client.responses.create({ model: 'local-coder', input: 'hi', stream: true }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(err.headers.get('retry-after')).toBe('7');
    expect(err.message).toContain('slow down');
    expect(err.message).not.toContain('sk-upstream');
  });

  it('bad input is a 400 naming the field', async () => {
    const err = await client.responses.create({ model: 'local-coder', input: [{ type: 'function_call_output', output: 'x' } as any] }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.param).toBe('input[0].call_id');
  });

  it('GET /v1/models lists the aliases', async () => {
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual(['local-coder']);
  });

  it('GET /metrics on the gateway counts these turns by route and provider (Prometheus text)', async () => {
    const res = await fetch(`${gw.url}/metrics`);
    expect(res.headers.get('content-type')).toContain('text/plain');
    const families = parsePrometheusText(await res.text());
    const completed = samples(families, 'gateway_requests_total', { route: 'local-coder', provider: 'openai_compatible', status: 'completed' });
    expect(completed.reduce((n, s) => n + s.value, 0)).toBeGreaterThanOrEqual(5);
    expect(samples(families, 'gateway_tokens_total', { type: 'input', route: 'local-coder' }).length).toBeGreaterThan(0);
  });
});
