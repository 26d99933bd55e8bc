// Budgets through the gateway: turns are reserved at admission and charged at the end;
// 80% sends one alert; past 110% the developer gets the 429 shape on which the real
// Codex CLI stops with its usage-limit message instead of retrying.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { startGateway, type RunningGateway } from '../../src/server.js';
import { startFakeChatUpstream, chatTextChunks, type FakeChatUpstream } from '../support/fake-chat-upstream.js';
import { startWebhookReceiver, type WebhookReceiver } from '../support/webhook-receiver.js';
import { runCodexExec } from '../support/run-codex.js';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';

let upstream: FakeChatUpstream;
let webhook: WebhookReceiver;
let gw: RunningGateway;

beforeAll(async () => {
  // gpt-5-mini at $0.25/M in, $2/M out: 100k in + 10k out = $0.045 a turn.
  upstream = await startFakeChatUpstream({ script: () => ({ stream: chatTextChunks('ok', { usage: { prompt_tokens: 100_000, completion_tokens: 10_000 } }) }) });
  webhook = await startWebhookReceiver();
  gw = await startGateway({
    configText: `routes:
  - alias: mini
    provider: openai_compatible
    model: gpt-5-mini
    base_url: "${upstream.url}"
attributes:
  fi.attributes.user.id: "\${headers.x-developer-email}"
budgets:
  - scope: developer
    match: "*"
    period: monthly
    limit_usd: 0.45
    soft_pct: 80
    hard_pct: 110
  - scope: developer
    match: "blocked@example.com"
    period: monthly
    limit_usd: 0.0000001
alerts:
  webhook_url: "${webhook.url}/hooks/budget"
`,
    port: 0,
    logger: pino({ level: 'silent' }),
    env: {},
  });
});

afterAll(async () => {
  await gw?.close();
  await upstream?.close();
  await webhook?.close();
});

async function ask(developer: string): Promise<Response> {
  return fetch(`${gw.url}/v1/responses`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-developer-email': developer },
    body: JSON.stringify({ model: 'mini', input: 'hi' }),
  });
}

// Charging settles after the answer: wait until the ledger shows `turns` turns.
async function charged(developer: string, turns: number): Promise<void> {
  await expect.poll(async () => (await gw.usage.ledger.report({ by: 'developer', since: new Date(Date.now() - 3_600_000) })).find((r) => r.key === developer)?.turns).toBe(turns);
}

describe('budgets at admission', () => {
  it('70% → nothing; 80% → exactly one alert; past 110% → 429 usage_limit_reached with an integer resets_at', async () => {
    const dev = 'dev-budget@example.com';
    for (let i = 1; i <= 7; i++) expect((await ask(dev)).status).toBe(200);
    await charged(dev, 7); // $0.315 = 70%
    expect(webhook.received).toHaveLength(0);

    expect((await ask(dev)).status).toBe(200);
    await charged(dev, 8); // $0.36 = 80%
    const [alert] = await webhook.waitFor(1);
    expect(alert.path.endsWith('/hooks/budget')).toBe(true);
    expect(JSON.stringify(alert.body)).toContain(dev);

    for (let i = 9; i <= 11; i++) expect((await ask(dev)).status).toBe(200);
    await charged(dev, 11); // $0.495 = 110%
    const refused = await ask(dev);
    expect(refused.status).toBe(429);
    const body = await refused.json();
    expect(body.error).toMatchObject({ type: 'usage_limit_reached', code: 'usage_limit_reached' });
    expect(Number.isInteger(body.error.resets_at)).toBe(true);
    expect(body.error.resets_at).toBeGreaterThan(Date.now() / 1000);
    // Still exactly one alert for this developer and period.
    expect(webhook.received.filter((w) => JSON.stringify(w.body).includes(dev))).toHaveLength(1);
    // Other developers are not affected.
    expect((await ask('someone-else@example.com')).status).toBe(200);
  });

  it('the real Codex CLI against a blocked developer stops after one request with its usage-limit message', async () => {
    // A counting proxy in front of the gateway: how many times does Codex ask?
    let requests = 0;
    const target = new URL(gw.url);
    const proxy: Server = createServer((req, res) => {
      requests++;
      const up = httpRequest({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (r) => {
        res.writeHead(r.statusCode!, r.headers);
        r.pipe(res);
      });
      req.pipe(up);
    });
    await new Promise<void>((r) => proxy.listen(0, '127.0.0.1', r));
    const workdir = await mkdtemp(join(tmpdir(), 'codex-budget-'));
    const before = upstream.requests.length;
    try {
      const run = await runCodexExec({
        baseUrl: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}/v1`,
        model: 'mini',
        prompt: 'Say hello.',
        workdir,
        httpHeaders: { 'x-developer-email': 'blocked@example.com' },
        timeoutMs: 60_000,
      });
      expect(run.timedOut).toBe(false);
      expect(run.code).not.toBe(0);
      expect(`${run.stdout}\n${run.stderr}`).toMatch(/usage limit/i);
      expect(requests).toBe(1);
      expect(upstream.requests.length).toBe(before);
    } finally {
      await new Promise<void>((r) => proxy.close(() => r()));
      await rm(workdir, { recursive: true, force: true });
    }
  });

  it('GET /admin/reports/cost reports the ledger by developer (JSON and CSV)', async () => {
    const json = await (await fetch(`${gw.url}/admin/reports/cost?by=developer&since=1d`)).json();
    const row = json.rows.find((r: any) => r.key === 'dev-budget@example.com');
    expect(row).toMatchObject({ turns: 11, costUsd: expect.closeTo(0.495, 9) });
    const csv = await (await fetch(`${gw.url}/admin/reports/cost?by=developer&since=1d&format=csv`)).text();
    expect(csv.split('\n')[0]).toContain('turns');
    expect((await fetch(`${gw.url}/admin/reports/cost?since=7days`)).status).toBe(400);
  });

  it('an alert is also a span event under the turn that crossed the threshold', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
    const hook = await startWebhookReceiver();
    const traced = await startGateway({
      configText: `routes:
  - alias: mini
    provider: openai_compatible
    model: gpt-5-mini
    base_url: "${upstream.url}"
attributes:
  fi.attributes.user.id: "\${headers.x-developer-email}"
budgets:
  - { scope: developer, match: "*", period: daily, limit_usd: 0.05 }
alerts:
  webhook_url: "${hook.url}"
`,
      port: 0,
      logger: pino({ level: 'silent' }),
      env: {},
      tracerProvider: provider,
    });
    try {
      // One turn: $0.045 of a $0.05 budget = 90%.
      const res = await fetch(`${traced.url}/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-developer-email': 'traced@example.com' }, body: JSON.stringify({ model: 'mini', input: 'hi' }) });
      expect(res.status).toBe(200);
      await res.json();
      await hook.waitFor(1);
      await expect.poll(() => exporter.getFinishedSpans().some((s) => s.name === 'gateway.budget.alert')).toBe(true);
      const spans = exporter.getFinishedSpans();
      const alert = spans.find((s) => s.name === 'gateway.budget.alert')!;
      const root = spans.find((s) => s.name === 'POST /v1/responses')!;
      expect(alert.spanContext().traceId).toBe(root.spanContext().traceId);
      expect(alert.parentSpanContext?.spanId ?? (alert as any).parentSpanId).toBe(root.spanContext().spanId);
      expect(alert.events[0]).toMatchObject({ name: 'gateway.budget.alert', attributes: { 'gateway.budget.scope': 'developer', 'gateway.budget.value': 'traced@example.com', 'gateway.budget.soft_pct': 80 } });
    } finally {
      await traced.close();
      await hook.close();
      await provider.shutdown();
    }
  });
});
