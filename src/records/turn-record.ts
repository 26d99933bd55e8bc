// The turn record: what the queue carries, one per finished request (DESIGN.md, "The
// turn record"). Evaluators and the optimizer read only this and their own store, so it
// holds everything they judge by: the tools offered (with the schemas of the ones
// called), the calls the model made, the outputs the client sent back for the previous
// turn's calls, and how the turn went. Versioned: a worker refuses what it cannot read.
import type { Usage } from '../canonical/types.js';

export const TURN_RECORD_VERSION = 1;

export interface TurnRecord {
  v: typeof TURN_RECORD_VERSION;
  // The gateway's id for this request's turn (also the queue job id: idempotent).
  id: string;
  // When the turn ended (ISO 8601, UTC).
  at: string;
  dialect: 'responses' | 'chat';
  stream: boolean;
  // The root span of the request, when traced: evaluator spans become its children.
  trace?: { traceId: string; spanId: string };
  // Codex's session (session-id header / turn metadata) and turn (turn_id: one user
  // prompt, many requests); request kind: turn | compaction | review | a sub-agent's.
  session?: { id?: string; turnId?: string; requestKind?: string };
  identity: { developer?: string; team?: string; repo?: string; key?: string };
  route: {
    // The alias the client asked for and the one that served the turn.
    requested?: string;
    alias: string;
    // How the alias was chosen: alias | rule | default | sticky | …; the rule's name or expression.
    by?: string;
    rule?: string;
    // Set when the turn was sent to an alternative route to gather evidence (optimizer issue).
    exploration?: string;
    // Shadow rules that matched: what they would have chosen (never applied).
    shadow?: { rule: string; routeTo: string }[];
  };
  provider: string;
  model: string;
  status: 'completed' | 'incomplete' | 'failed' | 'client_closed';
  httpStatus: number;
  errorCode?: string;
  usage?: Usage;
  // The gateway's input-token estimate (routing), available even when the provider sent no usage.
  inputTokensEstimate?: number;
  costUsd?: number | null;
  latencyMs: number;
  ttftMs?: number;
  // The provider's response id (gen_ai.response.id on the turn's spans).
  responseId?: string;
  finishReason?: string;
  // Every tool the request offered (hosted tools the gateway removed are in removedTools).
  toolsOffered: OfferedTool[];
  // The calls the model made in this turn, arguments (function) or input (custom) as sent.
  toolCalls: RecordedToolCall[];
  // The outputs the client sent back in this request: results of the previous turn's
  // calls (the trailing run of calls and outputs in the input), with those calls.
  toolOutputs: RecordedToolOutput[];
  // Characters of assistant text in the answer (0: the turn ended in calls or nothing).
  finalTextLength: number;
  // The last user message of the input: a hash, and whether it repeats the user message
  // before it (the user sent the same prompt again: the previous task did not land).
  lastUser?: { hash: string; repeatsPrevious: boolean };
  // False when the gateway could not see the answer's items (a streamed Chat passthrough).
  outputObserved: boolean;
  removedTools: string[];
  warnings: string[];
}

export interface OfferedTool {
  type: 'function' | 'custom';
  name: string;
  namespace?: string;
  // Only for tools called in this turn (keeps records small): the JSON Schema of a
  // function's arguments, or a custom tool's format (grammar) name.
  parameters?: Record<string, unknown>;
  format?: string;
}

export interface RecordedToolCall {
  callId: string;
  kind: 'function' | 'custom';
  name: string;
  namespace?: string;
  // JSON arguments (function) or raw input (custom), as the model sent them.
  arguments: string;
}

export interface RecordedToolOutput {
  callId: string;
  kind: 'function' | 'custom';
  // The call it answers, when the input still holds it.
  name?: string;
  namespace?: string;
  arguments?: string;
  // The output text, its head kept up to OUTPUT_TEXT_LIMIT characters.
  output: string;
  truncated?: boolean;
}

export const OUTPUT_TEXT_LIMIT = 4000;

// `namespace.name` for namespaced functions, else the name.
export function qualifiedName(t: { name: string; namespace?: string }): string {
  return t.namespace ? `${t.namespace}.${t.name}` : t.name;
}
