// Which route serves a request, and why — one explainable record per request.
//
// A request naming an alias goes to that route. A request whose model is absent, `auto`
// or the policy's default is routed by the rules (first live match wins, else the
// default). Within a session, a policy choice that would switch provider family keeps
// the session's last route instead (switching drops reasoning signatures and prompt
// caches); the policy's own choice stays next in line should that route be
// unavailable. A rule with `explore` sends a share of sessions the other way, to gather
// evidence (policy/evaluate-rules.ts); stickiness still applies. Routes whose input window
// the estimate exceeds are skipped for their fallbacks; with none left, the request is
// refused before any upstream call.
import type { Request } from '../canonical/types.js';
import type { LoadedConfig, RouteConfig } from '../config/types.js';
import { GatewayError } from '../http/errors.js';
import { familyOf } from '../providers/provider.js';
import { buildPolicyContext } from './policy/build-policy-context.js';
import { evaluateRules } from './policy/evaluate-rules.js';
import { explorationDraws } from './exploration.js';
import type { RoutingState } from './routing-state.js';
import { knownInputWindow } from './model-context-windows.js';
import { contextWindowOf } from '../pricing/price-turn.js';
import type { LoadedPriceCard } from '../pricing/price-card.js';

export interface RouteDecision {
  requested: string;
  // How the first candidate was chosen.
  by: 'alias' | 'rule' | 'default' | 'sticky';
  rule?: { index: number; expression: string };
  // Shadow rules that matched: what they would have chosen.
  shadow: { index: number; expression: string; route_to: string }[];
  // The alias the policy chose before stickiness kept the session's route.
  stickyOverrode?: string;
  estimate: { tokens: number; approximate: boolean; newItems: number; cachedItems: number; ms: number };
  // Aliases skipped because the estimate exceeds their window.
  overWindow: { alias: string; limit: number; tokens: number }[];
  // Aliases to try, in order: the chosen route then its fallbacks.
  candidates: string[];
  // Filled in by the pipeline: each upstream attempt and how it ended.
  attempts: { alias: string; status?: number; code?: string; delayMs?: number }[];
  // The alias the turn was sent to instead, to gather evidence (a rule's `explore_to`).
  exploration?: string;
}

export interface DecideInput {
  request: Request;
  headers: Record<string, string | string[] | undefined>;
  loaded: LoadedConfig;
  routing: RoutingState;
  sessionKey?: string;
  // Who sent it (src/identity): the rules' `developer`, `team` and `repo`.
  identity?: { developer?: string; team?: string; repo?: string };
  // The price card: its context windows are the last fallback for a route's window.
  prices?: LoadedPriceCard;
}

export function decideRoute({ request, headers, loaded, routing, sessionKey, identity, prices }: DecideInput): RouteDecision {
  const { routesByAlias, config } = loaded;
  const requested = request.model;
  const policyDefault = config.routing_policy?.default;
  const byPolicy = requested === '' || requested === 'auto' || requested === policyDefault;

  if (!byPolicy && !routesByAlias.has(requested)) throw modelNotFound(requested, loaded);

  const t0 = performance.now();
  const est = routing.estimator.estimate(request, sessionKey);
  const estimate = { tokens: est.tokens, approximate: est.approximate, newItems: est.newItems, cachedItems: est.cachedItems, ms: 0 };

  const decision: RouteDecision = { requested, by: 'alias', shadow: [], estimate, overWindow: [], candidates: [], attempts: [] };
  let alias = requested;
  if (byPolicy) {
    const ctx = buildPolicyContext({ request, headers, inputTokens: est.tokens, identity });
    // Exploration draws per session (no session key: per request, see exploration.ts).
    const outcome = evaluateRules(loaded.rules, ctx, explorationDraws(sessionKey));
    decision.shadow = outcome.shadow.map((s) => ({ ...s, expression: loaded.rules[s.index].if.source }));
    // A rule naming an unknown alias cannot apply (a load warning said so).
    if (outcome.matched && routesByAlias.has(outcome.matched.route_to)) {
      alias = outcome.matched.route_to;
      decision.by = 'rule';
      decision.rule = { index: outcome.matched.index, expression: loaded.rules[outcome.matched.index].if.source };
      if (outcome.matched.exploration !== undefined) decision.exploration = outcome.matched.exploration;
    } else if (policyDefault !== undefined && routesByAlias.has(policyDefault)) {
      alias = policyDefault;
      decision.by = 'default';
    } else {
      throw modelNotFound(requested, loaded);
    }
    const previous = sessionKey ? routing.sessions.get(sessionKey) : undefined;
    const prevRoute = previous !== undefined ? routesByAlias.get(previous) : undefined;
    if (prevRoute && previous !== alias && familyOf(prevRoute) !== familyOf(routesByAlias.get(alias)!)) {
      decision.stickyOverrode = alias;
      decision.by = 'sticky';
      alias = previous!;
      // Stickiness wins over exploration too: the session stays on its family, and the
      // turn is not tagged (it is not served by the explored alias). This is consistent
      // across the session: its draw never changes, and once an explored alias served it,
      // that alias is what the session records (open-turn), so later explored turns
      // are not overridden.
      delete decision.exploration;
    }
  }

  const chain = (a: string) => [a, ...(routesByAlias.get(a)!.fallbacks ?? [])];
  // Sticky: the session's route and its fallbacks first, then what the policy chose.
  const order = decision.stickyOverrode ? [...chain(alias), ...chain(decision.stickyOverrode)] : chain(alias);
  for (const candidate of order) {
    const route = routesByAlias.get(candidate);
    if (!route || decision.candidates.includes(candidate)) continue;
    const limit = inputWindow(route, prices);
    const tokens = routing.calibration.adjust(route.provider, est.tokens);
    if (limit !== undefined && tokens > limit) decision.overWindow.push({ alias: candidate, limit, tokens: Math.round(tokens) });
    else decision.candidates.push(candidate);
  }
  estimate.ms = Math.round((performance.now() - t0) * 1000) / 1000;
  if (decision.candidates.length === 0) throw contextLengthExceeded(decision);
  return decision;
}

// The route's own `max_input_tokens`, else the documented input limit of a well-known
// model, else the price card's context window (input and output together, so the loosest).
export function inputWindow(route: RouteConfig, prices?: LoadedPriceCard): number | undefined {
  return route.max_input_tokens ?? knownInputWindow(route.model) ?? (prices ? contextWindowOf(prices, route.provider, route.model) : undefined);
}

export function sessionKeyOf(headers: Record<string, string | string[] | undefined>, request: Request): string | undefined {
  const h = headers['session-id'];
  return (Array.isArray(h) ? h[0] : h) || request.promptCacheKey || undefined;
}

function modelNotFound(requested: string, loaded: LoadedConfig): GatewayError {
  const aliases = [...loaded.routesByAlias.keys()].join(', ');
  const what = requested === '' || requested === 'auto' ? 'No model was named and the routing policy has no usable default' : `The model '${requested}' does not exist on this gateway`;
  return new GatewayError(404, 'model_not_found', `${what}. Available models: ${aliases}.`, { param: 'model', type: 'invalid_request_error' });
}

function contextLengthExceeded(d: RouteDecision): GatewayError {
  const [first, ...rest] = d.overWindow;
  const more = rest.length ? `, and no fallback fits (${rest.map((o) => `${o.alias}: ${o.limit}`).join(', ')})` : ', and it has no fallback that fits';
  return new GatewayError(
    400,
    'context_length_exceeded',
    `This request has about ${d.estimate.tokens} input tokens (estimated before sending); the route "${first.alias}" accepts at most ${first.limit}${more}. Start a new conversation or compact it.`,
    { param: 'input', type: 'invalid_request_error' },
  );
}
