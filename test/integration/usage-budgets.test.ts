// Budgets against the in-memory store and against the real Redis on 127.0.0.1:6379
// with two connections and two Budgets instances standing in for two gateway replicas:
// 79% → nothing, 80% → exactly one alert to a loopback webhook, 110% → 429
// usage_limit_reached with an integer resets_at, next period → admitted; reservations.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayError } from '../../src/http/errors.js';
import type { BudgetStore } from '../../src/usage/budget-store.js';
import { Budgets, type BudgetsConfig } from '../../src/usage/budgets.js';
import { MemoryBudgetStore } from '../../src/usage/memory-budget-store.js';
import { RedisBudgetStore } from '../../src/usage/redis-budget-store.js';
import { createUsage } from '../../src/usage/create-usage.js';
import { ledgerEntryFromTurn } from '../../src/usage/ledger-entry-from-turn.js';
import { recordTurnUsage } from '../../src/usage/record-turn-usage.js';
import { UsageLimitError } from '../../src/usage/usage-limit-error.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const connections: Redis[] = [];
const prefixes: string[] = [];

interface Logged {
  level: 'info' | 'warn' | 'error';
  obj: unknown;
  msg: string;
}

function testLogger(into: Logged[]) {
  const at = (level: Logged['level']) => (obj: unknown, msg?: string) => void into.push({ level, obj, msg: msg ?? String(obj) });
  return { info: at('info'), warn: at('warn'), error: at('error') } as never;
}

// Two replicas' stores: the same object in memory, two connections to one Redis.
const backends: [string, () => [BudgetStore, BudgetStore]][] = [
  [
    'memory',
    () => {
      const s = new MemoryBudgetStore();
      return [s, s];
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
      return [new RedisBudgetStore({ redis: ca, prefix }), new RedisBudgetStore({ redis: cb, prefix })];
    },
  ],
];

let receiver: WebhookReceiver;
beforeAll(async () => {
  receiver = await startWebhookReceiver();
});

afterAll(async () => {
  await receiver.close();
  const admin = new Redis(REDIS_URL);
  for (const prefix of prefixes) {
    const keys = await admin.keys(`${prefix}:*`);
    if (keys.length) await admin.del(...keys);
    expect(await admin.keys(`${prefix}:*`)).toEqual([]);
  }
  await admin.quit();
  await Promise.all(connections.map((c) => c.quit()));
});

interface Setup {
  a: Budgets;
  b: Budgets;
  logs: Logged[];
  setNow(iso: string): void;
}

function setup(make: () => [BudgetStore, BudgetStore], config: BudgetsConfig, start = '2026-11-10T12:00:00Z'): Setup {
  let now = new Date(start);
  const logs: Logged[] = [];
  const [sa, sb] = make();
  const opts = { config: () => config, logger: testLogger(logs), now: () => now };
  return {
    a: new Budgets({ ...opts, store: sa }),
    b: new Budgets({ ...opts, store: sb }),
    logs,
    setNow: (iso) => void (now = new Date(iso)),
  };
}

async function spend(budgets: Budgets, developer: string, usd: number, estimate = 0.01) {
  const { reservation } = await budgets.admit({ identity: { developer }, estimatedCostUsd: estimate });
  return budgets.settle(reservation, usd);
}

async function refusal(p: Promise<unknown>): Promise<UsageLimitError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UsageLimitError);
  return err as UsageLimitError;
}

describe.each(backends)('budgets: %s', (_name, make) => {
  it('79% → nothing; 80% → exactly one alert even with two replicas racing; 110% → 429 usage_limit_reached with integer resets_at; next period → admitted', async () => {
    receiver.received.length = 0;
    const dev = `dev-${randomUUID()}@example.com`;
    const config: BudgetsConfig = {
      budgets: [{ scope: 'developer', match: '*', period: 'monthly', limit_usd: 10 }],
      alerts: { webhook_url: receiver.url },
    };
    const { a, b, logs, setNow } = setup(make, config);

    // 79%.
    const r79 = await spend(a, dev, 7.9);
    expect(r79.alerts).toEqual([]);
    await Promise.all([a.drain(), b.drain()]);
    expect(receiver.received).toHaveLength(0);

    // Both replicas settle at once, both ending at or past 80%: one alert between them.
    const raced = await Promise.all([spend(a, dev, 0.1), spend(b, dev, 0.1), spend(a, dev, 0.05), spend(b, dev, 0.05)]);
    const alerts = raced.flatMap((r) => r.alerts);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: 'soft', scope: 'developer', value: dev, period: 'monthly', periodId: 'monthly:2026-11', limitUsd: 10, softPct: 80, hardPct: 110, resetsAt: Date.parse('2026-12-01T00:00:00Z') / 1000 });
    expect(alerts[0]!.spentUsd).toBeGreaterThanOrEqual(8);
    await Promise.all([a.drain(), b.drain()]);
    // Later spend in the same period does not alert again.
    expect((await spend(b, dev, 1)).alerts).toEqual([]);
    await Promise.all([a.drain(), b.drain()]);
    await new Promise((r) => setTimeout(r, 100));
    expect(receiver.received).toHaveLength(1);
    const post = receiver.received[0]!;
    expect(post.contentType).toBe('application/json');
    expect(post.body).toEqual({ text: alerts[0]!.text });
    expect((post.body as { text: string }).text).toContain(dev);
    expect(logs.filter((l) => l.level === 'warn' && l.msg === alerts[0]!.text)).toHaveLength(1);

    // Spent is now $9.20 (92%): still admitted. A stream admitted here that crosses 110%
    // mid-way finishes (its settle succeeds); the next request is refused.
    const { reservation } = await a.admit({ identity: { developer: dev }, estimatedCostUsd: 0.5 });
    await expect(a.settle(reservation, 2.0)).resolves.toEqual({ alerts: [] });
    expect((await b.usage('developer', dev, 'monthly')).spentUsd).toBe(11.2);

    for (const replica of [a, b]) {
      const err = await refusal(replica.admit({ identity: { developer: dev }, estimatedCostUsd: 0.01 }));
      expect(err).toBeInstanceOf(GatewayError);
      expect(err.status).toBe(429);
      expect(err.headers['retry-after'] ?? err.headers['Retry-After']).toBeUndefined();
      const body = JSON.parse(JSON.stringify(err.toBody()));
      expect(body.error.type).toBe('usage_limit_reached');
      expect(body.error.code).toBe('usage_limit_reached');
      expect(Number.isInteger(body.error.resets_at)).toBe(true);
      expect(body.error.resets_at).toBe(Date.parse('2026-12-01T00:00:00Z') / 1000);
      expect(body.error.message).toMatch(/monthly budget of developer '.*' is used up: \$11\.20 spent of \$10\.00/);
    }
    // An estimate of nothing is refused too once the limit is reached.
    await refusal(a.admit({ identity: { developer: dev }, estimatedCostUsd: 0 }));
    // Another developer is not affected.
    await expect(a.admit({ identity: { developer: `other-${dev}` }, estimatedCostUsd: 1 })).resolves.toMatchObject({ ok: true });

    // Next period: admitted again, and the soft alert can fire once more.
    setNow('2026-12-01T00:00:00Z');
    const next = await b.admit({ identity: { developer: dev }, estimatedCostUsd: 0.01 });
    expect(next.ok).toBe(true);
    expect(next.reservation.lines[0]!.periodId).toBe('monthly:2026-12');
    expect((await b.settle(next.reservation, 8)).alerts).toHaveLength(1);
    await b.drain();
    expect(receiver.received).toHaveLength(2);
  });

  it('exactly 80% of the limit alerts (micro-dollar arithmetic, no float drift)', async () => {
    const dev = `dev-${randomUUID()}@example.com`;
    const { a, b } = setup(make, { budgets: [{ scope: 'developer', match: dev, period: 'daily', limit_usd: 1, soft_pct: 80 }] });
    for (let i = 0; i < 7; i++) expect((await spend(i % 2 ? a : b, dev, 0.1)).alerts).toEqual([]);
    expect((await spend(a, dev, 0.09)).alerts).toEqual([]);
    // 0.1 × 7 + 0.09 + 0.01 = 0.8 exactly in micro-dollars (0.7999999… as floats).
    expect((await spend(b, dev, 0.01)).alerts).toHaveLength(1);
  });

  it('a reservation keeps two concurrent admissions from both passing when only one fits; settle releases the difference', async () => {
    const dev = `dev-${randomUUID()}@example.com`;
    // Hard limit: $1.10.
    const { a, b } = setup(make, { budgets: [{ scope: 'developer', match: '*', period: 'weekly', limit_usd: 1 }] });
    const results = await Promise.allSettled([
      a.admit({ identity: { developer: dev }, estimatedCostUsd: 0.7 }),
      b.admit({ identity: { developer: dev }, estimatedCostUsd: 0.7 }),
    ]);
    const passed = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r) => r.status === 'rejected');
    expect(passed).toHaveLength(1);
    expect(refused).toHaveLength(1);
    expect((refused[0] as PromiseRejectedResult).reason).toBeInstanceOf(UsageLimitError);
    expect(((refused[0] as PromiseRejectedResult).reason as UsageLimitError).resetsAt).toBe(Date.parse('2026-11-16T00:00:00Z') / 1000);
    expect(((refused[0] as PromiseRejectedResult).reason as UsageLimitError).message).toMatch(/no room for this request .*\$0\.70 held by requests in flight/);
    expect(await a.usage('developer', dev, 'weekly')).toEqual({ spentUsd: 0, reservedUsd: 0.7 });

    // The turn cost less than estimated: the difference is released.
    const { reservation } = (passed[0] as PromiseFulfilledResult<Awaited<ReturnType<Budgets['admit']>>>).value;
    await b.settle(reservation, 0.2);
    expect(await a.usage('developer', dev, 'weekly')).toEqual({ spentUsd: 0.2, reservedUsd: 0 });
    // Settling twice changes nothing.
    await a.settle(reservation, 0.2);
    expect(await b.usage('developer', dev, 'weekly')).toEqual({ spentUsd: 0.2, reservedUsd: 0 });
    // Now 0.7 fits (0.2 + 0.7 ≤ 1.1).
    const again = await a.admit({ identity: { developer: dev }, estimatedCostUsd: 0.7 });
    await a.settle(again.reservation, null); // unpriced: releases, charges nothing
    expect(await b.usage('developer', dev, 'weekly')).toEqual({ spentUsd: 0.2, reservedUsd: 0 });
  });

  it('many concurrent admissions across replicas never reserve past the hard limit', async () => {
    const team = `team-${randomUUID()}`;
    const { a, b } = setup(make, { budgets: [{ scope: 'team', match: '*', period: 'daily', limit_usd: 1, hard_pct: 110 }] });
    const results = await Promise.allSettled(Array.from({ length: 30 }, (_, i) => (i % 2 ? a : b).admit({ identity: { developer: `d${i}`, team }, estimatedCostUsd: 0.1 })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(11);
    expect((await a.usage('team', team, 'daily')).reservedUsd).toBeCloseTo(1.1, 9);
  });

  it('every applicable budget must admit: a blocked team blocks its developers, and nothing is reserved on refusal', async () => {
    const team = `team-${randomUUID()}`;
    const dev = `dev-${randomUUID()}`;
    const { a } = setup(make, {
      budgets: [
        { scope: 'developer', match: '*', period: 'monthly', limit_usd: 100 },
        { scope: 'team', match: team, period: 'daily', limit_usd: 1 },
      ],
    });
    const first = await a.admit({ identity: { developer: dev, team }, estimatedCostUsd: 0.5 });
    expect(first.reservation.lines.map((l) => l.scope)).toEqual(['developer', 'team']);
    await a.settle(first.reservation, 1.1);
    const err = await refusal(a.admit({ identity: { developer: dev, team }, estimatedCostUsd: 0.5 }));
    expect(err.resetsAt).toBe(Date.parse('2026-11-11T00:00:00Z') / 1000);
    expect(await a.usage('developer', dev, 'monthly')).toEqual({ spentUsd: 1.1, reservedUsd: 0 });
    // Without a team the team budget does not apply.
    await expect(a.admit({ identity: { developer: dev }, estimatedCostUsd: 0.5 })).resolves.toMatchObject({ ok: true });
  });

  it('a failing webhook is logged, never thrown into the request path', async () => {
    const dev = `dev-${randomUUID()}`;
    receiver.status = 500;
    try {
      const { a, logs } = setup(make, { budgets: [{ scope: 'developer', match: '*', period: 'daily', limit_usd: 1 }], alerts: { webhook_url: receiver.url } });
      const before = receiver.received.length;
      const r = await spend(a, dev, 0.9);
      expect(r.alerts).toHaveLength(1);
      await a.drain();
      expect(receiver.received.length).toBe(before + 1);
      expect(logs.some((l) => l.level === 'warn' && /webhook answered 500/.test(l.msg))).toBe(true);
      // The secret part of the webhook URL is never logged.
      expect(JSON.stringify(logs)).not.toContain('XXXX');
    } finally {
      receiver.status = 200;
    }
    const { a, logs } = setup(make, { budgets: [{ scope: 'developer', match: '*', period: 'daily', limit_usd: 1 }], alerts: { webhook_url: 'http://127.0.0.1:1/hook' } });
    await expect(spend(a, `x-${dev}`, 0.95)).resolves.toMatchObject({ alerts: [{ kind: 'soft' }] });
    await a.drain();
    expect(logs.some((l) => l.level === 'warn' && /webhook POST failed/.test(l.msg))).toBe(true);
  });

  it('without budgets everything is admitted and nothing is stored', async () => {
    const { a } = setup(make, {});
    const r = await a.admit({ identity: { developer: 'd' }, estimatedCostUsd: 1e9 });
    expect(r.reservation.lines).toEqual([]);
    await expect(a.settle(r.reservation, 1e9)).resolves.toEqual({ alerts: [] });
  });
});

describe('createUsage', () => {
  it('puts the ledger and budgets on one Redis connection when REDIS_URL is set', async () => {
    const prefix = `test-usage-${process.pid}-${randomUUID()}`;
    prefixes.push(prefix);
    const logs: Logged[] = [];
    const usage = createUsage({ REDIS_URL }, () => ({ budgets: [{ scope: 'repo', match: '*', period: 'daily', limit_usd: 1 }] }), { logger: testLogger(logs), prefix });
    expect(usage.ledger.kind).toBe('redis');
    const { reservation } = await usage.budgets.admit({ identity: { repo: 'github.com/acme/api' }, estimatedCostUsd: 0.2 });
    await usage.budgets.settle(reservation, 0.1);
    expect((await usage.budgets.usage('repo', 'github.com/acme/api', 'daily')).spentUsd).toBe(0.1);
    await usage.close();
    const mem = createUsage({}, () => ({}), { logger: testLogger(logs) });
    expect(mem.ledger.kind).toBe('memory');
    await mem.close();
  });
});

describe('when the budget store is unreachable', () => {
  it('admits (fail open), settles without throwing, and logs both', async () => {
    const dead = new Redis('redis://127.0.0.1:1', { lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
    dead.on('error', () => {});
    const logs: Logged[] = [];
    const budgets = new Budgets({
      store: new RedisBudgetStore({ redis: dead, prefix: 'unused' }),
      config: () => ({ budgets: [{ scope: 'developer', match: '*', period: 'daily', limit_usd: 1 }] }),
      logger: testLogger(logs),
    });
    const { reservation } = await budgets.admit({ identity: { developer: 'd' }, estimatedCostUsd: 0.5 });
    expect(reservation.reservedMicro).toBe(0);
    await expect(budgets.settle(reservation, 0.5)).resolves.toEqual({ alerts: [] });
    expect(logs.filter((l) => l.level === 'error').map((l) => l.msg)).toEqual([
      'budget: the budget store is unreachable; admitting without a reservation',
      'budget: the budget store is unreachable; this turn is not charged to its budgets',
    ]);
    dead.disconnect();
  });
});

describe('recordTurnUsage', () => {
  it('settles the reservation and adds the turn to the ledger in one call, returning the alerts', async () => {
    const prefix = `test-usage-${process.pid}-${randomUUID()}`;
    prefixes.push(prefix);
    const logs: Logged[] = [];
    const now = new Date('2026-11-24T10:00:00Z');
    const usage = createUsage({ REDIS_URL }, () => ({ budgets: [{ scope: 'key', match: '*', period: 'daily', limit_usd: 1 }] }), { logger: testLogger(logs), prefix, now: () => now });
    const { reservation } = await usage.budgets.admit({ identity: { key: 'k1', developer: 'd' }, estimatedCostUsd: 0.1 });
    const entry = ledgerEntryFromTurn(
      { alias: 'a', provider: 'anthropic', upstreamModel: 'm', usage: { inputTokens: 1, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 1, reasoningTokens: 0 }, identity: { developer: 'd' } },
      { costUsd: 0.85 },
      { at: now, key: 'k1' },
    );
    const alerts = await recordTurnUsage(usage, { reservation, entry }, testLogger(logs));
    expect(alerts.map((a) => [a.scope, a.value, a.pct])).toEqual([['key', 'k1', 85]]);
    expect((await usage.ledger.totals({ dimension: 'key', value: 'k1', since: now })).costUsd).toBe(0.85);
    expect(await usage.budgets.usage('key', 'k1', 'daily')).toEqual({ spentUsd: 0.85, reservedUsd: 0 });
    await usage.close();
  });
});
