// A self-contained HTML page: inline CSS, the report table and a server-side SVG chart
// (cost per developer per day, stacked by model). No scripts, no external requests
// (a Content-Security-Policy forbids them); every user-supplied string is escaped.
import type { CostSeriesPoint } from '../usage/ledger-types.js';
import type { CostReport } from './build-cost-report.js';
import { reportColumns, SCORES_NOTE } from './report-columns.js';

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];

export interface ChartLayout {
  width: number;
  height: number;
  // Pixels per USD: every segment's height is cost × scale.
  scale: number;
}

const PLOT_H = 240;
const TOP = 20;
const LEFT = 70;
const BAR_W = 18;
const BAR_GAP = 4;
const DAY_GAP = 48;

function fmtUsd(n: number): string {
  return `$${n.toFixed(n >= 1 ? 2 : 4)}`;
}

// The chart's SVG: for each day a group of bars (one per developer with cost that day),
// each bar stacked by model; segment height = cost × scale.
export function renderCostChart(series: CostSeriesPoint[]): { svg: string; layout: ChartLayout } {
  const priced = series.filter((p) => p.costUsd > 0);
  const days = [...new Set(priced.map((p) => p.day))].sort();
  const models = [...new Set(priced.map((p) => p.model))].sort();
  const color = new Map(models.map((m, i) => [m, PALETTE[i % PALETTE.length]!]));
  // day → developer → points
  const byDay = new Map<string, Map<string, CostSeriesPoint[]>>();
  for (const p of priced) {
    let devs = byDay.get(p.day);
    if (!devs) byDay.set(p.day, (devs = new Map()));
    let pts = devs.get(p.developer);
    if (!pts) devs.set(p.developer, (pts = []));
    pts.push(p);
  }
  let max = 0;
  for (const devs of byDay.values()) for (const pts of devs.values()) max = Math.max(max, pts.reduce((s, p) => s + p.costUsd, 0));
  const scale = max > 0 ? PLOT_H / max : 0;
  const parts: string[] = [];
  let x = LEFT + DAY_GAP / 2;
  const baseY = TOP + PLOT_H;
  for (const day of days) {
    const devs = [...byDay.get(day)!.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    const groupStart = x;
    for (const [developer, pts] of devs) {
      let y = baseY;
      const sorted = [...pts].sort((a, b) => (a.model < b.model ? -1 : a.model > b.model ? 1 : 0));
      for (const p of sorted) {
        const h = p.costUsd * scale;
        y -= h;
        parts.push(
          `<rect class="seg" x="${x}" y="${y.toFixed(3)}" width="${BAR_W}" height="${h.toFixed(3)}" fill="${color.get(p.model)}" data-day="${escapeHtml(p.day)}" data-developer="${escapeHtml(developer)}" data-model="${escapeHtml(p.model)}" data-cost="${p.costUsd}"><title>${escapeHtml(`${p.day} · ${developer} · ${p.model}: ${fmtUsd(p.costUsd)} (${p.turns} turns)`)}</title></rect>`,
        );
      }
      const label = developer.length > 12 ? `${developer.slice(0, 11)}…` : developer;
      parts.push(`<text class="dev" x="${x + BAR_W / 2}" y="${baseY + 6}" transform="rotate(60 ${x + BAR_W / 2} ${baseY + 6})">${escapeHtml(label)}</text>`);
      x += BAR_W + BAR_GAP;
    }
    parts.push(`<text class="day" x="${(groupStart + x - BAR_GAP) / 2}" y="${baseY + 78}" text-anchor="middle">${escapeHtml(day)}</text>`);
    x += DAY_GAP;
  }
  const width = Math.max(x + 10, 320);
  const height = TOP + PLOT_H + 90;
  const axis: string[] = [`<line x1="${LEFT}" y1="${baseY}" x2="${width - 10}" y2="${baseY}" stroke="#333"/>`, `<line x1="${LEFT}" y1="${TOP}" x2="${LEFT}" y2="${baseY}" stroke="#333"/>`];
  for (let i = 0; i <= 4 && max > 0; i++) {
    const v = (max * i) / 4;
    const y = baseY - v * scale;
    axis.push(`<line x1="${LEFT - 4}" y1="${y}" x2="${LEFT}" y2="${y}" stroke="#333"/><text class="tick" x="${LEFT - 6}" y="${y + 4}" text-anchor="end">${escapeHtml(fmtUsd(v))}</text>`);
  }
  if (days.length === 0) axis.push(`<text x="${LEFT + 10}" y="${TOP + PLOT_H / 2}">No priced usage in this range.</text>`);
  const svg =
    `<svg id="cost-chart" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="Cost per developer per day, stacked by model" data-scale="${scale}">` +
    axis.join('') +
    parts.join('') +
    '</svg>';
  const legend = models.map((m) => `<li><span class="swatch" style="background:${color.get(m)}"></span>${escapeHtml(m)}</li>`).join('');
  return { svg: `${svg}<ul class="legend">${legend}</ul>`, layout: { width, height, scale } };
}

export function formatHtml(report: CostReport): string {
  const cols = reportColumns(report);
  const th = cols.map((c) => `<th${c.numeric ? ' class="num"' : ''}>${escapeHtml(c.header)}</th>`).join('');
  const tr = (cells: string[], cls = '') => `<tr${cls ? ` class="${cls}"` : ''}>${cells.join('')}</tr>`;
  const rows = report.rows.map((r) => tr(cols.map((c) => `<td${c.numeric ? ' class="num"' : ''}>${escapeHtml(c.text(r)) || (c.numeric ? '–' : '')}</td>`)));
  const totals = tr(cols.map((c) => `<td${c.numeric ? ' class="num"' : ''}>${escapeHtml(c.text({ ...report.totals, key: 'Total' })) || (c.numeric ? '–' : '')}</td>`), 'total');
  const unpriced = (report.series ?? []).reduce((s, p) => s + p.unpricedTurns, 0);
  const chart = renderCostChart(report.series ?? []);
  const title = `Cost report by ${report.by}, ${report.since} to ${report.until}`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px;color:#222}
h1{font-size:20px}h2{font-size:16px;margin-top:28px}
table{border-collapse:collapse;font-size:13px}
th,td{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left;white-space:nowrap}
th.num,td.num{text-align:right;font-variant-numeric:tabular-nums}
tr.total td{font-weight:600;border-top:2px solid #999}
.note{color:#666;font-size:12px}
svg text{font-size:11px;fill:#333}
.legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:12px;font-size:12px}
.swatch{display:inline-block;width:10px;height:10px;margin-right:4px}
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="note">UTC days, inclusive; ${escapeHtml(report.ledger)} ledger; generated ${escapeHtml(report.generatedAt)}. Costs in USD over priced turns; a row whose turns are all unpriced shows – (never 0). avg_* columns: mean evaluation score (0 to 1) over the scored_* turns; – when none was scored${escapeHtml(SCORES_NOTE[report.by] ?? '')}.</p>
<table id="cost-table">
<thead><tr>${th}</tr></thead>
<tbody>
${rows.join('\n')}
${totals}
</tbody>
</table>
<h2>Cost per developer per day, stacked by model</h2>
${unpriced > 0 ? `<p class="note">${unpriced} unpriced turn(s) are not in the chart.</p>` : ''}
${chart.svg}
</body>
</html>
`;
}
