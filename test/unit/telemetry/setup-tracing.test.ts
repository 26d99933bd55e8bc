import { ROOT_CONTEXT, SpanKind, trace, type TracerProvider } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { parseHeaders, samplerFromEnv, tracerProviderFromEnv, tracesEndpoint, tracesProtocol } from '../../../src/telemetry/setup-tracing.js';
import { startOtlpReceiver } from '../../support/otlp-receiver.js';

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

  it('picks the OTLP/HTTP encoding: http/protobuf by default, the traces variable over the generic one', () => {
    expect(tracesProtocol({})).toEqual({ protocol: 'http/protobuf' });
    expect(tracesProtocol({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' })).toEqual({ protocol: 'http/json' });
    expect(tracesProtocol({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf' })).toEqual({ protocol: 'http/protobuf' });
    expect(tracesProtocol({ OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf', OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: ' HTTP/JSON ' })).toEqual({ protocol: 'http/json' });
  });

  it('warns at start-up about grpc (no gRPC exporter shipped) or an unknown value, and falls back to http/protobuf', async () => {
    const grpc = tracesProtocol({ OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc' });
    expect(grpc.protocol).toBe('http/protobuf');
    expect(grpc.warning).toMatch(/OTEL_EXPORTER_OTLP_TRACES_PROTOCOL=grpc is not supported.*no OTLP\/gRPC exporter.*http\/protobuf/);
    expect(tracesProtocol({ OTEL_EXPORTER_OTLP_PROTOCOL: 'thrift' }).warning).toMatch(/OTEL_EXPORTER_OTLP_PROTOCOL=thrift is not supported/);

    const warnings: string[] = [];
    const owned = tracerProviderFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, (m) => warnings.push(m));
    expect(owned?.protocol).toBe('http/protobuf');
    expect(warnings).toHaveLength(1);
    await owned!.shutdown();
    // No warning when the value is supported, or when tracing is off.
    const quiet: string[] = [];
    await tracerProviderFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }, (m) => quiet.push(m))!.shutdown();
    expect(tracerProviderFromEnv({ OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' }, (m) => quiet.push(m))).toBeUndefined();
    expect(quiet).toEqual([]);
  });

  // The same spans through both exporters decode to the same thing in the test receiver:
  // checks the protobuf path end to end, and the receiver's protobuf decoder against JSON.
  it('exports the same spans as http/protobuf and http/json', async () => {
    const receiver = await startOtlpReceiver();
    try {
      const emit = async (protocol: string) => {
        const before = receiver.spans.length;
        const owned = tracerProviderFromEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_EXPORTER_OTLP_PROTOCOL: protocol, OTEL_SERVICE_NAME: 'unit' })!;
        spanTree(owned.provider);
        await owned.shutdown();
        return receiver.spans.slice(before);
      };
      const proto = await emit('http/protobuf');
      const json = await emit('http/json');
      expect(receiver.exports.map((e) => e['content-type'])).toEqual(['application/x-protobuf', 'application/json']);
      const [protoBytes, jsonBytes] = receiver.exports.map((e) => Number(e['x-body-bytes']));
      expect(protoBytes).toBeGreaterThan(0);
      expect(protoBytes).toBeLessThan(jsonBytes);

      expect(proto).toHaveLength(2);
      const root = proto.find((s) => s.name === 'root')!;
      const child = proto.find((s) => s.name === 'chat m')!;
      expect(root).toMatchObject({ kind: 2, parentSpanId: undefined, resource: { 'service.name': 'unit' } });
      expect(root.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(child).toMatchObject({ kind: 3, parentSpanId: root.spanId, traceId: root.traceId });
      expect(child.attributes).toEqual({ s: 'text é', i: 42, neg: -7, d: 1.5, b: true, f: false, arr: ['a', 'b'], nums: [1, 2] });
      expect(child.events).toEqual([{ name: 'gen_ai.tool.call', attributes: { 'gen_ai.tool.name': 'exec' } }]);
      expect(child.links).toEqual([{ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16) }]);
      // Ids and timing differ between the two runs; everything else is the same.
      const shape = (spans: typeof proto) =>
        spans.map(({ traceId: _t, spanId: _s, parentSpanId, ...rest }) => ({ ...rest, hasParent: !!parentSpanId, resource: { ...rest.resource, 'telemetry.sdk.language': undefined } }));
      expect(shape(proto)).toEqual(shape(json));
    } finally {
      await receiver.close();
    }
  });
});

function spanTree(provider: TracerProvider) {
  const tracer = provider.getTracer('unit-test');
  const root = tracer.startSpan('root', { kind: SpanKind.SERVER }, ROOT_CONTEXT);
  const child = tracer.startSpan(
    'chat m',
    {
      kind: SpanKind.CLIENT,
      attributes: { s: 'text é', i: 42, neg: -7, d: 1.5, b: true, f: false, arr: ['a', 'b'], nums: [1, 2] },
      links: [{ context: { traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: 1 } }],
    },
    trace.setSpan(ROOT_CONTEXT, root),
  );
  child.addEvent('gen_ai.tool.call', { 'gen_ai.tool.name': 'exec' });
  child.end();
  root.end();
}
