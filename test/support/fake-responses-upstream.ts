// A loopback fake of the OpenAI Responses API (`POST /v1/responses`, SSE),
// enough to drive the real Codex CLI. Its event sequences follow
// test/fixtures/codex/sse-full-*.txt (what OpenAI sends and Codex accepts).
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ResponsesRequest {
  index: number;
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: any;
}

export type ResponsesReply =
  /** SSE: one `event: <type>\ndata: <json>\n\n` frame per event, written separately. */
  | { events: object[]; delayMs?: number }
  | { status: number; json: object; headers?: Record<string, string> };

export interface FakeResponsesUpstream {
  /** `http://127.0.0.1:PORT/v1` */
  url: string;
  /** Every request received, in order (any method and path). */
  requests: ResponsesRequest[];
  close(): Promise<void>;
}

export async function startFakeResponsesUpstream(opts: {
  script: (req: ResponsesRequest) => ResponsesReply | Promise<ResponsesReply>;
}): Promise<FakeResponsesUpstream> {
  const requests: ResponsesRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: any;
      try {
        body = raw ? JSON.parse(raw) : undefined;
      } catch {
        body = raw;
      }
      const record: ResponsesRequest = {
        index: requests.length,
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body,
      };
      requests.push(record);
      if (req.method !== 'POST' || (req.url ?? '').split('?')[0] !== '/v1/responses') {
        sendJson(res, 404, { error: { message: `no route ${req.method} ${req.url}`, type: 'invalid_request_error', param: null, code: null } });
        return;
      }
      Promise.resolve()
        .then(() => opts.script(record))
        .then((reply) => writeReply(res, reply))
        .catch((e: unknown) => {
          if (!res.headersSent) {
            sendJson(res, 500, { error: { message: `fake script failed: ${String(e)}`, type: 'server_error', param: null, code: null } });
          } else res.destroy();
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function sendJson(res: ServerResponse, status: number, json: object, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(json);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

async function writeReply(res: ServerResponse, reply: ResponsesReply): Promise<void> {
  if ('json' in reply) {
    sendJson(res, reply.status, reply.json, reply.headers);
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  let seq = 0;
  for (const event of reply.events) {
    if (res.destroyed) return;
    const e: Record<string, unknown> = { ...event, sequence_number: seq++ };
    res.write(`event: ${String(e.type)}\ndata: ${JSON.stringify(e)}\n\n`);
    await new Promise((r) => (reply.delayMs ? setTimeout(r, reply.delayMs) : setImmediate(r)));
  }
  res.end();
}

const USAGE = {
  input_tokens: 100,
  input_tokens_details: { cached_tokens: 0 },
  output_tokens: 20,
  output_tokens_details: { reasoning_tokens: 0 },
  total_tokens: 120,
};

let responseCounter = 0;

function envelope(id: string, model: string, status: string, output: object[]) {
  return { id, object: 'response', created_at: Math.floor(Date.now() / 1000), status, model, output };
}

function split(text: string, parts: number): string[] {
  const size = Math.max(1, Math.ceil(text.length / Math.max(1, parts)));
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out.length ? out : [''];
}

/**
 * The full event sequence of one response with a `function_call` item
 * (created, in_progress, output_item.added, argument deltas, done, completed).
 */
export function responsesFunctionCallEvents(opts: {
  callId: string;
  name: string;
  arguments: string;
  model?: string;
  splitInto?: number;
}): object[] {
  const n = ++responseCounter;
  const id = `resp_fake_${n}`;
  const itemId = `fc_fake_${n}`;
  const model = opts.model ?? 'fake-model';
  const item = { id: itemId, type: 'function_call', status: 'completed', call_id: opts.callId, name: opts.name, arguments: opts.arguments };
  return [
    { type: 'response.created', response: envelope(id, model, 'in_progress', []) },
    { type: 'response.in_progress', response: envelope(id, model, 'in_progress', []) },
    { type: 'response.output_item.added', output_index: 0, item: { ...item, status: 'in_progress', arguments: '' } },
    ...split(opts.arguments, opts.splitInto ?? 3).map((delta) => ({
      type: 'response.function_call_arguments.delta',
      item_id: itemId,
      output_index: 0,
      delta,
    })),
    { type: 'response.function_call_arguments.done', item_id: itemId, output_index: 0, arguments: opts.arguments },
    { type: 'response.output_item.done', output_index: 0, item },
    { type: 'response.completed', response: { ...envelope(id, model, 'completed', [item]), usage: USAGE } },
  ];
}

/** The full event sequence of one response with a final assistant `message`. */
export function responsesMessageEvents(opts: { text: string; model?: string; splitInto?: number }): object[] {
  const n = ++responseCounter;
  const id = `resp_fake_${n}`;
  const itemId = `msg_fake_${n}`;
  const model = opts.model ?? 'fake-model';
  const part = { type: 'output_text', text: opts.text, annotations: [] };
  const item = { id: itemId, type: 'message', status: 'completed', role: 'assistant', content: [part] };
  return [
    { type: 'response.created', response: envelope(id, model, 'in_progress', []) },
    { type: 'response.in_progress', response: envelope(id, model, 'in_progress', []) },
    { type: 'response.output_item.added', output_index: 0, item: { ...item, status: 'in_progress', content: [] } },
    { type: 'response.content_part.added', item_id: itemId, output_index: 0, content_index: 0, part: { ...part, text: '' } },
    ...split(opts.text, opts.splitInto ?? 3).map((delta) => ({
      type: 'response.output_text.delta',
      item_id: itemId,
      output_index: 0,
      content_index: 0,
      delta,
    })),
    { type: 'response.output_text.done', item_id: itemId, output_index: 0, content_index: 0, text: opts.text },
    { type: 'response.content_part.done', item_id: itemId, output_index: 0, content_index: 0, part },
    { type: 'response.output_item.done', output_index: 0, item },
    { type: 'response.completed', response: { ...envelope(id, model, 'completed', [item]), usage: USAGE } },
  ];
}
