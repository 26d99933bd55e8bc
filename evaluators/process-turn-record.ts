// One job: a turn record in, verdicts stored, aggregates moved, verdicts traced. The
// same function runs in `gateway worker` (BullMQ) and in the gateway's in-process queue.
//
// Facts about a turn arrive later, on the next request of its session: the outcomes of
// its tool calls (the client's tool outputs) and whether the user sent the same prompt
// again. When they arrive, the earlier turn is evaluated again by the evaluators that
// depend on them, and its stored verdicts and aggregates move by the difference. A task
// (Codex's turn id) holds one completion verdict: the last request that ended it.
import type { Tracer } from '@opentelemetry/api';
import type { Logger } from 'pino';
import type { TurnRecord } from '../src/records/turn-record.js';
import type { EvaluationContext, Evaluator, ToolOutcome, Verdict } from './evaluator.js';
import { classifyToolOutput } from './classify-tool-output.js';
import type { ScoreStore } from './store/score-store.js';
import { traceVerdicts } from './trace-verdicts.js';
import { validateTurnRecord } from './validate-turn-record.js';

export interface ProcessorDeps {
  store: ScoreStore;
  evaluators: Evaluator[];
  tracer?: Tracer;
  logger?: Pick<Logger, 'warn' | 'debug'>;
  signal?: AbortSignal;
}

export interface ProcessResult {
  // false: the record had been processed before (a duplicate job).
  fresh: boolean;
  verdicts: Verdict[];
  // Earlier turns evaluated again with what this record revealed.
  reevaluated: string[];
}

const TASK = 'task_completion';

export async function processTurnRecord(data: unknown, deps: ProcessorDeps): Promise<ProcessResult> {
  const record = validateTurnRecord(data);
  const { store } = deps;
  const fresh = await store.saveRecord(record);
  const session = record.session?.id;
  const verdicts = await evaluate(record, deps, undefined);
  const reevaluated: string[] = [];
  if (session) {
    await store.registerCalls(
      session,
      record.toolCalls.map((c) => c.callId),
      record.id,
    );
    // This request's tool outputs are the outcomes of an earlier turn's calls.
    const outcomes = new Map<string, ToolOutcome>(record.toolOutputs.map((o) => [o.callId, classifyToolOutput(o)]));
    await store.saveOutcomes(session, outcomes);
    const owners = await store.callOwners(session, [...outcomes.keys()]);
    for (const turnId of new Set(owners.values())) if (turnId !== record.id && (await reevaluate(turnId, 'outcomes', deps))) reevaluated.push(turnId);

    // The user sent the same prompt again: the session's last finished task did not land.
    if (record.lastUser?.repeatsPrevious) {
      const last = await store.getLastTask(session);
      if (last && last !== record.id) {
        await store.markRetried(last);
        if (await reevaluate(last, 'retry', deps)) reevaluated.push(last);
      }
    }
    if (verdicts.some((v) => v.name === TASK)) {
      // One verdict per task: a later request ending the same task takes it over.
      const holder = await store.swapTaskHolder(session, record.session?.turnId ?? record.id, record.id);
      if (holder && holder !== record.id) {
        const previous = await store.getRecord(holder);
        if (previous) await store.setVerdict(previous, TASK, null);
      }
      await store.setLastTask(session, record.id);
    }
  }
  return { fresh, verdicts, reevaluated };
}

// Runs the evaluators (those depending on `fact`, or all), storing each verdict as it
// comes so a retry after a crash finds the finished ones unchanged; traces the changed.
async function evaluate(record: TurnRecord, deps: ProcessorDeps, fact: 'outcomes' | 'retry' | undefined): Promise<Verdict[]> {
  const { store } = deps;
  const session = record.session?.id;
  const ctx: EvaluationContext = {
    outcomes: session
      ? await store.getOutcomes(
          session,
          record.toolCalls.map((c) => c.callId),
        )
      : new Map(),
    retriedByUser: await store.isRetried(record.id),
    signal: deps.signal,
  };
  const verdicts: Verdict[] = [];
  const changed: Verdict[] = [];
  const failures: string[] = [];
  for (const evaluator of deps.evaluators) {
    if (fact && !evaluator.reevaluateOn?.includes(fact)) continue;
    let verdict: Verdict | undefined;
    try {
      verdict = await evaluator.evaluate(record, ctx);
    } catch (err) {
      failures.push(`${evaluator.name}: ${(err as Error).message}`);
      continue;
    }
    if (verdict && !validVerdict(verdict)) {
      failures.push(`${evaluator.name}: returned a verdict without a name or a score in [0, 1]`);
      continue;
    }
    // A task verdict held by a later request of the same task is not re-added here.
    if (fact && evaluator.name === TASK && !verdict) continue;
    if (await store.setVerdict(record, evaluator.name, verdict ?? null)) if (verdict) changed.push(verdict);
    if (verdict) verdicts.push(verdict);
  }
  if (deps.tracer) traceVerdicts(deps.tracer, record, changed, fact ?? 'first');
  if (failures.length > 0) throw new Error(`evaluators failed on turn ${record.id}: ${failures.join('; ')}`);
  return verdicts;
}

async function reevaluate(turnId: string, fact: 'outcomes' | 'retry', deps: ProcessorDeps): Promise<boolean> {
  const record = await deps.store.getRecord(turnId);
  if (!record) {
    deps.logger?.debug({ turnId, fact }, 'evaluation: the earlier turn is not stored (expired or not yet processed)');
    return false;
  }
  await evaluate(record, deps, fact);
  return true;
}

function validVerdict(v: Verdict): boolean {
  return typeof v.name === 'string' && v.name !== '' && typeof v.score === 'number' && v.score >= 0 && v.score <= 1 && typeof v.label === 'string';
}
