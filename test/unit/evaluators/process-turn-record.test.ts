// The processor over the in-memory store (the Redis store runs the same steps in
// test/integration/eval-loop.test.ts): later facts re-score earlier turns and move the
// aggregates by the difference; one completion verdict per task; malformed records refused.
import { describe, expect, it } from 'vitest';
import { processTurnRecord } from '../../../evaluators/process-turn-record.js';
import { MemoryScoreStore } from '../../../evaluators/store/memory-score-store.js';
import { builtinEvaluators } from '../../../evaluators/builtin-evaluators.js';
import { MalformedRecordError } from '../../../evaluators/validate-turn-record.js';
import { callsInHistory, recordFromCapture, withOutput } from '../../support/turn-records.js';
import type { TurnRecord } from '../../../src/records/turn-record.js';

const range = [new Date('2026-11-24T00:00:00Z'), new Date('2026-11-25T00:00:00Z')] as const;

async function totals(store: MemoryScoreStore, name: string) {
  const rows = await store.aggregates('route', ...range);
  return rows.reduce((a, r) => ({ n: a.n + (r.scores[name]?.n ?? 0), sum: a.sum + (r.scores[name]?.sum ?? 0) }), { n: 0, sum: 0 });
}

const deps = (store: MemoryScoreStore) => ({ store, evaluators: builtinEvaluators });

describe('processTurnRecord', () => {
  const turn1 = () => recordFromCapture('turn1-request.json', { toolCalls: callsInHistory('turn2-request.json') });

  it('a failed outcome on the next request turns the earlier call invalid, and the aggregate moves from 1 to 0', async () => {
    const store = new MemoryScoreStore();
    await processTurnRecord(turn1(), deps(store));
    expect(await totals(store, 'tool_call_validity')).toEqual({ n: 1, sum: 1 });
    const turn2 = recordFromCapture('turn2-request.json', { textLength: 4, editItems: withOutput('call_fake_0001', 'Process exited with code 2\nOutput:\nno such file\n') });
    const result = await processTurnRecord(turn2, deps(store));
    expect(result.reevaluated).toEqual([turn1().id]);
    const v = await store.getVerdicts(turn1().id);
    expect(v.tool_call_validity).toMatchObject({ score: 0, label: 'invalid' });
    expect(v.tool_call_validity.explanation).toContain('exit code 2');
    expect(await totals(store, 'tool_call_validity')).toEqual({ n: 1, sum: 0 });
    // The task ended on failed tool results: completed with failures.
    expect((await store.getVerdicts(turn2.id)).task_completion).toMatchObject({ score: 0.5, label: 'completed_with_failures' });
  });

  it('takes the outcome into account when the later request was processed first', async () => {
    const store = new MemoryScoreStore();
    const turn2 = recordFromCapture('turn2-request.json', { textLength: 4, editItems: withOutput('call_fake_0001', 'Process exited with code 1\n') });
    await processTurnRecord(turn2, deps(store));
    await processTurnRecord(turn1(), deps(store));
    expect((await store.getVerdicts(turn1().id)).tool_call_validity).toMatchObject({ score: 0 });
  });

  it('a duplicate is scored once', async () => {
    const store = new MemoryScoreStore();
    expect((await processTurnRecord(turn1(), deps(store))).fresh).toBe(true);
    expect((await processTurnRecord(turn1(), deps(store))).fresh).toBe(false);
    expect(await totals(store, 'tool_call_validity')).toEqual({ n: 1, sum: 1 });
    const rows = await store.aggregates('route', ...range);
    expect(rows.reduce((a, r) => a + (r.turns ?? 0), 0)).toBe(1);
  });

  it('keeps one completion verdict per task: a retried failed request hands it to the request that finished', async () => {
    const store = new MemoryScoreStore();
    const failed: TurnRecord = { ...recordFromCapture('turn2-request.json', { status: 'failed', errorCode: 'upstream_error' }), id: 'attempt-1' };
    await processTurnRecord(failed, deps(store));
    expect(await totals(store, 'task_completion')).toEqual({ n: 1, sum: 0 });
    const retried: TurnRecord = { ...recordFromCapture('turn2-request.json', { textLength: 12 }), id: 'attempt-2' };
    await processTurnRecord(retried, deps(store));
    expect(await totals(store, 'task_completion')).toEqual({ n: 1, sum: 1 });
    expect((await store.getVerdicts('attempt-1')).task_completion).toBeUndefined();
  });

  it('a user sending the same prompt again marks the previous task retried (score 0)', async () => {
    const store = new MemoryScoreStore();
    const done = recordFromCapture('turn2-request.json', { textLength: 12 });
    await processTurnRecord(done, deps(store));
    expect(await totals(store, 'task_completion')).toEqual({ n: 1, sum: 1 });
    const again: TurnRecord = { ...recordFromCapture('turn1-request.json', { toolCalls: callsInHistory('turn2-request.json') }), id: 'again', lastUser: { hash: 'h', repeatsPrevious: true } };
    again.session = { ...again.session, turnId: 'a-new-codex-turn' };
    const result = await processTurnRecord(again, deps(store));
    expect(result.reevaluated).toContain(done.id);
    expect((await store.getVerdicts(done.id)).task_completion).toMatchObject({ score: 0, label: 'retried' });
    expect(await totals(store, 'task_completion')).toEqual({ n: 1, sum: 0 });
  });

  it('refuses a malformed record, naming the field', async () => {
    const store = new MemoryScoreStore();
    await expect(processTurnRecord({ ...turn1(), toolCalls: 'nope' }, deps(store))).rejects.toThrow(MalformedRecordError);
    await expect(processTurnRecord({ ...turn1(), v: 99 }, deps(store))).rejects.toThrow(/v is 99/);
  });

  it('stores the other verdicts when one evaluator throws, then fails the job so it is retried', async () => {
    const store = new MemoryScoreStore();
    const broken = { name: 'broken', evaluate: () => Promise.reject(new Error('judge unreachable')) };
    await expect(processTurnRecord(turn1(), { store, evaluators: [...builtinEvaluators, broken] })).rejects.toThrow(/broken: judge unreachable/);
    expect((await store.getVerdicts(turn1().id)).tool_call_validity).toMatchObject({ score: 1 });
  });
});

describe('MemoryScoreStore bounds', () => {
  it('forgets the oldest turns beyond its limit, keeping the aggregates', async () => {
    const store = new MemoryScoreStore({ turns: 3, links: 5 });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const r = { ...recordFromCapture('turn1-request.json', { toolCalls: callsInHistory('turn2-request.json') }), id: `t${i}` };
      ids.push(r.id);
      await processTurnRecord(r, { store, evaluators: builtinEvaluators });
    }
    expect(await store.getRecord('t0')).toBeUndefined();
    expect(await store.getVerdicts('t1')).toEqual({});
    expect((await store.getRecord('t4'))?.id).toBe('t4');
    expect(await totals(store, 'tool_call_validity')).toEqual({ n: 5, sum: 5 });
  });
});
