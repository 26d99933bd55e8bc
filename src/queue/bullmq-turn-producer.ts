// The producer: turn records onto the BullMQ queue. `push` only appends to a bounded
// in-memory buffer and schedules a flush, so a slow or unreachable Redis never touches
// a request; the flush sends batches (addBulk, job id = turn id, so a resend after a
// lost reply adds nothing) and, while Redis is down, retries with backoff. When the
// buffer is full the oldest record is dropped, counted and logged.
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { TurnRecord } from '../records/turn-record.js';
import type { TurnQueueStats, TurnRecordSink } from './turn-record-sink.js';
import { TURN_JOB_OPTIONS, TURN_QUEUE } from './turn-queue-names.js';

export interface BullmqProducerOptions {
  redisUrl: string;
  prefix: string;
  logger: Logger;
  bufferLimit?: number;
  // How long one flush may wait for Redis before the batch goes back to the buffer.
  sendTimeoutMs?: number;
  batchSize?: number;
  // How long a record waits for others to share its round trip (default 20 ms).
  batchWindowMs?: number;
  onDropped?: (n: number) => void;
}

export class BullmqTurnProducer implements TurnRecordSink {
  private readonly redis: Redis;
  private readonly queue: Queue;
  private buffer: TurnRecord[] = [];
  private delivered = 0;
  private dropped = 0;
  private flushing = false;
  private timer?: NodeJS.Timeout;
  private backoffMs = 0;
  private down = false;
  private closed = false;
  private readonly limit: number;

  constructor(private readonly opts: BullmqProducerOptions) {
    this.limit = opts.bufferLimit ?? 10_000;
    // No offline queue: a command fails at once while disconnected (the buffer is ours,
    // bounded and counted); reconnect attempts continue in the background.
    this.redis = new Redis(opts.redisUrl, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      retryStrategy: (times) => Math.min(250 * times, 5000),
    });
    this.redis.on('error', (err: Error) => this.markDown(err.message));
    this.redis.on('ready', () => {
      if (this.down) opts.logger.info({ buffered: this.buffer.length }, 'turn queue: Redis is back, delivering buffered turn records');
      this.down = false;
      this.backoffMs = 0;
      this.schedule(0);
    });
    this.queue = new Queue(TURN_QUEUE, { connection: this.redis, prefix: opts.prefix, defaultJobOptions: TURN_JOB_OPTIONS });
    this.queue.on('error', (err: Error) => this.markDown(err.message));
  }

  push(record: TurnRecord): void {
    if (this.closed) return;
    this.buffer.push(record);
    if (this.buffer.length > this.limit) this.drop(this.buffer.length - this.limit);
    // Records are sent in batches: one round trip per window, not one per turn.
    this.schedule(Math.max(this.backoffMs, this.opts.batchWindowMs ?? 20));
  }

  stats(): TurnQueueStats {
    return { mode: 'bullmq', buffered: this.buffer.length, delivered: this.delivered, dropped: this.dropped, failed: 0 };
  }

  // Sends what is buffered (waiting up to `deadlineMs`), then disconnects.
  async close(deadlineMs = 2000): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    const until = Date.now() + deadlineMs;
    while (this.buffer.length > 0 && Date.now() < until && !this.down) {
      if (!(await this.flushOnce())) break;
    }
    if (this.buffer.length > 0) this.opts.logger.warn({ lost: this.buffer.length }, 'turn queue: closing with undelivered turn records');
    await this.queue.close().catch(() => {});
    this.redis.disconnect();
  }

  private schedule(delayMs: number): void {
    if (this.timer || this.flushing || this.buffer.length === 0 || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flushLoop();
    }, delayMs);
    this.timer.unref();
  }

  private async flushLoop(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.buffer.length > 0 && !this.closed) {
        if (!(await this.flushOnce())) {
          this.backoffMs = Math.min(Math.max(this.backoffMs * 2, 250), 10_000);
          break;
        }
      }
    } finally {
      this.flushing = false;
    }
    if (this.buffer.length > 0) this.schedule(this.backoffMs);
  }

  // One batch: true when Redis took it.
  private async flushOnce(): Promise<boolean> {
    const batch = this.buffer.splice(0, this.opts.batchSize ?? 200);
    try {
      await withTimeout(
        this.queue.addBulk(batch.map((r) => ({ name: 'turn', data: r, opts: { jobId: r.id } }))),
        this.opts.sendTimeoutMs ?? 3000,
      );
      this.delivered += batch.length;
      this.backoffMs = 0;
      return true;
    } catch (err) {
      // Back to the front, in order; anything beyond the limit is the oldest: dropped.
      this.buffer = batch.concat(this.buffer);
      if (this.buffer.length > this.limit) this.drop(this.buffer.length - this.limit);
      this.markDown((err as Error).message);
      return false;
    }
  }

  private drop(n: number): void {
    this.buffer.splice(0, n);
    this.dropped += n;
    this.opts.onDropped?.(n);
    // One line per power of ten dropped, so an outage does not flood the log.
    const total = this.dropped;
    if (total === n || Math.floor(Math.log10(total)) > Math.floor(Math.log10(total - n)))
      this.opts.logger.warn({ dropped: total, limit: this.limit }, 'turn queue: buffer full while Redis is unreachable, oldest turn records dropped');
  }

  private markDown(message: string): void {
    if (!this.down) this.opts.logger.warn({ err: message, buffered: this.buffer.length }, 'turn queue: Redis unreachable, buffering turn records in memory');
    this.down = true;
  }
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}
