// An aligned text table for terminals: text left-aligned, numbers right-aligned,
// '-' for a null cost or score, a totals line and a footnote.
import type { CostReport } from './build-cost-report.js';
import { reportColumns, SCORES_NOTE } from './report-columns.js';

// Control characters (terminal escapes in user-supplied names) are shown as '?'.
function clean(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

export function formatTable(report: CostReport): string {
  const cols = reportColumns(report);
  const body = [...report.rows, { ...report.totals, key: 'TOTAL' }].map((r) => cols.map((c) => clean(c.text(r)) || (c.numeric ? '-' : '')));
  const header = cols.map((c) => c.header);
  const widths = cols.map((_, i) => Math.max(header[i]!.length, ...body.map((cells) => cells[i]!.length)));
  const line = (cells: string[]) => cells.map((cell, i) => (cols[i]!.numeric ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))).join('  ').trimEnd();
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const out = [line(header), rule, ...body.slice(0, -1).map(line), rule, line(body[body.length - 1]!)];
  out.push(
    '',
    `${report.by} report, ${report.since} .. ${report.until} (UTC days), ${report.ledger} ledger. Costs in USD; '-' = no priced turn (unpriced turns are counted, never as 0); avg_* = mean evaluation score (0..1) over the scored_* turns; '-' = none scored${SCORES_NOTE[report.by] ?? ''}.`,
  );
  return out.join('\n') + '\n';
}
