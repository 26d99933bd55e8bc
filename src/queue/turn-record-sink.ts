// Where finished turns' records go: BullMQ (with REDIS_URL) or the in-process queue.
// `push` is synchronous and never throws: enqueueing must not block or fail a request.
import type { TurnRecord } from '../records/turn-record.js';

export interface TurnRecordSink {
  push(record: TurnRecord): void;
  stats(): TurnQueueStats;
  // Delivers what it can (bounded wait), then releases its connections.
  close(): Promise<void>;
}

export interface TurnQueueStats {
  mode: 'bullmq' | 'in-process';
  // Records waiting in memory (Redis unreachable, or the in-process queue's backlog).
  buffered: number;
  // Records handed to the queue (BullMQ) or processed (in process).
  delivered: number;
  // Records dropped because the buffer was full.
  dropped: number;
  // In process: records whose evaluation failed for good.
  failed: number;
}
