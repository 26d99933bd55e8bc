// OpenTelemetry tracing from the standard OTEL_* variables, read from the env the
// gateway was given (tests pass their own). No endpoint, or OTEL_SDK_DISABLED=true:
// no provider at all, and the pipeline skips every span and attribute (zero cost).
// https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/
import type { TracerProvider } from '@opentelemetry/api';
import { OTLPTraceExporter as OTLPJsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OTLPProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type Sampler,
} from '@opentelemetry/sdk-trace-base';

export interface OwnedTracerProvider {
  provider: TracerProvider;
  // The OTLP/HTTP encoding in use (see tracesProtocol).
  protocol: OtlpProtocol;
  // Flushes what is buffered and stops exporting (on gateway close).
  shutdown(): Promise<void>;
}

// `warn` receives start-up problems with the configuration (an unsupported protocol);
// by default they go to stderr, as the CLI's config warnings do.
export function tracerProviderFromEnv(
  env: NodeJS.ProcessEnv,
  warn: (message: string) => void = (m) => console.warn(`warning: ${m}`),
): OwnedTracerProvider | undefined {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return undefined;
  if (env.OTEL_TRACES_EXPORTER?.trim().toLowerCase() === 'none') return undefined;
  const url = tracesEndpoint(env);
  if (!url) return undefined;
  const { protocol, warning } = tracesProtocol(env);
  if (warning) warn(warning);
  const options = { url, headers: parseHeaders(env.OTEL_EXPORTER_OTLP_TRACES_HEADERS ?? env.OTEL_EXPORTER_OTLP_HEADERS) };
  // Protobuf is the spec's default, and about a third cheaper to encode and half the bytes of JSON.
  const exporter = protocol === 'http/json' ? new OTLPJsonTraceExporter(options) : new OTLPProtoTraceExporter(options);
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ ...parseHeaders(env.OTEL_RESOURCE_ATTRIBUTES), 'service.name': env.OTEL_SERVICE_NAME || 'codex-gateway' }),
    sampler: samplerFromEnv(env),
    // Captured prompts can be large: OTEL_(SPAN_)ATTRIBUTE_VALUE_LENGTH_LIMIT truncates them.
    spanLimits: { attributeValueLengthLimit: positive(env.OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT ?? env.OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT) },
    spanProcessors: [new BatchSpanProcessor(exporter, batchConfig(env))],
  });
  return { provider, protocol, shutdown: () => provider.shutdown() };
}

export type OtlpProtocol = 'http/protobuf' | 'http/json';

// OTEL_EXPORTER_OTLP_TRACES_PROTOCOL, else OTEL_EXPORTER_OTLP_PROTOCOL; http/protobuf by
// default (the spec's default). We ship no gRPC exporter: `grpc`, or an unknown value,
// falls back to http/protobuf with a warning (the endpoint must then be an OTLP/HTTP one).
export function tracesProtocol(env: NodeJS.ProcessEnv): { protocol: OtlpProtocol; warning?: string } {
  const specific = env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL?.trim();
  const name = specific ? 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL' : 'OTEL_EXPORTER_OTLP_PROTOCOL';
  const value = (specific || env.OTEL_EXPORTER_OTLP_PROTOCOL?.trim() || '').toLowerCase();
  if (value === '' || value === 'http/protobuf') return { protocol: 'http/protobuf' };
  if (value === 'http/json') return { protocol: 'http/json' };
  const why =
    value === 'grpc'
      ? 'this gateway ships no OTLP/gRPC exporter'
      : 'the supported values are http/protobuf and http/json';
  return {
    protocol: 'http/protobuf',
    warning: `tracing: ${name}=${value} is not supported (${why}); exporting with http/protobuf instead, so point the endpoint at the collector's OTLP/HTTP port (usually 4318, not gRPC's 4317)`,
  };
}

function positive(text: string | undefined): number | undefined {
  const v = Number(text);
  return text !== undefined && Number.isInteger(v) && v > 0 ? v : undefined;
}

// OTEL_BSP_*, read from the given env (the SDK itself reads only process.env).
function batchConfig(env: NodeJS.ProcessEnv) {
  const n = (name: string) => {
    const v = Number(env[name]);
    return env[name] !== undefined && Number.isFinite(v) && v >= 0 ? v : undefined;
  };
  const config = {
    scheduledDelayMillis: n('OTEL_BSP_SCHEDULE_DELAY'),
    exportTimeoutMillis: n('OTEL_BSP_EXPORT_TIMEOUT'),
    maxQueueSize: n('OTEL_BSP_MAX_QUEUE_SIZE'),
    maxExportBatchSize: n('OTEL_BSP_MAX_EXPORT_BATCH_SIZE'),
  };
  return Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined));
}

// The signal-specific variable is used as is; the generic one gets `/v1/traces` appended.
export function tracesEndpoint(env: NodeJS.ProcessEnv): string | undefined {
  const specific = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  if (specific) return specific;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  return base ? `${base.replace(/\/+$/, '')}/v1/traces` : undefined;
}

// `k1=v1,k2=v2`, values URL-encoded (the spec's format for headers and resource attributes).
export function parseHeaders(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (text ?? '').split(',')) {
    const i = pair.indexOf('=');
    if (i <= 0) continue;
    try {
      out[decodeURIComponent(pair.slice(0, i).trim())] = decodeURIComponent(pair.slice(i + 1).trim());
    } catch {
      /* a malformed pair is skipped, as the SDKs do */
    }
  }
  return out;
}

export function samplerFromEnv(env: NodeJS.ProcessEnv): Sampler {
  const arg = Number(env.OTEL_TRACES_SAMPLER_ARG);
  const ratio = Number.isFinite(arg) && env.OTEL_TRACES_SAMPLER_ARG !== undefined ? Math.min(1, Math.max(0, arg)) : 1;
  switch (env.OTEL_TRACES_SAMPLER?.trim().toLowerCase()) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return new TraceIdRatioBasedSampler(ratio);
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) });
    default: // parentbased_always_on, the spec's default
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}
