// Chaos at the upstream, through the real gateway over HTTP: refused connections, 5xx
// before the first byte, a death mid-stream, a stall (heartbeats, then the gateway's idle
// limit), malformed SSE, a client that goes away. For every case the client's stream ends
// with a terminal event (response.completed/failed, or [DONE]/an error chunk for Chat),
// nothing rejects unhandled, and the gateway serves a normal request afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { startFakeChatUpstream, chatTextChunks, type ChatReply, type FakeChatUpstream } from '../support/fake-chat-upstream.js';
import { startTestGateway, compatRoute, type TestGateway } from '../support/gateway.js';
import { assertValidResponsesStream } from '../support/responses-stream-validator.js';
import { parseResponsesSse, parseSseText } from '../support/sse-text.js';

const IDLE_MS = 400;
const HEARTBEAT_MS = 60;

let chat: FakeChatUpstream;
let gw: TestGateway;
let replies: ChatReply[] = [];
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

beforeAll(async () => {
  process.on('unhandledRejection', onUnhandled);
  chat = await startFakeChatUpstream({ script: () => replies.shift() ?? { stream: chatTextChunks('fine', { splitInto: 2 }) } });
  const dead = `http://127.0.0.1:${await closedPort()}/v1`;
  gw = await startTestGateway(
    `routes:\n${compatRoute('good', chat.url)}${compatRoute('dead', dead)}${compatRoute('dead-with-spare', dead, '    fallbacks: [good]\n')}` +
      `retries:\n  attempts: 2\n  base_delay_ms: 1\n  max_delay_ms: 5\n  max_retry_after_ms: 2000\n` +
      `server:\n  idle_timeout_ms: ${IDLE_MS}\n`,
    { heartbeatMs: HEARTBEAT_MS },
  );
});

afterAll(async () => {
  await gw?.close();
  await chat?.close();
  process.off('unhandledRejection', onUnhandled);
});

interface Posted {
  status: number;
  text: string;
  headers: Record<string, any>;
}

function post(path: string, body: object, stopWhen?: (text: string) => boolean): Promise<Posted> {
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

const responses = (model: string) => post('/v1/responses', { model, input: 'hi', stream: true });
const chatStream = (model: string) => post('/v1/chat/completions', { model, stream: true, messages: [{ role: 'user', content: 'hi' }] });

// A Responses stream that ended properly: valid, with a terminal event last.
function terminalResponses(p: Posted): any[] {
  expect(p.status).toBe(200);
  const events = parseResponsesSse(p.text);
  assertValidResponsesStream(events);
  expect(['response.completed', 'response.failed', 'response.incomplete']).toContain(events.at(-1).type);
  return events;
}

// A Chat stream that ended properly: [DONE], or an error chunk as its last frame.
function terminalChat(p: Posted): { done: boolean; error?: any; chunks: any[] } {
  expect(p.status).toBe(200);
  const frames = parseSseText(p.text).map((f) => f.data);
  const done = frames.at(-1) === '[DONE]';
  const chunks = frames.filter((f) => f !== '[DONE]').map((f) => JSON.parse(f));
  const error = chunks.at(-1)?.error;
  expect(done || error !== undefined, `chat stream ended without [DONE] or an error chunk: ${p.text.slice(-300)}`).toBe(true);
  return { done, error, chunks };
}

// The gateway still answers a normal request in both dialects.
async function stillServes(): Promise<void> {
  replies = [];
  const r = terminalResponses(await responses('good'));
  expect(r.at(-1).type).toBe('response.completed');
  expect(r.at(-1).response.output[0].content[0].text).toBe('fine');
  const c = terminalChat(await chatStream('good'));
  expect(c.done).toBe(true);
  expect(unhandled).toEqual([]);
}

const errorBody = (code: string) => ({ error: { message: `fake ${code}`, type: 'server_error', param: null, code } });

describe('chaos: the upstream refuses connections', () => {
  it('Responses: a clean 502 upstream_unreachable (after the retries), not a hang', async () => {
    const p = await responses('dead');
    expect(p.status).toBe(502);
    expect(JSON.parse(p.text).error).toMatchObject({ code: 'upstream_unreachable', type: 'server_error' });
    expect(gw.turns.at(-1)!.decision!.attempts.map((a) => a.status)).toEqual([502, 502, 502]);
    await stillServes();
  });

  it('Chat: the same 502 in the error shape', async () => {
    const p = await chatStream('dead');
    expect(p.status).toBe(502);
    expect(JSON.parse(p.text).error.code).toBe('upstream_unreachable');
    await stillServes();
  });

  it('with a fallback configured, the fallback serves the stream', async () => {
    const before = chat.requests.length;
    const events = terminalResponses(await responses('dead-with-spare'));
    expect(events.at(-1).type).toBe('response.completed');
    expect(chat.requests.length - before).toBe(1);
    expect(gw.turns.at(-1)!.decision!.attempts.map((a) => [a.alias, a.status])).toEqual([
      ['dead-with-spare', 502],
      ['dead-with-spare', 502],
      ['dead-with-spare', 502],
      ['good', 200],
    ]);
    expect(gw.turns.at(-1)!.alias).toBe('good');
    await stillServes();
  });
});

describe('chaos: 5xx before the first byte', () => {
  it.each([529, 500])('%i on every try: retried, then the client gets the same status', async (code) => {
    replies = [0, 1, 2].map(() => ({ json: errorBody('overloaded'), status: code }));
    const before = chat.requests.length;
    const p = await responses('good');
    expect(p.status).toBe(code);
    expect(JSON.parse(p.text).error).toMatchObject({ code: 'overloaded' });
    expect(chat.requests.length - before).toBe(3);
    expect(gw.turns.at(-1)).toMatchObject({ status: 'failed', httpStatus: code });
    await stillServes();
  });

  it('Chat: 529 on every try keeps its status', async () => {
    replies = [0, 1, 2].map(() => ({ json: errorBody('overloaded'), status: 529 }));
    const p = await chatStream('good');
    expect(p.status).toBe(529);
    expect(JSON.parse(p.text).error.code).toBe('overloaded');
    await stillServes();
  });

  it('Retry-After is honoured: the retry waits that long', async () => {
    replies = [{ json: errorBody('busy'), status: 503, headers: { 'retry-after': '0.4' } }];
    const before = chat.requests.length;
    const t0 = performance.now();
    const events = terminalResponses(await responses('good'));
    const elapsed = performance.now() - t0;
    expect(events.at(-1).type).toBe('response.completed');
    expect(chat.requests.length - before).toBe(2);
    expect(elapsed).toBeGreaterThanOrEqual(390);
    expect(gw.turns.at(-1)!.decision!.attempts[0]).toMatchObject({ status: 503, delayMs: 400 });
    await stillServes();
  });
});

describe('chaos: the upstream dies mid-stream', () => {
  it('Responses: response.failed, never a hang', async () => {
    replies = [{ stream: chatTextChunks('partial answer that never ends', { splitInto: 5 }), abortAfter: 2 }];
    const events = terminalResponses(await responses('good'));
    expect(events.at(-1).type).toBe('response.failed');
    expect(events.at(-1).response.error.code).toBeTruthy();
    expect(gw.turns.at(-1)!.status).toBe('failed');
    await stillServes();
  });

  it('Chat: an error chunk ends the stream', async () => {
    replies = [{ stream: chatTextChunks('partial answer that never ends', { splitInto: 5 }), abortAfter: 2 }];
    const c = terminalChat(await chatStream('good'));
    expect(c.done).toBe(false);
    expect(c.error.code).toBeTruthy();
    await stillServes();
  });

  it('the socket destroyed before any answer: retried like a refusal', async () => {
    replies = [{ destroy: true }, { destroy: true }, { destroy: true }];
    const p = await responses('good');
    expect(p.status).toBe(502);
    await stillServes();
  });
});

describe('chaos: the upstream stalls', () => {
  it(`Responses: heartbeats while silent, then the ${IDLE_MS} ms idle limit ends it with response.failed and aborts the upstream`, async () => {
    replies = [{ hang: true }];
    const before = chat.requests.length;
    const t0 = performance.now();
    const events = terminalResponses(await responses('good'));
    const elapsed = performance.now() - t0;
    expect(events.at(-1).type).toBe('response.failed');
    expect(events.at(-1).response.error.code).toBe('upstream_idle_timeout');
    // response.created + in_progress, then heartbeats every ≤ 60 ms over ~400 ms of silence.
    expect(events.filter((e) => e.type === 'response.in_progress').length).toBeGreaterThanOrEqual(3);
    expect(elapsed).toBeGreaterThanOrEqual(IDLE_MS - 10);
    expect(elapsed).toBeLessThan(IDLE_MS + 1500);
    const upstreamReq = await chat.waitForRequest(before);
    expect((await upstreamReq.closed).completed).toBe(false);
    expect(upstreamReq.clientAborted).toBe(true);
    expect(gw.turns.at(-1)).toMatchObject({ status: 'failed', errorCode: 'upstream_idle_timeout' });
    await stillServes();
  });

  it('Responses: a stall after some text also hits the idle limit', async () => {
    replies = [{ raw: [`data: ${JSON.stringify(chatTextChunks('some text', { splitInto: 1 })[0])}\n\n`], end: false }];
    const events = terminalResponses(await responses('good'));
    expect(events.at(-1).response.error.code).toBe('upstream_idle_timeout');
    await stillServes();
  });

  it('Chat: keep-alive comments while silent, then an error chunk', async () => {
    replies = [{ hang: true }];
    const p = await chatStream('good');
    expect(p.text.match(/^: keep-alive$/gm)?.length ?? 0).toBeGreaterThanOrEqual(3);
    const c = terminalChat(p);
    expect(c.error.code).toBe('upstream_idle_timeout');
    await stillServes();
  });

  it('an upstream that streams slowly but steadily is not cut', async () => {
    replies = [{ stream: chatTextChunks('slow but steady answer', { splitInto: 5 }), delayMs: IDLE_MS / 2 }];
    const events = terminalResponses(await responses('good'));
    expect(events.at(-1).type).toBe('response.completed');
    expect(events.at(-1).response.output[0].content[0].text).toBe('slow but steady answer');
  });
});

describe('chaos: what counts as upstream activity', () => {
  it('SSE keep-alive comments (no event for the client) keep the upstream alive past the idle limit', async () => {
    const good = chatTextChunks('kept alive', { splitInto: 2 });
    const pings = Array.from({ length: 8 }, () => ': ping\n\n');
    replies = [{ raw: [`data: ${JSON.stringify(good[0])}\n\n`, ...pings, ...good.slice(1).map((c) => `data: ${JSON.stringify(c)}\n\n`), 'data: [DONE]\n\n'], delayMs: IDLE_MS / 4 }];
    const t0 = performance.now();
    const events = terminalResponses(await responses('good'));
    expect(performance.now() - t0).toBeGreaterThan(IDLE_MS * 2);
    expect(events.at(-1).type).toBe('response.completed');
    expect(events.at(-1).response.output[0].content[0].text).toBe('kept alive');
    await stillServes();
  });
});

describe('chaos: malformed SSE', () => {
  const good = chatTextChunks('ok then', { splitInto: 2 });

  it('garbage lines and comments between valid frames are tolerated', async () => {
    replies = [
      {
        raw: ['garbage without a colon\n\n', ': a comment\n\n', `data: ${JSON.stringify(good[0])}\n\n`, 'event: weird\nretry: x\n\n', ...good.slice(1).map((c) => `data: ${JSON.stringify(c)}\n\n`), 'data: [DONE]\n\n'],
      },
    ];
    const events = terminalResponses(await responses('good'));
    expect(events.at(-1).type).toBe('response.completed');
    await stillServes();
  });

  it('truncated JSON: response.failed (upstream_invalid_stream)', async () => {
    replies = [{ raw: [`data: ${JSON.stringify(good[0])}\n\n`, 'data: {"id":"x","choices":[{"delta":{"content":"tru\n\n'] }];
    const events = terminalResponses(await responses('good'));
    expect(events.at(-1).type).toBe('response.failed');
    expect(events.at(-1).response.error.code).toBe('upstream_invalid_stream');
    await stillServes();
  });

  it('Chat: truncated JSON then the connection ends: an error chunk', async () => {
    replies = [{ raw: [`data: ${JSON.stringify(good[0])}\n\n`, 'data: {"choices":[{"del'] }];
    const c = terminalChat(await chatStream('good'));
    expect(c.error).toBeDefined();
    await stillServes();
  });

  it('binary noise and a JSON body that is not a chunk: never a crash', async () => {
    replies = [{ raw: ['\u0000\u0001\u00ff\n\n', 'data: 42\n\n', 'data: {"nothing":"here"}\n\n', 'data: [DONE]\n\n'] }];
    terminalResponses(await responses('good'));
    await stillServes();
  });

  it('a 200 with an HTML body instead of a stream: never a crash', async () => {
    replies = [{ raw: ['<html><body>Bad gateway</body></html>'], headers: { 'content-type': 'text/html' } }];
    const p = await responses('good');
    if (p.status === 200) terminalResponses(p);
    else expect(p.status).toBeGreaterThanOrEqual(500);
    await stillServes();
  });
});

describe('chaos: the client goes away mid-stream', () => {
  it.each(['/v1/responses', '/v1/chat/completions'])('%s: the upstream is aborted and the turn recorded client_closed', async (path) => {
    replies = [{ stream: chatTextChunks('a long answer that keeps coming', { splitInto: 8 }), delayMs: 100 }];
    const before = chat.requests.length;
    const turnsBefore = gw.turns.length;
    const body = path === '/v1/responses' ? { model: 'good', input: 'hi', stream: true } : { model: 'good', stream: true, messages: [{ role: 'user', content: 'hi' }] };
    const { text } = await post(path, body, (t) => t.includes('a lo'));
    expect(text).toContain('a lo');
    const upstreamReq = await chat.waitForRequest(before);
    expect((await upstreamReq.closed).completed).toBe(false);
    expect(upstreamReq.clientAborted).toBe(true);
    await expect.poll(() => gw.turns.length).toBe(turnsBefore + 1);
    expect(gw.turns.at(-1)!.status).toBe('client_closed');
    await stillServes();
  });
});

describe('afterwards', () => {
  it('no unhandled rejection happened in any case', () => {
    expect(unhandled).toEqual([]);
  });
});
