// The gateway's own limits on an upstream stream while it is consumed: when the upstream
// sends nothing for `idleMs` (server.idle_timeout_ms; the client meanwhile gets
// heartbeats), or the gateway's shutdown grace ran out, the upstream request is aborted
// and the stream throws a GatewayError the dialect encodes as its terminal failure
// (response.failed / an error chunk). Time the consumer spends elsewhere (a slow client
// holding back writes) does not count as upstream silence.
import { GatewayError } from '../http/errors.js';

export const DEFAULT_IDLE_TIMEOUT_MS = 300_000;

export interface GuardOptions {
  idleMs: number;
  // Aborted to cancel the upstream request (undici then destroys its body).
  upstream: AbortController;
  // Fires when the shutdown grace is over: in-flight streams are ended.
  shutdown?: AbortSignal;
  provider: string;
}

type Interrupt = 'idle' | 'shutdown';

// Watches one upstream call: `touch` (given to the HTTP client, called on every body
// chunk) and every event read keep it alive; `wrap` applies the limits to its events.
export class StreamGuard {
  private timer: NodeJS.Timeout | undefined;
  private wake: ((why: Interrupt) => void) | undefined;
  private interrupted: Interrupt | undefined;

  constructor(private readonly opts: GuardOptions) {}

  readonly touch = (): void => {
    this.timer?.refresh();
  };

  private fire(why: Interrupt): void {
    this.interrupted ??= why;
    this.wake?.(why);
  }

  // `provider`: the one serving the stream (after a fallback, not the first tried).
  async *wrap<T>(source: AsyncIterable<T>, provider = this.opts.provider): AsyncGenerator<T> {
    const opts = { ...this.opts, provider };
    const it = source[Symbol.asyncIterator]();
    // Fires only while waiting on the upstream (refresh() re-arms a fired timer): time the
    // consumer spends writing to a slow client is not upstream silence.
    if (opts.idleMs > 0 && Number.isFinite(opts.idleMs)) this.timer = setTimeout(() => this.wake && this.fire('idle'), opts.idleMs);
    const onShutdown = () => this.fire('shutdown');
    if (opts.shutdown?.aborted) this.interrupted = 'shutdown';
    else opts.shutdown?.addEventListener('abort', onShutdown, { once: true });
    let finished = false;
    try {
      for (;;) {
        if (this.interrupted) throw stop(this.interrupted, opts);
        this.timer?.refresh();
        const next = it.next();
        const r = await Promise.race([next, new Promise<Interrupt>((resolve) => (this.wake = resolve))]);
        this.wake = undefined;
        if (typeof r === 'string') {
          // The pending read rejects once the upstream is aborted: nobody waits for it.
          next.catch(() => undefined);
          throw stop(r, opts);
        }
        if (r.done) {
          finished = true;
          return;
        }
        yield r.value;
      }
    } finally {
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      opts.shutdown?.removeEventListener('abort', onShutdown);
      if (!finished) {
        // Stopped early (interrupted, failed, or the consumer went away): release the source.
        try {
          void Promise.resolve(it.return?.()).catch(() => undefined);
        } catch {
          /* a source that throws on return: nothing more to release */
        }
      }
    }
  }
}

export function guardStream<T>(source: AsyncIterable<T>, opts: GuardOptions): AsyncGenerator<T> {
  return new StreamGuard(opts).wrap(source);
}

function stop(why: Interrupt, opts: GuardOptions): GatewayError {
  opts.upstream.abort();
  if (why === 'shutdown') return shuttingDownError();
  return new GatewayError(
    504,
    'upstream_idle_timeout',
    `${opts.provider} sent nothing for ${Math.round(opts.idleMs / 100) / 10} s (server.idle_timeout_ms): the gateway ended the stream.`,
    { type: 'server_error' },
  );
}

export function shuttingDownError(): GatewayError {
  return new GatewayError(503, 'shutting_down', 'The gateway is shutting down; retry the request.', { type: 'server_error', headers: { 'retry-after': '1' } });
}

// One signal for the upstream call: the client went away, the gateway gave up on the
// upstream (idle limit), or the shutdown grace is over. Not AbortSignal.any: the shutdown
// signal lives as long as the process, so the listeners on it are removed explicitly when
// the response closes (`ended`).
export function upstreamSignal(ended: { once(event: 'close', listener: () => void): unknown }, ...signals: (AbortSignal | undefined)[]): AbortSignal {
  const ac = new AbortController();
  const sources = signals.filter((s): s is AbortSignal => s !== undefined);
  const dispose = () => {
    for (const s of sources) s.removeEventListener('abort', abort);
  };
  const abort = () => {
    ac.abort();
    dispose();
  };
  if (sources.some((s) => s.aborted)) {
    ac.abort();
    return ac.signal;
  }
  for (const s of sources) s.addEventListener('abort', abort, { once: true });
  ended.once('close', dispose);
  return ac.signal;
}
