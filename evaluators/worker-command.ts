// `gateway worker`: load the config (for evaluators, concurrency, retention), connect
// to Redis, score turns until SIGTERM/SIGINT, then let active jobs finish and exit 0.
import type { Logger } from 'pino';
import { loadConfigFile } from '../src/config/load-config.js';
import { bullPrefix } from '../src/queue/turn-queue-names.js';
import { tracerProviderFromEnv, tracesEndpoint } from '../src/telemetry/setup-tracing.js';
import { loadEvaluators } from './load-evaluators.js';
import { openScoreStore } from './store/open-score-store.js';
import { startTurnWorker } from './turn-worker.js';
import { redactUrl } from '../src/security/redact.js';

export interface WorkerCommandOptions {
  config: string;
  concurrency?: string;
}

export async function runWorkerCommand(opts: WorkerCommandOptions, env: NodeJS.ProcessEnv, logger: Logger): Promise<void> {
  if (!env.REDIS_URL) {
    logger.fatal('gateway worker needs REDIS_URL (the queue is in Redis). Without Redis, `gateway serve` scores turns in its own process.');
    process.exit(2);
  }
  const loaded = loadConfigFile(opts.config);
  const evaluation = loaded.config.evaluation ?? {};
  const evaluators = await loadEvaluators(loaded, env);
  const store = openScoreStore(env, evaluation.retention_days)!;
  const tracing = tracerProviderFromEnv(env, (m) => logger.warn(m));
  if (tracing) logger.info(`tracing: evaluator spans over OTLP/HTTP (${tracing.protocol}) to ${redactUrl(tracesEndpoint(env) ?? '')}`);
  const concurrency = Number(opts.concurrency ?? env.GATEWAY_WORKER_CONCURRENCY ?? evaluation.concurrency ?? 4);
  const worker = startTurnWorker({
    redisUrl: env.REDIS_URL,
    prefix: bullPrefix(env),
    store,
    evaluators,
    logger,
    tracer: tracing?.provider.getTracer('codex-gateway-evaluators'),
    concurrency,
    lockDurationMs: positive(env.GATEWAY_WORKER_LOCK_MS),
    stalledIntervalMs: positive(env.GATEWAY_WORKER_STALLED_MS),
  });
  // Signals are handled from here on: a SIGTERM during start-up still drains and exits 0.
  let optimizer: { close(): Promise<void> } | undefined;
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'gateway worker: finishing active jobs, then exiting');
    void (async () => {
      await worker.close();
      await optimizer?.close();
      await store.close();
      await tracing?.shutdown().catch(() => undefined);
      process.exit(0);
    })();
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
  // The weekly routing optimizer: one schedule however many workers run.
  const { startOptimizerWorker } = await import('../optimizer/weekly-optimizer.js');
  optimizer = await startOptimizerWorker({ redisUrl: env.REDIS_URL, prefix: bullPrefix(env), configFile: opts.config, env, logger, config: loaded.config });
  logger.info({ evaluators: evaluators.map((e) => e.name), concurrency, queue: 'turns', prefix: bullPrefix(env) }, 'gateway worker: scoring turn records');
}

function positive(v: string | undefined): number | undefined {
  const n = Number(v);
  return v && Number.isFinite(n) && n > 0 ? n : undefined;
}
