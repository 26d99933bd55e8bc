// `gateway worker`: a BullMQ worker scoring turn records. Concurrency from config;
// retries with backoff come with each job (see TURN_JOB_OPTIONS); a malformed record is
// an UnrecoverableError (never retried); a worker that dies mid-job loses its lock and
// BullMQ hands the job to another worker (stalled-job check); the store's idempotent
// writes make that retry score the turn once. `close()` lets active jobs finish.
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { Tracer } from '@opentelemetry/api';
import type { Logger } from 'pino';
import { TURN_QUEUE } from '../src/queue/turn-queue-names.js';
import type { Evaluator } from './evaluator.js';
import { processTurnRecord, type ProcessResult } from './process-turn-record.js';
import type { ScoreStore } from './store/score-store.js';
import { MalformedRecordError } from './validate-turn-record.js';

export interface TurnWorkerOptions {
  redisUrl: string;
  prefix: string;
  store: ScoreStore;
  evaluators: Evaluator[];
  logger: Logger;
  tracer?: Tracer;
  concurrency?: number;
  // Lock held while a job runs, and how often stalled jobs are looked for (BullMQ
  // defaults 30 s each); shorter hands a dead worker's job on sooner.
  lockDurationMs?: number;
  stalledIntervalMs?: number;
}

export interface TurnWorker {
  worker: Worker;
  close(): Promise<void>;
}

export function startTurnWorker(opts: TurnWorkerOptions): TurnWorker {
  const abort = new AbortController();
  // A worker's blocking connection must retry forever (BullMQ requires maxRetriesPerRequest: null).
  const connection = new Redis(opts.redisUrl, { maxRetriesPerRequest: null });
  let down = false;
  connection.on('error', (err: Error) => {
    if (!down) opts.logger.warn({ err: err.message }, 'worker: Redis unreachable, retrying');
    down = true;
  });
  connection.on('ready', () => (down = false));
  const worker = new Worker(
    TURN_QUEUE,
    async (job: Job): Promise<ProcessResult> => {
      try {
        return await processTurnRecord(job.data, { store: opts.store, evaluators: opts.evaluators, tracer: opts.tracer, logger: opts.logger, signal: abort.signal });
      } catch (err) {
        if (err instanceof MalformedRecordError) throw new UnrecoverableError(err.message);
        throw err;
      }
    },
    {
      connection,
      prefix: opts.prefix,
      concurrency: opts.concurrency ?? 4,
      ...(opts.lockDurationMs ? { lockDuration: opts.lockDurationMs } : {}),
      ...(opts.stalledIntervalMs ? { stalledInterval: opts.stalledIntervalMs } : {}),
    },
  );
  worker.on('completed', (job, result: ProcessResult) =>
    opts.logger.debug({ turn: job.id, verdicts: result.verdicts.map((v) => `${v.name}=${v.score}`), fresh: result.fresh, reevaluated: result.reevaluated }, 'turn scored'),
  );
  worker.on('failed', (job, err) => opts.logger.warn({ turn: job?.id, attempt: job?.attemptsMade, err: err.message }, 'turn evaluation failed'));
  worker.on('error', (err) => opts.logger.warn({ err: err.message }, 'worker error'));
  return {
    worker,
    async close() {
      // Active jobs finish (their evaluators see the abort signal if they do I/O).
      const closing = worker.close();
      setTimeout(() => abort.abort(), 10_000).unref();
      await closing;
      connection.disconnect();
    },
  };
}
