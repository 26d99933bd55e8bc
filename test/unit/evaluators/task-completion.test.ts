// task_completion on records built from the Codex captures: the request that ends a
// task is judged, one still making calls is not.
import { describe, expect, it } from 'vitest';
import type { EvaluationContext, Verdict } from '../../../evaluators/evaluator.js';
import { taskCompletion } from '../../../evaluators/task-completion.js';
import type { TurnRecord } from '../../../src/records/turn-record.js';
import { callsInHistory, recordFromCapture, withOutput } from '../../support/turn-records.js';

const ctx: EvaluationContext = { outcomes: new Map() };
const evaluate = (record: TurnRecord, c: EvaluationContext = ctx) => taskCompletion.evaluate(record, c) as Verdict | undefined;

describe('task_completion', () => {
  it('a successful loop: turn 2 answers after exec_command exited 0 → completed', () => {
    const v = evaluate(recordFromCapture('turn2-request.json', { textLength: 4 }));
    expect(v).toMatchObject({ name: 'task_completion', score: 1, label: 'completed', explanation: 'The model answered after 1 successful tool result.' });
  });

  it('the apply_patch loop ends completed too', () => {
    expect(evaluate(recordFromCapture('apply-patch-catalog-turn2-request.json', { textLength: 4 }))).toMatchObject({ score: 1, label: 'completed' });
  });

  it('a plain answer without tools is completed', () => {
    expect(evaluate(recordFromCapture('output-schema-request.json', { textLength: 30 }))).toMatchObject({
      score: 1,
      label: 'completed',
      explanation: 'The model answered without needing tools.',
    });
  });

  it('an answer after a failed tool result → completed_with_failures, naming the tool and reason', () => {
    const failing = 'Chunk ID: 1\nWall time: 0.0 seconds\nProcess exited with code 2\nOriginal token count: 3\nOutput:\n';
    const v = evaluate(recordFromCapture('turn2-request.json', { textLength: 4, editItems: withOutput('call_fake_0001', failing) }));
    expect(v).toMatchObject({ score: 0.5, label: 'completed_with_failures' });
    expect(v!.explanation).toContain('exec_command: exit code 2');
    expect(v!.details).toEqual({ failed: [{ name: 'exec_command', reason: 'exit code 2' }] });
  });

  it('a turn still in progress (it made calls and completed) → undefined', () => {
    const turn1 = recordFromCapture('turn1-request.json', { toolCalls: callsInHistory('turn2-request.json') });
    expect(evaluate(turn1)).toBeUndefined();
  });

  it('a failed request → error, with its code and HTTP status', () => {
    const v = evaluate(recordFromCapture('turn1-request.json', { status: 'failed', httpStatus: 502, errorCode: 'upstream_error' }));
    expect(v).toMatchObject({ score: 0, label: 'error', explanation: 'The request failed (upstream_error, HTTP 502).' });
  });

  it('a failed request that had made calls is still an error', () => {
    const v = evaluate(recordFromCapture('turn1-request.json', { status: 'failed', httpStatus: 500, toolCalls: callsInHistory('turn2-request.json') }));
    expect(v).toMatchObject({ score: 0, label: 'error' });
  });

  it('the client closed the connection → abandoned', () => {
    expect(evaluate(recordFromCapture('turn1-request.json', { status: 'client_closed', httpStatus: 499 }))).toMatchObject({ score: 0, label: 'abandoned' });
  });

  it('incomplete (status, or finish reason length / max_output_tokens) → 0.25', () => {
    expect(evaluate(recordFromCapture('turn1-request.json', { status: 'incomplete', textLength: 10 }))).toMatchObject({ score: 0.25, label: 'incomplete' });
    expect(evaluate(recordFromCapture('turn1-request.json', { finishReason: 'length', textLength: 10 }))).toMatchObject({
      score: 0.25,
      label: 'incomplete',
      explanation: 'The answer was cut short (length).',
    });
    expect(evaluate(recordFromCapture('turn1-request.json', { finishReason: 'max_output_tokens' }))).toMatchObject({ score: 0.25, label: 'incomplete' });
  });

  it('retried by the user → 0 retried', () => {
    const v = evaluate(recordFromCapture('turn2-request.json', { textLength: 4 }), { outcomes: new Map(), retriedByUser: true });
    expect(v).toMatchObject({ score: 0, label: 'retried' });
    expect(v!.explanation).toContain('the same prompt again');
  });

  it('completed with neither text nor calls → empty', () => {
    expect(evaluate(recordFromCapture('turn1-request.json'))).toMatchObject({ score: 0, label: 'empty' });
  });

  describe('compaction (compaction-request.json: tools [] and request_kind compaction)', () => {
    it('the capture is a compaction request', () => {
      const record = recordFromCapture('compaction-request.json');
      expect(record.session?.requestKind).toBe('compaction');
      expect(record.toolsOffered).toEqual([]);
    });

    it('a summary returned → 1 compaction', () => {
      expect(evaluate(recordFromCapture('compaction-request.json', { textLength: 800 }))).toMatchObject({ score: 1, label: 'compaction' });
    });

    it('no text → 0 failed', () => {
      const v = evaluate(recordFromCapture('compaction-request.json'));
      expect(v).toMatchObject({ score: 0, label: 'failed', explanation: 'The compaction request produced no summary (it returned no text).' });
    });

    it('a failed compaction → 0 failed, with the status', () => {
      const v = evaluate(recordFromCapture('compaction-request.json', { status: 'failed', httpStatus: 400, errorCode: 'context_length_exceeded' }));
      expect(v).toMatchObject({ score: 0, label: 'failed' });
      expect(v!.explanation).toContain('context_length_exceeded');
    });
  });

  it('a sub-agent request (request kind review) is judged like a turn', () => {
    const record = recordFromCapture('turn2-request.json', { textLength: 4 });
    record.session = { ...record.session, requestKind: 'review' };
    expect(evaluate(record)).toMatchObject({ score: 1, label: 'completed' });
  });
});
