// The eval loop against the real Redis: Codex's two captured requests stream through the
// gateway → turn records on the BullMQ queue → the worker scores them → verdicts per turn
// and in the aggregates, the evaluator span in each turn's trace (loopback OTLP
// receiver); a duplicate is scored once; a worker killed mid-job → retried, scored once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { Queue } from 'bullmq';
import { pino } from 'pino';
import { startFakeChatUpstream, chatTextChunks, chatToolCallChunks, type FakeChatUpstream } from '../support/fake-chat-upstream.js';
import { startTestGateway, compatRoute, type TestGateway } from '../support/gateway.js';
import { readCodexRequest } from '../support/fixtures.js';
import { startOtlpReceiver, type OtlpReceiver } from '../support/otlp-receiver.js';
import { RedisScoreStore } from '../../evaluators/store/redis-score-store.js';
import { startTurnWorker, type TurnWorker } from '../../evaluators/turn-worker.js';
import { builtinEvaluators } from '../../evaluators/builtin-evaluators.js';
import { tracerProviderFromEnv, type OwnedTracerProvider } from '../../src/telemetry/setup-tracing.js';
import { TURN_QUEUE } from '../../src/queue/turn-queue-names.js';
import type { TurnRecord } from '../../src/records/turn-record.js';
import slowProbe, { closeProbe } from '../support/slow-evaluator.js';
import { until } from '../support/until.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `evaltest-${randomUUID().slice(0, 8)}`;
const bull = `${prefix}:bull`;
const silent = pino({ level: 'silent' });
const run = promisify(execFile);

let upstream: FakeChatUpstream;
let gw: TestGateway;
let receiver: OtlpReceiver;
let redis: Redis;
let store: RedisScoreStore;
let queue: Queue;
let tracing: OwnedTracerProvider;
let worker: TurnWorker | undefined;

const config = (url: string) =>
  `routes:\n${compatRoute('codex-model', url)}attributes:\n  developer: "\${headers.x-developer}"\n  repo: "\${headers.x-repo}"\n`;

async function postCapture(name: string) {
  const { headers: captured, body } = readCodexRequest(name);
  const headers = Object.fromEntries(Object.entries(captured).filter(([k]) => !['content-length', 'host', 'connection', 'accept-encoding', 'transfer-encoding'].includes(k.toLowerCase())));
  const res = await fetch(`${gw.url}/v1/responses`, {
    method: 'POST',
    headers: { ...headers, authorization: 'Bearer unused', 'content-type': 'application/json', 'x-developer': 'alice@example.com', 'x-repo': 'github.com/acme/widgets' },
    body: JSON.stringify({ ...body, model: 'codex-model' }),
  });
  const text = await res.text();
  expect(res.status).toBe(200);
  expect(text).toContain('response.completed');
}

beforeAll(async () => {
  redis = new Redis(REDIS_URL);
  receiver = await startOtlpReceiver();
  const otel = { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '50', OTEL_SERVICE_NAME: 'eval-loop-test' };
  // Turn 1 calls exec_command; once its output comes back, the model answers.
  upstream = await startFakeChatUpstream({
    script: ({ body }) =>
      body.messages.at(-1)?.role === 'tool'
        ? { stream: chatTextChunks('Done: out.txt holds hello.', { splitInto: 3 }) }
        : { stream: chatToolCallChunks({ id: 'call_fake_0001', name: 'exec_command', arguments: JSON.stringify({ cmd: 'echo hello > out.txt' }), splitInto: 4 }) },
  });
  gw = await startTestGateway(config(upstream.url), { env: { REDIS_URL, GATEWAY_REDIS_PREFIX: prefix, ...otel } });
  store = new RedisScoreStore({ redis, prefix });
  queue = new Queue(TURN_QUEUE, { connection: { url: REDIS_URL } as any, prefix: bull });
  tracing = tracerProviderFromEnv({ ...otel })!;
});

afterAll(async () => {
  await worker?.close();
  await gw?.close();
  await upstream?.close();
  await tracing?.shutdown();
  await receiver?.close();
  await queue?.obliterate({ force: true }).catch(() => undefined);
  await queue?.close();
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  await closeProbe();
  await redis.quit();
});

describe('eval loop (BullMQ, real Redis)', () => {
  let turn1: string;
  let turn2: string;

  it('scores a streamed Codex loop: turn 1 valid (with the outcome turn 2 reported), turn 2 completed, in the aggregates and in the trace', async () => {
    await postCapture('turn1-request.json');
    await postCapture('turn2-request.json');
    [turn1, turn2] = gw.turns.map((t) => t.id);
    // Both records reach the queue before any worker runs.
    await until(async () => (await queue.getJobCounts('waiting')).waiting === 2 || undefined, 'two jobs on the queue');
    const job = await queue.getJob(turn1);
    expect((job!.data as TurnRecord).toolCalls).toEqual([{ callId: 'call_fake_0001', kind: 'function', name: 'exec_command', arguments: '{"cmd":"echo hello > out.txt"}' }]);
    expect((await queue.getJob(turn2))!.data.toolOutputs[0]).toMatchObject({ callId: 'call_fake_0001', name: 'exec_command', kind: 'function' });

    worker = startTurnWorker({ redisUrl: REDIS_URL, prefix: bull, store, evaluators: builtinEvaluators, logger: silent, tracer: tracing.provider.getTracer('test'), concurrency: 1, stalledIntervalMs: 300 });
    const v1 = await until(async () => {
      const v = await store.getVerdicts(turn1);
      return (v.tool_call_validity as any)?.details?.calls?.[0]?.outcome ? v : undefined;
    }, 'turn 1 re-scored with its outcome');
    expect(v1.tool_call_validity).toMatchObject({ score: 1, label: 'valid' });
    expect((v1.tool_call_validity.details as any).calls[0].outcome).toMatchObject({ ok: true, exitCode: 0 });
    expect(v1.task_completion).toBeUndefined(); // turn 1 ended in a call: the task was in progress
    const v2 = await until(async () => {
      const v = await store.getVerdicts(turn2);
      return v.task_completion ? v : undefined;
    }, 'turn 2 scored');
    expect(v2.task_completion).toMatchObject({ score: 1, label: 'completed' });
    expect(v2.tool_call_validity).toBeUndefined();

    const day = new Date(Date.now() - 86_400_000);
    const now = new Date(Date.now() + 86_400_000);
    const routeRows = (await store.aggregates('route', day, now)).filter((r) => r.key === 'codex-model');
    const sum = (name: string) => routeRows.reduce((a, r) => ({ n: a.n + (r.scores[name]?.n ?? 0), sum: a.sum + (r.scores[name]?.sum ?? 0) }), { n: 0, sum: 0 });
    expect(routeRows.reduce((a, r) => a + (r.turns ?? 0), 0)).toBe(2);
    expect(sum('tool_call_validity')).toEqual({ n: 1, sum: 1 });
    expect(sum('task_completion')).toEqual({ n: 1, sum: 1 });
    const dev = (await store.aggregates('developer', day, now)).find((r) => r.key === 'alice@example.com')!;
    expect(dev.scores.task_completion).toEqual({ n: 1, sum: 1 });
    const repo = (await store.aggregates('repo', day, now)).find((r) => r.key === 'github.com/acme/widgets')!;
    expect(repo.scores.tool_call_validity).toEqual({ n: 1, sum: 1 });

    // The verdicts are spans in each turn's own trace, children of its root span.
    const summary1 = gw.turns[0];
    expect(summary1.trace).toBeDefined();
    const spans = await receiver.waitFor((s) => s.filter((x) => x.name === 'evaluate turn').length >= 3);
    const evals = spans.filter((s) => s.name === 'evaluate turn' && s.traceId === summary1.trace!.traceId);
    expect(evals.length).toBeGreaterThanOrEqual(1);
    for (const s of evals) expect(s.parentSpanId).toBe(summary1.trace!.spanId);
    const root = spans.find((s) => s.spanId === summary1.trace!.spanId);
    expect(root?.kind).toBe(2); // the gateway's SERVER span of turn 1 reached the same receiver
    const event = evals.flatMap((s) => s.events).find((e) => e.name === 'gen_ai.evaluation.result')!;
    expect(event.attributes).toMatchObject({ 'gen_ai.evaluation.name': 'tool_call_validity', 'gen_ai.evaluation.score.value': 1, 'gen_ai.evaluation.score.label': 'valid' });
    expect(String(event.attributes['gen_ai.evaluation.explanation'])).toContain('1 of 1 call valid');
    expect(event.attributes['gen_ai.response.id']).toBeTruthy();
    const ofTurn2 = spans.find((s) => s.name === 'evaluate turn' && s.traceId === gw.turns[1].trace!.traceId)!;
    expect(ofTurn2.parentSpanId).toBe(gw.turns[1].trace!.spanId);
    expect(ofTurn2.events[0].attributes).toMatchObject({ 'gen_ai.evaluation.name': 'task_completion', 'gen_ai.evaluation.score.label': 'completed' });
  });

  it('scores a duplicate record once: the job id is the turn id, and a re-delivered record moves no aggregate', async () => {
    const record = (await store.getRecord(turn2))!;
    const again = await queue.add('turn', record, { jobId: record.id });
    expect(again.id).toBe(turn2);
    expect(await again.getState()).toBe('completed'); // the existing job: nothing new to run
    // Removed from BullMQ (e.g. after removeOnComplete), the same record comes again.
    await queue.remove(turn2);
    await queue.add('turn', record, { jobId: record.id });
    const redone = await until(async () => {
      const j = await queue.getJob(turn2);
      return j && (await j.getState()) === 'completed' ? j : undefined;
    }, 'the re-delivered job');
    expect(redone.returnvalue.fresh).toBe(false);
    const rows = await store.aggregates('route', new Date(Date.now() - 86_400_000), new Date(Date.now() + 86_400_000));
    expect(rows.reduce((a, r) => a + (r.scores.task_completion?.n ?? 0), 0)).toBe(1);
    expect(rows.reduce((a, r) => a + (r.turns ?? 0), 0)).toBe(2);
    await worker!.close();
    worker = undefined;
  });

  it('retries a job whose worker was killed mid-job and scores it once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'eval-kill-'));
    const configFile = join(dir, 'routes.yaml');
    writeFileSync(configFile, config(upstream.url));
    const env = {
      ...process.env,
      REDIS_URL,
      GATEWAY_REDIS_PREFIX: prefix,
      GATEWAY_EVALUATORS: join(process.cwd(), 'test/support/slow-evaluator.ts'),
      GATEWAY_WORKER_LOCK_MS: '1000',
      // Workers take turns checking for stalled jobs (a key expiring after this interval).
      GATEWAY_WORKER_STALLED_MS: '300',
      OTEL_EXPORTER_OTLP_ENDPOINT: '',
      LOG_LEVEL: 'warn',
    };
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'worker', '-c', configFile], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const record: TurnRecord = {
      ...((await store.getRecord(turn1))!),
      id: randomUUID(),
      session: undefined,
      at: new Date().toISOString(),
    };
    await queue.add('turn', record, { jobId: record.id });
    const probeKey = `slow-probe:${record.id}`;
    // The child is inside the slow evaluator: the built-in verdicts are already written.
    await until(async () => (await redis.get(probeKey)) === '1' || undefined, `the child worker to start the job (stderr: ${stderr})`, 30_000);
    expect((await store.getVerdicts(record.id)).tool_call_validity).toMatchObject({ score: 1 });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));

    // Another worker finds the job stalled (its lock expired) and runs it again.
    worker = startTurnWorker({ redisUrl: REDIS_URL, prefix: bull, store, evaluators: [...builtinEvaluators, slowProbe], logger: silent, stalledIntervalMs: 300, lockDurationMs: 1000 });
    const done = await until(async () => {
      const j = await queue.getJob(record.id);
      return j && (await j.getState()) === 'completed' ? j : undefined;
    }, 'the stalled job to be retried and completed', 30_000);
    expect(await redis.get(probeKey)).toBe('2');
    expect(done.returnvalue.fresh).toBe(false); // the record was saved by the killed attempt
    const verdicts = await store.getVerdicts(record.id);
    expect(verdicts.slow_probe).toMatchObject({ score: 1, explanation: 'attempt 2' });
    const rows = await store.aggregates('route', new Date(Date.now() - 86_400_000), new Date(Date.now() + 86_400_000));
    const total = (name: string) => rows.reduce((a, r) => a + (r.scores[name]?.n ?? 0), 0);
    expect(total('slow_probe')).toBe(1);
    expect(total('tool_call_validity')).toBe(2); // turn 1 and this record, each once
    expect(rows.reduce((a, r) => a + (r.turns ?? 0), 0)).toBe(3);
  }, 60_000);

  it('fails a malformed record at once (UnrecoverableError), without retries', async () => {
    await queue.add('turn', { v: 99, id: 'x' }, { jobId: 'malformed-1', attempts: 5, backoff: { type: 'fixed', delay: 10 } });
    const failed = await until(async () => {
      const j = await queue.getJob('malformed-1');
      return j && (await j.getState()) === 'failed' ? j : undefined;
    }, 'the malformed job to fail');
    expect(failed.attemptsMade).toBe(1);
    expect(failed.failedReason).toMatch(/malformed turn record: v is 99/);
  });

  it('`gateway export-turns --since 1d` writes each scored turn as one JSON line with its scores', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'export-'));
    const out = join(dir, 'turns.jsonl');
    const { stderr } = await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'export-turns', '--since', '1d', '--out', out], {
      env: { ...process.env, REDIS_URL, GATEWAY_REDIS_PREFIX: prefix },
    });
    expect(stderr).toMatch(/exported 3 turns/);
    const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.id)).toEqual(expect.arrayContaining([turn1, turn2]));
    const first = lines.find((l) => l.id === turn1);
    expect(first).toMatchObject({ v: 1, route: { alias: 'codex-model' }, identity: { developer: 'alice@example.com' }, trace: gw.turns[0].trace });
    expect(first.toolCalls[0].name).toBe('exec_command');
    expect(first.scores.tool_call_validity).toMatchObject({ score: 1, label: 'valid' });
    expect(lines.find((l) => l.id === turn2).scores.task_completion).toMatchObject({ score: 1, label: 'completed' });
    // Oldest first.
    const times = lines.map((l) => Date.parse(l.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    // A bad --since is refused with the option named.
    await expect(run(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'export-turns', '--since', 'yesterday'], { env: { ...process.env, REDIS_URL } })).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining('--since "yesterday"'),
    });
  }, 30_000);

  it('`gateway worker` exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'worker'], {
      env: { ...process.env, REDIS_URL, GATEWAY_REDIS_PREFIX: prefix, OTEL_EXPORTER_OTLP_ENDPOINT: '', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    await until(async () => out.includes('gateway worker: scoring turn records') || undefined, `the worker to start (output: ${out})`, 30_000);
    child.kill('SIGTERM');
    const code = await new Promise((r) => child.once('exit', r));
    expect(code).toBe(0);
    expect(out).toContain('finishing active jobs, then exiting');
  }, 40_000);
});
