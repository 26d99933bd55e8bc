// POST /v1/chat/completions: canonical events → chat.completion chunks (or one completion).
import type { Request as HttpRequest, Response as HttpResponse } from 'express';
import { decodeChatRequest } from '../dialects/chat/decode-request.js';
import { createChatStreamEncoder } from '../dialects/chat/encode-stream.js';
import { createChatResponseAggregator } from '../dialects/chat/encode-response.js';
import { SseWriter, dataFrames } from '../http/sse-writer.js';
import type { GatewayDeps } from './deps.js';
import { asGatewayError, openTurn } from './open-turn.js';

export async function handleChat(req: HttpRequest, res: HttpResponse, deps: GatewayDeps): Promise<void> {
  const t = await openTurn('chat', req, res, deps, decodeChatRequest);
  if (!t) return;

  if (!t.canonical.stream) {
    const aggregator = createChatResponseAggregator({ model: t.body.model });
    await t.collect((ev) => aggregator.push(ev));
    const result = aggregator.result();
    t.finish();
    res.json(result);
    return;
  }

  const encoder = createChatStreamEncoder({ model: t.body.model, includeUsage: t.body.stream_options?.include_usage === true });
  const sse = new SseWriter(res);
  sse.open();
  // Chat clients accept SSE comments as keep-alives.
  sse.heartbeat(deps.heartbeatMs, () => ': keep-alive\n\n');
  try {
    for await (const ev of t.events) {
      const out = encoder.push(ev);
      if (out.length > 0) await sse.write(dataFrames(out));
    }
    await sse.write(dataFrames(encoder.end()));
    // After an error chunk OpenAI sends no [DONE]; the SDK raises the error it read.
    if (!t.failure) await sse.write('data: [DONE]\n\n');
  } catch (err) {
    if (t.signal.aborted) {
      sse.end();
      return t.finish('client_closed');
    }
    t.failure ??= asGatewayError(err, t.route.provider).toInfo();
    await sse.write(dataFrames(encoder.push({ type: 'error', error: t.failure })));
  }
  sse.end();
  t.finish();
}
