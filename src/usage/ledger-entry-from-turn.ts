// A finished turn (the pipeline's TurnSummary, structurally) as a ledger entry.
import type { Usage } from '../canonical/types.js';
import type { LedgerEntry } from './ledger-types.js';

export interface TurnForLedger {
  alias: string;
  provider: string;
  upstreamModel: string;
  usage?: Usage;
  identity?: { developer?: string; team?: string; repo?: string; key?: string };
}

export function ledgerEntryFromTurn(
  turn: TurnForLedger,
  cost: { costUsd: number | null; cacheSavingsUsd?: number | null },
  opts: { at?: Date; key?: string } = {},
): LedgerEntry {
  const u = turn.usage;
  return {
    at: opts.at ?? new Date(),
    developer: turn.identity?.developer,
    team: turn.identity?.team,
    key: opts.key ?? turn.identity?.key,
    repo: turn.identity?.repo,
    route: turn.alias,
    provider: turn.provider,
    model: turn.upstreamModel,
    tokens: {
      input: u?.inputTokens ?? 0,
      cached: u?.cachedInputTokens ?? 0,
      cacheWrite: u?.cacheWriteTokens ?? 0,
      output: u?.outputTokens ?? 0,
      reasoning: u?.reasoningTokens ?? 0,
    },
    costUsd: cost.costUsd,
    cacheSavingsUsd: cost.cacheSavingsUsd,
    turns: 1,
  };
}
