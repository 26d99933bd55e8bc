// What a request carries from its arrival: who sent it (identity, configured
// attributes) and, when tracing is on, its root span, ended when the response closes.
import type { Request as HttpRequest, Response as HttpResponse } from 'express';
import type { LoadedConfig } from '../config/types.js';
import { resolveIdentity, type Identity } from '../identity/resolve-identity.js';
import type { RequestTrace } from '../telemetry/request-trace.js';
import type { GatewayDeps } from './deps.js';
import { keyOwnerOf } from '../auth/auth-middleware.js';
import type { Reservation } from '../usage/budgets.js';

export interface RequestContext {
  identity: Identity;
  // The request's id (x-request-id), set by the app for every request.
  requestId?: string;
  trace?: RequestTrace;
  // The budget reservation made at admission (admit-budget.ts), settled when the turn ends.
  reservation?: Reservation;
}

export function beginRequest(req: HttpRequest, res: HttpResponse, deps: GatewayDeps, loaded: LoadedConfig): RequestContext {
  // The gateway key's owner (checked by src/auth before the handler) wins over templates.
  const { identity, attributes } = resolveIdentity(req.headers, loaded.config, keyOwnerOf(req));
  const requestId = res.locals.requestId as string | undefined;
  if (!deps.tracing) return { identity, requestId };
  const obs = loaded.config.observability ?? {};
  const trace = deps.tracing.startRequest({
    method: req.method,
    path: req.path,
    headers: req.headers,
    identity,
    attributes,
    captureContent: obs.capture_content === true,
    semconv: obs.semconv ?? 'gen_ai',
  });
  res.once('close', () => trace.end(res.statusCode));
  return { identity, requestId, trace };
}
