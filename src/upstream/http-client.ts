// Upstream HTTP: undici.request over a keep-alive Agent. Not the global fetch, whose
// web-stream plumbing measured about +0.3 ms of CPU per request on this machine.
import { Agent, request, type Dispatcher } from 'undici';

export interface UpstreamResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Dispatcher.ResponseData['body'];
}

export interface HttpClientOptions {
  // How long to wait for response headers (a queued or thinking upstream is slow to answer).
  headersTimeoutMs?: number;
  // Longest silence between two body chunks; the client's idle heartbeats cover shorter gaps.
  bodyTimeoutMs?: number;
}

export class HttpClient {
  private readonly agent: Agent;
  // Set on a watched view (see `watched`): called for every body chunk received.
  private readonly onBody?: () => void;
  private readonly owner: boolean;

  constructor(opts: HttpClientOptions = {}, shared?: { agent: Agent; onBody: () => void }) {
    this.owner = shared === undefined;
    this.onBody = shared?.onBody;
    this.agent =
      shared?.agent ??
      new Agent({
        keepAliveTimeout: 30_000,
        keepAliveMaxTimeout: 600_000,
        headersTimeout: opts.headersTimeoutMs ?? 600_000,
        bodyTimeout: opts.bodyTimeoutMs ?? 600_000,
        connections: 512,
        pipelining: 1,
      });
  }

  // The same client (same connection pool) calling `onBody` whenever a response body
  // chunk arrives: the gateway's idle limit counts any upstream bytes (keep-alive
  // comments, pings, chunks that carry nothing for the client) as the upstream being alive.
  watched(onBody: () => void): HttpClient {
    return new HttpClient({}, { agent: this.agent, onBody });
  }

  async post(url: string, body: string, headers: Record<string, string>, signal?: AbortSignal): Promise<UpstreamResponse> {
    const res = await request(url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', ...headers },
      signal,
      dispatcher: this.agent,
    });
    if (this.onBody) tapBody(res.body, this.onBody);
    return { status: res.statusCode, headers: res.headers, body: res.body };
  }

  close(): Promise<void> {
    return this.owner ? this.agent.close() : Promise.resolve();
  }
}

// undici hands each received chunk to the body with push(): observe it there, which
// leaves the stream's mode (paused, async-iterated) and backpressure untouched.
function tapBody(body: Dispatcher.ResponseData['body'], onBody: () => void): void {
  const push = body.push.bind(body);
  body.push = (chunk: unknown, encoding?: BufferEncoding) => {
    if (chunk !== null) onBody();
    return push(chunk, encoding);
  };
}
