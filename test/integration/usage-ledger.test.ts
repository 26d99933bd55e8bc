// The usage ledger contract, run against the in-memory ledger and against the real
// Redis on 127.0.0.1:6379 with two connections standing in for two gateway replicas.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import type { LedgerEntry, UsageLedger } from '../../src/usage/ledger-types.js';
import { MemoryLedger } from '../../src/usage/memory-ledger.js';
import { RedisLedger } from '../../src/usage/redis-ledger.js';
import { createLedger } from '../../src/usage/create-usage.js';
import { ledgerEntryFromTurn } from '../../src/usage/ledger-entry-from-turn.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const NOW = new Date('2026-11-24T12:00:00Z');
const clock = () => NOW;

interface Replicas {
  a: UsageLedger;
  b: UsageLedger;
}

const connections: Redis[] = [];
const prefixes: string[] = [];

const backends: [string, () => Replicas][] = [
  [
    'memory',
    () => {
      const l = new MemoryLedger({ now: clock });
      return { a: l, b: l };
    },
  ],
  [
    'redis (two replicas)',
    () => {
      const prefix = `test-usage-${process.pid}-${randomUUID()}`;
      prefixes.push(prefix);
      const ca = new Redis(REDIS_URL);
      const cb = new Redis(REDIS_URL);
      connections.push(ca, cb);
      return { a: new RedisLedger({ redis: ca, prefix, now: clock }), b: new RedisLedger({ redis: cb, prefix, now: clock }) };
    },
  ],
];

afterAll(async () => {
  const admin = new Redis(REDIS_URL);
  for (const prefix of prefixes) {
    const keys = await admin.keys(`${prefix}:*`);
    if (keys.length) await admin.del(...keys);
    expect(await admin.keys(`${prefix}:*`)).toEqual([]);
  }
  await admin.quit();
  await Promise.all(connections.map((c) => c.quit()));
});

function entry(over: Partial<LedgerEntry> = {}): LedgerEntry {
  return {
    at: NOW,
    developer: 'dev1@example.com',
    team: 'payments',
    key: 'dev-laptop-1',
    repo: 'github.com/acme/api',
    route: 'claude-via-gateway',
    provider: 'anthropic',
    model: 'claude-opus-4-7-20260420',
    tokens: { input: 1000, cached: 400, cacheWrite: 100, output: 200, reasoning: 50 },
    costUsd: 0.01,
    turns: 1,
    ...over,
  };
}

describe.each(backends)('usage ledger: %s', (_name, make) => {
  it('N concurrent adds from two replicas sum exactly (tokens and micro-dollars)', async () => {
    const { a, b } = make();
    const N = 400;
    const entries = Array.from({ length: N }, (_, i) =>
      entry({
        developer: `dev${i % 3}@example.com`,
        // Costs that drift as floats: 0.1, 0.2, 0.3 … and odd micro amounts.
        costUsd: ((i % 7) + 1) / 10 + (i % 13) * 0.000001,
        cacheSavingsUsd: 0.000003,
        tokens: { input: 1000 + i, cached: i, cacheWrite: i % 5, output: 10 + (i % 11), reasoning: i % 3 },
      }),
    );
    await Promise.all(entries.map((e, i) => (i % 2 === 0 ? a : b).add(e)));
    const expectedMicro = entries.reduce((s, e) => s + Math.round((e.costUsd as number) * 1e6), 0);
    const sum = (f: (e: LedgerEntry) => number) => entries.reduce((s, e) => s + f(e), 0);

    for (const reader of [a, b]) {
      const [day] = await reader.report({ by: 'day', since: NOW });
      expect(day!.key).toBe('2026-11-24');
      expect(day!.turns).toBe(N);
      expect(Math.round(day!.costUsd * 1e6)).toBe(expectedMicro);
      expect(day!.costUsd).toBe(expectedMicro / 1e6);
      expect(day!.inputTokens).toBe(sum((e) => e.tokens.input));
      expect(day!.cachedTokens).toBe(sum((e) => e.tokens.cached));
      expect(day!.cacheWriteTokens).toBe(sum((e) => e.tokens.cacheWrite));
      expect(day!.outputTokens).toBe(sum((e) => e.tokens.output));
      expect(day!.reasoningTokens).toBe(sum((e) => e.tokens.reasoning));
      expect(day!.unpricedTurns).toBe(0);
      expect(day!.cacheSavingsUsd).toBe((N * 3) / 1e6);

      const byDev = await reader.report({ by: 'developer', since: NOW });
      expect(byDev.map((r) => r.key).sort()).toEqual(['dev0@example.com', 'dev1@example.com', 'dev2@example.com']);
      expect(byDev.reduce((s, r) => s + r.turns, 0)).toBe(N);
      expect(byDev.reduce((s, r) => s + Math.round(r.costUsd * 1e6), 0)).toBe(expectedMicro);
      const dev0 = entries.filter((e) => e.developer === 'dev0@example.com');
      const t = await reader.totals({ dimension: 'developer', value: 'dev0@example.com', since: NOW });
      expect(t.turns).toBe(dev0.length);
      expect(Math.round(t.costUsd * 1e6)).toBe(dev0.reduce((s, e) => s + Math.round((e.costUsd as number) * 1e6), 0));
    }
  });

  it('reports by every dimension, counts unpriced turns apart, filters by day, and gives the per-developer per-model daily series', async () => {
    const { a, b } = make();
    await a.add(entry({ costUsd: 0.5 }));
    await b.add(entry({ developer: 'dev2@example.com', team: undefined, model: 'self-hosted-qwen', provider: 'openai_compatible', route: 'local', costUsd: null }));
    await a.add(entry({ at: new Date('2026-11-22T23:59:59Z'), repo: 'github.com/acme/web', costUsd: 0.25 }));
    await b.add(entry({ at: new Date('2026-11-10T00:00:00Z'), costUsd: 9 }));

    const since = new Date('2026-11-22T08:00:00Z');
    const byModel = await a.report({ by: 'model', since });
    expect(byModel).toEqual([
      { key: 'claude-opus-4-7-20260420', turns: 2, inputTokens: 2000, cachedTokens: 800, cacheWriteTokens: 200, outputTokens: 400, reasoningTokens: 100, costUsd: 0.75, unpricedTurns: 0, cacheSavingsUsd: 0 },
      { key: 'self-hosted-qwen', turns: 1, inputTokens: 1000, cachedTokens: 400, cacheWriteTokens: 100, outputTokens: 200, reasoningTokens: 50, costUsd: 0, unpricedTurns: 1, cacheSavingsUsd: 0 },
    ]);
    expect((await b.report({ by: 'team', since })).map((r) => [r.key, r.turns, r.unpricedTurns])).toEqual([
      ['payments', 2, 0],
      ['(unknown)', 1, 1],
    ]);
    expect((await b.report({ by: 'repo', since })).map((r) => [r.key, r.costUsd])).toEqual([
      ['github.com/acme/api', 0.5],
      ['github.com/acme/web', 0.25],
    ]);
    expect((await a.report({ by: 'route', since })).map((r) => r.key)).toEqual(['claude-via-gateway', 'local']);
    expect((await a.report({ by: 'day', since })).map((r) => [r.key, r.turns, r.costUsd])).toEqual([
      ['2026-11-22', 1, 0.25],
      ['2026-11-24', 2, 0.5],
    ]);
    // until bounds the range; since without until runs to now.
    expect((await a.report({ by: 'day', since: new Date('2026-11-01T00:00:00Z'), until: new Date('2026-11-23T00:00:00Z') })).map((r) => r.key)).toEqual(['2026-11-10', '2026-11-22']);
    const keyTotals = await b.totals({ dimension: 'key', value: 'dev-laptop-1', since: new Date('2026-11-01T00:00:00Z') });
    expect([keyTotals.turns, keyTotals.costUsd, keyTotals.unpricedTurns]).toEqual([4, 9.75, 1]);
    expect((await b.totals({ dimension: 'developer', value: 'nobody', since })).turns).toBe(0);

    // The chart's series: cost per developer per day, stacked by model.
    expect(await a.costSeries({ since: new Date('2026-11-01T00:00:00Z') })).toEqual([
      { day: '2026-11-10', developer: 'dev1@example.com', model: 'claude-opus-4-7-20260420', turns: 1, costUsd: 9, unpricedTurns: 0 },
      { day: '2026-11-22', developer: 'dev1@example.com', model: 'claude-opus-4-7-20260420', turns: 1, costUsd: 0.25, unpricedTurns: 0 },
      { day: '2026-11-24', developer: 'dev1@example.com', model: 'claude-opus-4-7-20260420', turns: 1, costUsd: 0.5, unpricedTurns: 0 },
      { day: '2026-11-24', developer: 'dev2@example.com', model: 'self-hosted-qwen', turns: 1, costUsd: 0, unpricedTurns: 1 },
    ]);
  });
});

describe('createLedger', () => {
  it('picks Redis when REDIS_URL is set, memory otherwise, and says which once', async () => {
    const lines: string[] = [];
    const logger = { info: (_o: unknown, msg: string) => lines.push(msg), warn: () => {}, error: () => {} } as never;
    const mem = createLedger({}, { logger });
    expect(mem.kind).toBe('memory');
    const prefix = `test-usage-${process.pid}-${randomUUID()}`;
    prefixes.push(prefix);
    const red = createLedger({ REDIS_URL }, { logger, prefix });
    expect(red.kind).toBe('redis');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/in memory/);
    expect(lines[1]).toMatch(/Redis/);
    await red.add(ledgerEntryFromTurn(
      { alias: 'gpt-5.1', provider: 'openai', upstreamModel: 'gpt-5.1', usage: { inputTokens: 10, cachedInputTokens: 2, cacheWriteTokens: 0, outputTokens: 5, reasoningTokens: 1 }, identity: { developer: 'd' } },
      { costUsd: 0.000123 },
      { at: NOW },
    ));
    const rows = await red.report({ by: 'developer', since: NOW, until: NOW });
    expect(rows.map((r) => [r.key, r.turns, r.inputTokens, r.costUsd])).toEqual([['d', 1, 10, 0.000123]]);
    await red.close();
    await mem.close();
  });
});
