// Known ledger entries shared by the report tests (not a test file itself).
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
