// The weekly loop end to end: the gateway serves a scripted mix of turns (1k–16k input
// tokens, one session each) through two fake upstreams with exploration on; the cheap
// model's tool calls break above 12k tokens, the strong model's never do; the worker
// scores every turn; the optimizer reads the scores from Redis and proposes moving the
// rule's threshold from 8000 to 12000.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { Queue } from 'bullmq';
import { pino } from 'pino';
import { startFakeChatUpstream, chatToolCallChunks, type FakeChatUpstream } from '../support/fake-chat-upstream.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { RedisScoreStore } from '../../evaluators/store/redis-score-store.js';
import { startTurnWorker, type TurnWorker } from '../../evaluators/turn-worker.js';
import { builtinEvaluators } from '../../evaluators/builtin-evaluators.js';
import { TURN_QUEUE } from '../../src/queue/turn-queue-names.js';
import { runOptimizer } from '../../optimizer/optimize-command.js';
import { parseConfig } from '../../src/config/load-config.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `optloop-${randomUUID().slice(0, 8)}`;
const TURNS = 480;

let cheap: FakeChatUpstream;
let strong: FakeChatUpstream;
let gw: TestGateway;
let redis: Redis;
let worker: TurnWorker;
let queue: Queue;
const dir = mkdtempSync(join(tmpdir(), 'optimizer-loop-'));
const routesFile = join(dir, 'routes.yaml');

const EXEC_TOOL = {
  type: 'function',
  name: 'exec_command',
  description: 'Run a shell command.',
  parameters: { type: 'object', properties: { cmd: { type: 'string' } }, required: ['cmd'], additionalProperties: false },
  strict: false,
};

// The size a request was built with, which the fakes report as its prompt tokens.
const sizeOf = (body: any): number => Number(/size (\d+):/.exec(JSON.stringify(body.messages))?.[1] ?? 0);

const pricesFile = join(dir, 'prices.yaml');
writeFileSync(
  pricesFile,
  `models:\n  - route: cheap\n    input_per_million: 0.1\n    output_per_million: 0.4\n  - route: strong\n    input_per_million: 1.0\n    output_per_million: 4.0\n`,
);

const routes = (cheapUrl: string, strongUrl: string) => `# Routes for the optimizer loop test.
pricing:
  overrides: "${pricesFile}"
routes:
  - alias: cheap
    provider: openai_compatible
    model: fake-model
    base_url: "${cheapUrl}"
  - alias: strong
    provider: openai_compatible
    model: fake-model
    base_url: "${strongUrl}"

routing_policy:
  default: strong
  rules:
    # Small turns go to the cheap model; half of them, and half of the turns up to
    # 16k, are explored on the other side so the optimizer has evidence.
    - if: "input_tokens < 8000"
      route_to: cheap
      explore: 0.5
      explore_to: strong
      explore_band: 1.0
`;

beforeAll(async () => {
  redis = new Redis(REDIS_URL);
  const usage = (body: any) => ({ prompt_tokens: sizeOf(body), completion_tokens: 12 });
  cheap = await startFakeChatUpstream({
    script: ({ body }) =>
      sizeOf(body) >= 12_000
        ? { stream: chatToolCallChunks({ id: `call_${randomUUID().slice(0, 8)}`, name: 'exec_command', arguments: '{"cmd": ls -la', usage: usage(body) }) }
        : { stream: chatToolCallChunks({ id: `call_${randomUUID().slice(0, 8)}`, name: 'exec_command', arguments: '{"cmd":"ls -la"}', usage: usage(body) }) },
  });
  strong = await startFakeChatUpstream({
    script: ({ body }) => ({ stream: chatToolCallChunks({ id: `call_${randomUUID().slice(0, 8)}`, name: 'exec_command', arguments: '{"cmd":"ls -la"}', usage: usage(body) }) }),
  });
  writeFileSync(routesFile, routes(cheap.url, strong.url));
  gw = await startTestGateway(readFileSync(routesFile, 'utf8'), { env: { REDIS_URL, GATEWAY_REDIS_PREFIX: prefix } });
  queue = new Queue(TURN_QUEUE, { connection: { url: REDIS_URL } as any, prefix: `${prefix}:bull` });
  worker = startTurnWorker({
    redisUrl: REDIS_URL,
    prefix: `${prefix}:bull`,
    store: new RedisScoreStore({ redis, prefix }),
    evaluators: builtinEvaluators,
    logger: pino({ level: 'silent' }),
    concurrency: 8,
  });
}, 60_000);

afterAll(async () => {
  await worker?.close();
  await gw?.close();
  await cheap?.close();
  await strong?.close();
  await queue?.obliterate({ force: true }).catch(() => undefined);
  await queue?.close();
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

describe('traffic → scores → proposal', () => {
  it('proposes moving the threshold from 8000 to 12000 from explored, scored traffic', async () => {
    // Sizes spread evenly over 1k–16k; every turn its own Codex session.
    for (let i = 0; i < TURNS; i++) {
      const size = 1000 + Math.floor(((i * 7919) % TURNS) * (15_000 / TURNS));
      const res = await fetch(`${gw.url}/v1/responses`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'session-id': randomUUID() },
        body: JSON.stringify({ model: 'auto', stream: true, tools: [EXEC_TOOL], input: `size ${size}:${' word'.repeat(size)}` }),
      });
      expect(res.status).toBe(200);
      await res.text();
    }
    const explored = gw.turns.filter((t) => t.decision?.exploration);
    expect(explored.length).toBeGreaterThan(TURNS * 0.25);
    expect(explored.length).toBeLessThan(TURNS * 0.75);

    // Every turn scored by the worker.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const counts = await queue.getJobCounts('completed', 'waiting', 'active', 'delayed');
      if (counts.completed === TURNS) break;
      if (Date.now() > deadline) throw new Error(`jobs not all scored: ${JSON.stringify(counts)}`);
      await new Promise((r) => setTimeout(r, 100));
    }

    const outDir = join(dir, 'proposals');
    const { result } = await runOptimizer({ configFile: routesFile, env: { REDIS_URL, GATEWAY_REDIS_PREFIX: prefix }, since: '1d', outDir, minSamples: 5 });
    const rule = result.proposals.find((p) => p.ruleIndex === 0)!;
    expect(rule).toMatchObject({ cheap: 'cheap', strong: 'strong', threshold: 8000, proposedThreshold: 12000 });
    expect(rule.projectedWeeklySavingsUsd === null || rule.projectedWeeklySavingsUsd >= 0).toBe(true);
    const date = result.generatedAt.slice(0, 10);
    const diff = readFileSync(join(outDir, `${date}-routing.diff`), 'utf8');
    expect(diff).toContain('-    - if: "input_tokens < 8000"');
    expect(diff).toContain('+    - if: "input_tokens < 12000"');
    expect(existsSync(join(outDir, `${date}-routing.md`))).toBe(true);
    expect(existsSync(join(outDir, `${date}-routing.json`))).toBe(true);
    // The proposed file still loads and keeps its comments.
    const { applyRoutesDiff } = await import('../../optimizer/routes-diff.js');
    const proposed = applyRoutesDiff(readFileSync(routesFile, 'utf8'), diff);
    expect(proposed).toContain('# Small turns go to the cheap model');
    expect(parseConfig(proposed, routesFile).config.routing_policy?.rules?.[0].if).toBe('input_tokens < 12000');
  }, 180_000);
});
