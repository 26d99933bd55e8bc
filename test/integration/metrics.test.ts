// GET /metrics over real HTTP: a tiny Express app mounts the metrics handler the way
// the gateway's app does, turns are recorded, and the scraped text is parsed strictly
// as Prometheus text format 0.0.4.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import express from 'express';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGatewayMetrics, type GatewayMetrics } from '../../src/metrics/create-gateway-metrics.js';
import { family, parsePrometheusText, sampleValue, samples } from '../unit/metrics/prometheus-text.js';
import { makeTurn } from '../unit/metrics/turn-fixture.js';
import { pino } from 'pino';
import { startGateway } from '../../src/server.js';
import { startFakeChatUpstream, chatTextChunks } from '../support/fake-chat-upstream.js';
import { compatRoute } from '../support/gateway.js';

let server: Server;
let url: string;
let metrics: GatewayMetrics;

beforeAll(async () => {
  metrics = createGatewayMetrics({ maxLabelValues: 3 });
  const app = express();
  app.get('/metrics', metrics.handler);
  server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await metrics.close();
});

describe('GET /metrics', () => {
  it('serves Prometheus text with requests, errors, duration and TTFT histograms and tokens by route, provider, developer and repo', async () => {
    const alice = { developer: 'alice@example.com', team: 'payments', repo: 'github.com/acme/payments' };
    const bob = { developer: 'bob@example.com', repo: 'github.com/acme/web' };
    metrics.recordTurn(makeTurn({ id: 'a1' }, alice));
    metrics.recordTurn(makeTurn({ id: 'a2', latencyMs: 90_000, ttftMs: 1200 }, alice));
    metrics.recordTurn(
      makeTurn(
        {
          id: 'b1',
          dialect: 'chat',
          alias: 'gemini-2.5-pro-via-gateway',
          provider: 'google',
          stream: false,
          usage: { inputTokens: 5000, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 700, reasoningTokens: 300 },
        },
        bob,
      ),
    );
    metrics.recordTurn(makeTurn({ id: 'b2', status: 'failed', httpStatus: 502, errorCode: 'upstream_error', usage: undefined, ttftMs: undefined }, bob));
    // A turn from before identity existed (no developer or repo).
    metrics.recordTurn(makeTurn({ id: 'n1', alias: 'gpt-5.1', provider: 'openai' }));

    const res = await fetch(`${url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const f = parsePrometheusText(await res.text());

    expect(family(f, 'gateway_requests_total').type).toBe('counter');
    expect(family(f, 'gateway_errors_total').type).toBe('counter');
    expect(family(f, 'gateway_tokens_total').type).toBe('counter');
    expect(family(f, 'gateway_request_duration_seconds').type).toBe('histogram');
    expect(family(f, 'gateway_time_to_first_token_seconds').type).toBe('histogram');

    const claude = { route: 'claude-opus-4-7-via-gateway', provider: 'anthropic' };
    const gemini = { route: 'gemini-2.5-pro-via-gateway', provider: 'google' };
    expect(sampleValue(f, 'gateway_requests_total', { ...claude, dialect: 'responses', status: 'completed', developer: alice.developer, repo: alice.repo })).toBe(2);
    expect(sampleValue(f, 'gateway_requests_total', { ...gemini, dialect: 'chat', status: 'completed', developer: bob.developer, repo: bob.repo })).toBe(1);
    expect(sampleValue(f, 'gateway_requests_total', { ...claude, status: 'failed', developer: bob.developer })).toBe(1);
    expect(sampleValue(f, 'gateway_requests_total', { route: 'gpt-5.1', provider: 'openai', developer: 'unknown', repo: 'unknown' })).toBe(1);
    expect(sampleValue(f, 'gateway_requests_total')).toBe(5);

    expect(samples(f, 'gateway_errors_total')).toEqual([{ name: 'gateway_errors_total', labels: { ...claude, error_code: 'upstream_error' }, value: 1 }]);

    expect(sampleValue(f, 'gateway_request_duration_seconds_count')).toBe(5);
    expect(sampleValue(f, 'gateway_request_duration_seconds_count', { ...claude, stream: 'true', status: 'completed' })).toBe(2);
    expect(sampleValue(f, 'gateway_request_duration_seconds_sum', { ...claude, status: 'completed' })).toBeCloseTo(91.5);
    expect(sampleValue(f, 'gateway_request_duration_seconds_bucket', { ...claude, status: 'completed', le: '81.92' })).toBe(1);
    expect(sampleValue(f, 'gateway_request_duration_seconds_bucket', { ...claude, status: 'completed', le: '163.84' })).toBe(2);
    expect(sampleValue(f, 'gateway_time_to_first_token_seconds_count')).toBe(4);
    expect(sampleValue(f, 'gateway_time_to_first_token_seconds_bucket', { ...claude, le: '1' })).toBe(1);
    expect(sampleValue(f, 'gateway_time_to_first_token_seconds_bucket', { ...claude, le: '2.5' })).toBe(2);

    const tokens = (labels: Record<string, string>) => sampleValue(f, 'gateway_tokens_total', labels);
    expect(tokens({ type: 'input', developer: alice.developer, repo: alice.repo })).toBe(2000);
    expect(tokens({ type: 'cached', developer: alice.developer })).toBe(800);
    expect(tokens({ type: 'output', ...gemini, developer: bob.developer, repo: bob.repo })).toBe(700);
    expect(tokens({ type: 'reasoning', ...gemini })).toBe(300);
    expect(tokens({ type: 'input' })).toBe(8000);
  });

  it('puts developers past the cap under `other` (cap 3 here)', async () => {
    for (const dev of ['c@x', 'd@x', 'e@x']) metrics.recordTurn(makeTurn({}, { developer: dev, repo: 'github.com/acme/web' }));
    const f = parsePrometheusText(await (await fetch(`${url}/metrics`)).text());
    const devs = new Set(samples(f, 'gateway_requests_total').map((s) => s.labels.developer));
    // alice and bob from the first test, then c@x; d@x and e@x are `other`.
    expect(devs).toEqual(new Set(['alice@example.com', 'bob@example.com', 'c@x', 'other', 'unknown']));
    expect(sampleValue(f, 'gateway_requests_total', { developer: 'other' })).toBe(2);
  });
});

describe('metrics from real turns', () => {
  it('records the TurnSummary of a request through the gateway (its onTurn listener)', async () => {
    const upstream = await startFakeChatUpstream({
      script: () => ({ stream: chatTextChunks('Hello.', { splitInto: 3, usage: { prompt_tokens: 42, completion_tokens: 7 } }) }),
    });
    const own = createGatewayMetrics();
    const seen: string[] = [];
    const gw = await startGateway({
      configText: `routes:\n${compatRoute('local-coder', upstream.url)}`,
      port: 0,
      host: '127.0.0.1',
      logger: pino({ level: 'silent' }),
      onTurn: own.listen((t) => seen.push(t.id)),
      env: {},
    });
    const app = express();
    app.get('/metrics', own.handler);
    const metricsServer = createServer(app);
    await new Promise<void>((r) => metricsServer.listen(0, '127.0.0.1', r));
    try {
      const res = await fetch(`${gw.url}/v1/responses`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-developer-email': 'dev1@example.com', 'x-repo': 'acme/payments' },
        body: JSON.stringify({ model: 'local-coder', input: 'Say hello', stream: true }),
      });
      expect(res.status).toBe(200);
      await res.text();
      for (let i = 0; i < 50 && seen.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(seen).toHaveLength(1);
      const port = (metricsServer.address() as AddressInfo).port;
      const f = parsePrometheusText(await (await fetch(`http://127.0.0.1:${port}/metrics`)).text());
      const route = { route: 'local-coder', provider: 'openai_compatible' };
      expect(sampleValue(f, 'gateway_requests_total', { ...route, dialect: 'responses', status: 'completed' })).toBe(1);
      expect(sampleValue(f, 'gateway_request_duration_seconds_count', { ...route, stream: 'true' })).toBe(1);
      expect(sampleValue(f, 'gateway_time_to_first_token_seconds_count', route)).toBe(1);
      expect(sampleValue(f, 'gateway_tokens_total', { ...route, type: 'input' })).toBe(42);
      expect(sampleValue(f, 'gateway_tokens_total', { ...route, type: 'output' })).toBe(7);
      // developer and repo come from the turn's identity once the tracing work sets it; until then `unknown`.
      const dev = samples(f, 'gateway_requests_total', route)[0].labels.developer;
      expect(['dev1@example.com', 'unknown']).toContain(dev);
    } finally {
      metricsServer.closeAllConnections();
      await new Promise<void>((r) => metricsServer.close(() => r()));
      await gw.close();
      await upstream.close();
      await own.close();
    }
  });
});
