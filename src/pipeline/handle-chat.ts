// POST /v1/chat/completions: the same pipeline as Responses, with the Chat dialect at both ends.
import type { Request as HttpRequest, Response as HttpResponse } from 'express';
import type { Event, GatewayErrorInfo } from '../canonical/types.js';
import { decodeChatRequest } from '../dialects/chat/decode-request.js';
import { createChatStreamEncoder } from '../dialects/chat/encode-stream.js';
import { createChatResponseAggregator } from '../dialects/chat/encode-response.js';
import { GatewayError } from '../http/errors.js';
import { SseWriter, dataFrames } from '../http/sse-writer.js';
import { adapterFor } from '../providers/registry.js';
import { selectRoute } from '../routing/select-route.js';
import { abortOnClientClose } from './client-abort.js';
import type { GatewayDeps } from './deps.js';
import { asGatewayError, requireObject } from './handle-responses.js';
import { passthrough } from './passthrough.js';
import { finishTurn, startTurn } from './turn-tracker.js';

export async function handleChat(req: HttpRequest, res: HttpResponse, deps: GatewayDeps): Promise<void> {
  const loaded = deps.config();
  const body = requireObject(req.body);
  const direct = selectRoute(typeof body.model === 'string' ? body.model : undefined, loaded);
  if (direct.translation === 'passthrough')
    return passthrough('chat', req, res, direct, startTurn('chat', { stream: body.stream === true, removedTools: [], warnings: [] }, direct), deps);
  const canonical = decodeChatRequest(body);
  const route = selectRoute(canonical.model, loaded);
  const turn = startTurn('chat', canonical, route);

  const ac = abortOnClientClose(req, res);
  const ctx = { route, config: loaded.config, http: deps.http, signal: ac.signal, env: deps.env };
  let call;
  try {
    call = await adapterFor(route).call(canonical, ctx);
  } catch (err) {
    throw finishTurn(turn, deps, asGatewayError(err, route.provider));
  }
  turn.warnings.push(...call.warnings);

  let failure: GatewayErrorInfo | undefined;
  const track = (ev: Event) => {
    if (ev.type === 'usage') turn.usage = ev.usage;
    else if (ev.type === 'error') failure = ev.error;
    else if (turn.ttftAt === undefined && (ev.type === 'text_delta' || ev.type === 'tool_call_start' || ev.type === 'reasoning_delta'))
      turn.ttftAt = performance.now();
  };

  if (!canonical.stream) {
    const aggregator = createChatResponseAggregator({ model: body.model });
    try {
      for await (const ev of call.events) {
        track(ev);
        aggregator.push(ev);
      }
    } catch (err) {
      failure = asGatewayError(err, route.provider).toInfo();
    }
    if (failure) throw finishTurn(turn, deps, GatewayError.from(failure));
    const result = aggregator.result();
    finishTurn(turn, deps, undefined);
    res.json(result);
    return;
  }

  const encoder = createChatStreamEncoder({ model: body.model, includeUsage: body.stream_options?.include_usage === true });
  const sse = new SseWriter(res);
  sse.open();
  // Chat clients accept SSE comments as keep-alives.
  sse.heartbeat(deps.heartbeatMs, () => ': keep-alive\n\n');
  try {
    for await (const ev of call.events) {
      track(ev);
      const out = encoder.push(ev);
      if (out.length > 0) await sse.write(dataFrames(out));
    }
    await sse.write(dataFrames(encoder.end()));
    if (!failure) await sse.write('data: [DONE]\n\n');
  } catch (err) {
    if (ac.signal.aborted) {
      finishTurn(turn, deps, undefined, 'client_closed');
      sse.end();
      return;
    }
    failure = asGatewayError(err, route.provider).toInfo();
    await sse.write(dataFrames(encoder.push({ type: 'error', error: failure })));
  }
  sse.end();
  finishTurn(turn, deps, failure ? GatewayError.from(failure) : undefined);
}
