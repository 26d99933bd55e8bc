// translation: passthrough — the client's request goes to the same endpoint of an
// OpenAI-shaped upstream unchanged but for `model`, and the answer is piped back byte
// for byte as it arrives. A side parser reads the usage for the turn record.
import type { Request as HttpRequest, Response as HttpResponse } from 'express';
import { createParser } from 'eventsource-parser';
import type { Usage } from '../canonical/types.js';
import type { LoadedConfig, RouteConfig } from '../config/types.js';
import { resolveApiKey } from '../config/resolve-api-key.js';
import { baseUrl } from '../providers/provider.js';
import { postUpstream } from '../providers/post-upstream.js';
import { abortOnClientClose } from './client-abort.js';
import type { GatewayDeps } from './deps.js';
import { finishTurn, type OpenTurn } from './turn-tracker.js';
import { asGatewayError } from './open-turn.js';
import { observeChatOutput, observeResponsesOutput } from '../records/observe-output.js';
import { DEFAULT_IDLE_TIMEOUT_MS, guardStream, upstreamSignal } from './guard-stream.js';

// The upstream's x-request-id comes back as x-upstream-request-id: x-request-id is ours.
const FORWARDED_RESPONSE_HEADERS = ['content-type', 'openai-processing-ms', 'retry-after'];

export async function passthrough(
  dialect: 'responses' | 'chat',
  req: HttpRequest,
  res: HttpResponse,
  route: RouteConfig,
  turn: OpenTurn,
  deps: GatewayDeps,
  // The config the request was routed with (a reload may swap deps.config meanwhile).
  loaded: LoadedConfig,
): Promise<void> {
  const ac = abortOnClientClose(req, res);
  const giveUp = new AbortController();
  const ctx = { route, config: loaded.config, http: deps.http, signal: upstreamSignal(res, ac.signal, giveUp.signal, deps.shutdown), env: deps.env };
  const path = dialect === 'responses' ? '/responses' : '/chat/completions';
  const body = { ...req.body, model: route.model };
  let upstream;
  turn.attempt = turn.trace?.startAttempt(route, 'first');
  try {
    const key = resolveApiKey(route, loaded.config, deps.env);
    upstream = await postUpstream(ctx, route.provider === 'openai' ? 'OpenAI' : 'OpenAI-compatible upstream', `${baseUrl(route)}${path}`, body, {
      accept: turn.stream ? 'text/event-stream' : 'application/json',
      ...(key ? { authorization: `Bearer ${key}` } : {}),
    });
  } catch (err) {
    const error = asGatewayError(err, route.provider);
    turn.attempt?.fail(error);
    throw finishTurn(turn, deps, error);
  }

  res.status(upstream.status);
  for (const name of FORWARDED_RESPONSE_HEADERS) {
    const v = upstream.headers[name];
    if (v !== undefined) res.setHeader(name, v);
  }
  if (upstream.headers['x-request-id'] !== undefined) res.setHeader('x-upstream-request-id', upstream.headers['x-request-id']);
  res.setHeader('x-accel-buffering', 'no');
  res.flushHeaders();

  const usage = turn.stream
    ? sideParser(
        dialect,
        (u) => (turn.usage = u),
        (response) => (turn.observed = observeResponsesOutput(response)),
      )
    : undefined;
  // A streamed Chat answer's calls come in fragments the side parser does not assemble.
  if (turn.stream && dialect === 'chat') turn.passthroughUnobserved = true;
  const whole: Buffer[] = [];
  try {
    // The bytes are piped as they are: on the idle limit or the end of the shutdown grace
    // the connection is dropped (there is no event of ours to add to a foreign stream).
    const idleMs = loaded.config.server?.idle_timeout_ms ?? DEFAULT_IDLE_TIMEOUT_MS;
    for await (const chunk of guardStream<Buffer>(upstream.body, { idleMs, upstream: giveUp, shutdown: deps.shutdown, provider: route.provider })) {
      if (turn.ttftAt === undefined) turn.ttftAt = performance.now();
      if (usage) usage.feed(chunk);
      else whole.push(chunk);
      if (!res.write(chunk)) await new Promise((r) => res.once('drain', r));
    }
  } catch (err) {
    finishTurn(turn, deps, ac.signal.aborted ? undefined : asGatewayError(err, route.provider), ac.signal.aborted ? 'client_closed' : 'failed');
    res.destroy();
    return;
  }
  res.end();
  if (!usage) readWholeBody(dialect, Buffer.concat(whole).toString('utf8'), turn);
  finishTurn(turn, deps, undefined);
}

// Parses only the events that carry usage (and, for Responses, the terminal event's
// finished items, for the turn record), so the pipe stays cheap.
function sideParser(dialect: 'responses' | 'chat', onUsage: (u: Usage) => void, onResponse: (response: unknown) => void) {
  const decoder = new TextDecoder();
  const parser = createParser({
    onEvent(e) {
      const terminal = dialect === 'responses' ? e.event?.startsWith('response.') && /completed|incomplete|failed/.test(e.event) : false;
      if (!terminal && !e.data.includes('"usage":{')) return;
      try {
        const data = JSON.parse(e.data);
        const u = dialect === 'responses' ? fromResponsesUsage(data?.response?.usage) : fromChatUsage(data?.usage);
        if (u) onUsage(u);
        if (terminal && data?.response) onResponse(data.response);
      } catch {
        /* not JSON: the client sees it as-is; nothing to record */
      }
    },
  });
  return { feed: (chunk: Buffer) => parser.feed(decoder.decode(chunk, { stream: true })) };
}

function readWholeBody(dialect: 'responses' | 'chat', text: string, turn: OpenTurn): void {
  try {
    const body = JSON.parse(text);
    turn.usage = dialect === 'responses' ? fromResponsesUsage(body.usage) : fromChatUsage(body.usage);
    turn.observed = dialect === 'responses' ? observeResponsesOutput(body) : observeChatOutput(body);
  } catch {
    /* not JSON (an error page): nothing to record */
  }
}

export function fromResponsesUsage(u: any): Usage | undefined {
  if (!u || typeof u.input_tokens !== 'number') return undefined;
  return {
    inputTokens: u.input_tokens,
    cachedInputTokens: u.input_tokens_details?.cached_tokens ?? 0,
    cacheWriteTokens: u.input_tokens_details?.cache_write_tokens ?? 0,
    outputTokens: u.output_tokens ?? 0,
    reasoningTokens: u.output_tokens_details?.reasoning_tokens ?? 0,
  };
}

export function fromChatUsage(u: any): Usage | undefined {
  if (!u || typeof u.prompt_tokens !== 'number') return undefined;
  return {
    inputTokens: u.prompt_tokens,
    cachedInputTokens: u.prompt_tokens_details?.cached_tokens ?? 0,
    cacheWriteTokens: 0,
    outputTokens: u.completion_tokens ?? 0,
    reasoningTokens: u.completion_tokens_details?.reasoning_tokens ?? 0,
  };
}
