// RFC 4180 CSV: CRLF line ends, fields with comma, quote, CR or LF quoted, quotes doubled.
// Null costs are empty cells. A leading = + - @ is prefixed with ' against formula injection.
import type { CostReport } from './build-cost-report.js';
import { reportColumns } from './report-columns.js';

export function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) && !/^-?\d/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function formatCsv(report: CostReport): string {
  const cols = reportColumns(report);
  const lines = [cols.map((c) => csvField(c.header)).join(',')];
  for (const row of report.rows) lines.push(cols.map((c) => csvField(c.text(row))).join(','));
  return lines.join('\r\n') + '\r\n';
}
