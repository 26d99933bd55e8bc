// Where budget counters live: per (scope, value, period) the settled spend and the
// outstanding reservations, in integer micro-dollars; plus the alert-once markers.
// Each operation is atomic over all the lines of one request.
export interface BudgetLine {
  // `${scope}|${value}|${periodId}`: one counter.
  id: string;
  hardMicro: number;
  // Negative: no soft alert.
  softMicro: number;
  // When the period ends (ms since epoch): counters and alert markers expire after it.
  periodEndMs: number;
}

export type ReserveResult = { ok: true } | { ok: false; index: number; spentMicro: number; reservedMicro: number };

export interface SettleLineResult {
  spentMicro: number;
  // This settle took the line to its soft threshold first (once per line, across replicas).
  softCrossed: boolean;
}

export interface BudgetStore {
  readonly kind: 'memory' | 'redis';
  // Refuses (touching nothing) when any line already reached hardMicro or the estimate
  // does not fit under it; else adds the estimate to every line's reservations.
  reserve(lines: BudgetLine[], estimateMicro: number, nowMs: number): Promise<ReserveResult>;
  // Releases the reservation and adds the actual spend, per line.
  settle(lines: BudgetLine[], reservedMicro: number, actualMicro: number, nowMs: number): Promise<SettleLineResult[]>;
  // Current spend and reservations of one line (reports, tests).
  read(line: BudgetLine): Promise<{ spentMicro: number; reservedMicro: number }>;
  close(): Promise<void>;
}

// Counters stay a while after their period ends so a late settle still lands.
export const COUNTER_GRACE_MS = 2 * 86_400_000;
