// POST /v1/responses: decode → route → provider → canonical events → Responses stream.
import { randomUUID } from 'node:crypto';
import type { Request as HttpRequest, Response as HttpResponse } from 'express';
import type { Event, GatewayErrorInfo } from '../canonical/types.js';
import { decodeResponsesRequest } from '../dialects/responses/decode-request.js';
import { ResponsesStreamEncoder, type ResponseEcho } from '../dialects/responses/encode-stream.js';
import { GatewayError } from '../http/errors.js';
import { SseWriter, responsesFrames } from '../http/sse-writer.js';
import { adapterFor } from '../providers/registry.js';
import { connectionError } from '../providers/post-upstream.js';
import { selectRoute } from '../routing/select-route.js';
import { abortOnClientClose } from './client-abort.js';
import type { GatewayDeps } from './deps.js';
import { passthrough } from './passthrough.js';
import { finishTurn, startTurn } from './turn-tracker.js';

export async function handleResponses(req: HttpRequest, res: HttpResponse, deps: GatewayDeps): Promise<void> {
  const loaded = deps.config();
  const body = requireObject(req.body);
  // Passthrough routes skip decoding: OpenAI itself accepts more (previous_response_id…).
  const direct = selectRoute(typeof body.model === 'string' ? body.model : undefined, loaded);
  if (direct.translation === 'passthrough')
    return passthrough('responses', req, res, direct, startTurn('responses', { stream: body.stream === true, removedTools: [], warnings: [] }, direct), deps);
  const canonical = decodeResponsesRequest(body);
  const route = selectRoute(canonical.model, loaded);
  const turn = startTurn('responses', canonical, route);

  const ac = abortOnClientClose(req, res);
  const ctx = { route, config: loaded.config, http: deps.http, signal: ac.signal, env: deps.env };
  let call;
  try {
    call = await adapterFor(route).call(canonical, ctx);
  } catch (err) {
    throw finishTurn(turn, deps, asGatewayError(err, route.provider));
  }
  turn.warnings.push(...call.warnings);

  const encoder = new ResponsesStreamEncoder({
    responseId: `resp_${randomUUID().replace(/-/g, '')}`,
    createdAt: Math.floor(Date.now() / 1000),
    echo: echoOf(req.body),
  });
  let failure: GatewayErrorInfo | undefined;
  const track = (ev: Event) => {
    if (ev.type === 'usage') turn.usage = ev.usage;
    else if (ev.type === 'error') failure = ev.error;
    else if (turn.ttftAt === undefined && isContent(ev)) turn.ttftAt = performance.now();
  };

  if (!canonical.stream) {
    try {
      for await (const ev of call.events) {
        track(ev);
        encoder.push(ev);
      }
    } catch (err) {
      failure = asGatewayError(err, route.provider).toInfo();
    }
    if (failure) throw finishTurn(turn, deps, GatewayError.from(failure));
    encoder.end();
    const response = encoder.finalResponse;
    finishTurn(turn, deps, undefined, response.status === 'incomplete' ? 'incomplete' : 'completed');
    res.json(response);
    return;
  }

  const sse = new SseWriter(res);
  sse.open();
  await sse.write(responsesFrames(encoder.start()));
  sse.heartbeat(deps.heartbeatMs, () => responsesFrames([encoder.heartbeat()]));
  try {
    for await (const ev of call.events) {
      track(ev);
      const out = encoder.push(ev);
      if (out.length > 0) await sse.write(responsesFrames(out));
    }
    await sse.write(responsesFrames(encoder.end()));
  } catch (err) {
    if (ac.signal.aborted) {
      finishTurn(turn, deps, undefined, 'client_closed');
      sse.end();
      return;
    }
    failure = asGatewayError(err, route.provider).toInfo();
    await sse.write(responsesFrames(encoder.fail(failure)));
  }
  sse.end();
  const status = encoder.finalResponse.status;
  finishTurn(turn, deps, failure ? GatewayError.from(failure) : undefined, status === 'incomplete' ? 'incomplete' : status === 'failed' ? 'failed' : 'completed');
}

export function requireObject(body: unknown): Record<string, any> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new GatewayError(400, 'invalid_json', 'The request body must be a JSON object (Content-Type: application/json).', { param: null });
  return body as Record<string, any>;
}

function isContent(ev: Event): boolean {
  return ev.type === 'text_delta' || ev.type === 'reasoning_delta' || ev.type === 'tool_call_start' || ev.type === 'refusal_delta';
}

export function asGatewayError(err: unknown, provider: string): GatewayError {
  if (err instanceof GatewayError) return err;
  return connectionError(provider, err);
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
