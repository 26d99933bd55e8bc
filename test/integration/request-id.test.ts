// Every request has an id: the client's x-request-id when it is a safe token, else a new
// one; it comes back as x-request-id and is on the request's log lines and its turn.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { startGateway, type RunningGateway } from '../../src/server.js';
import { loggerOptions } from '../../src/logger.js';
import { startFakeChatUpstream, chatTextChunks, type FakeChatUpstream } from '../support/fake-chat-upstream.js';
import { compatRoute } from '../support/gateway.js';
import type { TurnSummary } from '../../src/pipeline/turn.js';

let upstream: FakeChatUpstream;
let gw: RunningGateway;
const lines: any[] = [];
const turns: TurnSummary[] = [];

beforeAll(async () => {
  upstream = await startFakeChatUpstream({ script: () => ({ stream: chatTextChunks('Hi.') }) });
  gw = await startGateway({
    configText: `routes:\n${compatRoute('m', upstream.url)}`,
    port: 0,
    logger: pino(loggerOptions('debug'), { write: (s: string) => lines.push(JSON.parse(s)) }),
    onTurn: (t) => turns.push(t),
    env: {},
  });
});

afterAll(async () => {
  await gw?.close();
  await upstream?.close();
});

const post = (headers: Record<string, string> = {}) =>
  fetch(`${gw.url}/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ model: 'm', input: 'hi' }) });

describe('request ids', () => {
  it("echoes a safe client id and puts it on the turn and the request's log lines", async () => {
    const res = await post({ 'x-request-id': 'req_abc-123' });
    await res.text();
    expect(res.headers.get('x-request-id')).toBe('req_abc-123');
    await new Promise((r) => setTimeout(r, 20));
    expect(turns.at(-1)!.requestId).toBe('req_abc-123');
    const mine = lines.filter((l) => l.requestId === 'req_abc-123' || l.turn?.requestId === 'req_abc-123');
    expect(mine.map((l) => l.msg)).toEqual(expect.arrayContaining(['route decision', 'turn']));
  });

  it('replaces an unsafe id (spaces, too long, other characters) with a new one', async () => {
    for (const bad of ['two words', 'x'.repeat(200), 'semi;colon']) {
      const res = await post({ 'x-request-id': bad });
      await res.text();
      const id = res.headers.get('x-request-id')!;
      expect(id).not.toBe(bad);
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('gives errors an id too', async () => {
    const res = await fetch(`${gw.url}/v1/nope`);
    expect(res.status).toBe(404);
    expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });
});
