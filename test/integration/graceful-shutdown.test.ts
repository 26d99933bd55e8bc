// SIGTERM to the real CLI (`gateway serve`) with streams in flight: they finish (within
// server.shutdown_grace_ms; past it they end with response.failed shutting_down), new
// requests and /readyz get 503 shutting_down in OpenAI's error shape meanwhile, and the
// process exits 0.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeChatUpstream, chatTextChunks, type ChatReply, type FakeChatUpstream } from '../support/fake-chat-upstream.js';
import { assertValidResponsesStream } from '../support/responses-stream-validator.js';
import { parseResponsesSse } from '../support/sse-text.js';
import { Queue } from 'bullmq';
import { TURN_QUEUE } from '../../src/queue/turn-queue-names.js';
import { freePort, testRedis } from '../support/redis-server.js';

let upstream: FakeChatUpstream;
let reply: () => ChatReply;
const dir = mkdtempSync(join(tmpdir(), 'graceful-shutdown-'));
const children: ChildProcess[] = [];

interface Served {
  url: string;
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  output: () => string;
}

async function serve(graceMs: number, extraEnv: NodeJS.ProcessEnv = {}): Promise<Served> {
  const file = join(dir, `routes-${graceMs}.yaml`);
  writeFileSync(file, `routes:\n  - alias: slow\n    provider: openai_compatible\n    model: fake-model\n    base_url: "${upstream.url}"\nserver:\n  heartbeat_ms: 200\n  shutdown_grace_ms: ${graceMs}\n`);
  const port = await freePort();
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', GATEWAY_STATE_SECRET: 'x'.repeat(64) };
  delete env.REDIS_URL;
  delete env.OTEL_EXPORTER_OTLP_ENDPOINT;
  Object.assign(env, extraEnv);
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve', '-c', file], { cwd: process.cwd(), env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`gateway exited at start: ${out}`);
    const ok = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`gateway did not start: ${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { url, child, exited, output: () => out };
}

// A stream whose first bytes have arrived; `done` resolves with the whole text.
async function openStream(url: string): Promise<{ done: Promise<string> }> {
  const res = await fetch(`${url}/v1/responses`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'slow', input: 'hi', stream: true }),
  });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let text = '';
  // Wait for response.created: the request is in flight at the gateway.
  while (!text.includes('response.created')) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  const done = (async () => {
    try {
      for (;;) {
        const { value, done: end } = await reader.read();
        if (end) break;
        text += decoder.decode(value, { stream: true });
      }
    } catch {
      /* a cut connection: the text so far tells */
    }
    return text;
  })();
  return { done };
}

async function expectShuttingDown(url: string): Promise<void> {
  const refused = await fetch(`${url}/v1/responses`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'slow', input: 'late', stream: true }),
  });
  expect(refused.status).toBe(503);
  expect(await refused.json()).toEqual({ error: { message: expect.any(String), type: 'server_error', code: 'shutting_down', param: null } });
  const ready = await fetch(`${url}/readyz`);
  expect(ready.status).toBe(503);
  expect((await ready.json()).error.code).toBe('shutting_down');
}

beforeAll(async () => {
  upstream = await startFakeChatUpstream({ script: () => reply() });
});

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await upstream?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('gateway serve: SIGTERM drains', () => {
  it('in-flight streams finish, new requests and /readyz get 503 shutting_down, exit 0', async () => {
    // Six chunks 250 ms apart: each stream lasts about 1.5 s.
    reply = () => ({ stream: chatTextChunks('a slow answer in six parts', { splitInto: 6 }), delayMs: 250 });
    const gw = await serve(8000);
    expect((await fetch(`${gw.url}/readyz`)).status).toBe(200);
    const streams = await Promise.all([0, 1, 2].map(() => openStream(gw.url)));
    const t0 = performance.now();
    gw.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 100));
    await expectShuttingDown(gw.url);
    for (const s of streams) {
      const events = parseResponsesSse(await s.done);
      assertValidResponsesStream(events);
      expect(events.at(-1).type).toBe('response.completed');
      expect(events.at(-1).response.output[0].content[0].text).toBe('a slow answer in six parts');
    }
    const exit = await gw.exited;
    expect(exit, gw.output().slice(-2000)).toEqual({ code: 0, signal: null });
    // Well within the grace: the drain ended when the last stream did.
    expect(performance.now() - t0).toBeLessThan(6000);
    expect(gw.output()).toContain('draining');
  }, 30_000);

  it('past shutdown_grace_ms the streams still open end with response.failed, then exit 0', async () => {
    reply = () => ({ hang: true });
    const gw = await serve(600);
    const streams = await Promise.all([0, 1, 2].map(() => openStream(gw.url)));
    const t0 = performance.now();
    gw.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 100));
    await expectShuttingDown(gw.url);
    for (const s of streams) {
      const events = parseResponsesSse(await s.done);
      assertValidResponsesStream(events);
      expect(events.at(-1).type).toBe('response.failed');
      expect(events.at(-1).response.error.code).toBe('shutting_down');
    }
    const elapsed = performance.now() - t0;
    expect(elapsed).toBeGreaterThanOrEqual(550);
    const exit = await gw.exited;
    expect(exit, gw.output().slice(-2000)).toEqual({ code: 0, signal: null });
    expect(performance.now() - t0).toBeLessThan(600 + 4000);
  }, 30_000);

  it('the turn records of the drained streams are delivered to the queue before exit', async () => {
    const redis = testRedis(await freePort());
    await redis.start();
    const queue = new Queue(TURN_QUEUE, { connection: { host: '127.0.0.1', port: redis.port }, prefix: 'drain:bull' });
    try {
      reply = () => ({ stream: chatTextChunks('recorded answer', { splitInto: 3 }), delayMs: 200 });
      const gw = await serve(5000, { REDIS_URL: redis.url, GATEWAY_REDIS_PREFIX: 'drain' });
      const streams = await Promise.all([0, 1, 2].map(() => openStream(gw.url)));
      gw.child.kill('SIGTERM');
      for (const s of streams) expect(parseResponsesSse(await s.done).at(-1).type).toBe('response.completed');
      expect(await gw.exited).toEqual({ code: 0, signal: null });
      // The three records were pushed as their turns ended, during the drain, and flushed
      // by close() before the process exited.
      expect((await queue.getJobCounts('waiting')).waiting).toBe(3);
      expect(gw.output()).not.toContain('closing with undelivered turn records');
    } finally {
      await queue.close();
      await redis.kill();
    }
  }, 30_000);
});
