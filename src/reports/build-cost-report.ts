// A cost report from the usage ledger: one row per key of the chosen dimension, with
// null-safe costs (a row whose turns are all unpriced has cost null, never 0), and the
// mean evaluation scores from the score store's aggregates when one is given.
import type { AggregateDimension, AggregateRow, ScoreStore } from '../../evaluators/store/score-store.js';
import { UNKNOWN_VALUE, type CostSeriesPoint, type ReportBy, type ReportRow, type UsageLedger } from '../usage/ledger-types.js';
import { utcDay, utcDaysBetween } from '../usage/periods.js';

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
  // Mean evaluation scores (sum / n over the report's days, 3 decimals, in [0, 1]) of the
  // built-in evaluators; null when no turn of the row was scored, when the report has no
  // score store, or for the dimensions the scores are not aggregated by (team, model, key).
  avgToolCallValidity: number | null;
  avgTaskCompletion: number | null;
  // How many turns each mean is over; null when the scores are not known (as above).
  scoredTurns: { toolCallValidity: number; taskCompletion: number } | null;
}

// The built-in evaluators reported (their names in the score store).
export const TOOL_CALL_VALIDITY = 'tool_call_validity';
export const TASK_COMPLETION = 'task_completion';

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
  // Where the evaluation scores are (none: every average is null).
  scores?: ScoreStore;
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
    avgToolCallValidity: null,
    avgTaskCompletion: null,
    scoredTurns: null,
  };
}

// Score sums per report key: evaluator → { n, sum }.
type ScoreSums = Record<string, { n: number; sum: number }>;

// The score aggregates each report dimension is read from, and the report key of an
// aggregate row. Route rows are per input-token bucket: summed per route (by route) or
// per day (by day). team, model and key have no score aggregates: their averages are null.
const SCORE_SOURCE: Partial<Record<ReportBy, { dimension: AggregateDimension; key: (row: AggregateRow) => string }>> = {
  developer: { dimension: 'developer', key: (r) => r.key || UNKNOWN_VALUE },
  repo: { dimension: 'repo', key: (r) => r.key || UNKNOWN_VALUE },
  route: { dimension: 'route', key: (r) => r.key || UNKNOWN_VALUE },
  day: { dimension: 'route', key: (r) => r.day },
};

function addSums(into: ScoreSums, from: ScoreSums): void {
  for (const [name, s] of Object.entries(from)) {
    const t = (into[name] ??= { n: 0, sum: 0 });
    t.n += s.n;
    t.sum += s.sum;
  }
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

function mean(s: { n: number; sum: number } | undefined): number | null {
  return s && s.n > 0 ? round3(s.sum / s.n) : null;
}

function withScores(row: CostReportRow, sums: ScoreSums): CostReportRow {
  return {
    ...row,
    avgToolCallValidity: mean(sums[TOOL_CALL_VALIDITY]),
    avgTaskCompletion: mean(sums[TASK_COMPLETION]),
    scoredTurns: { toolCallValidity: sums[TOOL_CALL_VALIDITY]?.n ?? 0, taskCompletion: sums[TASK_COMPLETION]?.n ?? 0 },
  };
}

// The score sums per report key and over everything, for the ledger's inclusive UTC
// days [since, until]; undefined when the dimension has no score aggregates.
async function scoreSums(scores: ScoreStore, by: ReportBy, since: Date, until: Date): Promise<{ byKey: Map<string, ScoreSums>; total: ScoreSums } | undefined> {
  const source = SCORE_SOURCE[by];
  if (!source) return undefined;
  // The same days as the ledger reads (capped like it); the store's range is half-open.
  const days = utcDaysBetween(since, until);
  if (days.length === 0) return { byKey: new Map(), total: {} };
  const start = new Date(`${days[0]}T00:00:00Z`);
  const end = new Date(Date.parse(`${days[days.length - 1]}T00:00:00Z`) + 86_400_000);
  const byKey = new Map<string, ScoreSums>();
  const total: ScoreSums = {};
  for (const row of await scores.aggregates(source.dimension, start, end)) {
    const key = source.key(row);
    let sums = byKey.get(key);
    if (!sums) byKey.set(key, (sums = {}));
    addSums(sums, row.scores);
    addSums(total, row.scores);
  }
  return { byKey, total };
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
  const sums = opts.scores ? await scoreSums(opts.scores, opts.by, opts.since, until) : undefined;
  if (sums) {
    report.rows = report.rows.map((r) => withScores(r, sums.byKey.get(r.key) ?? {}));
    // Over every scored turn of the range (the n-weighted mean of the rows' means).
    report.totals = withScores(report.totals, sums.total);
  }
  if (opts.series) report.series = await ledger.costSeries({ since: opts.since, until });
  return report;
}
