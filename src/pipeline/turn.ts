// What the gateway knows about one turn once it ends: the seed of the turn record
// that tracing, cost and evaluation (later issues) read. Logged as one line.
import type { Usage } from '../canonical/types.js';
import type { RouteDecision } from '../routing/decide-route.js';

export interface TurnSummary {
  id: string;
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
}

export type TurnListener = (turn: TurnSummary) => void;
