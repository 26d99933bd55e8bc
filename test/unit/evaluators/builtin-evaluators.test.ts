// The built-in list and the example user evaluator: names, and the example's verdicts.
import { describe, expect, it } from 'vitest';
import { builtinEvaluators } from '../../../evaluators/builtin-evaluators.js';
import finalAnswerLength from '../../../evaluators/examples/final-answer-length.js';
import { callsInHistory, recordFromCapture } from '../../support/turn-records.js';

const ctx = { outcomes: new Map() };

describe('builtin evaluators', () => {
  it('are tool_call_validity and task_completion, with distinct names', () => {
    expect(builtinEvaluators.map((e) => e.name)).toEqual(['tool_call_validity', 'task_completion']);
  });
});

describe('example: final_answer_length', () => {
  it('flags a short final answer, passes a long one', () => {
    expect(finalAnswerLength.evaluate(recordFromCapture('turn2-request.json', { textLength: 4 }), ctx)).toMatchObject({ score: 0.2, label: 'short' });
    expect(finalAnswerLength.evaluate(recordFromCapture('turn2-request.json', { textLength: 200 }), ctx)).toMatchObject({ score: 1, label: 'ok' });
  });

  it('skips turns still making calls', () => {
    expect(finalAnswerLength.evaluate(recordFromCapture('turn1-request.json', { toolCalls: callsInHistory('turn2-request.json') }), ctx)).toBeUndefined();
  });
});
