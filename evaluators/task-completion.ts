// task_completion: a heuristic verdict on the request that ends a task (one user prompt
// ends when the model answers without calling tools). A request that made calls and
// completed is a task in progress: the client runs the calls and sends another request,
// so there is nothing to judge yet. Sub-agent requests (request kind `review` or a
// sub-agent's name) end their own tasks and are judged by the same rules as turns.
import type { Evaluator, Verdict } from './evaluator.js';
import { classifyToolOutput } from './classify-tool-output.js';
import type { TurnRecord } from '../src/records/turn-record.js';

const NAME = 'task_completion';

export const taskCompletion: Evaluator = {
  name: NAME,
  // The user sending the same prompt again means the task did not land.
  reevaluateOn: ['retry'],
  evaluate(record, ctx): Verdict | undefined {
    if (record.session?.requestKind === 'compaction') return compaction(record);
    if (record.status === 'failed') return verdict(0, 'error', `The request failed (${failure(record)}).`);
    if (record.status === 'client_closed') return verdict(0, 'abandoned', 'The client closed the connection before the answer finished.');
    if (record.status === 'incomplete' || isTruncated(record.finishReason)) {
      return verdict(0.25, 'incomplete', `The answer was cut short (${record.finishReason ?? 'status incomplete'}).`);
    }
    if (ctx.retriedByUser) return verdict(0, 'retried', 'The user sent the same prompt again after this answer: the task did not land.');
    if (record.toolCalls.length > 0) return undefined;
    if (record.finalTextLength === 0) return verdict(0, 'empty', 'The model ended the task with neither text nor tool calls.');

    const failed = record.toolOutputs
      .map((o) => ({ name: o.name ?? o.callId, outcome: classifyToolOutput(o) }))
      .filter((o) => o.outcome.ok === false);
    if (failed.length === 0) {
      const n = record.toolOutputs.length;
      return verdict(1, 'completed', n ? `The model answered after ${n} successful tool result${n === 1 ? '' : 's'}.` : 'The model answered without needing tools.');
    }
    const named = failed.map((f) => `${f.name}: ${f.outcome.reason}`).join('; ');
    return verdict(0.5, 'completed_with_failures', `The model answered, but its last tool results include failures (${named}).`, {
      failed: failed.map((f) => ({ name: f.name, reason: f.outcome.reason })),
    });
  },
};

// A compaction request ends well when it returns the summary Codex resumes from.
function compaction(record: TurnRecord): Verdict {
  if (record.status === 'completed' && record.finalTextLength > 0) return verdict(1, 'compaction', 'The compaction request returned a summary.');
  const why = record.status === 'completed' ? 'it returned no text' : `status ${record.status}${record.status === 'failed' ? `, ${failure(record)}` : ''}`;
  return verdict(0, 'failed', `The compaction request produced no summary (${why}).`);
}

function isTruncated(finishReason: string | undefined): boolean {
  return finishReason === 'length' || finishReason === 'max_output_tokens' || finishReason === 'incomplete';
}

function failure(record: TurnRecord): string {
  return [record.errorCode, `HTTP ${record.httpStatus}`].filter(Boolean).join(', ');
}

function verdict(score: number, label: string, explanation: string, details?: unknown): Verdict {
  return { name: NAME, score, label, explanation, ...(details !== undefined ? { details } : {}) };
}
