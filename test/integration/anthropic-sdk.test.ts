// The real `openai` SDK drives the gateway, which translates to a loopback Anthropic-shaped
// fake (test/support/fake-anthropic-upstream.ts) that refuses what the Messages API refuses.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { anthropicErrorBody, anthropicEvents, startFakeAnthropicUpstream, type AnthropicReply, type FakeAnthropicUpstream } from '../support/fake-anthropic-upstream.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { assertValidResponsesStream } from '../support/responses-stream-validator.js';

let upstream: FakeAnthropicUpstream;
let gw: TestGateway;
let client: OpenAI;
let next: (req: { body: any }) => AnthropicReply;

const MODEL = 'claude-sonnet-4-5-20250929';

beforeAll(async () => {
  upstream = await startFakeAnthropicUpstream({ apiKey: 'sk-ant-upstream', script: (req) => next(req) });
  const route = (alias: string, extra = '') =>
    `  - alias: "${alias}"\n    provider: anthropic\n    model: ${MODEL}\n    api_key_ref: anthropic_key\n    base_url: "${upstream.url}"\n${extra}`;
  gw = await startTestGateway(`routes:\n${route('claude')}${route('claude-pinned', '    anthropic_version: "2023-01-01"\n    prompt_cache: "off"\n    max_output_tokens: 4000\n')}`, {
    env: { ANTHROPIC_KEY: 'sk-ant-upstream' },
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
const lastSent = () => upstream.requests.at(-1)!;

describe('openai SDK → gateway → Anthropic', () => {
  it('two parallel tool_use blocks arrive as two function_call items with exact arguments', async () => {
    next = () => ({
      events: anthropicEvents({
        text: 'Checking both.',
        toolUses: [
          { id: 'toolu_paris', name: 'get_weather', input: { city: 'Paris' } },
          { id: 'toolu_tokyo', name: 'get_weather', input: { city: 'Tōkyō "quoted"' } },
        ],
        splitInto: 4,
      }),
    });
    const stream = await client.responses.create({ model: 'claude', input: 'Weather in Paris and Tokyo?', tools: [weatherTool], stream: true });
    const events: any[] = [];
    for await (const e of stream) events.push(e);
    assertValidResponsesStream(events);
    const done = events.at(-1);
    expect(done.type).toBe('response.completed');
    expect(done.response.output.filter((o: any) => o.type === 'function_call').map((c: any) => [c.call_id, c.name, c.arguments])).toEqual([
      ['toolu_paris', 'get_weather', '{"city":"Paris"}'],
      ['toolu_tokyo', 'get_weather', '{"city":"Tōkyō \\"quoted\\""}'],
    ]);
    // What the gateway sent: the Messages API's shape and headers.
    const sent = lastSent();
    expect(sent.rejection).toBeUndefined();
    expect(sent.headers).toMatchObject({ 'x-api-key': 'sk-ant-upstream', 'anthropic-version': '2023-06-01' });
    expect(sent.body).toMatchObject({ model: MODEL, stream: true, max_tokens: 32000, messages: [{ role: 'user', content: [{ type: 'text', text: 'Weather in Paris and Tokyo?' }] }] });
  });

  it('the next turn reaches Anthropic as ONE assistant message with both calls and ONE user message with both results first', async () => {
    next = () => ({ events: anthropicEvents({ text: 'Sunny in both.' }) });
    const res = await client.responses.create({
      model: 'claude',
      tools: [weatherTool],
      input: [
        { role: 'user', content: 'Weather in Paris and Tokyo?' },
        { type: 'message', role: 'assistant', content: [{ type: 'output_text', text: 'Checking both.', annotations: [] }] } as any,
        { type: 'function_call', call_id: 'toolu_paris', name: 'get_weather', arguments: '{"city":"Paris"}' },
        { type: 'function_call', call_id: 'toolu_tokyo', name: 'get_weather', arguments: '{"city":"Tokyo"}' },
        { type: 'function_call_output', call_id: 'toolu_paris', output: 'sunny' },
        { type: 'function_call_output', call_id: 'toolu_tokyo', output: 'also sunny' },
      ],
    });
    expect(res.output_text).toBe('Sunny in both.');
    const sent = lastSent();
    expect(sent.rejection).toBeUndefined();
    expect(sent.body.messages.map((m: any) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(sent.body.messages[1].content.map((b: any) => [b.type, b.id ?? b.text])).toEqual([
      ['text', 'Checking both.'],
      ['tool_use', 'toolu_paris'],
      ['tool_use', 'toolu_tokyo'],
    ]);
    expect(sent.body.messages[2].content.map((b: any) => [b.type, b.tool_use_id, b.content])).toEqual([
      ['tool_result', 'toolu_paris', 'sunny'],
      ['tool_result', 'toolu_tokyo', 'also sunny'],
    ]);
  });

  it('thinking round-trips through encrypted_content: the reasoning item the SDK got back restores the exact block before the tool_use', async () => {
    next = () => ({ events: anthropicEvents({ thinking: 'I should check Paris.', text: 'On it.', toolUses: [{ id: 'toolu_t1', name: 'get_weather', input: { city: 'Paris' } }] }) });
    const first = await client.responses.create({
      model: 'claude',
      tools: [weatherTool],
      input: 'Weather in Paris?',
      reasoning: { effort: 'high', summary: 'auto' },
      include: ['reasoning.encrypted_content'],
      store: false,
    });
    expect(lastSent().body.thinking).toEqual({ type: 'enabled', budget_tokens: 16384 });
    const reasoning = first.output.find((o) => o.type === 'reasoning') as any;
    expect(reasoning.summary).toEqual([{ type: 'summary_text', text: 'I should check Paris.' }]);
    // Sealed by the gateway: opaque to the client, and no thinking text or signature in clear.
    expect(reasoning.encrypted_content).toMatch(/^gw1\./);
    expect(reasoning.encrypted_content).not.toContain('Paris');

    next = () => ({ events: anthropicEvents({ text: 'Sunny.' }) });
    const second = await client.responses.create({
      model: 'claude',
      tools: [weatherTool],
      reasoning: { effort: 'high', summary: 'auto' },
      store: false,
      input: [{ role: 'user', content: 'Weather in Paris?' }, ...(first.output as any[]), { type: 'function_call_output', call_id: 'toolu_t1', output: 'sunny' }],
    });
    expect(second.output_text).toBe('Sunny.');
    const sent = lastSent();
    expect(sent.rejection).toBeUndefined();
    expect(sent.body.thinking).toEqual({ type: 'enabled', budget_tokens: 16384 });
    const [thinkingBlock, text, toolUse] = sent.body.messages[1].content;
    expect(thinkingBlock).toEqual({ type: 'thinking', thinking: 'I should check Paris.', signature: expect.any(String) });
    expect([text.type, toolUse.type, toolUse.id]).toEqual(['text', 'tool_use', 'toolu_t1']);
    expect(sent.body.messages[2].content[0]).toMatchObject({ type: 'tool_result', tool_use_id: 'toolu_t1' });
  });

  it('responses.create (not streamed): usage counts cache reads and writes into input_tokens, cached_tokens a subset', async () => {
    next = () => ({ events: anthropicEvents({ text: 'Cached hello.', usage: { input_tokens: 10, cache_read_input_tokens: 3000, cache_creation_input_tokens: 200, output_tokens: 5 } }) });
    const res = await client.responses.create({ model: 'claude', input: 'hi' });
    expect(res.output_text).toBe('Cached hello.');
    expect(res.usage).toMatchObject({ input_tokens: 3210, input_tokens_details: { cached_tokens: 3000 }, output_tokens: 5, total_tokens: 3215 });
    expect(gw.turns.at(-1)!.usage).toMatchObject({ inputTokens: 3210, cachedInputTokens: 3000, cacheWriteTokens: 200 });
  });

  it('the route pins anthropic-version, turns prompt caching off and sets max_tokens', async () => {
    next = () => ({ events: anthropicEvents({ text: 'ok' }) });
    await client.responses.create({ model: 'claude-pinned', instructions: 'Be brief.', input: 'hi' });
    const sent = lastSent();
    expect(sent.headers['anthropic-version']).toBe('2023-01-01');
    expect(sent.body.max_tokens).toBe(4000);
    expect(sent.rawBody).not.toContain('cache_control');
    expect(sent.body.system).toEqual([{ type: 'text', text: 'Be brief.' }]);
  });

  it('a max_tokens stop → response.incomplete (max_output_tokens), as OpenAI answers', async () => {
    next = () => ({ events: anthropicEvents({ text: 'cut o', stopReason: 'max_tokens' }) });
    const res = await client.responses.create({ model: 'claude', input: 'long answer please' });
    expect(res.status).toBe('incomplete');
    expect(res.incomplete_details).toEqual({ reason: 'max_output_tokens' });
  });

  it('chat.completions.create (not streamed) with a tool call', async () => {
    next = () => ({ events: anthropicEvents({ toolUses: [{ id: 'toolu_oslo', name: 'get_weather', input: { city: 'Oslo' } }] }) });
    const res = await client.chat.completions.create({
      model: 'claude',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Weather in Oslo?' },
      ],
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: weatherTool.parameters } }],
    });
    expect(res.choices[0].finish_reason).toBe('tool_calls');
    expect(res.choices[0].message.tool_calls?.[0]).toMatchObject({ id: 'toolu_oslo', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } });
    expect(lastSent().body.system[0]).toMatchObject({ type: 'text', text: 'You are terse.' });
  });

  it('chat.completions.create streamed with include_usage: text, a tool call, then the tool result turn', async () => {
    next = () => ({ events: anthropicEvents({ text: 'Checking. ', toolUses: [{ id: 'toolu_rome', name: 'get_weather', input: { city: 'Rome' } }], usage: { input_tokens: 50, output_tokens: 9 } }) });
    const stream = await client.chat.completions.create({
      model: 'claude',
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
    expect([text, JSON.parse(args), finish]).toEqual(['Checking. ', { city: 'Rome' }, 'tool_calls']);
    expect(usage).toMatchObject({ prompt_tokens: 50, completion_tokens: 9 });

    next = () => ({ events: anthropicEvents({ text: 'Warm.' }) });
    const res = await client.chat.completions.create({
      model: 'claude',
      messages: [
        { role: 'user', content: 'Weather in Rome?' },
        { role: 'assistant', content: 'Checking. ', tool_calls: [{ id: 'toolu_rome', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Rome"}' } }] },
        { role: 'tool', tool_call_id: 'toolu_rome', content: '25°C' },
      ],
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: weatherTool.parameters } }],
    });
    expect(res.choices[0].message.content).toBe('Warm.');
    expect(lastSent().body.messages.map((m: any) => [m.role, m.content.map((b: any) => b.type)])).toEqual([
      ['user', ['text']],
      ['assistant', ['text', 'tool_use']],
      ['user', ['tool_result']],
    ]);
  });

  it('a 429 rate_limit_error keeps its status, Retry-After and code', async () => {
    next = () => ({ status: 429, json: anthropicErrorBody('rate_limit_error', 'Number of request tokens has exceeded your per-minute rate limit'), headers: { 'retry-after': '7' } });
    const err = await client.responses.create({ model: 'claude', input: 'hi', stream: true }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(err.headers.get('retry-after')).toBe('7');
    expect(err.code).toBe('rate_limit_error');
    expect(err.message).toContain('per-minute rate limit');
    expect(err.message).not.toContain('sk-ant-upstream');
  });

  it('a 529 overloaded_error stays 529 (Codex retries it)', async () => {
    next = () => ({ status: 529, json: anthropicErrorBody('overloaded_error', 'Overloaded') });
    const err = await client.responses.create({ model: 'claude', input: 'hi' }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(err.status).toBe(529);
    expect(err.code).toBe('overloaded_error');
  });

  it('an overloaded_error in the middle of the stream ends it with response.failed carrying the code', async () => {
    const events = anthropicEvents({ text: 'partial' }).slice(0, 4);
    next = () => ({ events: [...events, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }] });
    const stream = await client.responses.create({ model: 'claude', input: 'hi', stream: true });
    const seen: any[] = [];
    for await (const e of stream) seen.push(e);
    assertValidResponsesStream(seen);
    expect(seen.at(-1)).toMatchObject({ type: 'response.failed', response: { error: { code: 'overloaded_error' } } });
  });

  it('a 400 from Anthropic reaches the client as a 400 with Anthropic’s message; a full context as context_length_exceeded', async () => {
    next = () => ({ status: 400, json: anthropicErrorBody('invalid_request_error', 'prompt is too long: 210000 tokens > 200000 maximum') });
    const err = await client.responses.create({ model: 'claude', input: 'hi' }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.code).toBe('context_length_exceeded');
    expect(err.message).toContain('prompt is too long');
  });
});
