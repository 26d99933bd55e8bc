// One span tree per request: a SERVER root, `gateway.route`, one CLIENT `chat {model}`
// span per upstream attempt. The tracer provider is passed in (tests give one with an
// in-memory exporter); context is passed explicitly, so no global registration is needed.
import { sanitizeHeaderValue } from '../security/redact.js';
import {
  ROOT_CONTEXT,
  SpanKind,
  defaultTextMapGetter,
  trace,
  type Attributes,
  type Context,
  type Link,
  type Span,
  type SpanContext,
  type Tracer,
  type TracerProvider,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import type { Identity } from '../identity/resolve-identity.js';
import { RequestTrace } from './request-trace.js';
import { wantsOpenInference, type SemconvMode } from './semconv.js';

export interface RequestTraceInput {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  identity: Identity;
  // The configured `attributes:`, resolved: set on every span of the request.
  attributes: Record<string, string>;
  captureContent: boolean;
  semconv: SemconvMode;
}

const propagator = new W3CTraceContextPropagator();

export class TurnTracer {
  private readonly tracer: Tracer;
  // Codex turn id → the root of its latest request, to link the next one (bounded).
  private readonly lastRoots = new Map<string, SpanContext>();

  constructor(
    provider: TracerProvider,
    private readonly maxLinkedTurns = 1000,
  ) {
    this.tracer = provider.getTracer('codex-gateway');
  }

  startRequest(input: RequestTraceInput): RequestTrace {
    const { identity } = input;
    const parent: Context = propagator.extract(ROOT_CONTEXT, input.headers, defaultTextMapGetter);
    const common: Attributes = { ...input.attributes };
    if (identity.developer) common['gateway.developer'] = identity.developer;
    if (identity.team) common['gateway.team'] = identity.team;
    if (identity.repo) common['gateway.repo'] = identity.repo;

    const attrs: Attributes = {
      'http.request.method': input.method,
      'url.path': input.path,
      'http.route': input.path,
      ...common,
    };
    const ua = input.headers['user-agent'];
    if (typeof ua === 'string') attrs['user_agent.original'] = sanitizeHeaderValue(ua);
    if (identity.developer) attrs['user.id'] = identity.developer;
    if (identity.sessionId) {
      attrs['gen_ai.conversation.id'] = identity.sessionId;
      attrs['session.id'] = identity.sessionId;
    }
    if (identity.turnId) attrs['codex.turn.id'] = identity.turnId;
    if (identity.requestKind) attrs['codex.request_kind'] = identity.requestKind;
    if (wantsOpenInference(input.semconv)) attrs['openinference.span.kind'] = 'CHAIN';

    const links: Link[] = [];
    const previous = identity.turnId ? this.lastRoots.get(identity.turnId) : undefined;
    if (previous) links.push({ context: previous, attributes: { 'gateway.link': 'previous_request_of_turn' } });
    const root: Span = this.tracer.startSpan(`${input.method} ${input.path}`, { kind: SpanKind.SERVER, attributes: attrs, links }, parent);
    if (identity.turnId) this.remember(identity.turnId, root.spanContext());
    const identityAttrs: Attributes = {};
    if (identity.developer) identityAttrs['user.id'] = identity.developer;
    if (identity.sessionId) identityAttrs['session.id'] = identity.sessionId;
    return new RequestTrace(this.tracer, root, trace.setSpan(parent, root), common, input.captureContent, input.semconv, identityAttrs);
  }

  private remember(turnId: string, ctx: SpanContext): void {
    this.lastRoots.delete(turnId);
    this.lastRoots.set(turnId, ctx);
    if (this.lastRoots.size > this.maxLinkedTurns) this.lastRoots.delete(this.lastRoots.keys().next().value!);
  }
}
