// Every finished turn is priced and charged to the usage ledger; with REDIS_URL several
// gateway replicas share one ledger and charge it exactly (real Redis on 127.0.0.1:6379).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { startGateway, type RunningGateway } from '../../src/server.js';
import { startFakeChatUpstream, chatTextChunks, type FakeChatUpstream } from '../support/fake-chat-upstream.js';
import type { TurnSummary } from '../../src/pipeline/turn.js';
import { parsePrometheusText, samples } from '../unit/metrics/prometheus-text.js';

const prefix = `test-usage-${randomUUID()}`;
let upstream: FakeChatUpstream;
const gateways: RunningGateway[] = [];
const turns: TurnSummary[] = [];

beforeAll(async () => {
  // 1000 prompt and 100 completion tokens per turn.
  upstream = await startFakeChatUpstream({ script: () => ({ stream: chatTextChunks('ok', { usage: { prompt_tokens: 1000, completion_tokens: 100 } }) }) });
  const config = `routes:
  - alias: mini
    provider: openai_compatible
    model: gpt-5-mini
    base_url: "${upstream.url}"
  - alias: homegrown
    provider: openai_compatible
    model: my-own-finetune
    base_url: "${upstream.url}"
attributes:
  fi.attributes.user.id: "\${headers.x-developer-email}"
`;
  for (let i = 0; i < 2; i++) {
    gateways.push(
      await startGateway({
        configText: config,
        port: 0,
        logger: pino({ level: 'silent' }),
        onTurn: (t) => turns.push(t),
        env: { REDIS_URL: 'redis://127.0.0.1:6379', GATEWAY_REDIS_PREFIX: prefix },
      }),
    );
  }
});

afterAll(async () => {
  for (const gw of gateways) await gw.close();
  await upstream?.close();
  const redis = new Redis('redis://127.0.0.1:6379');
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

async function ask(gw: RunningGateway, model: string): Promise<void> {
  const res = await fetch(`${gw.url}/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-developer-email': 'dev1@example.com' }, body: JSON.stringify({ model, input: 'hi' }) });
  expect(res.status).toBe(200);
  await res.json();
}

describe('cost and the usage ledger', () => {
  it('prices each turn from the price card: gpt-5-mini at $0.25/M input and $2/M output', async () => {
    await ask(gateways[0], 'mini');
    // 1000 × 0.25e-6 + 100 × 2e-6 = 0.00025 + 0.0002
    expect(turns.at(-1)!.cost).toEqual({ usd: expect.closeTo(0.00045, 12), cacheSavingsUsd: 0, priceVersion: expect.stringMatching(/^genai-prices@0\.1\.8\//) });
  });

  it('an unpriced model costs null, never 0, with a warning', async () => {
    await ask(gateways[1], 'homegrown');
    expect(turns.at(-1)!.cost!.usd).toBeNull();
    expect(turns.at(-1)!.warnings.some((w) => w.startsWith('unpriced model'))).toBe(true);
  });

  it('two gateway replicas sharing Redis charge one ledger exactly: N concurrent turns → the exact sum', async () => {
    const N = 40;
    const since = new Date(Date.now() - 60_000);
    const before = (await gateways[0].usage.ledger.report({ by: 'route', since })).find((r) => r.key === 'mini');
    await Promise.all(Array.from({ length: N }, (_, i) => ask(gateways[i % 2], 'mini')));
    // Charging is asynchronous to the answer: wait for the last adds to land.
    await expect
      .poll(async () => (await gateways[1].usage.ledger.report({ by: 'route', since })).find((r) => r.key === 'mini')?.turns, { timeout: 5000 })
      .toBe((before?.turns ?? 0) + N);
    const row = (await gateways[1].usage.ledger.report({ by: 'route', since })).find((r) => r.key === 'mini')!;
    expect(row.inputTokens - (before?.inputTokens ?? 0)).toBe(N * 1000);
    expect(row.outputTokens - (before?.outputTokens ?? 0)).toBe(N * 100);
    // Integer micro-dollars in Redis: 41 turns × $0.00045 exactly.
    expect(row.costUsd).toBe(Math.round((N + 1) * 450) / 1_000_000);
    const byDeveloper = await gateways[0].usage.ledger.report({ by: 'developer', since });
    expect(byDeveloper.find((r) => r.key === 'dev1@example.com')?.turns).toBe(N + 2);
    const unpriced = (await gateways[0].usage.ledger.report({ by: 'route', since })).find((r) => r.key === 'homegrown')!;
    expect(unpriced).toMatchObject({ turns: 1, unpricedTurns: 1 });
  });

  it('GET /metrics carries the cost, and unpriced turns apart', async () => {
    const families = parsePrometheusText(await (await fetch(`${gateways[0].url}/metrics`)).text());
    const mini = samples(families, 'gateway_cost_usd_total', { route: 'mini' });
    expect(mini.reduce((n, s) => n + s.value, 0)).toBeGreaterThan(0);
    expect(samples(families, 'gateway_cost_usd_total', { route: 'homegrown' })).toHaveLength(0);
  });
});
