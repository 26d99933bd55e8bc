// Stream behaviour a client notices: disconnects cancel the upstream, silent upstreams
// get heartbeats, every Codex capture is accepted, passthrough pipes bytes untouched.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request as httpRequest } from 'node:http';
import { readdirSync } from 'node:fs';
import { startFakeChatUpstream, chatTextChunks, type FakeChatUpstream, type ChatReply } from '../support/fake-chat-upstream.js';
import { startFakeResponsesUpstream, responsesMessageEvents, responsesFunctionCallEvents, type FakeResponsesUpstream } from '../support/fake-responses-upstream.js';
import { startTestGateway, compatRoute, type TestGateway } from '../support/gateway.js';
import { assertValidResponsesStream } from '../support/responses-stream-validator.js';
import { parseResponsesSse } from '../support/sse-text.js';
import { FIXTURES_DIR, readCodexRequest } from '../support/fixtures.js';

let chat: FakeChatUpstream;
let responses: FakeResponsesUpstream;
let gw: TestGateway;
let nextChat: (req: { body: any }) => ChatReply;
let nextResponses: () => object[];

beforeAll(async () => {
  chat = await startFakeChatUpstream({ script: (req) => nextChat(req) });
  responses = await startFakeResponsesUpstream({ script: () => ({ events: nextResponses() }) });
  gw = await startTestGateway(
    `routes:\n${compatRoute('local-coder', chat.url)}` +
      `  - alias: openai-direct\n    provider: openai\n    model: gpt-5.1\n    base_url: "${responses.url}"\n    translation: passthrough\n` +
      `  - alias: openai-translated\n    provider: openai\n    model: gpt-5.1\n    base_url: "${responses.url}"\n`,
    { heartbeatMs: 60 },
  );
});

afterAll(async () => {
  await gw?.close();
  await chat?.close();
  await responses?.close();
});

// POSTs JSON and returns the raw response text (or the partial one when `stopWhen` fires).
function post(path: string, body: object, stopWhen?: (text: string) => boolean): Promise<{ status: number; text: string; headers: Record<string, any> }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${gw.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => {
        text += d;
        if (stopWhen?.(text)) {
          req.destroy();
          resolve({ status: res.statusCode!, text, headers: res.headers });
        }
      });
      res.on('end', () => resolve({ status: res.statusCode!, text, headers: res.headers }));
      res.on('error', () => resolve({ status: res.statusCode!, text, headers: res.headers }));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

describe('streaming through the gateway', () => {
  it('aborts the upstream request when the client disconnects mid-stream', async () => {
    nextChat = () => ({ hang: true });
    const before = chat.requests.length;
    const turnsBefore = gw.turns.length;
    const { text } = await post('/v1/responses', { model: 'local-coder', input: 'hang', stream: true }, (t) => t.includes('response.in_progress'));
    expect(text).toContain('response.created');
    const upstreamReq = await chat.waitForRequest(before);
    const closed = await upstreamReq.closed;
    expect(closed.completed).toBe(false);
    expect(upstreamReq.clientAborted).toBe(true);
    await expect.poll(() => gw.turns.length).toBe(turnsBefore + 1);
    expect(gw.turns.at(-1)!.status).toBe('client_closed');
  });

  it('sends response.in_progress heartbeats while the upstream is silent', async () => {
    nextChat = () => ({ stream: chatTextChunks('slow answer', { splitInto: 2 }), delayMs: 250 });
    const { status, text } = await post('/v1/responses', { model: 'local-coder', input: 'slow', stream: true });
    expect(status).toBe(200);
    const events = parseResponsesSse(text);
    assertValidResponsesStream(events);
    // One in_progress at the start; the rest are heartbeats sent during the 250 ms gaps.
    expect(events.filter((e) => e.type === 'response.in_progress').length).toBeGreaterThanOrEqual(3);
    expect(events.at(-1).response.output[0].content[0].text).toBe('slow answer');
  });

  it('ends with response.failed when the upstream dies mid-stream, never a hang', async () => {
    nextChat = () => ({ stream: chatTextChunks('partial answer that', { splitInto: 4 }), abortAfter: 2 });
    const { text } = await post('/v1/responses', { model: 'local-coder', input: 'x', stream: true });
    const events = parseResponsesSse(text);
    assertValidResponsesStream(events);
    expect(events.at(-1).type).toBe('response.failed');
    expect(events.at(-1).response.error.code).toBeTruthy();
  });

  it('passthrough pipes the OpenAI stream unchanged and records its usage', async () => {
    const sentByUpstream = responsesMessageEvents({ text: 'passed through', splitInto: 3 });
    nextResponses = () => sentByUpstream;
    const { text } = await post('/v1/responses', { model: 'openai-direct', input: 'hi', stream: true, previous_response_id: 'resp_prev' });
    const got = parseResponsesSse(text);
    // The fake numbers its events as it writes them; everything else must be identical.
    expect(got.map((e: any) => e.sequence_number)).toEqual(got.map((_: unknown, i: number) => i));
    expect(got.map(({ sequence_number, ...rest }: any) => rest)).toEqual(JSON.parse(JSON.stringify(sentByUpstream)));
    // Only `model` was rewritten; fields the translator would refuse go through.
    expect(responses.requests.at(-1)!.body).toMatchObject({ model: 'gpt-5.1', previous_response_id: 'resp_prev' });
    const usage = got.at(-1).response.usage;
    expect(gw.turns.at(-1)!.usage).toMatchObject({ inputTokens: usage.input_tokens, outputTokens: usage.output_tokens });
  });

  it('translates through the canonical model to an OpenAI Responses upstream and back', async () => {
    nextResponses = () => responsesFunctionCallEvents({ name: 'exec_command', arguments: '{"cmd":"ls"}', callId: 'call_x' } as any);
    const { text } = await post('/v1/responses', { model: 'openai-translated', input: 'list files', stream: true, tools: [{ type: 'function', name: 'exec_command', parameters: { type: 'object', properties: {} } }] });
    const events = parseResponsesSse(text);
    assertValidResponsesStream(events);
    const item = events.at(-1).response.output.find((o: any) => o.type === 'function_call');
    expect(item).toMatchObject({ name: 'exec_command', arguments: '{"cmd":"ls"}', call_id: 'call_x' });
    expect(responses.requests.at(-1)!.body.model).toBe('gpt-5.1');
  });

  it('serves Chat Completions from an OpenAI Responses upstream (translated both ways)', async () => {
    nextResponses = () => responsesMessageEvents({ text: 'chat via responses', splitInto: 4 });
    const { status, text } = await post('/v1/chat/completions', { model: 'openai-translated', stream: true, stream_options: { include_usage: true }, messages: [{ role: 'user', content: 'hi' }] });
    expect(status).toBe(200);
    const chunks = text.split('\n\n').filter(Boolean).map((f) => f.replace(/^data: /, ''));
    expect(chunks.at(-1)).toBe('[DONE]');
    const parsed = chunks.slice(0, -1).map((c) => JSON.parse(c));
    expect(parsed.map((c) => c.choices[0]?.delta?.content ?? '').join('')).toBe('chat via responses');
    expect(parsed.at(-1).usage).toMatchObject({ prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number) });
    expect(responses.requests.at(-1)!.body).toMatchObject({ model: 'gpt-5.1', stream: true, input: [{ role: 'user' }] });
  });
});

describe('every Codex CLI 0.169.0 capture is accepted and translated for a vLLM-shaped upstream', () => {
  const captures = readdirSync(`${FIXTURES_DIR}/codex`).filter((f) => f.endsWith('-request.json'));
  it.each(captures)('%s', async (name) => {
    const { body } = readCodexRequest(name);
    nextChat = () => ({ stream: chatTextChunks('ok') });
    const before = chat.requests.length;
    const { status, text } = await post('/v1/responses', { ...body, model: 'local-coder' });
    expect(status, text.slice(0, 500)).toBe(200);
    const sent = chat.requests[before];
    // The fake refuses what a real vLLM/OpenAI Chat server would refuse.
    expect(sent.rejection, JSON.stringify(sent.rejection)).toBeUndefined();
    assertValidResponsesStream(parseResponsesSse(text));
    const toolNames = (sent.body.tools ?? []).map((t: any) => t.function.name);
    // Hosted tools are removed upstream and recorded on the turn, not silently dropped.
    expect(toolNames).not.toContain('web_search');
    const hosted = body.tools.filter((t: any) => t.type !== 'function' && t.type !== 'custom' && t.type !== 'namespace').map((t: any) => t.type);
    expect(gw.turns.at(-1)!.removedTools.sort()).toEqual(hosted.sort());
    if (body.tools.length === 0) expect(sent.body.tools).toBeUndefined();
    if (body.tools.some((t: any) => t.type === 'namespace')) expect(toolNames).toContain('multi_agent_v1__spawn_agent');
    if (body.tools.some((t: any) => t.name === 'apply_patch')) expect(toolNames).toContain('apply_patch');
  });
});
