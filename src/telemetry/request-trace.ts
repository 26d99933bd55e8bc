// The spans of one request, filled in by the pipeline as it goes.
import { SpanKind, SpanStatusCode, type Attributes, type Context, type Span, type Tracer } from '@opentelemetry/api';
import type { Event, Request } from '../canonical/types.js';
import type { RouteConfig } from '../config/types.js';
import type { GatewayError } from '../http/errors.js';
import type { RouteDecision } from '../routing/decide-route.js';
import type { TurnSummary } from '../pipeline/turn.js';
import { baseUrl } from '../providers/provider.js';
import { genAiProviderName, wantsGenAi, wantsOpenInference, type SemconvMode } from './semconv.js';
import { inputMessagesOf } from './content-attributes.js';
import { routeAttributes } from './route-attributes.js';

// Routes are immutable once loaded: their upstream address is parsed once.
const serverOf = new WeakMap<RouteConfig, Attributes>();
function serverAttributes(route: RouteConfig): Attributes {
  let a = serverOf.get(route);
  if (!a) {
    a = {};
    try {
      const url = new URL(baseUrl(route));
      a['server.address'] = url.hostname;
      a['server.port'] = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    } catch {
      /* a base URL that does not parse has no address to report */
    }
    serverOf.set(route, a);
  }
  return a;
}

export type AttemptReason = 'first' | 'retry' | 'fallback';

export class RequestTrace {
  private attempts = 0;
  private failed = false;
  // Between the turn's start and its finish, the root waits for the outcome even if the
  // response closed first (a client abort closes it before the pipeline notices).
  private turnOpen = false;
  private closedWith?: number;
  private ended = false;

  constructor(
    private readonly tracer: Tracer,
    readonly root: Span,
    private readonly ctx: Context,
    // Set on every span: the configured attributes and developer/team/repo.
    private readonly common: Attributes,
    readonly captureContent: boolean,
    readonly semconv: SemconvMode,
    // `user.id` and `session.id`, repeated on LLM spans for OpenInference readers.
    private readonly identityAttrs: Attributes = {},
  ) {}

  // Ends at once with the decision, or with the refusal (over every window, unknown model).
  route(decide: () => RouteDecision): RouteDecision {
    const span = this.tracer.startSpan('gateway.route', { attributes: this.common }, this.ctx);
    try {
      const decision = decide();
      span.setAttributes(routeAttributes(decision));
      return decision;
    } catch (err) {
      const e = err as GatewayError;
      span.setAttribute('error.type', e.code ?? 'internal_error');
      span.setStatus({ code: SpanStatusCode.ERROR, message: e.message });
      throw err;
    } finally {
      span.end();
    }
  }

  // Hosted tools the gateway took out of the request (the provider cannot run them).
  removedTools(names: readonly string[]): void {
    for (const name of names) this.root.addEvent('gateway.tool.removed', { 'gen_ai.tool.name': name });
  }

  startAttempt(route: RouteConfig, reason: AttemptReason, request?: Request): AttemptTrace {
    this.attempts++;
    const attrs: Attributes = { ...this.common, 'gateway.attempt.reason': reason, 'gateway.attempt.number': this.attempts, 'gateway.route.alias': route.alias };
    Object.assign(attrs, serverAttributes(route));
    if (wantsGenAi(this.semconv)) {
      attrs['gen_ai.operation.name'] = 'chat';
      attrs['gen_ai.provider.name'] = genAiProviderName(route.provider);
      attrs['gen_ai.request.model'] = route.model;
      if (request?.maxOutputTokens !== undefined) attrs['gen_ai.request.max_tokens'] = request.maxOutputTokens;
      if (request?.temperature !== undefined) attrs['gen_ai.request.temperature'] = request.temperature;
    }
    if (wantsOpenInference(this.semconv)) {
      attrs['openinference.span.kind'] = 'LLM';
      attrs['llm.model_name'] = route.model;
      attrs['llm.provider'] = genAiProviderName(route.provider);
      Object.assign(attrs, this.identityAttrs);
    }
    if (this.captureContent && request) {
      const input = inputMessagesOf(request);
      if (wantsGenAi(this.semconv)) {
        attrs['gen_ai.input.messages'] = input;
        if (request.instructions) attrs['gen_ai.system_instructions'] = JSON.stringify([{ type: 'text', content: request.instructions }]);
      }
      if (wantsOpenInference(this.semconv)) {
        attrs['input.value'] = input;
        attrs['input.mime_type'] = 'application/json';
      }
    }
    const span = this.tracer.startSpan(`chat ${route.model}`, { kind: SpanKind.CLIENT, attributes: attrs }, this.ctx);
    return new AttemptTrace(span, route, this.captureContent, this.semconv);
  }

  // A request refused before its turn began (unknown model, bad body…).
  fail(error: GatewayError): void {
    this.failed = true;
    this.root.setAttribute('error.type', error.code ?? 'internal_error');
    this.root.setAttribute('gateway.outcome', 'failed');
    this.root.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
  }

  turnStarted(): void {
    this.turnOpen = true;
  }

  finish(summary: TurnSummary): void {
    const a: Attributes = {
      'gateway.outcome': summary.status,
      'gateway.route.alias': summary.alias,
      'gateway.provider': summary.provider,
      'gateway.model': summary.upstreamModel,
      'gateway.passthrough': summary.passthrough,
      'gateway.latency_ms': summary.latencyMs,
      'gateway.attempts': this.attempts,
    };
    if (summary.ttftMs !== undefined) a['gateway.ttft_ms'] = summary.ttftMs;
    if (summary.decision) a['gateway.route.by'] = summary.decision.by;
    if (summary.usage) {
      a['gateway.usage.input_tokens'] = summary.usage.inputTokens;
      a['gateway.usage.output_tokens'] = summary.usage.outputTokens;
      a['gateway.usage.cache_read_tokens'] = summary.usage.cachedInputTokens;
      a['gateway.usage.cache_write_tokens'] = summary.usage.cacheWriteTokens;
      a['gateway.usage.reasoning_tokens'] = summary.usage.reasoningTokens;
    }
    if (summary.cost) {
      if (summary.cost.usd !== null) a['gateway.cost.usd'] = summary.cost.usd;
      a['gateway.cost.price_version'] = summary.cost.priceVersion;
    }
    if (summary.errorCode) a['error.type'] = summary.errorCode;
    this.root.setAttributes(a);
    if (summary.status === 'failed') {
      this.failed = true;
      this.root.setStatus({ code: SpanStatusCode.ERROR, message: summary.errorCode });
    }
    this.turnOpen = false;
    if (this.closedWith !== undefined) this.endNow(this.closedWith);
  }

  // The response closed.
  end(statusCode: number): void {
    if (!this.turnOpen) return this.endNow(statusCode);
    this.closedWith = statusCode;
    // A turn that never reports its finish still gets its root exported.
    setTimeout(() => this.endNow(statusCode), 10_000).unref();
  }

  private endNow(statusCode: number): void {
    if (this.ended) return;
    this.ended = true;
    this.root.setAttribute('http.response.status_code', statusCode);
    if (statusCode >= 500 && !this.failed) this.root.setStatus({ code: SpanStatusCode.ERROR });
    this.root.end();
  }

  // A budget alert raised when the turn was charged, which happens after the root has
  // ended: recorded as a short child span of the root carrying the alert as an event, so
  // Jaeger shows it under the turn that crossed the threshold.
  budgetAlert(alert: { scope: string; value: string; period: string; pct: number; softPct: number; limitUsd: number; spentUsd: number }): void {
    const span = this.tracer.startSpan('gateway.budget.alert', { attributes: this.common }, this.ctx);
    span.addEvent('gateway.budget.alert', {
      'gateway.budget.scope': alert.scope,
      'gateway.budget.value': alert.value,
      'gateway.budget.period': alert.period,
      'gateway.budget.pct': alert.pct,
      'gateway.budget.soft_pct': alert.softPct,
      'gateway.budget.limit_usd': alert.limitUsd,
      'gateway.budget.spent_usd': alert.spentUsd,
    });
    span.end();
  }

  ids(): { traceId: string; spanId: string } {
    const c = this.root.spanContext();
    return { traceId: c.traceId, spanId: c.spanId };
  }

  get context(): Context {
    return this.ctx;
  }
}

// One upstream call. A failed call ends at once; the call that serves the turn stays open
// until its stream ends, recording the response as it passes.
export class AttemptTrace {
  private readonly startedAt = performance.now();
  private firstChunk = false;
  private readonly calls = new Map<string, { name: string; callId: string; bytes: number; args?: string }>();
  private text = '';
  private readonly output: Record<string, unknown>[] = [];
  private responseModel?: string;
  private ended = false;

  constructor(
    readonly span: Span,
    private readonly route: RouteConfig,
    private readonly captureContent: boolean,
    private readonly semconv: SemconvMode,
  ) {}

  onEvent(ev: Event): void {
    if (!this.firstChunk) {
      this.firstChunk = true;
      this.span.setAttribute('gen_ai.response.time_to_first_chunk', (performance.now() - this.startedAt) / 1000);
    }
    switch (ev.type) {
      case 'start':
        if (ev.id) this.span.setAttribute('gen_ai.response.id', ev.id);
        if (ev.model) this.responseModel = ev.model;
        break;
      case 'text_delta':
        if (this.captureContent) this.text += ev.delta;
        break;
      case 'tool_call_start':
        this.calls.set(ev.key, { name: ev.namespace ? `${ev.namespace}.${ev.name}` : ev.name, callId: ev.callId, bytes: 0, args: this.captureContent ? '' : undefined });
        break;
      case 'tool_call_delta': {
        const c = this.calls.get(ev.key);
        if (c) {
          c.bytes += Buffer.byteLength(ev.delta);
          if (c.args !== undefined) c.args += ev.delta;
        }
        break;
      }
      case 'tool_call_end': {
        const c = this.calls.get(ev.key);
        if (!c) break;
        this.calls.delete(ev.key);
        this.span.addEvent('gen_ai.tool.call', { 'gen_ai.tool.name': c.name, 'gen_ai.tool.call.id': c.callId, 'gateway.tool.call.argument_bytes': c.bytes });
        if (c.args !== undefined) this.output.push({ type: 'tool_call', id: c.callId, name: c.name, arguments: c.args });
        break;
      }
      case 'finish':
        this.span.setAttribute('gen_ai.response.finish_reasons', [ev.reason]);
        break;
      case 'error':
        this.span.setAttribute('error.type', ev.error.code ?? ev.error.type);
        this.span.setStatus({ code: SpanStatusCode.ERROR, message: ev.error.message });
        break;
    }
  }

  fail(error: GatewayError): void {
    if (this.ended) return;
    this.ended = true;
    this.span.setAttributes({ 'error.type': error.code ?? String(error.status), 'http.response.status_code': error.status });
    this.span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
    this.span.end();
  }

  end(summary: TurnSummary): void {
    if (this.ended) return;
    this.ended = true;
    const a: Attributes = {};
    const u = summary.usage;
    if (wantsGenAi(this.semconv)) {
      a['gen_ai.response.model'] = this.responseModel ?? this.route.model;
      if (u) {
        a['gen_ai.usage.input_tokens'] = u.inputTokens;
        a['gen_ai.usage.output_tokens'] = u.outputTokens;
        a['gen_ai.usage.cache_read.input_tokens'] = u.cachedInputTokens;
        a['gen_ai.usage.cache_write.input_tokens'] = u.cacheWriteTokens;
        a['gen_ai.usage.reasoning.output_tokens'] = u.reasoningTokens;
      }
    }
    if (wantsOpenInference(this.semconv) && u) {
      a['llm.token_count.prompt'] = u.inputTokens;
      a['llm.token_count.completion'] = u.outputTokens;
      a['llm.token_count.total'] = u.inputTokens + u.outputTokens;
      a['llm.token_count.prompt_details.cache_read'] = u.cachedInputTokens;
      a['llm.token_count.prompt_details.cache_write'] = u.cacheWriteTokens;
      a['llm.token_count.completion_details.reasoning'] = u.reasoningTokens;
    }
    if (this.captureContent) {
      const parts = [...(this.text ? [{ type: 'text', content: this.text }] : []), ...this.output];
      const out = JSON.stringify([{ role: 'assistant', parts }]);
      if (wantsGenAi(this.semconv)) a['gen_ai.output.messages'] = out;
      if (wantsOpenInference(this.semconv)) {
        a['output.value'] = out;
        a['output.mime_type'] = 'application/json';
      }
    }
    if (summary.status === 'client_closed') a['gateway.outcome'] = 'client_closed';
    this.span.setAttributes(a);
    this.span.end();
  }
}
