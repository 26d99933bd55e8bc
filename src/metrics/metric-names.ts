// The metric names the gateway exports, as OpenTelemetry instruments and as the
// Prometheus series GET /metrics serves (the exporter appends `_total` to counters
// and `_bucket` / `_sum` / `_count` to histograms). Dashboards and docs use these.

export const METRICS = {
  requests: {
    instrument: 'gateway_requests',
    prometheus: 'gateway_requests_total',
    labels: ['route', 'provider', 'dialect', 'status', 'developer', 'repo'],
  },
  errors: {
    instrument: 'gateway_errors',
    prometheus: 'gateway_errors_total',
    labels: ['route', 'provider', 'error_code'],
  },
  requestDuration: {
    instrument: 'gateway_request_duration_seconds',
    prometheus: 'gateway_request_duration_seconds',
    labels: ['route', 'provider', 'dialect', 'stream', 'status'],
  },
  timeToFirstToken: {
    instrument: 'gateway_time_to_first_token_seconds',
    prometheus: 'gateway_time_to_first_token_seconds',
    labels: ['route', 'provider', 'dialect'],
  },
  tokens: {
    instrument: 'gateway_tokens',
    prometheus: 'gateway_tokens_total',
    labels: ['type', 'route', 'provider', 'developer', 'repo'],
  },
  cost: {
    instrument: 'gateway_cost_usd',
    prometheus: 'gateway_cost_usd_total',
    labels: ['route', 'provider', 'developer', 'repo'],
  },
  unpriced: {
    instrument: 'gateway_unpriced_turns',
    prometheus: 'gateway_unpriced_turns_total',
    labels: ['route', 'provider'],
  },
  // The turn-record queue's in-memory buffer (Redis unreachable) and what it had to drop.
  recordsBuffered: {
    instrument: 'gateway_turn_records_buffered',
    prometheus: 'gateway_turn_records_buffered',
    labels: [],
  },
  recordsDropped: {
    instrument: 'gateway_turn_records_dropped',
    prometheus: 'gateway_turn_records_dropped_total',
    labels: [],
  },
} as const;

// `type` values of gateway_tokens_total. `input` includes `cached` and `cache_write`;
// `output` includes `reasoning`: do not add the types together.
export const TOKEN_TYPES = ['input', 'output', 'cached', 'cache_write', 'reasoning'] as const;

// Labels whose values come from config or requests, and so are capped (label-cap.ts).
// The others (dialect, status, stream, type) take a small fixed set of values.
export const CAPPED_LABELS = ['route', 'provider', 'developer', 'repo', 'error_code'] as const;

// Every sample name GET /metrics can contain (besides the exporter's `target_info`).
export const PROMETHEUS_SAMPLE_NAMES: readonly string[] = [
  METRICS.requests.prometheus,
  METRICS.errors.prometheus,
  METRICS.tokens.prometheus,
  METRICS.cost.prometheus,
  METRICS.unpriced.prometheus,
  METRICS.recordsBuffered.prometheus,
  METRICS.recordsDropped.prometheus,
  ...[METRICS.requestDuration.prometheus, METRICS.timeToFirstToken.prometheus].flatMap((n) => [`${n}_bucket`, `${n}_sum`, `${n}_count`]),
];

// Bucket boundaries, in seconds. Duration: the GenAI semantic conventions' operation
// duration buckets, extended to ~5.5 minutes for long agent turns. TTFT: the GenAI
// conventions' time-to-first-token buckets.
export const DURATION_BUCKETS_SECONDS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92, 163.84, 327.68];
export const TTFT_BUCKETS_SECONDS = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10, 20, 40];
