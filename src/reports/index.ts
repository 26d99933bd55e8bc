export { buildCostReport, TOOL_CALL_VALIDITY, TASK_COMPLETION, type CostReport, type CostReportRow, type BuildCostReportOptions } from './build-cost-report.js';
export { renderCostReport, type RenderedReport, type RenderOptions } from './render-cost-report.js';
export { ReportQueryError, parseReportOptions, parseWhen, type ReportFormat } from './parse-report-query.js';
export { formatCsv } from './format-csv.js';
export { formatJson } from './format-json.js';
export { formatTable } from './format-table.js';
export { formatHtml, escapeHtml, renderCostChart } from './format-html.js';
