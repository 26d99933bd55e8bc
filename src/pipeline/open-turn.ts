// The part of a turn both dialects share: decide the route (passthrough routes are served
// right here), call the provider — retrying and falling back while nothing has reached
// the client — and keep what the turn record needs while the caller encodes the events.
import type { Request as HttpRequest, Response as HttpResponse } from 'express';
import type { Event, GatewayErrorInfo, Request } from '../canonical/types.js';
import type { RouteConfig } from '../config/types.js';
import { GatewayError } from '../http/errors.js';
import { adapterFor } from '../providers/registry.js';
import { connectionError } from '../providers/post-upstream.js';
import { familyOf, type ProviderCall } from '../providers/provider.js';
import { decideRoute, sessionKeyOf, type RouteDecision } from '../routing/decide-route.js';
import { canFallBack, isRetryable, retryDelayMs, retrySettings } from '../routing/retry-policy.js';
import { openRequestState } from '../state/open-request-state.js';
import { abortOnClientClose } from './client-abort.js';
import type { GatewayDeps } from './deps.js';
import { passthrough } from './passthrough.js';
import { finishTurn, startTurn, type OpenTurn } from './turn-tracker.js';
import { beginRequest, type RequestContext } from './begin-request.js';
import { admitBudget, releaseBudget } from './admit-budget.js';
import type { AttemptTrace } from '../telemetry/request-trace.js';
import type { TurnSummary } from './turn.js';
import { DEFAULT_IDLE_TIMEOUT_MS, StreamGuard, shuttingDownError, upstreamSignal } from './guard-stream.js';

export interface TranslatedTurn {
  body: Record<string, any>;
  canonical: Request;
  route: RouteConfig;
  decision: RouteDecision;
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
  const rc = beginRequest(req, res, deps, loaded);
  try {
    return await routeAndCall(dialect, req, res, deps, decode, loaded, rc);
  } catch (err) {
    releaseBudget(deps, rc);
    rc.trace?.fail(err instanceof GatewayError ? err : new GatewayError(500, 'internal_error', 'The gateway failed while handling this request.'));
    throw err;
  }
}

async function routeAndCall(
  dialect: 'responses' | 'chat',
  req: HttpRequest,
  res: HttpResponse,
  deps: GatewayDeps,
  decode: (body: unknown) => Request,
  loaded: ReturnType<GatewayDeps['config']>,
  rc: RequestContext,
): Promise<TranslatedTurn | undefined> {
  const body = requireObject(req.body);
  // An explicit passthrough alias skips decoding: OpenAI accepts more (previous_response_id…).
  const named = typeof body.model === 'string' ? loaded.routesByAlias.get(body.model) : undefined;
  if (named?.translation === 'passthrough' && body.model !== loaded.config.routing_policy?.default) {
    // Not decoded, so not estimated: a budget already over its limit still refuses it.
    await admitBudget(deps, rc, named, 0);
    const turn = startTurn(dialect, { stream: body.stream === true, removedTools: [], warnings: [] }, named, undefined, rc);
    turn.decodeLater = () => decode(body);
    await passthrough(dialect, req, res, named, turn, deps, loaded);
    return undefined;
  }

  const decoded = decode(body);
  rc.trace?.removedTools(decoded.removedTools);
  const sessionKey = sessionKeyOf(req.headers, decoded);
  let decision: RouteDecision;
  try {
    const decide = () => decideRoute({ request: decoded, headers: req.headers, loaded, routing: deps.routing, sessionKey, identity: rc.identity, prices: deps.prices });
    decision = rc.trace ? rc.trace.route(decide) : decide();
  } catch (err) {
    // Over every window: a streaming Codex client must see response.failed with this
    // code (it then stops with its "ran out of room" message) rather than an HTTP 400.
    if (err instanceof GatewayError && err.code === 'context_length_exceeded' && decoded.stream) {
      return failedBeforeDispatch(dialect, body, decoded, loaded.routesByAlias.get(decoded.model) ?? [...loaded.routesByAlias.values()][0], err, deps, rc);
    }
    throw err;
  }
  deps.logger.debug({ requestId: rc.requestId, decision }, 'route decision');
  const first = loaded.routesByAlias.get(decision.candidates[0])!;
  await admitBudget(deps, rc, first, decision.estimate.tokens);
  if (first.translation === 'passthrough') {
    const turn = startTurn(dialect, decoded, first, decision, rc);
    turn.request = decoded;
    await passthrough(dialect, req, res, first, turn, deps, loaded);
    return undefined;
  }

  const ac = abortOnClientClose(req, res);
  // Aborted by the gateway itself (idle limit); the shutdown signal ends the rest.
  const giveUp = new AbortController();
  const signal = upstreamSignal(res, ac.signal, giveUp.signal, deps.shutdown);
  const guard = new StreamGuard({ idleMs: loaded.config.server?.idle_timeout_ms ?? DEFAULT_IDLE_TIMEOUT_MS, upstream: giveUp, shutdown: deps.shutdown, provider: first.provider });
  // Any upstream bytes count as the upstream being alive (keep-alive comments, pings).
  const http = deps.http.watched(guard.touch);
  const settings = retrySettings(loaded.config);
  let call: ProviderCall | undefined;
  let route = first;
  let canonical = decoded;
  let lastError: GatewayError | undefined;
  let attempt: AttemptTrace | undefined;
  tries: for (const [i, alias] of decision.candidates.entries()) {
    route = loaded.routesByAlias.get(alias)!;
    // Each family reads its own sealed state: re-open for the route being tried.
    canonical = openRequestState(decoded, familyOf(route), deps.sealer);
    for (let retry = 0; ; retry++) {
      attempt = rc.trace?.startAttempt(route, retry > 0 ? 'retry' : i > 0 ? 'fallback' : 'first', canonical);
      try {
        call = await adapterFor(route).call(canonical, { route, config: loaded.config, http, signal, env: deps.env });
        decision.attempts.push({ alias, status: 200 });
        break tries;
      } catch (err) {
        lastError = deps.shutdown?.aborted && !ac.signal.aborted ? shuttingDownError() : asGatewayError(err, route.provider);
        attempt?.fail(lastError);
        attempt = undefined;
        const tried: RouteDecision['attempts'][number] = { alias, status: lastError.status, code: lastError.code ?? undefined };
        decision.attempts.push(tried);
        if (signal.aborted || !canFallBack(lastError)) break tries;
        if (!isRetryable(lastError) || retry >= settings.attempts) break;
        const delay = retryDelayMs(lastError, retry, settings);
        if (delay === undefined) break; // asked to wait longer than we hold a client: next fallback
        tried.delayMs = delay;
        if (!(await sleep(delay, signal))) {
          if (deps.shutdown?.aborted && !ac.signal.aborted) lastError = shuttingDownError();
          break tries;
        }
      }
    }
  }
  const turn = startTurn(dialect, canonical, route, decision, rc);
  turn.request = decoded;
  turn.attempt = attempt;
  if (!call) throw finishTurn(turn, deps, lastError!);
  turn.warnings.push(...call.warnings);
  if (sessionKey) deps.routing.sessions.set(sessionKey, route.alias);
  const events = guard.wrap(call.events, route.provider);
  return trackedTurn(body, canonical, route, decision, turn, events, ac.signal, deps);
}

function trackedTurn(
  body: Record<string, any>,
  canonical: Request,
  route: RouteConfig,
  decision: RouteDecision,
  turn: OpenTurn,
  events: AsyncIterable<Event>,
  signal: AbortSignal,
  deps: GatewayDeps,
): TranslatedTurn {
  const opened: TranslatedTurn = {
    body,
    canonical,
    route,
    decision,
    turn,
    signal,
    events: track(events),
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
  async function* track(source: AsyncIterable<Event>): AsyncGenerator<Event> {
    for await (const ev of source) {
      turn.attempt?.onEvent(ev);
      turn.observer.onEvent(ev);
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

// A turn refused before any upstream call, for a client that asked for a stream: its
// only event is the error, which the dialect encodes as its terminal failure.
function failedBeforeDispatch(
  dialect: 'responses' | 'chat',
  body: Record<string, any>,
  canonical: Request,
  route: RouteConfig,
  error: GatewayError,
  deps: GatewayDeps,
  rc: RequestContext,
): TranslatedTurn {
  const decision: RouteDecision = { requested: canonical.model, by: 'alias', shadow: [], estimate: { tokens: 0, approximate: false, newItems: 0, cachedItems: 0, ms: 0 }, overWindow: [], candidates: [], attempts: [] };
  const turn = startTurn(dialect, canonical, route, decision, rc);
  turn.request = canonical;
  async function* only(): AsyncGenerator<Event> {
    yield { type: 'error', error: error.toInfo() };
  }
  return trackedTurn(body, canonical, route, decision, turn, only(), new AbortController().signal, deps);
}

function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
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
