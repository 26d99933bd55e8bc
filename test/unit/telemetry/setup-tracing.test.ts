import { describe, expect, it } from 'vitest';
import { parseHeaders, samplerFromEnv, tracerProviderFromEnv, tracesEndpoint } from '../../../src/telemetry/setup-tracing.js';

describe('tracing from OTEL_* variables', () => {
  it('is off without an endpoint, or when disabled: no provider at all', async () => {
    expect(tracerProviderFromEnv({})).toBeUndefined();
    expect(tracerProviderFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_SDK_DISABLED: 'true' })).toBeUndefined();
    expect(tracerProviderFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_TRACES_EXPORTER: 'none' })).toBeUndefined();
    const on = tracerProviderFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' });
    expect(on).toBeDefined();
    await on!.shutdown();
  });

  it('appends /v1/traces to the generic endpoint, and uses the traces endpoint as is', () => {
    expect(tracesEndpoint({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' })).toBe('http://collector:4318/v1/traces');
    expect(tracesEndpoint({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://b/custom' })).toBe('http://b/custom');
  });

  it('reads headers as k=v pairs, URL-decoded', () => {
    expect(parseHeaders('api-key=a%20b, x-tenant=acme,broken')).toEqual({ 'api-key': 'a b', 'x-tenant': 'acme' });
  });

  it('builds the configured sampler (parent-based always-on by default)', () => {
    expect(samplerFromEnv({}).toString()).toMatch(/ParentBased.*AlwaysOn/);
    expect(samplerFromEnv({ OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.25' }).toString()).toMatch(/TraceIdRatioBased.*0\.25/);
    expect(samplerFromEnv({ OTEL_TRACES_SAMPLER: 'always_off' }).toString()).toBe('AlwaysOffSampler');
  });
});
