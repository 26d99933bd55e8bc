import type { Logger } from 'pino';
import type { LoadedConfig } from '../config/types.js';
import type { HttpClient } from '../upstream/http-client.js';
import type { TurnListener } from './turn.js';
import type { StateSealer } from '../state/seal-state.js';
import type { RoutingState } from '../routing/routing-state.js';
import type { GatewayMetrics } from '../metrics/create-gateway-metrics.js';
import type { LoadedPriceCard } from '../pricing/price-card.js';
import type { UsageState } from '../usage/create-usage.js';
import type { TurnTracer } from '../telemetry/turn-tracer.js';
import type { TurnRecordSink } from '../queue/turn-record-sink.js';

// Everything a request handler needs, passed in (tests use the same wiring).
export interface GatewayDeps {
  config: () => LoadedConfig;
  http: HttpClient;
  logger: Logger;
  // A silent stream gets a data event at least this often (Codex's idle timer).
  heartbeatMs: number;
  // Seals provider reasoning state into encrypted_content and opens it again.
  sealer: StateSealer;
  // Token estimates, their calibration and sticky sessions.
  routing: RoutingState;
  onTurn?: TurnListener;
  // Absent when tracing is off: then no span or attribute is built at all.
  tracing?: TurnTracer;
  env?: NodeJS.ProcessEnv;
  // Prometheus metrics served at GET /metrics.
  metrics?: GatewayMetrics;
  // The price card every finished turn is priced with.
  prices: LoadedPriceCard;
  // The usage ledger and budgets (Redis with REDIS_URL, else in memory).
  usage?: UsageState;
  // Where each finished turn's record goes (BullMQ, or the in-process eval queue).
  records?: TurnRecordSink;
  // Aborted when the shutdown grace is over: streams still open are ended (response.failed).
  shutdown?: AbortSignal;
}
