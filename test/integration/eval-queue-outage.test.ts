// Redis down under the gateway: requests are served as before (enqueueing is a push onto
// a bounded in-memory buffer, never a wait on Redis), records are buffered — beyond the
// limit the oldest are dropped and counted — and delivered to the queue when Redis returns.
// A Redis of our own on a free port, so stopping it disturbs nothing else.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Queue } from 'bullmq';
import { startFakeChatUpstream, chatTextChunks, type FakeChatUpstream } from '../support/fake-chat-upstream.js';
import { startTestGateway, compatRoute, type TestGateway } from '../support/gateway.js';
import { TURN_QUEUE } from '../../src/queue/turn-queue-names.js';
import { freePort, testRedis, type TestRedis } from '../support/redis-server.js';
import { until } from '../support/until.js';

let redis: TestRedis;
let upstream: FakeChatUpstream;
let gw: TestGateway;
let queue: Queue;

// Every request of this test must finish within this much of the slowest request made
// while Redis was up: the stated bound on latency added by an outage (the design adds none).
const OUTAGE_BOUND_MS = 100;

async function timedTurn(): Promise<number> {
  const t0 = performance.now();
  const res = await fetch(`${gw.url}/v1/responses`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'm', input: 'hi', stream: true }),
  });
  const text = await res.text();
  expect(res.status).toBe(200);
  expect(text).toContain('response.completed');
  return performance.now() - t0;
}

beforeAll(async () => {
  redis = testRedis(await freePort());
  await redis.start();
  upstream = await startFakeChatUpstream({ script: () => ({ stream: chatTextChunks('Hello there.') }) });
  gw = await startTestGateway(`routes:\n${compatRoute('m', upstream.url)}evaluation:\n  buffer_limit: 4\n`, {
    env: { REDIS_URL: redis.url, GATEWAY_REDIS_PREFIX: 'outage' },
  });
  queue = new Queue(TURN_QUEUE, { connection: { host: '127.0.0.1', port: redis.port, maxRetriesPerRequest: 1 }, prefix: 'outage:bull' });
  queue.on('error', () => {});
});

afterAll(async () => {
  await gw?.close();
  await upstream?.close();
  await queue?.close().catch(() => undefined);
  await redis?.kill();
});

describe('turn queue with Redis down', () => {
  it(`keeps serving within ${OUTAGE_BOUND_MS} ms of the Redis-up latency, buffers (bounded) and delivers when Redis returns`, async () => {
    const up: number[] = [];
    for (let i = 0; i < 3; i++) up.push(await timedTurn());
    await until(async () => (await queue.getJobCounts('waiting')).waiting === 3, 'three jobs while Redis is up');
    expect(gw.records.stats()).toMatchObject({ mode: 'bullmq', delivered: 3, buffered: 0, dropped: 0 });

    await redis.kill();
    const down: number[] = [];
    for (let i = 0; i < 6; i++) down.push(await timedTurn());
    expect(Math.max(...down)).toBeLessThan(Math.max(...up) + OUTAGE_BOUND_MS);
    await until(() => gw.records.stats().buffered + gw.records.stats().dropped === 6, 'the six records to be held or dropped');
    // Six records, room for four: the two oldest were dropped, counted, and exported.
    expect(gw.records.stats()).toMatchObject({ buffered: 4, dropped: 2, delivered: 3 });
    const metrics = await (await fetch(`${gw.url}/metrics`)).text();
    expect(metrics).toMatch(/^gateway_turn_records_dropped_total 2$/m);
    expect(metrics).toMatch(/^gateway_turn_records_buffered 4$/m);

    await redis.start(); // an empty Redis on the same port: the buffered records are all that arrive
    await until(() => gw.records.stats().buffered === 0, 'the buffer to drain once Redis is back');
    expect(gw.records.stats()).toMatchObject({ delivered: 7, dropped: 2 });
    const waiting = await queue.getJobs(['waiting']);
    const ids = new Set(waiting.map((j) => j.id));
    expect(ids.size).toBe(4);
    // The four newest turns: the last four the gateway finished.
    expect([...ids].sort()).toEqual(gw.turns.slice(-4).map((t) => t.id).sort());
  }, 60_000);
});
