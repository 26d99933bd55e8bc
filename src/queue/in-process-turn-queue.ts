// Without REDIS_URL: the same processor the worker runs, in the gateway's process, one
// record at a time after the response has gone. Bounded like the BullMQ buffer; a record
// whose evaluation fails is tried again (three attempts, growing pauses), then counted.
import type { Logger } from 'pino';
import type { TurnRecord } from '../records/turn-record.js';
import type { TurnQueueStats, TurnRecordSink } from './turn-record-sink.js';

export interface InProcessQueueOptions {
  process: (record: TurnRecord) => Promise<unknown>;
  logger: Logger;
  bufferLimit?: number;
  attempts?: number;
  retryDelayMs?: number;
}

export class InProcessTurnQueue implements TurnRecordSink {
  private readonly backlog: TurnRecord[] = [];
  private running = false;
  private delivered = 0;
  private dropped = 0;
  private failed = 0;
  private closed = false;
  private idle: Promise<void> = Promise.resolve();

  constructor(private readonly opts: InProcessQueueOptions) {}

  push(record: TurnRecord): void {
    if (this.closed) return;
    this.backlog.push(record);
    const limit = this.opts.bufferLimit ?? 10_000;
    if (this.backlog.length > limit) {
      this.backlog.splice(0, this.backlog.length - limit);
      if (this.dropped++ === 0) this.opts.logger.warn({ limit }, 'turn queue: in-process backlog full, oldest turn records dropped');
    }
    if (!this.running) this.idle = this.run();
  }

  stats(): TurnQueueStats {
    return { mode: 'in-process', buffered: this.backlog.length, delivered: this.delivered, dropped: this.dropped, failed: this.failed };
  }

  // Resolves when everything pushed so far is processed (tests, shutdown).
  async drain(): Promise<void> {
    while (this.running || this.backlog.length > 0) await this.idle;
  }

  async close(): Promise<void> {
    await this.drain();
    this.closed = true;
  }

  private async run(): Promise<void> {
    this.running = true;
    // Off the request's tick: the response is already on its way.
    await new Promise((r) => setImmediate(r));
    try {
      while (this.backlog.length > 0) {
        const record = this.backlog.shift()!;
        await this.processWithRetries(record);
      }
    } finally {
      this.running = false;
    }
  }

  private async processWithRetries(record: TurnRecord): Promise<void> {
    const attempts = this.opts.attempts ?? 3;
    for (let i = 1; ; i++) {
      try {
        await this.opts.process(record);
        this.delivered++;
        return;
      } catch (err) {
        const unrecoverable = (err as Error).name === 'MalformedRecordError';
        if (unrecoverable || i >= attempts) {
          this.failed++;
          this.opts.logger.warn({ turn: record.id, err: (err as Error).message, attempts: i }, 'turn evaluation failed');
          return;
        }
        await new Promise((r) => setTimeout(r, (this.opts.retryDelayMs ?? 500) * 2 ** (i - 1)).unref?.());
      }
    }
  }
}
