// The usage ledger's contract: every finished turn adds its tokens and cost under
// developer, team, key, repo, route, model and the UTC day; reports read it back.

export interface LedgerEntry {
  at: Date;
  developer?: string;
  team?: string;
  key?: string;
  repo?: string;
  route: string;
  provider: string;
  model: string;
  tokens: { input: number; cached: number; cacheWrite: number; output: number; reasoning: number };
  // null: the model has no price (reported as unpriced, never as 0).
  costUsd: number | null;
  // What the cache reads saved against the full input price, when the pricing knows.
  cacheSavingsUsd?: number | null;
  turns: 1;
}

// The dimensions an entry is counted under (each per UTC day).
export const LEDGER_DIMENSIONS = ['developer', 'team', 'key', 'repo', 'route', 'model'] as const;
export type LedgerDimension = (typeof LEDGER_DIMENSIONS)[number];
export type ReportBy = 'developer' | 'team' | 'key' | 'repo' | 'route' | 'model' | 'day';

// What is stored per day: the dimensions, developer×model (the report chart's stacks)
// and the day's total (one value, '*').
export type StoredDimension = LedgerDimension | 'developer_model' | 'total';
// Joins developer and model in the developer_model dimension.
export const PAIR_SEPARATOR = '\u001f';

// The value an entry without that dimension is counted under.
export const UNKNOWN_VALUE = '(unknown)';

export interface ReportQuery {
  by: ReportBy;
  // Inclusive, rounded down to its UTC day.
  since: Date;
  // Inclusive, rounded down to its UTC day; default: now.
  until?: Date;
}

export interface ReportRow {
  key: string;
  turns: number;
  inputTokens: number;
  cachedTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  // Sum over priced turns; unpriced turns are counted in unpricedTurns.
  costUsd: number;
  unpricedTurns: number;
  cacheSavingsUsd?: number;
}

export interface CostSeriesPoint {
  day: string;
  developer: string;
  model: string;
  turns: number;
  costUsd: number;
  unpricedTurns: number;
}

export interface TotalsQuery {
  dimension: LedgerDimension;
  value: string;
  since: Date;
  until?: Date;
}

export interface UsageLedger {
  readonly kind: 'memory' | 'redis';
  add(entry: LedgerEntry): Promise<void>;
  // One dimension value's totals over a day range (a report row, zeros when nothing).
  totals(query: TotalsQuery): Promise<ReportRow>;
  // Rows sorted by cost, highest first (by 'day': by day, oldest first).
  report(query: ReportQuery): Promise<ReportRow[]>;
  // Per day, developer and model (cost per developer per day, stacked by model).
  costSeries(query: { since: Date; until?: Date }): Promise<CostSeriesPoint[]>;
  close(): Promise<void>;
}
