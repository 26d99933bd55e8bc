// A loopback upstream for the benchmark: streams a fixed Chat Completions answer and a
// fixed Responses answer (20 text deltas each, then usage), as fast as it can.
import { createServer } from 'node:http';

const DELTAS = Array.from({ length: 20 }, (_, i) => `word${i} `);

function chatFrames(): string[] {
  const base = { id: 'chatcmpl-bench', object: 'chat.completion.chunk', created: 1, model: 'bench' };
  const frames = [{ ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] }];
  for (const d of DELTAS) frames.push({ ...base, choices: [{ index: 0, delta: { content: d } as any, finish_reason: null }] });
  frames.push({ ...base, choices: [{ index: 0, delta: {} as any, finish_reason: 'stop' as any }] });
  frames.push({ ...base, choices: [], usage: { prompt_tokens: 50, completion_tokens: 20, total_tokens: 70 } } as any);
  return [...frames.map((f) => `data: ${JSON.stringify(f)}\n\n`), 'data: [DONE]\n\n'];
}

function responsesFrames(): string[] {
  let seq = 0;
  const ev = (type: string, body: object) => `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq++, ...body })}\n\n`;
  const resp = { id: 'resp_bench', object: 'response', created_at: 1, status: 'in_progress', model: 'bench', output: [], usage: null };
  const out = [ev('response.created', { response: resp }), ev('response.in_progress', { response: resp })];
  const item = { id: 'msg_1', type: 'message', status: 'in_progress', role: 'assistant', content: [] };
  out.push(ev('response.output_item.added', { output_index: 0, item }));
  out.push(ev('response.content_part.added', { item_id: 'msg_1', output_index: 0, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } }));
  for (const d of DELTAS) out.push(ev('response.output_text.delta', { item_id: 'msg_1', output_index: 0, content_index: 0, delta: d }));
  const text = DELTAS.join('');
  out.push(ev('response.output_text.done', { item_id: 'msg_1', output_index: 0, content_index: 0, text }));
  const part = { type: 'output_text', text, annotations: [] };
  out.push(ev('response.content_part.done', { item_id: 'msg_1', output_index: 0, content_index: 0, part }));
  const done = { ...item, status: 'completed', content: [part] };
  out.push(ev('response.output_item.done', { output_index: 0, item: done }));
  const usage = { input_tokens: 50, input_tokens_details: { cached_tokens: 0 }, output_tokens: 20, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 70 };
  out.push(ev('response.completed', { response: { ...resp, status: 'completed', output: [done], usage } }));
  return out;
}

const CHAT = chatFrames();
const RESPONSES = responsesFrames();

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    const frames = req.url?.endsWith('/chat/completions') ? CHAT : RESPONSES;
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const f of frames) res.write(f);
    res.end();
  });
});
server.keepAliveTimeout = 60_000;
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  const addr = server.address() as { port: number };
  process.stdout.write(`LISTENING ${addr.port}\n`);
});
