// JSON: the report as built (numbers; null for unpriced costs and unknown scores).
import type { CostReport } from './build-cost-report.js';

export function formatJson(report: CostReport): string {
  return JSON.stringify(report, null, 2) + '\n';
}
