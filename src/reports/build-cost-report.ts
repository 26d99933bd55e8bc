// A cost report from the usage ledger: one row per key of the chosen dimension, with
// null-safe costs (a row whose turns are all unpriced has cost null, never 0).
import type { CostSeriesPoint, ReportBy, ReportRow, UsageLedger } from '../usage/ledger-types.js';
import { utcDay } from '../usage/periods.js';

export interface CostReportRow {
  key: string;
  turns: number;
  inputTokens: number;
  cachedTokens: number;
  cacheWriteTokens: number;
  outputTokens: number;
  reasoningTokens: number;
  // Sum over priced turns; null when no turn in the row has a price.
  costUsd: number | null;
  pricedTurns: number;
  unpricedTurns: number;
  cacheSavingsUsd: number;
  // costUsd / pricedTurns; null when no turn is priced.
  avgCostPerTurnUsd: number | null;
  // Average eval score: always null until the evaluation issue lands.
  avgScore: null;
}

export interface CostReport {
  by: ReportBy;
  // UTC days, inclusive.
  since: string;
  until: string;
  generatedAt: string;
  ledger: 'memory' | 'redis';
  rows: CostReportRow[];
  totals: CostReportRow;
  // Cost per developer per day per model (only when asked for: the HTML chart).
  series?: CostSeriesPoint[];
}

export interface BuildCostReportOptions {
  by: ReportBy;
  since: Date;
  until?: Date;
  series?: boolean;
  now?: Date;
}

// Cost sums in micro-dollars, as stored, so totals stay exact.
const round6 = (n: number) => Math.round(n * 1_000_000) / 1_000_000;

function fromLedgerRow(r: ReportRow): CostReportRow {
  const pricedTurns = r.turns - r.unpricedTurns;
  const costUsd = pricedTurns > 0 ? round6(r.costUsd) : null;
  return {
    key: r.key,
    turns: r.turns,
    inputTokens: r.inputTokens,
    cachedTokens: r.cachedTokens,
    cacheWriteTokens: r.cacheWriteTokens,
    outputTokens: r.outputTokens,
    reasoningTokens: r.reasoningTokens,
    costUsd,
    pricedTurns,
    unpricedTurns: r.unpricedTurns,
    cacheSavingsUsd: round6(r.cacheSavingsUsd ?? 0),
    avgCostPerTurnUsd: costUsd === null ? null : round6(costUsd / pricedTurns),
    avgScore: null,
  };
}

function sumRows(rows: ReportRow[]): ReportRow {
  const t: ReportRow = { key: 'total', turns: 0, inputTokens: 0, cachedTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0, costUsd: 0, unpricedTurns: 0, cacheSavingsUsd: 0 };
  for (const r of rows) {
    t.turns += r.turns;
    t.inputTokens += r.inputTokens;
    t.cachedTokens += r.cachedTokens;
    t.cacheWriteTokens += r.cacheWriteTokens;
    t.outputTokens += r.outputTokens;
    t.reasoningTokens += r.reasoningTokens;
    t.costUsd = round6(t.costUsd + r.costUsd);
    t.unpricedTurns += r.unpricedTurns;
    t.cacheSavingsUsd = round6((t.cacheSavingsUsd ?? 0) + (r.cacheSavingsUsd ?? 0));
  }
  return t;
}

export async function buildCostReport(ledger: UsageLedger, opts: BuildCostReportOptions): Promise<CostReport> {
  const now = opts.now ?? new Date();
  const until = opts.until ?? now;
  const raw = await ledger.report({ by: opts.by, since: opts.since, until });
  const report: CostReport = {
    by: opts.by,
    since: utcDay(opts.since),
    until: utcDay(until),
    generatedAt: now.toISOString(),
    ledger: ledger.kind,
    rows: raw.map(fromLedgerRow),
    totals: fromLedgerRow(sumRows(raw)),
  };
  if (opts.series) report.series = await ledger.costSeries({ since: opts.since, until });
  return report;
}
