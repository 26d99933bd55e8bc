// Server-sent events to the client: every write goes out at once (no compression,
// no proxy buffering), the producer waits when the socket is full (so a slow client
// slows the upstream read instead of growing memory), and a silent stream gets a
// heartbeat so Codex's idle timer (reset only by data events) never fires.
import type { ServerResponse } from 'node:http';

export class SseWriter {
  private lastWrite = Date.now();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly res: ServerResponse) {}

  open(): void {
    this.res.statusCode = 200;
    this.res.setHeader('content-type', 'text/event-stream; charset=utf-8');
    this.res.setHeader('cache-control', 'no-cache');
    this.res.setHeader('connection', 'keep-alive');
    this.res.setHeader('x-accel-buffering', 'no');
    this.res.flushHeaders();
  }

  get closed(): boolean {
    return this.res.destroyed || this.res.writableEnded;
  }

  async write(text: string): Promise<void> {
    if (this.closed || text === '') return;
    this.lastWrite = Date.now();
    // Events decoded from one upstream read arrive in the same tick: cork so they leave
    // in one syscall, uncorked before the event loop moves on (no added latency).
    if (!this.corked) {
      this.corked = true;
      this.res.cork();
      process.nextTick(this.uncork);
    }
    if (!this.res.write(text)) {
      this.uncork();
      await drained(this.res);
    }
  }

  private corked = false;
  private readonly uncork = (): void => {
    if (!this.corked) return;
    this.corked = false;
    this.res.uncork();
  };

  // Sends `beat()` whenever nothing was written for `everyMs`: checking three times per
  // period bounds the silence to at most `everyMs`.
  heartbeat(everyMs: number, beat: () => string): void {
    const threshold = (everyMs * 2) / 3;
    this.timer = setInterval(() => {
      if (this.closed) return this.stopHeartbeat();
      if (Date.now() - this.lastWrite >= threshold) void this.write(beat());
    }, Math.max(1, Math.floor(everyMs / 3)));
    this.timer.unref();
  }

  stopHeartbeat(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  end(): void {
    this.stopHeartbeat();
    this.uncork();
    if (!this.closed) this.res.end();
  }
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

export function responsesFrames(events: { type: string }[]): string {
  let out = '';
  for (const e of events) out += `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`;
  return out;
}

export function dataFrames(payloads: unknown[]): string {
  let out = '';
  for (const p of payloads) out += `data: ${JSON.stringify(p)}\n\n`;
  return out;
}
