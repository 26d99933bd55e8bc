// Gateway metrics with the OpenTelemetry metrics SDK, served in Prometheus text format
// by the gateway's own HTTP server at GET /metrics (the exporter opens no port).
// One MeterProvider per gateway instance, not the global one, so tests and several
// gateways in one process do not share counters, and tracing setup cannot clash with it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { resourceFromAttributes } from '@opentelemetry/resources';
import type { TurnListener, TurnSummary } from '../pipeline/turn.js';
import { createLabelCap, DEFAULT_MAX_LABEL_VALUES } from './label-cap.js';
import { DURATION_BUCKETS_SECONDS, METRICS, TTFT_BUCKETS_SECONDS } from './metric-names.js';

export interface GatewayMetricsOptions {
  // At most this many distinct values per capped label (route, provider, developer,
  // repo, error_code); later new values are recorded as `other`. Default 100.
  maxLabelValues?: number;
  // The `service.name` on `target_info`; default OTEL_SERVICE_NAME, else "codex-gateway".
  serviceName?: string;
}

export interface GatewayMetrics {
  recordTurn(turn: TurnSummary): void;
  // A turn listener that records the turn, then calls `next` (for `onTurn`).
  listen(next?: TurnListener): TurnListener;
  // GET /metrics: Prometheus text exposition format 0.0.4. Works as an Express handler.
  handler: (req: IncomingMessage, res: ServerResponse) => Promise<void>;
  // Where the turn-record queue's buffer and drop counts are read at each scrape.
  observeTurnQueue(stats: () => { buffered: number; dropped: number }): void;
  close(): Promise<void>;
}

export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

export function createGatewayMetrics(opts: GatewayMetricsOptions = {}): GatewayMetrics {
  const cap = createLabelCap({ maxValues: opts.maxLabelValues ?? DEFAULT_MAX_LABEL_VALUES });
  const reader = new PrometheusExporter({ preventServerStart: true, withoutScopeInfo: true });
  const serializer = new PrometheusSerializer('', false, undefined, false, true);
  const provider = new MeterProvider({
    resource: resourceFromAttributes({ 'service.name': opts.serviceName ?? (process.env.OTEL_SERVICE_NAME || 'codex-gateway') }),
    readers: [reader],
  });
  const meter = provider.getMeter('codex-gateway');
  const requests = meter.createCounter(METRICS.requests.instrument, {
    description: 'Finished turns (requests that were routed), by route alias, provider, dialect, turn status, developer and repo.',
  });
  const errors = meter.createCounter(METRICS.errors.instrument, {
    description: 'Failed turns, by route alias, provider and gateway error code.',
  });
  const duration = meter.createHistogram(METRICS.requestDuration.instrument, {
    description: 'Time from request arrival to the end of the response, in seconds.',
    unit: 's',
    advice: { explicitBucketBoundaries: DURATION_BUCKETS_SECONDS },
  });
  const ttft = meter.createHistogram(METRICS.timeToFirstToken.instrument, {
    description: 'Time from request arrival to the first content sent to the client, in seconds.',
    unit: 's',
    advice: { explicitBucketBoundaries: TTFT_BUCKETS_SECONDS },
  });
  const tokens = meter.createCounter(METRICS.tokens.instrument, {
    description: 'Tokens reported by providers, by type (input includes cached and cache_write; output includes reasoning), route, provider, developer and repo.',
    unit: '{token}',
  });
  const cost = meter.createCounter(METRICS.cost.instrument, {
    description: 'Cost of turns at the price card\'s rates, in USD, by route, provider, developer and repo (unpriced turns are counted apart).',
    unit: 'USD',
  });
  const unpriced = meter.createCounter(METRICS.unpriced.instrument, {
    description: 'Turns whose model has no price (their cost is unknown, not zero).',
  });
  let queueStats: () => { buffered: number; dropped: number } = () => ({ buffered: 0, dropped: 0 });
  meter
    .createObservableGauge(METRICS.recordsBuffered.instrument, { description: 'Turn records held in memory because the queue (Redis) is unreachable.' })
    .addCallback((r) => r.observe(queueStats().buffered));
  meter
    .createObservableCounter(METRICS.recordsDropped.instrument, { description: 'Turn records dropped because the in-memory buffer was full.' })
    .addCallback((r) => r.observe(queueStats().dropped));
  let closed = false;

  function recordTurn(turn: TurnSummary): void {
    if (closed) return;
    const identity = readIdentity(turn);
    const route = cap.value('route', turn.alias);
    const prov = cap.value('provider', turn.provider);
    const developer = cap.value('developer', identity.developer);
    const repo = cap.value('repo', identity.repo);
    const dialect = turn.dialect;
    const status = turn.status;
    requests.add(1, { route, provider: prov, dialect, status, developer, repo });
    if (status === 'failed') errors.add(1, { route, provider: prov, error_code: cap.value('error_code', turn.errorCode) });
    if (Number.isFinite(turn.latencyMs) && turn.latencyMs >= 0)
      duration.record(turn.latencyMs / 1000, { route, provider: prov, dialect, stream: String(turn.stream === true), status });
    if (typeof turn.ttftMs === 'number' && Number.isFinite(turn.ttftMs) && turn.ttftMs >= 0) ttft.record(turn.ttftMs / 1000, { route, provider: prov, dialect });
    const u = turn.usage;
    if (u) {
      const base = { route, provider: prov, developer, repo };
      const counts: Record<string, number | undefined> = {
        input: u.inputTokens,
        output: u.outputTokens,
        cached: u.cachedInputTokens,
        cache_write: u.cacheWriteTokens,
        reasoning: u.reasoningTokens,
      };
      for (const [type, n] of Object.entries(counts)) if (typeof n === 'number' && Number.isFinite(n) && n >= 0) tokens.add(n, { type, ...base });
    }
    if (turn.cost) {
      if (turn.cost.usd === null) unpriced.add(1, { route, provider: prov });
      else if (Number.isFinite(turn.cost.usd) && turn.cost.usd >= 0) cost.add(turn.cost.usd, { route, provider: prov, developer, repo });
    }
  }

  return {
    recordTurn,
    observeTurnQueue(stats) {
      queueStats = stats;
    },
    listen(next) {
      return (turn) => {
        try {
          recordTurn(turn);
        } finally {
          next?.(turn);
        }
      };
    },
    async handler(_req, res) {
      try {
        const { resourceMetrics } = await reader.collect();
        const body = serializer.serialize(resourceMetrics);
        res.statusCode = 200;
        res.setHeader('content-type', PROMETHEUS_CONTENT_TYPE);
        res.setHeader('cache-control', 'no-store');
        res.end(body);
      } catch (err) {
        res.statusCode = closed ? 503 : 500;
        res.setHeader('content-type', 'text/plain; charset=utf-8');
        res.end(`# metrics collection failed: ${err instanceof Error ? err.message : String(err)}\n`);
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await provider.shutdown();
    },
  };
}

// TurnSummary gains `identity` in the tracing work; read it without depending on its exact type.
function readIdentity(turn: TurnSummary): { developer?: string; repo?: string } {
  const identity = (turn as unknown as { identity?: unknown }).identity;
  if (!identity || typeof identity !== 'object') return {};
  const { developer, repo } = identity as { developer?: unknown; repo?: unknown };
  return { developer: typeof developer === 'string' ? developer : undefined, repo: typeof repo === 'string' ? repo : undefined };
}
