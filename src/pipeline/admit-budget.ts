// Budgets at admission: the turn's estimated cost is reserved before any upstream call,
// so concurrent streams cannot overshoot a budget silently; the reservation is settled
// with the real cost when the turn ends (turn-tracker.ts). Over a hard limit, the
// request is refused with 429 usage_limit_reached and an integer resets_at, the one
// shape on which Codex stops with its usage-limit message instead of retrying.
import type { RouteConfig } from '../config/types.js';
import { priceTurn } from '../pricing/price-turn.js';
import type { RequestContext } from './begin-request.js';
import type { GatewayDeps } from './deps.js';

// An answer's typical length, priced into the estimate. Reserving max_output_tokens would
// refuse developers near their limit far too early; the settle corrects the difference.
const EXPECTED_OUTPUT_TOKENS = 500;

export async function admitBudget(deps: GatewayDeps, rc: RequestContext, route: RouteConfig, inputTokens: number): Promise<void> {
  if (!deps.usage) return;
  const estimate = priceTurn(deps.prices, { provider: route.provider, model: route.model, alias: route.alias }, {
    inputTokens,
    cachedInputTokens: 0,
    cacheWriteTokens: 0,
    outputTokens: EXPECTED_OUTPUT_TOKENS,
    reasoningTokens: 0,
  }).costUsd;
  const { developer, team, repo } = rc.identity;
  const admitted = await deps.usage.budgets.admit({ identity: { developer, team, repo, key: rc.identity.key }, estimatedCostUsd: estimate });
  rc.reservation = admitted.reservation;
}

// A request that ends before it has a turn (a thrown error) must not hold its reservation.
export function releaseBudget(deps: GatewayDeps, rc: RequestContext): void {
  if (deps.usage && rc.reservation) void deps.usage.budgets.settle(rc.reservation, 0);
}
