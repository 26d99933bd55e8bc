// OpenTelemetry tracing from the standard OTEL_* variables, read from the env the
// gateway was given (tests pass their own). No endpoint, or OTEL_SDK_DISABLED=true:
// no provider at all, and the pipeline skips every span and attribute (zero cost).
// https://opentelemetry.io/docs/specs/otel/configuration/sdk-environment-variables/
import type { TracerProvider } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
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
  // Flushes what is buffered and stops exporting (on gateway close).
  shutdown(): Promise<void>;
}

export function tracerProviderFromEnv(env: NodeJS.ProcessEnv): OwnedTracerProvider | undefined {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return undefined;
  if (env.OTEL_TRACES_EXPORTER?.trim().toLowerCase() === 'none') return undefined;
  const url = tracesEndpoint(env);
  if (!url) return undefined;
  const exporter = new OTLPTraceExporter({ url, headers: parseHeaders(env.OTEL_EXPORTER_OTLP_TRACES_HEADERS ?? env.OTEL_EXPORTER_OTLP_HEADERS) });
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ ...parseHeaders(env.OTEL_RESOURCE_ATTRIBUTES), 'service.name': env.OTEL_SERVICE_NAME || 'codex-gateway' }),
    sampler: samplerFromEnv(env),
    // Captured prompts can be large: OTEL_(SPAN_)ATTRIBUTE_VALUE_LENGTH_LIMIT truncates them.
    spanLimits: { attributeValueLengthLimit: positive(env.OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT ?? env.OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT) },
    spanProcessors: [new BatchSpanProcessor(exporter, batchConfig(env))],
  });
  return { provider, shutdown: () => provider.shutdown() };
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
