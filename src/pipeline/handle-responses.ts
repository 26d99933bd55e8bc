// POST /v1/responses: canonical events → Responses stream (or one Response object).
import { randomUUID } from 'node:crypto';
import type { Request as HttpRequest, Response as HttpResponse } from 'express';
import { decodeResponsesRequest } from '../dialects/responses/decode-request.js';
import { ResponsesStreamEncoder, type ResponseEcho } from '../dialects/responses/encode-stream.js';
import { SseWriter, responsesFrames } from '../http/sse-writer.js';
import type { GatewayDeps } from './deps.js';
import { asGatewayError, openTurn } from './open-turn.js';

export async function handleResponses(req: HttpRequest, res: HttpResponse, deps: GatewayDeps): Promise<void> {
  const t = await openTurn('responses', req, res, deps, decodeResponsesRequest);
  if (!t) return;
  const encoder = new ResponsesStreamEncoder({
    responseId: `resp_${randomUUID().replace(/-/g, '')}`,
    createdAt: Math.floor(Date.now() / 1000),
    echo: echoOf(t.body),
  });

  if (!t.canonical.stream) {
    await t.collect((ev) => encoder.push(ev));
    encoder.end();
    t.finish(encoder.finalResponse.status === 'incomplete' ? 'incomplete' : 'completed');
    res.json(encoder.finalResponse);
    return;
  }

  const sse = new SseWriter(res);
  sse.open();
  await sse.write(responsesFrames(encoder.start()));
  sse.heartbeat(deps.heartbeatMs, () => responsesFrames([encoder.heartbeat()]));
  try {
    for await (const ev of t.events) {
      const out = encoder.push(ev);
      if (out.length > 0) await sse.write(responsesFrames(out));
    }
    await sse.write(responsesFrames(encoder.end()));
  } catch (err) {
    if (t.signal.aborted) {
      sse.end();
      return t.finish('client_closed');
    }
    t.failure ??= asGatewayError(err, t.route.provider).toInfo();
    await sse.write(responsesFrames(encoder.fail(t.failure)));
  }
  sse.end();
  const status = encoder.finalResponse.status;
  t.finish(status === 'in_progress' ? 'failed' : status);
}

// What a Response echoes of its request (OpenAI does; SDK helpers read `text.format`).
function echoOf(body: Record<string, any>): ResponseEcho {
  return {
    model: body.model,
    instructions: body.instructions ?? null,
    tools: body.tools ?? [],
    tool_choice: body.tool_choice ?? 'auto',
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    reasoning: body.reasoning ?? { effort: null, summary: null },
    text: body.text ?? { format: { type: 'text' } },
    temperature: body.temperature ?? null,
    top_p: body.top_p ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    store: body.store ?? false,
    metadata: body.metadata ?? {},
    prompt_cache_key: body.prompt_cache_key ?? null,
  };
}
