// The evaluator interface: a scorer reads one turn record (and what later requests of
// the session revealed about it) and returns a verdict. Built-in evaluators live beside
// this file; users add their own (README, "Writing an evaluator"; example in
// evaluators/examples/). Verdicts are stored per turn, aggregated per route × input-token
// bucket × day, developer and repo, and sent to the turn's trace as
// `gen_ai.evaluation.result` events.
import type { TurnRecord } from '../src/records/turn-record.js';

export interface Verdict {
  // Stable, low-cardinality: the aggregate field and `gen_ai.evaluation.name`.
  name: string;
  // In [0, 1]; higher is better.
  score: number;
  // Low-cardinality (`gen_ai.evaluation.score.label`): valid, invalid, completed, failed…
  label: string;
  // One or two sentences a person reads in Jaeger or the export.
  explanation: string;
  // Anything else worth keeping with the score (per-call reasons…); stored, not traced.
  details?: unknown;
}

// What an evaluator may know besides the record: facts learned from later requests of
// the same session. The worker evaluates a turn again when one arrives.
export interface EvaluationContext {
  // The outcome of each of this turn's calls, by call id, as the next request of the
  // session reported it (its tool outputs), classified.
  outcomes: ReadonlyMap<string, ToolOutcome>;
  // The user sent the same prompt again right after this turn ended the task.
  retriedByUser?: boolean;
  // Aborted when the worker shuts down (an evaluator doing I/O should stop).
  signal?: AbortSignal;
}

// What a tool output says about the call it answers.
export interface ToolOutcome {
  // true: it worked; false: it failed; null: the output does not say.
  ok: boolean | null;
  // Short and specific: "exit code 0", "exit code 2", "unsupported call: foo",
  // "failed to parse function arguments", "apply_patch verification failed".
  reason: string;
  exitCode?: number;
}

export interface Evaluator {
  name: string;
  // Later facts that change this evaluator's verdict: the worker evaluates an earlier
  // turn again with them when they arrive (default: none, judged once).
  reevaluateOn?: ('outcomes' | 'retry')[];
  // undefined: nothing to judge on this record (no calls; a task still in progress).
  evaluate(record: TurnRecord, ctx: EvaluationContext): Verdict | undefined | Promise<Verdict | undefined>;
}
