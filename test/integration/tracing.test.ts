// The span tree of one request, asserted exactly against an in-memory exporter: the
// SERVER root, `gateway.route`, a CLIENT `chat {model}` span per upstream attempt, tool
// call events, identity and the configured attributes on every span.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SpanStatusCode } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { anthropicErrorBody, anthropicEvents, startFakeAnthropicUpstream, type AnthropicReply, type FakeAnthropicUpstream } from '../support/fake-anthropic-upstream.js';
import { startFakeResponsesUpstream, responsesMessageEvents } from '../support/fake-responses-upstream.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { parseResponsesSse } from '../support/sse-text.js';
import { childrenOf, roots, treeOf, waitForRoots } from '../support/span-tree.js';

const MODEL = 'claude-sonnet-4-5-20250929';
const SPARE_MODEL = 'claude-haiku-4-5-20251001';
const TURN_ID = '01a20c0d-1528-73b2-878f-0dd4a7f9491a';
const SESSION = '01a20c0d-1519-7cb0-b68e-0501ded473a5';

let upstream: FakeAnthropicUpstream;
let gw: TestGateway;
const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
let next: (req: { body: any }) => AnthropicReply;

const overloaded: AnthropicReply = { json: anthropicErrorBody('overloaded_error', 'Overloaded'), status: 529 };

beforeAll(async () => {
  upstream = await startFakeAnthropicUpstream({ apiKey: 'sk-ant-upstream-secret', script: (req) => next(req) });
  const route = (alias: string, model: string, extra = '') =>
    `  - alias: "${alias}"\n    provider: anthropic\n    model: ${model}\n    api_key_ref: anthropic_key\n    base_url: "${upstream.url}"\n${extra}`;
  gw = await startTestGateway(
    `routes:\n${route('claude', MODEL)}${route('primary', MODEL, '    fallbacks: [spare]\n')}${route('spare', SPARE_MODEL)}${route('narrow', MODEL, '    max_input_tokens: 20\n')}` +
      `retries:\n  attempts: 1\n  base_delay_ms: 1\n  max_delay_ms: 2\n` +
      `attributes:\n  fi.attributes.user.id: "\${headers.x-developer-email}"\n  fi.attributes.repo: "\${headers.x-repo}"\n`,
    { env: { ANTHROPIC_KEY: 'sk-ant-upstream-secret' }, tracerProvider: provider },
  );
});

afterAll(async () => {
  await gw?.close();
  await upstream?.close();
  await provider.shutdown();
});

beforeEach(() => exporter.reset());

const weatherTool = { type: 'function', name: 'get_weather', description: 'Weather', strict: false, parameters: { type: 'object', properties: { city: { type: 'string' } } } };

function post(body: object, headers: Record<string, string> = {}, signal?: AbortSignal) {
  return fetch(`${gw.url}/v1/responses`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer gw-key-secret', 'x-developer-email': 'dev1@example.com', 'x-repo': 'github.com/acme/app', ...headers },
    body: JSON.stringify(body),
    signal,
  });
}

const fiAttributes = { 'fi.attributes.user.id': 'dev1@example.com', 'fi.attributes.repo': 'github.com/acme/app' };

describe('one request, one span tree', () => {
  it('a streamed Anthropic turn with two tool calls: root → gateway.route, chat {model} with tool-call events', async () => {
    next = () => ({
      events: anthropicEvents({
        id: 'msg_trace1',
        model: MODEL,
        text: 'Checking both.',
        toolUses: [
          { id: 'toolu_paris', name: 'get_weather', input: { city: 'Paris' } },
          { id: 'toolu_tokyo', name: 'get_weather', input: { city: 'Tokyo' } },
        ],
        usage: { input_tokens: 120, output_tokens: 30, cache_read_input_tokens: 50, cache_creation_input_tokens: 7 },
      }),
    });
    const metadata = JSON.stringify({ session_id: SESSION, turn_id: TURN_ID, request_kind: 'turn' });
    const res = await post(
      { model: 'claude', stream: true, input: 'Weather in Paris and Tokyo?', tools: [weatherTool, { type: 'web_search' }] },
      { 'session-id': SESSION, 'x-codex-turn-metadata': metadata },
    );
    const events = parseResponsesSse(await res.text());
    expect(events.at(-1)!.type).toBe('response.completed');
    const spans = await waitForRoots(exporter, 1);
    const [root] = roots(spans);

    expect(treeOf(spans, root)).toEqual({
      name: 'POST /v1/responses',
      kind: 'SERVER',
      children: [
        { name: 'gateway.route', kind: 'INTERNAL', children: [] },
        { name: `chat ${MODEL}`, kind: 'CLIENT', children: [] },
      ],
    });
    for (const s of spans) expect(s.attributes).toMatchObject({ ...fiAttributes, 'gateway.developer': 'dev1@example.com', 'gateway.repo': 'github.com/acme/app' });

    expect(root.attributes).toMatchObject({
      'http.request.method': 'POST',
      'http.response.status_code': 200,
      'user.id': 'dev1@example.com',
      'gen_ai.conversation.id': SESSION,
      'session.id': SESSION,
      'codex.turn.id': TURN_ID,
      'codex.request_kind': 'turn',
      'gateway.outcome': 'completed',
      'gateway.route.alias': 'claude',
      'gateway.provider': 'anthropic',
      'gateway.usage.input_tokens': 177,
      'gateway.usage.output_tokens': 30,
    });
    expect(root.attributes['gateway.ttft_ms']).toBeGreaterThan(0);
    expect(root.events.map((e) => [e.name, e.attributes])).toEqual([['gateway.tool.removed', { 'gen_ai.tool.name': 'web_search' }]]);

    const [route, chat] = childrenOf(spans, root);
    expect(route.attributes).toMatchObject({ 'gateway.route.by': 'alias', 'gateway.route.requested': 'claude', 'gateway.route.candidates': ['claude'] });
    expect(route.attributes['gateway.route.estimate.tokens']).toBeGreaterThan(0);

    expect(chat.attributes).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.request.model': MODEL,
      'gen_ai.response.model': MODEL,
      'gen_ai.response.id': 'msg_trace1',
      'gen_ai.response.finish_reasons': ['tool_calls'],
      'gen_ai.usage.cache_read.input_tokens': 50,
      'gen_ai.usage.cache_write.input_tokens': 7,
      'gen_ai.usage.output_tokens': 30,
      'gen_ai.usage.reasoning.output_tokens': 0,
      'server.address': '127.0.0.1',
      'gateway.attempt.reason': 'first',
    });
    // Anthropic's input_tokens excludes cache reads and writes; GenAI's includes them.
    expect(chat.attributes['gen_ai.usage.input_tokens']).toBe(177);
    expect(chat.attributes['gen_ai.response.time_to_first_chunk']).toBeGreaterThan(0);
    expect(chat.events.map((e) => [e.name, e.attributes])).toEqual([
      ['gen_ai.tool.call', { 'gen_ai.tool.name': 'get_weather', 'gen_ai.tool.call.id': 'toolu_paris', 'gateway.tool.call.argument_bytes': 16 }],
      ['gen_ai.tool.call', { 'gen_ai.tool.name': 'get_weather', 'gen_ai.tool.call.id': 'toolu_tokyo', 'gateway.tool.call.argument_bytes': 16 }],
    ]);
    // The serving call stays open through the stream: it ends after the last tool call arrived.
    expect(hrMs(chat.endTime)).toBeGreaterThanOrEqual(hrMs(chat.events.at(-1)!.time));
    // No content by default.
    for (const s of spans) for (const k of Object.keys(s.attributes)) expect(k).not.toMatch(/messages|input\.value|output\.value/);
    expect(gw.turns.at(-1)!.trace).toEqual({ traceId: root.spanContext().traceId, spanId: root.spanContext().spanId });
    expect(gw.turns.at(-1)!.identity).toEqual({ developer: 'dev1@example.com', repo: 'github.com/acme/app', sessionId: SESSION, turnId: TURN_ID, requestKind: 'turn' });
  });

  it('retried, then fallen back: one client span per attempt with its reason', async () => {
    next = (req) => (req.body.model === MODEL ? overloaded : { events: anthropicEvents({ model: SPARE_MODEL, text: 'from the spare' }) });
    const res = await post({ model: 'primary', stream: true, input: 'hi' });
    expect(parseResponsesSse(await res.text()).at(-1)!.type).toBe('response.completed');
    const spans = await waitForRoots(exporter, 1);
    const [root] = roots(spans);
    expect(treeOf(spans, root)).toEqual({
      name: 'POST /v1/responses',
      kind: 'SERVER',
      children: [
        { name: 'gateway.route', kind: 'INTERNAL', children: [] },
        { name: `chat ${MODEL}`, kind: 'CLIENT', children: [] },
        { name: `chat ${MODEL}`, kind: 'CLIENT', children: [] },
        { name: `chat ${SPARE_MODEL}`, kind: 'CLIENT', children: [] },
      ],
    });
    const [, first, retry, fallback] = childrenOf(spans, root);
    expect(first.attributes).toMatchObject({ 'gateway.attempt.reason': 'first', 'http.response.status_code': 529, 'gateway.route.alias': 'primary' });
    expect(first.attributes['error.type']).toEqual(expect.any(String));
    expect(first.status.code).toBe(SpanStatusCode.ERROR);
    expect(retry.attributes).toMatchObject({ 'gateway.attempt.reason': 'retry', 'http.response.status_code': 529 });
    expect(fallback.attributes).toMatchObject({ 'gateway.attempt.reason': 'fallback', 'gateway.route.alias': 'spare', 'gen_ai.response.model': SPARE_MODEL });
    expect(fallback.attributes['error.type']).toBeUndefined();
    expect(root.attributes).toMatchObject({ 'gateway.outcome': 'completed', 'gateway.route.alias': 'spare', 'gateway.attempts': 3 });
  });

  it('an over-window request: the route span records the refusal, and no upstream span exists', async () => {
    const res = await post({ model: 'narrow', stream: true, input: 'Please review this long change carefully. '.repeat(20) });
    expect(parseResponsesSse(await res.text()).at(-1)).toMatchObject({ type: 'response.failed' });
    const spans = await waitForRoots(exporter, 1);
    const [root] = roots(spans);
    expect(treeOf(spans, root)).toEqual({ name: 'POST /v1/responses', kind: 'SERVER', children: [{ name: 'gateway.route', kind: 'INTERNAL', children: [] }] });
    const [route] = childrenOf(spans, root);
    expect(route.attributes['error.type']).toBe('context_length_exceeded');
    expect(route.status.code).toBe(SpanStatusCode.ERROR);
    expect(root.attributes).toMatchObject({ 'gateway.outcome': 'failed', 'error.type': 'context_length_exceeded', ...fiAttributes });
    expect(root.status.code).toBe(SpanStatusCode.ERROR);
  });

  it('the same refused without a stream: a 400 on the root', async () => {
    const res = await post({ model: 'narrow', input: 'Please review this long change carefully. '.repeat(20) });
    expect(res.status).toBe(400);
    const spans = await waitForRoots(exporter, 1);
    const [root] = roots(spans);
    expect(treeOf(spans, root).children.map((c) => c.name)).toEqual(['gateway.route']);
    expect(root.attributes).toMatchObject({ 'http.response.status_code': 400, 'error.type': 'context_length_exceeded' });
  });

  it('a client abort: the root says client_closed and the upstream span ends too', async () => {
    next = () => ({ events: anthropicEvents({ text: 'a long, slow answer that the client will not wait for', splitInto: 40 }), delayMs: 30 });
    const ac = new AbortController();
    const res = await post({ model: 'claude', stream: true, input: 'hi' }, {}, ac.signal);
    const reader = res.body!.getReader();
    await reader.read();
    await reader.read();
    ac.abort();
    const spans = await waitForRoots(exporter, 1);
    const [root] = roots(spans);
    expect(treeOf(spans, root)).toEqual({
      name: 'POST /v1/responses',
      kind: 'SERVER',
      children: [
        { name: 'gateway.route', kind: 'INTERNAL', children: [] },
        { name: `chat ${MODEL}`, kind: 'CLIENT', children: [] },
      ],
    });
    expect(root.attributes).toMatchObject({ 'gateway.outcome': 'client_closed', ...fiAttributes });
    const [, chat] = childrenOf(spans, root);
    expect(chat.attributes).toMatchObject({ 'gateway.attempt.reason': 'first', 'gateway.outcome': 'client_closed' });
  });

  it('Chat Completions gets the same tree under its own root, without a stream', async () => {
    next = () => ({ events: anthropicEvents({ text: 'Hello.', usage: { input_tokens: 9, output_tokens: 2 } }) });
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-developer-email': 'dev1@example.com' },
      body: JSON.stringify({ model: 'claude', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(200);
    const spans = await waitForRoots(exporter, 1);
    const [root] = roots(spans);
    expect(treeOf(spans, root)).toEqual({
      name: 'POST /v1/chat/completions',
      kind: 'SERVER',
      children: [
        { name: 'gateway.route', kind: 'INTERNAL', children: [] },
        { name: `chat ${MODEL}`, kind: 'CLIENT', children: [] },
      ],
    });
    // Only the header that is present becomes an attribute.
    expect(root.attributes['fi.attributes.user.id']).toBe('dev1@example.com');
    expect(root.attributes).not.toHaveProperty('fi.attributes.repo');
    expect(childrenOf(spans, root)[1].attributes).toMatchObject({ 'gen_ai.usage.input_tokens': 9, 'gen_ai.usage.output_tokens': 2, 'gen_ai.response.finish_reasons': ['stop'] });
  });

  it('continues an incoming traceparent, and links consecutive requests of one Codex turn', async () => {
    next = () => ({ events: anthropicEvents({ text: 'ok' }) });
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const metadata = JSON.stringify({ turn_id: 'turn-linked', request_kind: 'turn' });
    await (await post({ model: 'claude', stream: true, input: 'one' }, { traceparent: `00-${traceId}-00f067aa0ba902b7-01`, 'x-codex-turn-metadata': metadata })).text();
    await waitForRoots(exporter, 1);
    await (await post({ model: 'claude', stream: true, input: 'two' }, { 'x-codex-turn-metadata': metadata })).text();
    const spans = await waitForRoots(exporter, 2);
    const [first, second] = roots(spans);
    expect(first.spanContext().traceId).toBe(traceId);
    expect(first.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    expect(first.links).toEqual([]);
    expect(second.links.map((l) => l.context.spanId)).toEqual([first.spanContext().spanId]);
  });
});

function hrMs(t: [number, number]): number {
  return t[0] * 1e3 + t[1] / 1e6;
}

describe('a passthrough route', () => {
  it('has the root and one client span carrying the usage read on the side', async () => {
    const responses = await startFakeResponsesUpstream({ script: () => ({ events: responsesMessageEvents({ text: 'passed through' }) }) });
    const pexporter = new InMemorySpanExporter();
    const pprovider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(pexporter)] });
    const pgw = await startTestGateway(`routes:\n  - alias: openai-direct\n    provider: openai\n    model: gpt-5.1\n    base_url: "${responses.url}"\n    translation: passthrough\n`, { tracerProvider: pprovider });
    try {
      const res = await fetch(`${pgw.url}/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'openai-direct', stream: true, input: 'hi' }) });
      await res.text();
      const spans = await waitForRoots(pexporter, 1);
      const [root] = roots(spans);
      expect(treeOf(spans, root)).toEqual({ name: 'POST /v1/responses', kind: 'SERVER', children: [{ name: 'chat gpt-5.1', kind: 'CLIENT', children: [] }] });
      const [chat] = childrenOf(spans, root);
      expect(chat.attributes).toMatchObject({ 'gen_ai.provider.name': 'openai', 'gateway.attempt.reason': 'first' });
      expect(chat.attributes['gen_ai.usage.input_tokens']).toBe(pgw.turns.at(-1)!.usage!.inputTokens);
      expect(root.attributes).toMatchObject({ 'gateway.outcome': 'completed', 'gateway.passthrough': true });
    } finally {
      await pgw.close();
      await responses.close();
      await pprovider.shutdown();
    }
  });
});
