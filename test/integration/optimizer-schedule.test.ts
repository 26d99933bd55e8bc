// The weekly job against the real Redis: `gateway worker`'s optimizer registers one job
// scheduler however often it starts (restarts, replicas), Mondays 06:00 UTC by default;
// a run reads the scored turns, writes the proposal files, posts the summary to the
// webhook and commits the proposal on a new branch of the work tree (never pushed, the
// work tree untouched).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { QueueEvents } from 'bullmq';
import { pino } from 'pino';
import { RedisScoreStore } from '../../evaluators/store/redis-score-store.js';
import { startOptimizerWorker, OPTIMIZER_QUEUE, type OptimizerWorker } from '../../optimizer/weekly-optimizer.js';
import { loadConfigFile } from '../../src/config/load-config.js';
import { TURN_RECORD_VERSION, type TurnRecord } from '../../src/records/turn-record.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `optsched-${randomUUID().slice(0, 8)}`;
const silent = pino({ level: 'silent' });

let redis: Redis;
let store: RedisScoreStore;
let webhook: WebhookReceiver;
let repo: string;
let configFile: string;
const workers: OptimizerWorker[] = [];

const git = (...args: string[]) => execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8' }).trim();

function turn(route: string, tokens: number, quality: number, costUsd: number): TurnRecord {
  return {
    v: TURN_RECORD_VERSION,
    id: randomUUID(),
    at: new Date(Date.now() - 3_600_000).toISOString(),
    dialect: 'responses',
    stream: true,
    session: { id: randomUUID(), requestKind: 'turn' },
    identity: { developer: 'dev@example.com' },
    route: { alias: route, by: 'rule' },
    provider: 'openai_compatible',
    model: route,
    status: 'completed',
    httpStatus: 200,
    usage: { inputTokens: tokens, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 50, reasoningTokens: 0 },
    costUsd,
    latencyMs: 900,
    toolsOffered: [{ type: 'function', name: 'exec_command' }],
    toolCalls: [{ callId: `c-${tokens}-${Math.random()}`, kind: 'function', name: 'exec_command', arguments: '{}' }],
    toolOutputs: [],
    finalTextLength: 0,
    outputObserved: true,
    removedTools: [],
    warnings: [],
  } satisfies TurnRecord & { v: 1 };
}

beforeAll(async () => {
  redis = new Redis(REDIS_URL);
  store = new RedisScoreStore({ redis, prefix });
  webhook = await startWebhookReceiver();
  repo = mkdtempSync(join(tmpdir(), 'optimizer-repo-'));
  mkdirSync(join(repo, 'config'));
  configFile = join(repo, 'config', 'routes.yaml');
  writeFileSync(
    configFile,
    `# The team's routes.
routes:
  - alias: cheap
    provider: openai_compatible
    model: small
    base_url: http://127.0.0.1:9/v1
  - alias: strong
    provider: openai_compatible
    model: large
    base_url: http://127.0.0.1:9/v1
routing_policy:
  default: strong
  rules:
    - if: "input_tokens < 8000"   # small turns: cheap
      route_to: cheap
optimizer:
  webhook_url: "${webhook.url}/hooks/optimizer"
  out_dir: proposals
  git:
    work_tree: ..
`,
  );
  git('init', '-q', '-b', 'main');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'add', 'config/routes.yaml');
  git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'routes');
  // A week of scored traffic: cheap is as good as strong up to 12k tokens, then fails.
  for (let bucket = 1000; bucket < 20_000; bucket += 1000) {
    for (let i = 0; i < 40; i++) {
      const tokens = bucket + 10 + i * 20;
      for (const [route, quality, cost] of [
        ['cheap', tokens < 12_000 ? 1 : 0, 0.001],
        ['strong', 1, 0.01],
      ] as const) {
        const record = turn(route, tokens, quality, cost);
        await store.saveRecord(record);
        await store.setVerdict(record, 'tool_call_validity', { name: 'tool_call_validity', score: quality, label: quality ? 'valid' : 'invalid', explanation: '' });
      }
    }
  }
}, 120_000);

afterAll(async () => {
  for (const w of workers) await w.close();
  await webhook?.close();
  const keys = await redis.keys(`${prefix}:*`);
  for (let i = 0; i < keys.length; i += 1000) await redis.del(...keys.slice(i, i + 1000));
  await redis.quit();
});

const env = () => ({ REDIS_URL, GATEWAY_REDIS_PREFIX: prefix });

describe('weekly optimizer job', () => {
  it('registers one scheduler however many times the worker starts (Monday 06:00 UTC by default)', async () => {
    const config = loadConfigFile(configFile).config;
    for (let i = 0; i < 3; i++) workers.push((await startOptimizerWorker({ redisUrl: REDIS_URL, prefix: `${prefix}:bull`, configFile, env: env(), logger: silent, config }))!);
    const schedulers = await workers[0].queue.getJobSchedulers();
    expect(schedulers).toHaveLength(1);
    expect(schedulers[0]).toMatchObject({ key: 'weekly-routing-optimizer', pattern: '0 6 * * 1', tz: 'UTC' });
    const next = new Date(Number(schedulers[0].next));
    expect([next.getUTCDay(), next.getUTCHours(), next.getUTCMinutes()]).toEqual([1, 6, 0]);
    expect(next.getTime()).toBeGreaterThan(Date.now());
  });

  it('a run writes the proposal files, posts the summary and commits a branch without touching the work tree', async () => {
    const events = new QueueEvents(OPTIMIZER_QUEUE, { connection: { url: REDIS_URL } as any, prefix: `${prefix}:bull` });
    await events.waitUntilReady();
    const job = await workers[0].queue.add('optimize', {});
    const result = await job.waitUntilFinished(events, 60_000);
    await events.close();
    expect(result.changed).toBe(true);
    const files = readdirSync(join(repo, 'proposals')).sort();
    expect(files).toHaveLength(3);
    expect(files.map((f) => f.replace(/^\d{4}-\d{2}-\d{2}-/, ''))).toEqual(['routing.diff', 'routing.json', 'routing.md']);
    const [{ body }] = await webhook.waitFor(1);
    expect((body as { text: string }).text).toContain('8000 → 12000');
    const branch = git('branch', '--list', 'routing-proposal/*').replace(/^[*\s]+/, '');
    expect(branch).toMatch(/^routing-proposal\/\d{4}-\d{2}-\d{2}$/);
    expect(git('show', `${branch}:config/routes.yaml`)).toContain('- if: "input_tokens < 12000"   # small turns: cheap');
    expect(git('show', '--stat', '--format=%s', branch)).toContain('proposals/');
    // The work tree and the checked-out branch are as they were.
    expect(readFileSync(configFile, 'utf8')).toContain('input_tokens < 8000');
    expect(git('rev-parse', '--abbrev-ref', 'HEAD')).toBe('main');
    expect(git('status', '--porcelain')).toBe('?? proposals/');
  }, 90_000);
});
