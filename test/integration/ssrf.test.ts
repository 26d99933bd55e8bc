// SSRF: upstream URLs come from the config only. No request header (Host,
// X-Forwarded-Host, X-Upstream-Url, Forwarded…) and no body field (base_url, api_base,
// baseURL, endpoint, a `model` that is a URL, an image URL…) can send the gateway's
// request, or its provider key, anywhere else: a second "evil" loopback server stands by
// and must receive nothing, while the configured upstreams get every request.
import { request as httpRequest, createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { startFakeChatUpstream, chatTextChunks, type FakeChatUpstream } from '../support/fake-chat-upstream.js';
import { startFakeResponsesUpstream, responsesMessageEvents, type FakeResponsesUpstream } from '../support/fake-responses-upstream.js';
import { startFakeAnthropicUpstream, anthropicEvents, type FakeAnthropicUpstream } from '../support/fake-anthropic-upstream.js';
import { startFakeGeminiUpstream, geminiTextChunks, type FakeGeminiUpstream } from '../support/fake-gemini-upstream.js';

const KEY = 'sk-SSRFPROVIDERKEY-0123456789';
let evil: { url: string; host: string; hits: { method?: string; url?: string; headers: IncomingHttpHeaders }[]; server: Server };
let chat: FakeChatUpstream;
let responses: FakeResponsesUpstream;
let anthropic: FakeAnthropicUpstream;
let gemini: FakeGeminiUpstream;
let gw: TestGateway;

beforeAll(async () => {
  const hits: { method?: string; url?: string; headers: IncomingHttpHeaders }[] = [];
  const server = createServer((req, res) => {
    hits.push({ method: req.method, url: req.url, headers: req.headers });
    req.resume();
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  evil = { url: `http://127.0.0.1:${port}`, host: `127.0.0.1:${port}`, hits, server };

  chat = await startFakeChatUpstream({ script: () => ({ stream: chatTextChunks('ok') }), unknownFields: 'ignore' });
  responses = await startFakeResponsesUpstream({ script: () => ({ events: responsesMessageEvents({ text: 'ok', model: 'gpt-5' }) }) });
  anthropic = await startFakeAnthropicUpstream({ apiKey: KEY, script: () => ({ events: anthropicEvents({ text: 'ok', usage: { input_tokens: 1, output_tokens: 1 } }) }) });
  gemini = await startFakeGeminiUpstream({ apiKey: KEY, script: () => ({ chunks: geminiTextChunks('ok') }) });
  gw = await startTestGateway(
    `routes:
  - alias: compat
    provider: openai_compatible
    model: fake-model
    base_url: "${chat.url}"
    api_key_ref: the_key
  - alias: pass
    provider: openai
    model: gpt-5
    translation: passthrough
    base_url: "${responses.url}"
    api_key_ref: the_key
  - alias: claude
    provider: anthropic
    model: claude-sonnet-4-5-20250929
    base_url: "${anthropic.url}"
    api_key_ref: the_key
  - alias: gemini
    provider: google
    model: gemini-2.5-flash
    base_url: "${gemini.url}"
    api_key_ref: the_key
`,
    { env: { THE_KEY: KEY } },
  );
});

afterAll(async () => {
  await gw?.close();
  await chat?.close();
  await responses?.close();
  await anthropic?.close();
  await gemini?.close();
  await new Promise<void>((r) => evil?.server.close(() => r()));
});

// Raw node:http, so that Host and the other hop headers are sent exactly as given.
function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  const url = new URL(path, gw.url);
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: url.hostname, port: url.port, path: url.pathname + url.search, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const hostileHeaders = () => ({
  host: evil.host,
  'x-forwarded-host': evil.host,
  'x-forwarded-proto': 'http',
  'x-forwarded-for': '127.0.0.1',
  forwarded: `host=${evil.host};proto=http`,
  'x-upstream-url': evil.url,
  'x-base-url': evil.url,
  'x-original-url': `${evil.url}/v1/chat/completions`,
  'x-rewrite-url': `${evil.url}/v1/chat/completions`,
  'x-target-url': evil.url,
  'openai-base-url': evil.url,
  'anthropic-base-url': evil.url,
});

const hostileBody = () => ({
  base_url: evil.url,
  api_base: evil.url,
  baseURL: evil.url,
  endpoint: `${evil.url}/v1/chat/completions`,
  url: evil.url,
  upstream: evil.url,
  metadata: { base_url: evil.url },
});

describe('SSRF: upstream URLs come from the config only', () => {
  it('hostile headers on every family and both dialects reach the configured upstream, and nothing else', async () => {
    const before = { chat: chat.requests.length, responses: responses.requests.length, anthropic: anthropic.requests.length, gemini: gemini.requests.length };
    for (const model of ['compat', 'claude', 'gemini']) {
      for (const stream of [true, false]) {
        const r1 = await post('/v1/responses', { model, stream, input: `hi from ${evil.url}`, metadata: { base_url: evil.url } }, hostileHeaders());
        expect(r1.status, `${model} responses ${r1.text.slice(0, 200)}`).toBe(200);
        const r2 = await post('/v1/chat/completions', { model, stream, messages: [{ role: 'user', content: 'hi' }], metadata: { base_url: evil.url } }, hostileHeaders());
        expect(r2.status, `${model} chat ${r2.text.slice(0, 200)}`).toBe(200);
      }
    }
    // Passthrough forwards the body as-is (but for `model`): the fields go to the configured upstream, which ignores them.
    const p = await post('/v1/responses', { ...hostileBody(), model: 'pass', stream: true, input: 'hi' }, hostileHeaders());
    expect(p.status).toBe(200);
    expect(responses.requests.at(-1)!.body.base_url).toBe(evil.url);
    expect(chat.requests.length - before.chat).toBe(4);
    expect(anthropic.requests.length - before.anthropic).toBe(4);
    expect(gemini.requests.length - before.gemini).toBe(4);
    expect(responses.requests.length - before.responses).toBe(1);
    // The configured upstreams saw their own Host, not the client's.
    for (const r of chat.requests) expect(r.headers.host).toBe(new URL(chat.url).host);
    for (const r of anthropic.requests) expect(r.headers.host).toBe(new URL(anthropic.url).host);
    for (const r of gemini.requests) expect(r.headers.host).toBe(new URL(gemini.url).host);
    expect(evil.hits).toEqual([]);
  });

  it('translated dialects refuse URL-bearing body fields (base_url, api_base, …) with a 400, and call no one', async () => {
    const before = chat.requests.length + anthropic.requests.length + gemini.requests.length;
    for (const model of ['compat', 'claude', 'gemini']) {
      for (const [field, value] of Object.entries(hostileBody())) {
        if (field === 'metadata') continue;
        const r1 = await post('/v1/responses', { model, input: 'hi', [field]: value }, hostileHeaders());
        expect(r1.status, `${model} responses ${field}`).toBe(400);
        const r2 = await post('/v1/chat/completions', { model, messages: [{ role: 'user', content: 'hi' }], [field]: value }, hostileHeaders());
        expect(r2.status, `${model} chat ${field}`).toBe(400);
      }
    }
    expect(chat.requests.length + anthropic.requests.length + gemini.requests.length).toBe(before);
    expect(evil.hits).toEqual([]);
  });

  it('a `model` that is a URL, or names one, is an unknown alias, not a destination', async () => {
    for (const model of [`${evil.url}/v1`, `${evil.url}/v1/chat/completions`, `//${evil.host}/x`, `compat@${evil.host}`, `openai_compatible/${evil.url}`, `http://${evil.host}#compat`]) {
      const r = await post('/v1/chat/completions', { model, messages: [{ role: 'user', content: 'hi' }] }, hostileHeaders());
      expect(r.status, model).toBeGreaterThanOrEqual(200);
      // Whatever the gateway answered (an unknown model, or the default route), the evil server saw nothing.
      expect(r.text).not.toContain(KEY);
    }
    const r = await post('/v1/responses', { model: evil.url, input: 'hi' }, hostileHeaders());
    expect(r.text).not.toContain(KEY);
    expect(evil.hits).toEqual([]);
  });

  it('content URLs (images, files) are handed to the provider as content, never fetched by the gateway', async () => {
    const before = chat.requests.length;
    const r = await post(
      '/v1/responses',
      { model: 'compat', input: [{ role: 'user', content: [{ type: 'input_text', text: 'look' }, { type: 'input_image', image_url: `${evil.url}/cat.png` }] }] },
      hostileHeaders(),
    );
    expect(r.status).toBeLessThan(500);
    if (r.status === 200) expect(chat.requests.length).toBe(before + 1);
    expect(evil.hits).toEqual([]);
  });

  it('the path and query of the client request do not reach the upstream URL', async () => {
    const before = chat.requests.length;
    const r = await post(`/v1/chat/completions?base_url=${encodeURIComponent(evil.url)}&url=${encodeURIComponent(evil.url)}`, { model: 'compat', messages: [{ role: 'user', content: 'hi' }] }, hostileHeaders());
    expect(r.status).toBe(200);
    expect(chat.requests[before].url).toBe('/v1/chat/completions');
    expect(evil.hits).toEqual([]);
  });
});
