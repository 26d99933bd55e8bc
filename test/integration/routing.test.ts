// Routing over HTTP: context windows refuse before dispatch, retries and fallbacks happen
// only before the first byte, and the client sees what Codex needs to react correctly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { startFakeChatUpstream, chatTextChunks, type FakeChatUpstream, type ChatReply } from '../support/fake-chat-upstream.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { assertValidResponsesStream } from '../support/responses-stream-validator.js';
import { parseResponsesSse } from '../support/sse-text.js';

let primary: FakeChatUpstream;
let backup: FakeChatUpstream;
let gw: TestGateway;
let client: OpenAI;
let primaryReplies: ChatReply[] = [];
let backupReplies: ChatReply[] = [];
const ok = (text: string): ChatReply => ({ stream: chatTextChunks(text) });
const status = (code: number, headers: Record<string, string> = {}): ChatReply => ({ status: code, json: { error: { message: `upstream says ${code}`, type: 'server_error' } }, headers });

beforeAll(async () => {
  primary = await startFakeChatUpstream({ script: () => primaryReplies.shift() ?? ok('primary') });
  backup = await startFakeChatUpstream({ script: () => backupReplies.shift() ?? ok('backup') });
  const route = (alias: string, url: string, extra = '') => `  - alias: ${alias}\n    provider: openai_compatible\n    model: m\n    base_url: "${url}"\n${extra}`;
  gw = await startTestGateway(
    `routes:\n` +
      route('main', primary.url, '    fallbacks: [spare]\n') +
      route('spare', backup.url) +
      route('alone', primary.url) +
      route('narrow', primary.url, '    max_input_tokens: 20\n') +
      route('narrow-with-spare', primary.url, '    max_input_tokens: 20\n    fallbacks: [spare]\n') +
      `retries:\n  attempts: 2\n  base_delay_ms: 1\n  max_delay_ms: 5\n  max_retry_after_ms: 1000\n`,
  );
  client = new OpenAI({ baseURL: `${gw.url}/v1`, apiKey: 'x', maxRetries: 0 });
});

afterAll(async () => {
  await gw?.close();
  await primary?.close();
  await backup?.close();
});

const long = 'Please review this long change carefully. '.repeat(20);

async function postStream(model: string, input: string) {
  const res = await fetch(`${gw.url}/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model, input, stream: true }) });
  return { status: res.status, events: parseResponsesSse(await res.text()) };
}

describe('context windows', () => {
  it('an over-window request never reaches the upstream: 400 context_length_exceeded (JSON)', async () => {
    const before = primary.requests.length;
    const err = await client.responses.create({ model: 'narrow', input: long }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err.code).toBe('context_length_exceeded');
    expect(primary.requests.length).toBe(before);
  });

  it('streamed, it is a response.failed with that code (Codex then stops with its "ran out of room" message)', async () => {
    const before = primary.requests.length;
    const { status: code, events } = await postStream('narrow', long);
    expect(code).toBe(200);
    assertValidResponsesStream(events);
    expect(events.at(-1)).toMatchObject({ type: 'response.failed', response: { error: { code: 'context_length_exceeded' } } });
    expect(primary.requests.length).toBe(before);
  });

  it('with a fallback whose window fits, the fallback serves it', async () => {
    const before = primary.requests.length;
    const res = await client.responses.create({ model: 'narrow-with-spare', input: long });
    expect(res.output_text).toBe('backup');
    expect(primary.requests.length).toBe(before);
    expect(gw.turns.at(-1)!.decision).toMatchObject({ overWindow: [{ alias: 'narrow-with-spare', limit: 20 }], candidates: ['spare'] });
  });
});

describe('retries and fallbacks before the first byte', () => {
  it('529 then 200: served after a retry', async () => {
    primaryReplies = [status(529)];
    const before = primary.requests.length;
    const res = await client.responses.create({ model: 'main', input: 'hi' });
    expect(res.output_text).toBe('primary');
    expect(primary.requests.length - before).toBe(2);
    expect(gw.turns.at(-1)!.decision!.attempts).toEqual([
      { alias: 'main', status: 529, code: 'upstream_error', delayMs: expect.any(Number) },
      { alias: 'main', status: 200 },
    ]);
  });

  it('500 on every try: the next fallback serves it', async () => {
    primaryReplies = [status(500), status(500), status(500)];
    const beforeBackup = backup.requests.length;
    const res = await client.responses.create({ model: 'main', input: 'hi' });
    expect(res.output_text).toBe('backup');
    expect(backup.requests.length - beforeBackup).toBe(1);
    expect(gw.turns.at(-1)!.decision!.attempts.map((a) => [a.alias, a.status])).toEqual([
      ['main', 500],
      ['main', 500],
      ['main', 500],
      ['spare', 200],
    ]);
  });

  it('a failure after the first byte ends in response.failed, with no retry', async () => {
    primaryReplies = [{ stream: chatTextChunks('partial answer here', { splitInto: 4 }), abortAfter: 2 }];
    const before = primary.requests.length;
    const beforeBackup = backup.requests.length;
    const { events } = await postStream('main', 'hi');
    assertValidResponsesStream(events);
    expect(events.at(-1).type).toBe('response.failed');
    expect(primary.requests.length - before).toBe(1);
    expect(backup.requests.length).toBe(beforeBackup);
  });

  it('a 400 is not retried and not sent to a fallback', async () => {
    primaryReplies = [status(400)];
    const before = primary.requests.length;
    const err = await client.responses.create({ model: 'main', input: 'hi' }).catch((e) => e);
    expect(err.status).toBe(400);
    expect(primary.requests.length - before).toBe(1);
  });

  it('a 429 asking to wait longer than the gateway holds a client reaches the client with its Retry-After', async () => {
    primaryReplies = [status(429, { 'retry-after': '30' })];
    const err = await client.responses.create({ model: 'alone', input: 'hi' }).catch((e) => e);
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    expect(err.headers.get('retry-after')).toBe('30');
  });

  it('a 429 with a short Retry-After is waited for and retried', async () => {
    primaryReplies = [status(429, { 'retry-after': '0' })];
    const res = await client.responses.create({ model: 'alone', input: 'hi' });
    expect(res.output_text).toBe('primary');
  });
});

describe('estimate calibration', () => {
  it('reports the ratio of real to estimated input tokens per provider', async () => {
    primaryReplies = [{ stream: chatTextChunks('ok', { usage: { prompt_tokens: 30, completion_tokens: 1 } }) }];
    await client.responses.create({ model: 'alone', input: 'Count my tokens, please.' });
    const estimate = gw.turns.at(-1)!.decision!.estimate.tokens;
    const body = await (await fetch(`${gw.url}/gateway/token-estimates`)).json();
    expect(body.ratios.openai_compatible.samples).toBeGreaterThanOrEqual(1);
    expect(estimate).toBeGreaterThan(0);
  });
});
