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
  const budgets = deps.usage.budgets;
  const admitting = budgets.admit({ identity: { developer, team, repo, key: rc.identity.key }, estimatedCostUsd: estimate });
  const admitted = await withinDeadline(admitting, ADMIT_DEADLINE_MS);
  if (admitted === undefined) {
    // The store did not answer in time (Redis down: its offline queue holds the command
    // until reconnect attempts fail, which late in an outage takes seconds). Fail open,
    // as an unreachable store does, and release the reservation should it still be made.
    admitting.then(
      (late) => void budgets.settle(late.reservation, 0),
      () => undefined,
    );
    const now = Date.now();
    if (now - lastSlowLog > 10_000) {
      lastSlowLog = now;
      deps.logger.warn({ deadlineMs: ADMIT_DEADLINE_MS }, 'budget: the budget store did not answer in time; admitting without a reservation');
    }
    return;
  }
  rc.reservation = admitted.reservation;
}

// How long admission may wait for the budget store (Redis answers in well under 1 ms
// when it is up): a bound on the latency a Redis outage adds to a request.
export const ADMIT_DEADLINE_MS = 500;
let lastSlowLog = 0;

function withinDeadline<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => resolve(undefined), ms);
    p.then(
      (v) => {
        clearTimeout(t);
        resolve(v);
      },
      (e: unknown) => {
        clearTimeout(t);
        reject(e);
      },
    );
  });
}

// A request that ends before it has a turn (a thrown error) must not hold its reservation.
export function releaseBudget(deps: GatewayDeps, rc: RequestContext): void {
  if (deps.usage && rc.reservation) void deps.usage.budgets.settle(rc.reservation, 0);
}
