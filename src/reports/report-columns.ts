// The report's columns, shared by the table, CSV and HTML formatters.
import type { CostReport, CostReportRow } from './build-cost-report.js';

export interface Column {
  header: string;
  numeric: boolean;
  // Cell text; '' for null.
  text(row: CostReportRow): string;
}

function usd(n: number | null): string {
  return n === null ? '' : n.toFixed(6);
}

// A mean score (already rounded to 3 decimals); '' when unknown.
function score(n: number | null): string {
  return n === null ? '' : n.toFixed(3);
}

// Why a dimension shows no scores (footnotes of the table and the HTML page).
export const SCORES_NOTE: Partial<Record<CostReport['by'], string>> = {
  team: ' (scores are not aggregated by team)',
  model: ' (scores are not aggregated by model)',
  key: ' (scores are not aggregated by key)',
};

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
    // Mean evaluation scores and the turns they are over ('' when unknown: no score
    // store, no scored turn, or a dimension without scores: team, model, key).
    { header: 'avg_tool_call_validity', numeric: true, text: (r) => score(r.avgToolCallValidity) },
    { header: 'avg_task_completion', numeric: true, text: (r) => score(r.avgTaskCompletion) },
    { header: 'scored_tool_call_validity', numeric: true, text: (r) => (r.scoredTurns ? String(r.scoredTurns.toolCallValidity) : '') },
    { header: 'scored_task_completion', numeric: true, text: (r) => (r.scoredTurns ? String(r.scoredTurns.taskCompletion) : '') },
  ];
}
