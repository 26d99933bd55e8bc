import { afterEach, describe, expect, it } from 'vitest';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createGatewayMetrics, PROMETHEUS_CONTENT_TYPE, type GatewayMetrics } from '../../../src/metrics/create-gateway-metrics.js';
import { METRICS, PROMETHEUS_SAMPLE_NAMES } from '../../../src/metrics/metric-names.js';
import type { TurnSummary } from '../../../src/pipeline/turn.js';
import { family, parsePrometheusText, sampleValue, samples } from './prometheus-text.js';
import { makeTurn } from './turn-fixture.js';

// Calls the handler with a minimal response object and returns what it wrote.
async function scrape(metrics: GatewayMetrics): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  const headers: Record<string, string> = {};
  let body = '';
  const res = {
    statusCode: 0,
    setHeader(k: string, v: string) {
      headers[k.toLowerCase()] = v;
    },
    end(chunk?: string) {
      body = chunk ?? '';
    },
  };
  await metrics.handler({} as IncomingMessage, res as unknown as ServerResponse);
  return { status: res.statusCode, headers, body };
}

let metrics: GatewayMetrics | undefined;
afterEach(async () => {
  await metrics?.close();
  metrics = undefined;
});

describe('createGatewayMetrics recordTurn', () => {
  it('counts a completed turn: requests, duration, TTFT and every token type, by route, provider, developer and repo', async () => {
    metrics = createGatewayMetrics();
    metrics.recordTurn(makeTurn({}, { developer: 'dev1@example.com', repo: 'github.com/acme/api' }));
    const { status, headers, body } = await scrape(metrics);
    expect(status).toBe(200);
    expect(headers['content-type']).toBe(PROMETHEUS_CONTENT_TYPE);
    const f = parsePrometheusText(body);
    const who = { developer: 'dev1@example.com', repo: 'github.com/acme/api' };
    const route = { route: 'claude-opus-4-7-via-gateway', provider: 'anthropic' };
    expect(family(f, 'gateway_requests_total').type).toBe('counter');
    expect(sampleValue(f, 'gateway_requests_total', { ...route, ...who, dialect: 'responses', status: 'completed' })).toBe(1);
    expect(f.find((x) => x.name === 'gateway_errors_total')).toBeUndefined();
    expect(family(f, 'gateway_request_duration_seconds').type).toBe('histogram');
    const count = samples(f, 'gateway_request_duration_seconds_count');
    expect(count).toHaveLength(1);
    expect(count[0].labels).toEqual({ ...route, dialect: 'responses', stream: 'true', status: 'completed' });
    expect(sampleValue(f, 'gateway_request_duration_seconds_sum')).toBeCloseTo(1.5);
    expect(sampleValue(f, 'gateway_request_duration_seconds_bucket', { le: '1.28' })).toBe(0);
    expect(sampleValue(f, 'gateway_request_duration_seconds_bucket', { le: '2.56' })).toBe(1);
    expect(sampleValue(f, 'gateway_time_to_first_token_seconds_sum', route)).toBeCloseTo(0.3);
    expect(sampleValue(f, 'gateway_time_to_first_token_seconds_bucket', { le: '0.25' })).toBe(0);
    expect(sampleValue(f, 'gateway_time_to_first_token_seconds_bucket', { le: '0.5' })).toBe(1);
    const tokens = (type: string) => sampleValue(f, 'gateway_tokens_total', { ...route, ...who, type });
    expect([tokens('input'), tokens('output'), tokens('cached'), tokens('cache_write'), tokens('reasoning')]).toEqual([1000, 200, 400, 100, 50]);
  });

  it('counts a failed turn as an error by error code, and records no TTFT or tokens it does not have', async () => {
    metrics = createGatewayMetrics();
    metrics.recordTurn(makeTurn({ status: 'failed', httpStatus: 429, errorCode: 'rate_limit_exceeded', usage: undefined, ttftMs: undefined, stream: false }));
    metrics.recordTurn(makeTurn({ status: 'failed', httpStatus: 502, errorCode: 'upstream_error', usage: undefined, ttftMs: undefined }));
    metrics.recordTurn(makeTurn({ status: 'client_closed', usage: undefined }));
    const f = parsePrometheusText((await scrape(metrics)).body);
    const route = { route: 'claude-opus-4-7-via-gateway', provider: 'anthropic' };
    expect(sampleValue(f, 'gateway_errors_total', { ...route, error_code: 'rate_limit_exceeded' })).toBe(1);
    expect(sampleValue(f, 'gateway_errors_total', { ...route, error_code: 'upstream_error' })).toBe(1);
    // A client abort is a request, not an error.
    expect(samples(f, 'gateway_errors_total')).toHaveLength(2);
    expect(sampleValue(f, 'gateway_requests_total', { ...route, status: 'failed', developer: 'unknown', repo: 'unknown' })).toBe(2);
    expect(sampleValue(f, 'gateway_requests_total', { ...route, status: 'client_closed' })).toBe(1);
    expect(sampleValue(f, 'gateway_time_to_first_token_seconds_count')).toBe(1);
    expect(f.find((x) => x.name === 'gateway_tokens_total')).toBeUndefined();
    expect(sampleValue(f, 'gateway_request_duration_seconds_count', { ...route, stream: 'false', status: 'failed' })).toBe(1);
  });

  it('caps developer, repo, route and provider values at maxLabelValues, the rest as `other`', async () => {
    metrics = createGatewayMetrics({ maxLabelValues: 2 });
    for (const dev of ['a@x', 'b@x', 'c@x', 'd@x']) metrics.recordTurn(makeTurn({}, { developer: dev, repo: `acme/${dev[0]}` }));
    for (const alias of ['r1', 'r2', 'r3']) metrics.recordTurn(makeTurn({ alias, provider: `p-${alias}` }, { developer: 'a@x', repo: 'acme/a' }));
    const f = parsePrometheusText((await scrape(metrics)).body);
    const values = (label: string) => new Set(samples(f, 'gateway_requests_total').map((m) => m.labels[label]));
    expect(values('developer')).toEqual(new Set(['a@x', 'b@x', 'other']));
    expect(values('repo')).toEqual(new Set(['acme/a', 'acme/b', 'other']));
    expect(values('route')).toEqual(new Set(['claude-opus-4-7-via-gateway', 'r1', 'other']));
    expect(values('provider')).toEqual(new Set(['anthropic', 'p-r1', 'other']));
    expect(sampleValue(f, 'gateway_requests_total', { developer: 'other', repo: 'other' })).toBe(2);
    expect(sampleValue(f, 'gateway_tokens_total', { developer: 'other', type: 'input' })).toBe(2000);
  });

  it('caps error codes too', async () => {
    metrics = createGatewayMetrics({ maxLabelValues: 1 });
    for (const errorCode of ['upstream_error', 'upstream_timeout', undefined]) metrics.recordTurn(makeTurn({ status: 'failed', errorCode }));
    const f = parsePrometheusText((await scrape(metrics)).body);
    expect(new Set(samples(f, 'gateway_errors_total').map((s) => s.labels.error_code))).toEqual(new Set(['upstream_error', 'other', 'unknown']));
  });

  it('reads identity defensively: non-string values count as unknown', async () => {
    metrics = createGatewayMetrics();
    const turn = Object.assign(makeTurn(), { identity: { developer: 42, repo: null } }) as unknown as TurnSummary;
    metrics.recordTurn(turn);
    const f = parsePrometheusText((await scrape(metrics)).body);
    expect(sampleValue(f, 'gateway_requests_total', { developer: 'unknown', repo: 'unknown' })).toBe(1);
  });

  it('listen() records each turn then passes it on', async () => {
    metrics = createGatewayMetrics();
    const seen: string[] = [];
    const listener = metrics.listen((t) => seen.push(t.id));
    listener(makeTurn({ id: 't1' }));
    listener(makeTurn({ id: 't2' }));
    expect(seen).toEqual(['t1', 't2']);
    const f = parsePrometheusText((await scrape(metrics)).body);
    expect(sampleValue(f, 'gateway_requests_total', { status: 'completed' })).toBe(2);
    metrics.listen()(makeTurn({ id: 't3' }));
  });

  it('exports only the documented sample names (and target_info), with the documented labels', async () => {
    metrics = createGatewayMetrics();
    metrics.recordTurn(makeTurn({ cost: { usd: 0.0125, cacheSavingsUsd: 0, priceVersion: 'test' } }, { developer: 'd', repo: 'r' }));
    metrics.recordTurn(makeTurn({ status: 'failed', errorCode: 'upstream_error', cost: { usd: null, cacheSavingsUsd: null, priceVersion: 'test' } }));
    const { body } = await scrape(metrics);
    // A priced turn adds its cost; an unpriced one is counted apart, never as 0 USD.
    expect(sampleValue(parsePrometheusText(body), 'gateway_cost_usd_total', { developer: 'd', repo: 'r' })).toBeCloseTo(0.0125, 10);
    const names = new Set(body.split('\n').filter((l) => l && !l.startsWith('#')).map((l) => l.split(/[{ ]/)[0]));
    expect([...names].sort()).toEqual(['target_info', ...PROMETHEUS_SAMPLE_NAMES].sort());
    const f = parsePrometheusText(body);
    for (const m of Object.values(METRICS)) {
      const found = samples(f, m.prometheus).concat(samples(f, `${m.prometheus}_count`));
      expect(found.length).toBeGreaterThan(0);
      for (const s of found) expect(Object.keys(s.labels).sort()).toEqual([...m.labels].sort());
      for (const s of samples(f, `${m.prometheus}_bucket`)) expect(Object.keys(s.labels).sort()).toEqual([...m.labels, 'le'].sort());
    }
    expect(sampleValue(f, 'target_info', { service_name: 'codex-gateway' })).toBe(1);
  });

  it('after close, records nothing and the handler answers 503', async () => {
    const m = createGatewayMetrics();
    await m.close();
    m.recordTurn(makeTurn());
    const { status } = await scrape(m);
    expect(status).toBe(503);
    await m.close();
  });
});
