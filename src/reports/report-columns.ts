// The report's columns, shared by the table, CSV and HTML formatters.
import type { CostReport, CostReportRow } from './build-cost-report.js';

export interface Column {
  header: string;
  numeric: boolean;
  // Cell text; '' for null.
  text(row: CostReportRow): string;
}

export const AVG_SCORE_HEADER = 'avg_score (pending eval)';

function usd(n: number | null): string {
  return n === null ? '' : n.toFixed(6);
}

export function reportColumns(report: Pick<CostReport, 'by'>): Column[] {
  return [
    { header: report.by, numeric: false, text: (r) => r.key },
    { header: 'turns', numeric: true, text: (r) => String(r.turns) },
    { header: 'input_tokens', numeric: true, text: (r) => String(r.inputTokens) },
    { header: 'cached_tokens', numeric: true, text: (r) => String(r.cachedTokens) },
    { header: 'cache_write_tokens', numeric: true, text: (r) => String(r.cacheWriteTokens) },
    { header: 'output_tokens', numeric: true, text: (r) => String(r.outputTokens) },
    { header: 'reasoning_tokens', numeric: true, text: (r) => String(r.reasoningTokens) },
    { header: 'cost_usd', numeric: true, text: (r) => usd(r.costUsd) },
    { header: 'unpriced_turns', numeric: true, text: (r) => String(r.unpricedTurns) },
    { header: 'cache_savings_usd', numeric: true, text: (r) => usd(r.cacheSavingsUsd) },
    { header: 'avg_cost_per_turn_usd', numeric: true, text: (r) => usd(r.avgCostPerTurnUsd) },
    { header: AVG_SCORE_HEADER, numeric: true, text: (r) => (r.avgScore === null ? '' : String(r.avgScore)) },
  ];
}
