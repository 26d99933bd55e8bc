// One entry point for the CLI and `GET /admin/reports/cost?by=&since=&until=&format=`:
// parse the options strictly, read the ledger (and the score store, if any), format.
import type { ScoreStore } from '../../evaluators/store/score-store.js';
import type { UsageLedger } from '../usage/ledger-types.js';
import { buildCostReport } from './build-cost-report.js';
import { formatCsv } from './format-csv.js';
import { formatHtml } from './format-html.js';
import { formatJson } from './format-json.js';
import { formatTable } from './format-table.js';
import { parseReportOptions, type ReportFormat, type ReportOptionsInput } from './parse-report-query.js';

export interface RenderedReport {
  contentType: string;
  body: string;
}

const CONTENT_TYPE: Record<ReportFormat, string> = {
  table: 'text/plain; charset=utf-8',
  csv: 'text/csv; charset=utf-8; header=present',
  json: 'application/json; charset=utf-8',
  html: 'text/html; charset=utf-8',
};

export interface RenderOptions {
  now?: Date;
  // Format when the query names none (the endpoint: json; the CLI: table).
  defaultFormat?: ReportFormat;
  // Where the evaluation scores are (none: the average scores are null).
  scores?: ScoreStore;
}

// Throws ReportQueryError (status 400) on bad options; ledger errors propagate.
export async function renderCostReport(ledger: UsageLedger, query: ReportOptionsInput, opts: RenderOptions = {}): Promise<RenderedReport> {
  const now = opts.now ?? new Date();
  const o = parseReportOptions(query, now, opts.defaultFormat ?? 'json');
  const report = await buildCostReport(ledger, { by: o.by, since: o.since, until: o.until, now, series: o.format === 'html', scores: opts.scores });
  const body = o.format === 'csv' ? formatCsv(report) : o.format === 'json' ? formatJson(report) : o.format === 'html' ? formatHtml(report) : formatTable(report);
  return { contentType: CONTENT_TYPE[o.format], body };
}
