// Picks where turn records go, and says which once: BullMQ when REDIS_URL is set (scored
// by `gateway worker`, shared by every replica), else the in-process queue running the
// same processor with an in-memory score store.
import type { TracerProvider } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { LoadedConfig } from '../config/types.js';
import { BullmqTurnProducer } from './bullmq-turn-producer.js';
import { InProcessTurnQueue } from './in-process-turn-queue.js';
import { bullPrefix } from './turn-queue-names.js';
import type { TurnRecordSink } from './turn-record-sink.js';
import { MemoryScoreStore } from '../../evaluators/store/memory-score-store.js';
import type { ScoreStore } from '../../evaluators/store/score-store.js';
import { loadEvaluators } from '../../evaluators/load-evaluators.js';
import { processTurnRecord } from '../../evaluators/process-turn-record.js';

export interface TurnRecords {
  sink: TurnRecordSink;
  // In process only: where the scores are (with REDIS_URL they are in Redis, written by the worker).
  scores?: ScoreStore;
}

export async function createTurnRecords(
  loaded: LoadedConfig,
  env: NodeJS.ProcessEnv,
  logger: Logger,
  tracerProvider: TracerProvider | undefined,
): Promise<TurnRecords> {
  const bufferLimit = loaded.config.evaluation?.buffer_limit;
  if (env.REDIS_URL) {
    const prefix = bullPrefix(env);
    logger.info({ queue: 'turns', prefix }, 'turn records: BullMQ queue in Redis (scored by `gateway worker`)');
    return { sink: new BullmqTurnProducer({ redisUrl: env.REDIS_URL, prefix, logger, bufferLimit }) };
  }
  const store = new MemoryScoreStore();
  const evaluators = await loadEvaluators(loaded, env);
  const tracer = tracerProvider?.getTracer('codex-gateway-evaluators');
  logger.info(
    { evaluators: evaluators.map((e) => e.name) },
    'turn records: scored in this process, scores in memory (REDIS_URL is not set; run `gateway worker` with Redis to share them)',
  );
  const sink = new InProcessTurnQueue({
    process: (record) => processTurnRecord(record, { store, evaluators, tracer, logger }),
    logger,
    bufferLimit,
  });
  return { sink, scores: store };
}
