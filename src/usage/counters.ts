// Integer counters: what the ledger stores per (day, dimension, value). Cost is kept in
// micro-dollars so concurrent additions sum exactly (no float drift).
import { LEDGER_DIMENSIONS, PAIR_SEPARATOR, UNKNOWN_VALUE, type LedgerEntry, type ReportRow, type StoredDimension } from './ledger-types.js';

export const COUNTER_FIELDS = ['turns', 'input', 'cached', 'cache_write', 'output', 'reasoning', 'cost_micro', 'unpriced', 'savings_micro'] as const;
export type CounterField = (typeof COUNTER_FIELDS)[number];
export type Counters = Record<CounterField, number>;

export function toMicroUsd(usd: number): number {
  return Math.round(usd * 1_000_000);
}

export function fromMicroUsd(micro: number): number {
  return micro / 1_000_000;
}

export function emptyCounters(): Counters {
  return { turns: 0, input: 0, cached: 0, cache_write: 0, output: 0, reasoning: 0, cost_micro: 0, unpriced: 0, savings_micro: 0 };
}

function count(n: number | undefined): number {
  return Number.isFinite(n) && (n as number) > 0 ? Math.round(n as number) : 0;
}

// The increments one entry adds (the same under every dimension).
export function entryCounters(entry: LedgerEntry): Counters {
  const priced = entry.costUsd !== null && Number.isFinite(entry.costUsd);
  return {
    turns: 1,
    input: count(entry.tokens.input),
    cached: count(entry.tokens.cached),
    cache_write: count(entry.tokens.cacheWrite),
    output: count(entry.tokens.output),
    reasoning: count(entry.tokens.reasoning),
    cost_micro: priced ? toMicroUsd(entry.costUsd as number) : 0,
    unpriced: priced ? 0 : 1,
    savings_micro: entry.cacheSavingsUsd != null && Number.isFinite(entry.cacheSavingsUsd) ? toMicroUsd(entry.cacheSavingsUsd) : 0,
  };
}

// The value an entry is counted under for each stored dimension.
export function dimensionValues(entry: LedgerEntry): [StoredDimension, string][] {
  const v = (s: string | undefined) => (s && s.length > 0 ? s : UNKNOWN_VALUE);
  const out: [StoredDimension, string][] = LEDGER_DIMENSIONS.map((d) => [d, v(entry[d])]);
  out.push(['developer_model', `${v(entry.developer)}${PAIR_SEPARATOR}${v(entry.model)}`], ['total', '*']);
  return out;
}

export function addCounters(into: Counters, add: Partial<Counters>): void {
  for (const f of COUNTER_FIELDS) into[f] += add[f] ?? 0;
}

export function toRow(key: string, c: Counters): ReportRow {
  return {
    key,
    turns: c.turns,
    inputTokens: c.input,
    cachedTokens: c.cached,
    cacheWriteTokens: c.cache_write,
    outputTokens: c.output,
    reasoningTokens: c.reasoning,
    costUsd: fromMicroUsd(c.cost_micro),
    unpricedTurns: c.unpriced,
    cacheSavingsUsd: fromMicroUsd(c.savings_micro),
  };
}

// Rows from per-key counters: by cost (then turns, then key), or by key for days.
export function toRows(byKey: Map<string, Counters>, sortByKey: boolean): ReportRow[] {
  const rows = [...byKey].map(([k, c]) => toRow(k, c));
  if (sortByKey) return rows.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return rows.sort((a, b) => b.costUsd - a.costUsd || b.turns - a.turns || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
