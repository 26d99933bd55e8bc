// The part of a turn both dialects share: route the request (passthrough routes are
// served right here), call the provider, and keep what the turn record needs while the
// caller encodes the events for its dialect.
import type { Request as HttpRequest, Response as HttpResponse } from 'express';
import type { Event, GatewayErrorInfo, Request } from '../canonical/types.js';
import type { RouteConfig } from '../config/types.js';
import { GatewayError } from '../http/errors.js';
import { adapterFor } from '../providers/registry.js';
import { connectionError } from '../providers/post-upstream.js';
import { selectRoute } from '../routing/select-route.js';
import { openRequestState } from '../state/open-request-state.js';
import { familyOf } from '../providers/provider.js';
import { abortOnClientClose } from './client-abort.js';
import type { GatewayDeps } from './deps.js';
import { passthrough } from './passthrough.js';
import { finishTurn, startTurn, type OpenTurn } from './turn-tracker.js';
import type { TurnSummary } from './turn.js';

export interface TranslatedTurn {
  body: Record<string, any>;
  canonical: Request;
  route: RouteConfig;
  turn: OpenTurn;
  events: AsyncIterable<Event>;
  signal: AbortSignal;
  // The first error event seen (the dialect's encoder turns it into its terminal error).
  failure?: GatewayErrorInfo;
  finish(status?: TurnSummary['status'], error?: GatewayError): void;
  // For a non-streamed answer: feeds every event to `push`; on a failure, records the
  // turn as failed and throws the error (with its upstream status) for the error handler.
  collect(push: (ev: Event) => void): Promise<void>;
}

// Resolves undefined when the request was served as a passthrough.
export async function openTurn(
  dialect: 'responses' | 'chat',
  req: HttpRequest,
  res: HttpResponse,
  deps: GatewayDeps,
  decode: (body: unknown) => Request,
): Promise<TranslatedTurn | undefined> {
  const loaded = deps.config();
  const body = requireObject(req.body);
  // Passthrough routes skip decoding: OpenAI itself accepts more (previous_response_id…).
  if (typeof body.model === 'string') {
    const direct = selectRoute(body.model, loaded);
    if (direct.translation === 'passthrough') {
      await passthrough(dialect, req, res, direct, startTurn(dialect, { stream: body.stream === true, removedTools: [], warnings: [] }, direct), deps);
      return undefined;
    }
  }
  const decoded = decode(body);
  const route = selectRoute(decoded.model, loaded);
  const canonical = openRequestState(decoded, familyOf(route), deps.sealer);
  const turn = startTurn(dialect, canonical, route);
  const ac = abortOnClientClose(req, res);
  let call;
  try {
    call = await adapterFor(route).call(canonical, { route, config: loaded.config, http: deps.http, signal: ac.signal, env: deps.env });
  } catch (err) {
    throw finishTurn(turn, deps, asGatewayError(err, route.provider));
  }
  turn.warnings.push(...call.warnings);

  const opened: TranslatedTurn = {
    body,
    canonical,
    route,
    turn,
    signal: ac.signal,
    events: track(call.events),
    finish(status, error) {
      const err = error ?? (opened.failure ? GatewayError.from(opened.failure) : undefined);
      finishTurn(turn, deps, err, status ?? (err ? 'failed' : 'completed'));
    },
    async collect(push) {
      try {
        for await (const ev of opened.events) push(ev);
      } catch (err) {
        opened.failure ??= asGatewayError(err, route.provider).toInfo();
      }
      if (opened.failure) {
        const error = GatewayError.from(opened.failure);
        opened.finish('failed', error);
        throw error;
      }
    },
  };

  // What the turn record keeps from the stream: usage, the first failure, time to first token, warnings.
  async function* track(events: AsyncIterable<Event>): AsyncGenerator<Event> {
    for await (const ev of events) {
      if (ev.type === 'usage') turn.usage = ev.usage;
      else if (ev.type === 'error') opened.failure ??= ev.error;
      else if (ev.type === 'warning') turn.warnings.push(ev.message);
      else if (ev.type === 'reasoning_end' && ev.state !== undefined) {
        // Provider state leaves the gateway only sealed.
        const { state, ...rest } = ev;
        yield { ...rest, encryptedContent: deps.sealer.seal(state) };
        continue;
      } else if (turn.ttftAt === undefined && isContent(ev)) turn.ttftAt = performance.now();
      yield ev;
    }
  }
  return opened;
}

function isContent(ev: Event): boolean {
  return ev.type === 'text_delta' || ev.type === 'reasoning_delta' || ev.type === 'tool_call_start' || ev.type === 'refusal_delta';
}

export function requireObject(body: unknown): Record<string, any> {
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new GatewayError(400, 'invalid_json', 'The request body must be a JSON object (Content-Type: application/json).', { param: null });
  return body as Record<string, any>;
}

export function asGatewayError(err: unknown, provider: string): GatewayError {
  if (err instanceof GatewayError) return err;
  return connectionError(provider, err);
}
