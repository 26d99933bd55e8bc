// GET /admin/reports/cost reads the gateway's scores: the in-process score store
// (without REDIS_URL), or the worker's in Redis (with REDIS_URL, real Redis on
// 127.0.0.1:6379 under a unique prefix, removed after).
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { RedisScoreStore } from '../../evaluators/store/redis-score-store.js';
import { startGateway, type RunningGateway } from '../../src/server.js';
import { RedisLedger } from '../../src/usage/redis-ledger.js';
import { fill, fillScores } from '../unit/reports/report-fixtures.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const CONFIG = `routes:
  - alias: fast
    provider: openai_compatible
    model: gpt-x
    base_url: "http://127.0.0.1:9"
`;
const QUERY = 'by=developer&since=2026-11-23&until=2026-11-24&format=json';

type Row = { key: string; avgToolCallValidity: number | null; avgTaskCompletion: number | null; scoredTurns: unknown };

const started: RunningGateway[] = [];
afterAll(async () => {
  for (const gw of started) await gw.close();
});

async function start(env: NodeJS.ProcessEnv): Promise<RunningGateway> {
  const gw = await startGateway({ configText: CONFIG, port: 0, logger: pino({ level: 'silent' }), env });
  started.push(gw);
  return gw;
}

describe('GET /admin/reports/cost with scores', () => {
  it('in process: the gateway’s memory score store', async () => {
    const gw = await start({});
    expect(gw.scores).toBeDefined();
    await fillScores(gw.scores!);
    const res = await fetch(`${gw.url}/admin/reports/cost?${QUERY}`);
    expect(res.status).toBe(200);
    const j = (await res.json()) as { rows: Row[]; totals: Row };
    // The memory ledger has no turns for those days; the totals still hold every scored turn.
    expect(j.rows).toEqual([]);
    expect(j.totals).toMatchObject({ avgToolCallValidity: 0.611, avgTaskCompletion: 0.5, scoredTurns: { toolCallValidity: 3, taskCompletion: 2 } });
  });

  it('with REDIS_URL: the scores the worker keeps in Redis', async () => {
    const prefix = `test-report-admin-${process.pid}-${randomUUID()}`;
    const redis = new Redis(REDIS_URL);
    try {
      await fill(new RedisLedger({ redis, prefix }));
      await fillScores(new RedisScoreStore({ redis, prefix }));
      const gw = await start({ REDIS_URL, GATEWAY_REDIS_PREFIX: prefix });
      expect(gw.scores).toBeUndefined();
      const j = (await (await fetch(`${gw.url}/admin/reports/cost?${QUERY}`)).json()) as { rows: Row[]; totals: Row };
      expect(j.rows.find((r) => r.key === 'alice')).toMatchObject({ avgToolCallValidity: 0.75, avgTaskCompletion: 0.5, scoredTurns: { toolCallValidity: 2, taskCompletion: 2 } });
      expect(j.rows.find((r) => r.key === 'bob')).toMatchObject({ avgToolCallValidity: 0.333, avgTaskCompletion: null });
      expect(j.totals).toMatchObject({ avgToolCallValidity: 0.611, avgTaskCompletion: 0.5 });
      await started.pop()!.close();
    } finally {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
    }
  });
});
