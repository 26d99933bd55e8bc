// Known ledger entries shared by the report tests (not a test file itself).
import type { ScoreStore } from '../../../evaluators/store/score-store.js';
import type { TurnRecord } from '../../../src/records/turn-record.js';
import type { LedgerEntry, UsageLedger } from '../../../src/usage/ledger-types.js';

export const EVIL = `<script>alert("x")</script>, & 'q'`;

function entry(at: string, developer: string, model: string, tokens: Partial<LedgerEntry['tokens']>, costUsd: number | null, cacheSavingsUsd = 0): LedgerEntry {
  return {
    at: new Date(at),
    developer,
    team: developer === 'bob' ? 'infra' : 'core',
    repo: 'acme/app',
    route: 'fast',
    provider: 'test',
    model,
    tokens: { input: 0, cached: 0, cacheWrite: 0, output: 0, reasoning: 0, ...tokens },
    costUsd,
    cacheSavingsUsd,
    turns: 1,
  };
}

// Days 2026-11-23 and 2026-11-24.
export const ENTRIES: LedgerEntry[] = [
  entry('2026-11-23T10:00:00Z', 'alice', 'gpt-x', { input: 1000, cached: 200, output: 100 }, 0.0125, 0.001),
  entry('2026-11-24T09:00:00Z', 'alice', 'claude-y', { input: 2000, cacheWrite: 50, output: 300, reasoning: 40 }, 0.05),
  entry('2026-11-24T09:30:00Z', 'bob', 'gpt-x', { input: 500, output: 50 }, 0.0025),
  entry('2026-11-24T11:00:00Z', 'carol', 'local-llama', { input: 100, output: 10 }, null),
  entry('2026-11-23T12:00:00Z', EVIL, 'gpt-x', { input: 10, output: 1 }, 0.001),
];

export async function fill(ledger: UsageLedger): Promise<void> {
  for (const e of ENTRIES) await ledger.add(e);
}

export const SINCE = new Date('2026-11-23T00:00:00Z');
export const UNTIL = new Date('2026-11-24T00:00:00Z');
export const NOW = new Date('2026-11-24T12:00:00Z');

// Turn records and verdicts for the score columns (the same turns as ENTRIES where they
// overlap: route 'fast', repo 'acme/app'), plus turns outside 2026-11-23..24.
export function turnRecord(id: string, at: string, developer: string | undefined, inputTokens: number, alias = 'fast'): TurnRecord {
  return {
    v: 1,
    id,
    at,
    dialect: 'responses',
    stream: true,
    identity: { ...(developer !== undefined ? { developer } : {}), team: 'core', repo: 'acme/app' },
    route: { alias },
    provider: 'test',
    model: 'gpt-x',
    status: 'completed',
    httpStatus: 200,
    usage: { inputTokens, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 10, reasoningTokens: 0 },
    costUsd: 0.001,
    latencyMs: 100,
    toolsOffered: [],
    toolCalls: [],
    toolOutputs: [],
    finalTextLength: 5,
    outputObserved: true,
    removedTools: [],
    warnings: [],
  };
}

// [record, tool_call_validity score or null, task_completion score or null]
export const SCORED: [TurnRecord, number | null, number | null][] = [
  [turnRecord('t-alice-1', '2026-11-23T10:00:00.000Z', 'alice', 1000), 1, 1],
  [turnRecord('t-alice-2', '2026-11-24T09:00:00.000Z', 'alice', 2000), 0.5, 0],
  [turnRecord('t-bob-1', '2026-11-24T09:30:00.000Z', 'bob', 500), 1 / 3, null],
  // Outside the range: never counted.
  [turnRecord('t-alice-0', '2026-11-22T23:59:59.000Z', 'alice', 100), 0, 0],
  [turnRecord('t-alice-3', '2026-11-25T00:00:00.000Z', 'alice', 100), 0, 0],
];

export async function fillScores(store: ScoreStore): Promise<void> {
  for (const [record, validity, completion] of SCORED) {
    await store.saveRecord(record);
    if (validity !== null) await store.setVerdict(record, 'tool_call_validity', { name: 'tool_call_validity', score: validity, label: 'valid', explanation: 'test' });
    if (completion !== null) await store.setVerdict(record, 'task_completion', { name: 'task_completion', score: completion, label: 'completed', explanation: 'test' });
  }
}
