// What the gateway knows about one turn once it ends: the seed of the turn record
// that tracing, cost and evaluation (later issues) read. Logged as one line.
import type { Usage } from '../canonical/types.js';
import type { RouteDecision } from '../routing/decide-route.js';
import type { Identity } from '../identity/resolve-identity.js';

export interface TurnSummary {
  id: string;
  // The request's x-request-id (the client's, or one the gateway made).
  requestId?: string;
  dialect: 'responses' | 'chat';
  alias: string;
  provider: string;
  upstreamModel: string;
  passthrough: boolean;
  stream: boolean;
  status: 'completed' | 'incomplete' | 'failed' | 'client_closed';
  httpStatus: number;
  errorCode?: string;
  usage?: Usage;
  latencyMs: number;
  // From request arrival to the first content event sent to the client.
  ttftMs?: number;
  removedTools: string[];
  warnings: string[];
  // Why this route: rule, estimate, shadow choices, fallbacks tried (absent for an explicit passthrough).
  decision?: RouteDecision;
  // Who and where: developer, team, repo (key, configured attributes or Codex's workspace
  // remotes), Codex's session and turn ids and request kind.
  identity?: Identity;
  // The request's root span when traced: evaluators attach their verdicts under it.
  trace?: { traceId: string; spanId: string };
  // What the turn cost at the price card's rates (null: an unpriced model, never 0).
  cost?: { usd: number | null; cacheSavingsUsd: number | null; priceVersion: string };
}


export type TurnListener = (turn: TurnSummary) => void;