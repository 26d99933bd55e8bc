// The average evaluation scores in cost reports: a MemoryScoreStore filled through
// saveRecord + setVerdict next to a memory ledger with the same turns.
import { beforeAll, describe, expect, it } from 'vitest';
import { MemoryScoreStore } from '../../../evaluators/store/memory-score-store.js';
import { buildCostReport, type CostReport, type CostReportRow } from '../../../src/reports/build-cost-report.js';
import { formatCsv } from '../../../src/reports/format-csv.js';
import { formatHtml } from '../../../src/reports/format-html.js';
import { formatTable } from '../../../src/reports/format-table.js';
import { renderCostReport } from '../../../src/reports/render-cost-report.js';
import { MemoryLedger } from '../../../src/usage/memory-ledger.js';
import { EVIL, fill, fillScores, NOW, SINCE, turnRecord, UNTIL } from './report-fixtures.js';

let ledger: MemoryLedger;
let scores: MemoryScoreStore;

const scoreCols = (r: CostReportRow) => [r.key, r.avgToolCallValidity, r.avgTaskCompletion, r.scoredTurns];
const build = (by: CostReport['by']) => buildCostReport(ledger, { by, since: SINCE, until: UNTIL, now: NOW, scores });

beforeAll(async () => {
  ledger = new MemoryLedger({ now: () => NOW });
  await fill(ledger);
  scores = new MemoryScoreStore();
  await fillScores(scores);
});

describe('buildCostReport with a score store', () => {
  it('by developer: the mean per developer over the range, null without scores, totals n-weighted', async () => {
    const report = await build('developer');
    expect(report.rows.map(scoreCols)).toEqual([
      ['alice', 0.75, 0.5, { toolCallValidity: 2, taskCompletion: 2 }],
      // 1/3 rounded to 3 decimals; no task_completion verdict: null, counted 0.
      ['bob', 0.333, null, { toolCallValidity: 1, taskCompletion: 0 }],
      [EVIL, null, null, { toolCallValidity: 0, taskCompletion: 0 }],
      ['carol', null, null, { toolCallValidity: 0, taskCompletion: 0 }],
    ]);
    // (1 + 0.5 + 1/3) / 3 and (1 + 0) / 2: weighted by n, not the mean of the rows' means.
    expect(scoreCols(report.totals)).toEqual(['total', 0.611, 0.5, { toolCallValidity: 3, taskCompletion: 2 }]);
    // The cost columns are unchanged.
    expect(report.rows[0]).toMatchObject({ turns: 2, costUsd: 0.0625 });
  });

  it('by route: summed over the input-token buckets', async () => {
    const report = await build('route');
    expect(report.rows.map(scoreCols)).toEqual([['fast', 0.611, 0.5, { toolCallValidity: 3, taskCompletion: 2 }]]);
    expect(scoreCols(report.totals)).toEqual(['total', 0.611, 0.5, { toolCallValidity: 3, taskCompletion: 2 }]);
  });

  it('by day: the route aggregates summed per day, days outside the range left out', async () => {
    const report = await build('day');
    expect(report.rows.map(scoreCols)).toEqual([
      ['2026-11-23', 1, 1, { toolCallValidity: 1, taskCompletion: 1 }],
      ['2026-11-24', 0.417, 0, { toolCallValidity: 2, taskCompletion: 1 }],
    ]);
    expect(scoreCols(report.totals)).toEqual(['total', 0.611, 0.5, { toolCallValidity: 3, taskCompletion: 2 }]);
  });

  it('by repo', async () => {
    const report = await build('repo');
    expect(report.rows.map(scoreCols)).toEqual([['acme/app', 0.611, 0.5, { toolCallValidity: 3, taskCompletion: 2 }]]);
  });

  it.each(['team', 'model', 'key'] as const)('by %s: no score aggregates, every average null', async (by) => {
    const report = await build(by);
    expect(report.rows.length).toBeGreaterThan(0);
    for (const r of [...report.rows, report.totals]) {
      expect([r.avgToolCallValidity, r.avgTaskCompletion, r.scoredTurns]).toEqual([null, null, null]);
    }
    expect(formatTable(report)).toContain(`scores are not aggregated by ${by}`);
  });

  it('without a score store every average is null', async () => {
    const report = await buildCostReport(ledger, { by: 'developer', since: SINCE, until: UNTIL, now: NOW });
    for (const r of [...report.rows, report.totals]) expect(r.scoredTurns).toBeNull();
  });

  it('a turn without a developer is scored under (unknown), as in the ledger', async () => {
    const l = new MemoryLedger({ now: () => NOW });
    await l.add({ at: NOW, route: 'fast', provider: 'p', model: 'm', tokens: { input: 1, cached: 0, cacheWrite: 0, output: 1, reasoning: 0 }, costUsd: 0.1, turns: 1 });
    const s = new MemoryScoreStore();
    const rec = turnRecord('anon', NOW.toISOString(), undefined, 1);
    await s.saveRecord(rec);
    await s.setVerdict(rec, 'tool_call_validity', { name: 'tool_call_validity', score: 0.25, label: 'invalid', explanation: 'x' });
    const report = await buildCostReport(l, { by: 'developer', since: NOW, now: NOW, scores: s });
    expect(report.rows.map(scoreCols)).toEqual([['(unknown)', 0.25, null, { toolCallValidity: 1, taskCompletion: 0 }]]);
  });
});

describe('formats with scores', () => {
  it('CSV: three-decimal means and the counts; empty cells for null', async () => {
    const csv = formatCsv(await build('developer')).split('\r\n');
    expect(csv[0]).toMatch(/,avg_tool_call_validity,avg_task_completion,scored_tool_call_validity,scored_task_completion$/);
    expect(csv[1]).toBe('alice,2,3000,200,50,400,40,0.062500,0,0.001000,0.031250,0.750,0.500,2,2');
    expect(csv[2]).toBe('bob,1,500,0,0,50,0,0.002500,0,0.000000,0.002500,0.333,,1,0');
    expect(csv[4]).toBe('carol,1,100,0,0,10,0,,1,0.000000,,,,0,0');
  });

  it('table: the averages right-aligned, - for null, in the totals line too', async () => {
    const lines = formatTable(await build('developer')).split('\n');
    const header = lines[0]!;
    const end = header.indexOf('avg_task_completion') + 'avg_task_completion'.length;
    expect(lines[2]!.slice(end - 5, end)).toBe('0.500');
    expect(lines[3]!.slice(end - 5, end)).toBe('    -');
    expect(lines[7]!.startsWith('TOTAL')).toBe(true);
    expect(lines[7]).toMatch(/ 0\.611 +0\.500 +3 +2$/);
  });

  it('HTML: the averages in the table, – for null', async () => {
    const html = formatHtml(await build('developer'));
    expect(html).toContain('<th class="num">avg_tool_call_validity</th>');
    expect(html).toMatch(/<td>bob<\/td>.*<td class="num">0\.333<\/td><td class="num">–<\/td><td class="num">1<\/td><td class="num">0<\/td><\/tr>/);
    expect(html).toMatch(/<tr class="total"><td>Total<\/td>.*<td class="num">0\.611<\/td><td class="num">0\.500<\/td><td class="num">3<\/td><td class="num">2<\/td><\/tr>/);
  });

  it('renderCostReport passes the store through (JSON)', async () => {
    const { body } = await renderCostReport(ledger, { by: 'developer', since: '2026-11-23', until: '2026-11-24', format: 'json' }, { now: NOW, scores });
    const j = JSON.parse(body) as CostReport;
    expect(j.rows[0]).toMatchObject({ key: 'alice', avgToolCallValidity: 0.75, avgTaskCompletion: 0.5, scoredTurns: { toolCallValidity: 2, taskCompletion: 2 } });
    expect(j.totals).toMatchObject({ avgToolCallValidity: 0.611, avgTaskCompletion: 0.5 });
  });
});
