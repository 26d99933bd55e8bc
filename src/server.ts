// Starts the gateway: config → app → HTTP server. Used by `gateway serve` and by tests.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { createApp } from './http/app.js';
import { parseConfig } from './config/load-config.js';
import type { LoadedConfig } from './config/types.js';
import { createConfigStore, type ConfigStore } from './config/config-store.js';
import { HttpClient } from './upstream/http-client.js';
import { createLogger } from './logger.js';
import type { TurnListener } from './pipeline/turn.js';
import { createStateSealer } from './state/seal-state.js';
import { createRoutingState } from './routing/routing-state.js';
import { randomBytes } from 'node:crypto';
import type { TracerProvider } from '@opentelemetry/api';
import { TurnTracer } from './telemetry/turn-tracer.js';
import { tracerProviderFromEnv, tracesEndpoint } from './telemetry/setup-tracing.js';
import { createGatewayMetrics } from './metrics/create-gateway-metrics.js';
import { loadPriceCard } from './pricing/load-price-card.js';
import { createUsage, type UsageState } from './usage/create-usage.js';
import { isLoopbackHost, OpenBindError } from './auth/gateway-keys.js';
import { createTurnRecords } from './queue/create-turn-records.js';
import type { TurnRecordSink } from './queue/turn-record-sink.js';
import type { ScoreStore } from '../evaluators/store/score-store.js';
import { openScoreStore } from '../evaluators/store/open-score-store.js';
import { redactUrl } from './security/redact.js';
import { setMaxListeners } from 'node:events';

export interface StartOptions {
  // A file to load and keep reloading (watched, unless `watch: false`; `reload()` on
  // the result; `config`, if also given, is that file already loaded), or config text
  // (tests), or an already loaded config: those two are static.
  configFile?: string;
  watch?: boolean;
  configText?: string;
  config?: LoadedConfig;
  port?: number;
  host?: string;
  logger?: Logger;
  heartbeatMs?: number;
  onTurn?: TurnListener;
  env?: NodeJS.ProcessEnv;
  // Tracing: this provider (tests: an in-memory exporter), else one built from the OTEL_*
  // variables of `env`; none when no OTLP endpoint is set.
  tracerProvider?: TracerProvider;
  // Where turn records go instead of the BullMQ / in-process queue (tests).
  records?: TurnRecordSink;
}

export interface RunningGateway {
  url: string;
  server: Server;
  // The config new requests get (changes on reload).
  readonly config: LoadedConfig;
  // With `configFile`: load the file again now (SIGHUP); false if it was refused and
  // the previous config kept.
  reload?(reason?: string): boolean;
  // The usage ledger turns are charged to (reports read it).
  usage: UsageState;
  // The turn queue (BullMQ producer or in-process) and, in process, the score store.
  records: TurnRecordSink;
  scores?: ScoreStore;
  // Graceful stop (SIGTERM): new requests get 503 shutting_down (and /readyz 503) while the
  // requests in flight finish; after `graceMs` (server.shutdown_grace_ms, default 10000)
  // streams still open are ended with their dialect's failure and the connections closed.
  // Resolves once nothing is in flight; call close() after it.
  drain(graceMs?: number): Promise<void>;
  readonly draining: boolean;
  // Stops at once: open connections are cut. Flushes the turn-record buffer.
  close(): Promise<void>;
}

export const DEFAULT_SHUTDOWN_GRACE_MS = 10_000;
// After the grace, how long ended streams get to write their last event before their
// connections are cut.
const FINAL_WRITE_MS = 2_000;

export async function startGateway(opts: StartOptions): Promise<RunningGateway> {
  const logger = opts.logger ?? createLogger();
  const store: ConfigStore | undefined =
    opts.configFile !== undefined && opts.configText === undefined ? createConfigStore(opts.configFile, { logger, initial: opts.config }) : undefined;
  const fixed = store ? undefined : (opts.config ?? (opts.configText !== undefined ? parseConfig(opts.configText, '<inline>') : missingConfig()));
  // Each request reads this once and keeps that object to its end; a reload swaps it.
  const currentConfig = store ? () => store.current : () => fixed!;
  const loaded = currentConfig();
  // No gateway keys: the gateway is open, so it binds to loopback only (refused otherwise).
  const bindHost = opts.host ?? '127.0.0.1';
  const open = !(loaded.config.auth?.keys?.length);
  if (open && !isLoopbackHost(bindHost)) throw new OpenBindError(bindHost);
  const server_ = loaded.config.server ?? {};
  // undici's own body timeout is only a backstop behind server.idle_timeout_ms (guard-stream.ts).
  const http = new HttpClient({ headersTimeoutMs: server_.upstream_timeout_ms, bodyTimeoutMs: Math.max(600_000, (server_.idle_timeout_ms ?? 0) + 60_000) });
  const env = opts.env ?? process.env;
  const secretRef = loaded.config.reasoning_state?.secret_ref ?? 'GATEWAY_STATE_SECRET';
  let secret = env[secretRef];
  if (!secret) {
    secret = randomBytes(32).toString('hex');
    logger.warn(
      `${secretRef} is not set: reasoning state is sealed with a per-process secret, so another replica or a restart cannot open it (those items are then sent without their signatures). Set ${secretRef} to a shared random value.`,
    );
  }
  const owned = opts.tracerProvider ? undefined : tracerProviderFromEnv(env, (m) => logger.warn(m));
  const tracerProvider = opts.tracerProvider ?? owned?.provider;
  if (owned) logger.info(`tracing: exporting spans over OTLP/HTTP (${owned.protocol}) to ${redactUrl(tracesEndpoint(env) ?? '')}`);
  const metrics = createGatewayMetrics();
  // Prices and their overlay are read at start (a price change needs a restart).
  const prices = loadPriceCard({ overridesPath: loaded.config.pricing?.overrides });
  const usage = createUsage(env, () => currentConfig().config, { logger });
  const turnRecords = opts.records ? { sink: opts.records, scores: undefined } : await createTurnRecords(loaded, env, logger, tracerProvider);
  metrics.observeTurnQueue(() => turnRecords.sink.stats());
  // The scores the cost report reads: the in-process store, else (REDIS_URL) the worker's in Redis.
  const reportScores = turnRecords.scores ?? openScoreStore(env);
  // Aborted when a drain's grace is over (or on close): in-flight streams end.
  const shutdown = new AbortController();
  // Every in-flight request listens to it (and removes its listener when it closes).
  setMaxListeners(0, shutdown.signal);
  const app = createApp(
    {
      config: currentConfig,
      http,
      logger,
      heartbeatMs: opts.heartbeatMs ?? server_.heartbeat_ms ?? 15_000,
      onTurn: metrics.listen(opts.onTurn),
      metrics,
      prices,
      usage,
      env: opts.env,
      sealer: createStateSealer(secret),
      routing: createRoutingState(),
      tracing: tracerProvider ? new TurnTracer(tracerProvider) : undefined,
      records: turnRecords.sink,
      shutdown: shutdown.signal,
    },
    { bodyLimit: server_.body_limit, scores: reportScores },
  );
  // Requests in flight (drain waits for them); while draining, new ones are refused here,
  // before the app, so nothing new starts.
  const inFlight = new Set<ServerResponse>();
  let drained: (() => void) | undefined;
  let draining = false;
  const server = createServer({ maxHeaderSize: server_.max_header_bytes }, (req, res) => {
    if (draining && !(req.method === 'GET' && (req.url === '/healthz' || req.url?.startsWith('/metrics')))) return refuseWhileDraining(req, res);
    inFlight.add(res);
    res.once('close', () => {
      inFlight.delete(res);
      if (inFlight.size === 0) drained?.();
    });
    app(req, res);
  });
  // Errors Node's HTTP parser meets before the app sees a request (headers over
  // maxHeaderSize, a malformed request line): answered in OpenAI's error shape.
  server.on('clientError', (err: NodeJS.ErrnoException, socket) => {
    if (!socket.writable || (socket as { _httpMessage?: unknown })._httpMessage) return void socket.destroy();
    const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
    const status = tooLarge ? 431 : 400;
    const body = JSON.stringify({
      error: tooLarge
        ? { message: `The request headers are larger than this gateway accepts (server.max_header_bytes, default 16 KB).`, type: 'invalid_request_error', code: 'headers_too_large', param: null }
        : { message: 'The request could not be parsed as HTTP.', type: 'invalid_request_error', code: 'bad_request', param: null },
    });
    socket.end(
      `HTTP/1.1 ${status} ${tooLarge ? 'Request Header Fields Too Large' : 'Bad Request'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
  // Streams can be long: never cut a quiet connection from our side.
  server.requestTimeout = 0;
  server.headersTimeout = 60_000;
  server.keepAliveTimeout = 65_000;
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(opts.port ?? 4000, opts.host ?? '127.0.0.1', () => resolve());
    });
  } catch (err) {
    await http.close();
    await turnRecords.sink.close();
    if (reportScores !== turnRecords.scores) await reportScores?.close();
    await owned?.shutdown().catch(() => undefined);
    throw err;
  }
  // Watch only once serving, so a failed start leaves no watcher behind.
  if (store && opts.watch !== false) store.watch();
  if (open) logger.warn(`auth: no gateway keys configured (auth.keys): the gateway is open, listening on loopback (${bindHost}) only`);
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  return {
    url: `http://${host}:${addr.port}`,
    server,
    get config() {
      return currentConfig();
    },
    ...(store ? { reload: (reason = 'requested') => store.reload(reason) } : {}),
    usage,
    records: turnRecords.sink,
    ...(turnRecords.scores ? { scores: turnRecords.scores } : {}),
    get draining() {
      return draining;
    },
    async drain(graceMs = currentConfig().config.server?.shutdown_grace_ms ?? DEFAULT_SHUTDOWN_GRACE_MS) {
      draining = true;
      store?.close();
      const idle = () => inFlight.size === 0;
      const waitIdle = (ms: number) =>
        idle()
          ? Promise.resolve(true)
          : new Promise<boolean>((resolve) => {
              const t = setTimeout(() => resolve(idle()), ms);
              drained = () => {
                clearTimeout(t);
                resolve(true);
              };
            });
      logger.info({ inFlight: inFlight.size, graceMs }, 'draining: new requests get 503 shutting_down, waiting for requests in flight');
      if (await waitIdle(graceMs)) return;
      logger.warn({ inFlight: inFlight.size }, 'draining: grace period over, ending the requests still in flight');
      shutdown.abort();
      if (await waitIdle(FINAL_WRITE_MS)) return;
      server.closeAllConnections();
    },
    async close() {
      draining = true;
      store?.close();
      shutdown.abort();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await http.close();
      await metrics.close();
      await usage.close();
      // Records are queued on the tick after their turn ended: let the last ones in, then flush.
      await new Promise((r) => setImmediate(r));
      await turnRecords.sink.close();
      if (reportScores !== turnRecords.scores) await reportScores?.close();
      // Flushes the spans still batched; a collector that is gone costs those spans, not the shutdown.
      await owned?.shutdown().catch((err: unknown) => logger.warn({ err }, 'tracing: the last spans could not be exported'));
    },
  };
}

// New requests while draining: 503 in OpenAI's error shape (clients retry elsewhere), and
// the connection closed so a keep-alive client reconnects to another replica.
function refuseWhileDraining(req: IncomingMessage, res: ServerResponse): void {
  const readyz = req.url === '/readyz';
  const error = { message: 'The gateway is shutting down; retry the request.', type: 'server_error', code: 'shutting_down', param: null };
  const body = JSON.stringify(readyz ? { status: 'draining', error } : { error });
  // The body is not read: drop it without waiting.
  req.resume();
  res.writeHead(503, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body), connection: 'close', 'retry-after': '1' });
  res.end(body);
}

function missingConfig(): never {
  throw new TypeError('startGateway needs configFile, configText or config');
}
