// The benchmark's loopback upstream, in its own process: pre-serialised streamed answers
// in each provider's recorded shape, built once at start-up with the test fakes' chunk
// builders (test/support/fake-*-upstream.ts), then written as they are for every request.
//
//   POST /v1/responses                                  OpenAI Responses SSE, a message with N text deltas
//   POST /v1/chat/completions                           OpenAI Chat Completions SSE, N content deltas, usage chunk, [DONE]
//   POST /v1/messages                                   Anthropic Messages SSE: a text block and a tool_use block,
//                                                       N deltas between them (half text_delta, half input_json_delta)
//   POST /v1beta/models/{model}:streamGenerateContent   Gemini SSE (`alt=sse`, `data: …\r\n\r\n`), N text chunks + STOP
//   POST /v1/traces                                     an OTLP/HTTP sink (200, empty protobuf or `{}`), bytes counted
//   GET  /stats                                         {"otlpRequests":…,"otlpBytes":…}
//
// N: BENCH_CHUNKS or --chunks (default 20). BENCH_CHUNK_DELAY_MS or --delay-ms (default 0):
// with 0 the frames of one answer are written back to back under one cork (one writev);
// with a delay, one write per frame, that many ms apart. Request bodies are drained unread.
import { createServer, type ServerResponse } from 'node:http';
import { anthropicEvents } from '../test/support/fake-anthropic-upstream.js';
import { chatTextChunks } from '../test/support/fake-chat-upstream.js';
import { geminiTextChunks } from '../test/support/fake-gemini-upstream.js';
import { responsesMessageEvents } from '../test/support/fake-responses-upstream.js';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const CHUNKS = Math.max(2, Number(arg('chunks') ?? process.env.BENCH_CHUNKS ?? 20));
const DELAY_MS = Math.max(0, Number(arg('delay-ms') ?? process.env.BENCH_CHUNK_DELAY_MS ?? 0));

// `n` words, so that word-splitting builders (Gemini) give exactly n pieces.
const words = (n: number, prefix = 'word') => Array.from({ length: n }, (_, i) => `${i === 0 ? '' : ' '}${prefix}${i}`).join('');

export const TOOL = {
  name: 'exec_command',
  input: { cmd: "sed -n '1,200p' src/server.ts && rg -n 'startGateway' src test | head -40", workdir: '/home/dev/project', max_output_tokens: 6000 },
};

function responsesFrames(): Buffer[] {
  const text = words(CHUNKS);
  const events = responsesMessageEvents({ text, model: 'gpt-5.1-bench', splitInto: CHUNKS });
  return events.map((e, i) => {
    const ev = { ...(e as { type: string }), sequence_number: i };
    return Buffer.from(`event: ${ev.type}\ndata: ${JSON.stringify(ev)}\n\n`);
  });
}

function chatFrames(): Buffer[] {
  const chunks = chatTextChunks(words(CHUNKS), { splitInto: CHUNKS, model: 'bench-chat' });
  return [...chunks.map((c) => Buffer.from(`data: ${JSON.stringify(c)}\n\n`)), Buffer.from('data: [DONE]\n\n')];
}

function anthropicFrames(inputTokens: number): Buffer[] {
  // anthropicEvents splits the text and the tool input into `splitInto` pieces each.
  const half = Math.max(1, Math.ceil(CHUNKS / 2));
  const events = anthropicEvents({
    model: 'claude-sonnet-4-5-20250929',
    text: words(half, 'look').padEnd(half * 8, '.'),
    toolUses: [{ id: 'toolu_01Bench0000000000000000', name: TOOL.name, input: TOOL.input }],
    splitInto: half,
    usage: { input_tokens: inputTokens, output_tokens: 60 },
  });
  return events.map((e) => Buffer.from(`event: ${(e as { type: string }).type}\ndata: ${JSON.stringify(e)}\n\n`));
}

function geminiFrames(): Buffer[] {
  const chunks = geminiTextChunks(words(CHUNKS), { modelVersion: 'gemini-2.5-flash', responseId: 'bench-response' });
  return chunks.map((c) => Buffer.from(`data: ${JSON.stringify(c)}\r\n\r\n`));
}

// The usage an answer reports must be near the gateway's own estimate of the request: the
// gateway calibrates its estimates per provider against it (src/tokens/token-calibration.ts),
// and a 1,200-token usage for a 100-token request would scale the 100k-token request's
// estimate past the model's window. So bodies over 100 kB get the large request's usage.
const SMALL_INPUT_TOKENS = 150;
const LARGE_INPUT_TOKENS = 116_000;
const LARGE_BODY = 100_000;

const ANSWERS = {
  responses: responsesFrames(),
  chat: chatFrames(),
  anthropic: anthropicFrames(SMALL_INPUT_TOKENS),
  anthropicLarge: anthropicFrames(LARGE_INPUT_TOKENS),
  gemini: geminiFrames(),
};
const SSE_HEADERS = { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' };

function stream(res: ServerResponse, frames: Buffer[]): void {
  res.writeHead(200, SSE_HEADERS);
  if (DELAY_MS === 0) {
    res.socket?.cork();
    for (const f of frames) res.write(f);
    res.end();
    const socket = res.socket;
    if (socket) process.nextTick(() => socket.uncork());
    return;
  }
  let i = 0;
  const next = () => {
    if (res.destroyed) return;
    if (i === frames.length) return void res.end();
    res.write(frames[i++]);
    setTimeout(next, DELAY_MS);
  };
  next();
}

let otlpRequests = 0;
let otlpBytes = 0;

const server = createServer((req, res) => {
  const url = req.url ?? '';
  if (req.method === 'GET' && url === '/stats') {
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ otlpRequests, otlpBytes }));
    return;
  }
  const isTraces = url.startsWith('/v1/traces');
  req.on('data', isTraces ? (c: Buffer) => (otlpBytes += c.length) : () => {});
  req.on('end', () => {
    if (isTraces) {
      otlpRequests++;
      if (String(req.headers['content-type']).startsWith('application/json')) res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      else res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      return;
    }
    const path = url.split('?')[0];
    if (path.endsWith('/responses')) stream(res, ANSWERS.responses);
    else if (path.endsWith('/chat/completions')) stream(res, ANSWERS.chat);
    else if (path.endsWith('/messages')) stream(res, Number(req.headers['content-length'] ?? 0) > LARGE_BODY ? ANSWERS.anthropicLarge : ANSWERS.anthropic);
    else if (path.includes(':streamGenerateContent')) stream(res, ANSWERS.gemini);
    else res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `no route ${req.method} ${path}` } }));
  });
});
server.keepAliveTimeout = 60_000;
server.headersTimeout = 65_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  const frames = Object.entries(ANSWERS)
    .map(([k, v]) => `${k}=${v.length} frames/${v.reduce((n, b) => n + b.length, 0)} B`)
    .join(', ');
  process.stdout.write(`LISTENING ${port} chunks=${CHUNKS} delay_ms=${DELAY_MS} ${frames}\n`);
});
process.on('SIGTERM', () => process.exit(0));
