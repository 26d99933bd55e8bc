import { performance } from 'node:perf_hooks';
import { randomUUID } from 'node:crypto';
import type { Request, Usage } from '../canonical/types.js';
import type { RouteConfig } from '../config/types.js';
import type { GatewayError } from '../http/errors.js';
import type { GatewayDeps } from './deps.js';
import type { TurnSummary } from './turn.js';
import type { RouteDecision } from '../routing/decide-route.js';
import type { Identity } from '../identity/resolve-identity.js';
import type { AttemptTrace, RequestTrace } from '../telemetry/request-trace.js';
import type { RequestContext } from './begin-request.js';
import type { Reservation } from '../usage/budgets.js';
import { priceTurn } from '../pricing/price-turn.js';
import { ledgerEntryFromTurn } from '../usage/ledger-entry-from-turn.js';
import { recordTurnUsage } from '../usage/record-turn-usage.js';
import { OutputObserver, type ObservedOutput } from '../records/observe-output.js';
import { buildTurnRecord } from '../records/build-turn-record.js';

export interface OpenTurn {
  id: string;
  requestId?: string;
  dialect: TurnSummary['dialect'];
  route: RouteConfig;
  stream: boolean;
  startedAt: number;
  ttftAt?: number;
  usage?: Usage;
  removedTools: string[];
  warnings: string[];
  decision?: RouteDecision;
  identity?: Identity;
  trace?: RequestTrace;
  // The upstream call serving the turn: its span ends with the turn.
  attempt?: AttemptTrace;
  // The budget reservation made at admission: settled with the real cost at the end.
  reservation?: Reservation;
  // For the turn record: the canonical request (or how to decode it, for a passthrough)
  // and what the answer held (observed from the events, or read from a passthrough).
  request?: Request;
  decodeLater?: () => Request;
  observer: OutputObserver;
  observed?: ObservedOutput;
  // A streamed Chat passthrough: the gateway does not assemble its calls.
  passthroughUnobserved?: boolean;
  ended: boolean;
}

export function startTurn(
  dialect: TurnSummary['dialect'],
  req: Pick<Request, 'stream' | 'removedTools' | 'warnings'>,
  route: RouteConfig,
  decision?: RouteDecision,
  ctx?: RequestContext,
): OpenTurn {
  ctx?.trace?.turnStarted();
  return {
    id: randomUUID(),
    requestId: ctx?.requestId,
    dialect,
    route,
    stream: req.stream,
    startedAt: performance.now(),
    removedTools: [...req.removedTools],
    warnings: [...req.warnings],
    decision,
    identity: ctx?.identity,
    trace: ctx?.trace,
    reservation: ctx?.reservation,
    observer: new OutputObserver(),
    ended: false,
  };
}

// Records the end of a turn once and returns the error (so callers can `throw finishTurn(...)`).
export function finishTurn<E extends GatewayError | undefined>(
  turn: OpenTurn,
  deps: GatewayDeps,
  error: E,
  status: TurnSummary['status'] = error ? 'failed' : 'completed',
): E {
  if (turn.ended) return error;
  turn.ended = true;
  const now = performance.now();
  const summary: TurnSummary = {
    id: turn.id,
    ...(turn.requestId ? { requestId: turn.requestId } : {}),
    dialect: turn.dialect,
    alias: turn.route.alias,
    provider: turn.route.provider,
    upstreamModel: turn.route.model,
    passthrough: turn.route.translation === 'passthrough',
    stream: turn.stream,
    status,
    httpStatus: error ? error.status : 200,
    errorCode: error?.code ?? undefined,
    usage: turn.usage,
    latencyMs: Math.round((now - turn.startedAt) * 100) / 100,
    ttftMs: turn.ttftAt === undefined ? undefined : Math.round((turn.ttftAt - turn.startedAt) * 100) / 100,
    removedTools: turn.removedTools,
    warnings: turn.warnings,
    decision: turn.decision,
    identity: turn.identity,
    trace: turn.trace?.ids(),
  };
  if (turn.usage) {
    const cost = priceTurn(deps.prices, { provider: turn.route.provider, model: turn.route.model, alias: turn.route.alias }, turn.usage);
    summary.cost = { usd: cost.costUsd, cacheSavingsUsd: cost.cacheSavingsUsd, priceVersion: cost.priceVersion };
    summary.warnings.push(...cost.warnings);
    // Turns that reached a provider and got usage are charged; the ledger never throws.
    if (deps.usage)
      void recordTurnUsage(deps.usage, { reservation: turn.reservation, entry: ledgerEntryFromTurn(summary, { costUsd: cost.costUsd, cacheSavingsUsd: cost.cacheSavingsUsd }) }, deps.logger).then(
        (alerts) => {
          for (const alert of alerts) turn.trace?.budgetAlert(alert);
        },
      );
  } else if (deps.usage && turn.reservation) {
    // Nothing was used (refused or failed before an answer): release the reservation.
    void deps.usage.budgets.settle(turn.reservation, 0);
  }
  // The provider's real input count against our estimate: the ratio calibrates later estimates.
  if (turn.decision && turn.usage && turn.decision.estimate.tokens > 0)
    deps.routing.calibration.recordActual(turn.route.provider, turn.decision.estimate.tokens, turn.usage.inputTokens);
  turn.attempt?.end(summary);
  turn.trace?.finish(summary);
  deps.logger.info({ turn: summary }, 'turn');
  deps.onTurn?.(summary);
  if (deps.records) queueRecord(turn, summary, deps);
  return error;
}

// The record is built after the response has gone (next tick), and never fails a request.
function queueRecord(turn: OpenTurn, summary: TurnSummary, deps: GatewayDeps): void {
  const at = new Date();
  setImmediate(() => {
    try {
      let request = turn.request;
      if (!request && turn.decodeLater) {
        try {
          request = turn.decodeLater();
        } catch {
          // A passthrough body the translated dialect would refuse: recorded without its tools.
        }
      }
      const observed = turn.observed ?? (turn.passthroughUnobserved ? undefined : turn.observer.result());
      deps.records!.push(buildTurnRecord(summary, request, observed, at));
    } catch (err) {
      deps.logger.error({ err: (err as Error).message, turn: summary.id }, 'turn record could not be built');
    }
  });
}
