// Each report format on a memory ledger filled with known entries.
import { beforeAll, describe, expect, it } from 'vitest';
import { buildCostReport, type CostReport } from '../../../src/reports/build-cost-report.js';
import { csvField, formatCsv } from '../../../src/reports/format-csv.js';
import { formatHtml } from '../../../src/reports/format-html.js';
import { formatJson } from '../../../src/reports/format-json.js';
import { formatTable } from '../../../src/reports/format-table.js';
import { MemoryLedger } from '../../../src/usage/memory-ledger.js';
import { EVIL, fill, NOW, SINCE, UNTIL } from './report-fixtures.js';

let report: CostReport;
let ledger: MemoryLedger;

beforeAll(async () => {
  ledger = new MemoryLedger({ now: () => NOW });
  await fill(ledger);
  report = await buildCostReport(ledger, { by: 'developer', since: SINCE, until: UNTIL, now: NOW, series: true });
});

describe('buildCostReport', () => {
  it('sums per developer, sorted by cost, with null cost for an all-unpriced row', () => {
    expect(report.rows.map((r) => r.key)).toEqual(['alice', 'bob', EVIL, 'carol']);
    const alice = report.rows[0]!;
    expect(alice).toEqual({
      key: 'alice',
      turns: 2,
      inputTokens: 3000,
      cachedTokens: 200,
      cacheWriteTokens: 50,
      outputTokens: 400,
      reasoningTokens: 40,
      costUsd: 0.0625,
      pricedTurns: 2,
      unpricedTurns: 0,
      cacheSavingsUsd: 0.001,
      avgCostPerTurnUsd: 0.03125,
      avgToolCallValidity: null,
      avgTaskCompletion: null,
      scoredTurns: null,
    });
    const carol = report.rows[3]!;
    expect(carol.costUsd).toBeNull();
    expect(carol.avgCostPerTurnUsd).toBeNull();
    expect(carol.unpricedTurns).toBe(1);
    expect(report.totals).toMatchObject({ key: 'total', turns: 5, costUsd: 0.066, pricedTurns: 4, unpricedTurns: 1, avgCostPerTurnUsd: 0.0165 });
    expect(report.since).toBe('2026-11-23');
    expect(report.until).toBe('2026-11-24');
  });

  it('by day and by model', async () => {
    const byDay = await buildCostReport(ledger, { by: 'day', since: SINCE, until: UNTIL, now: NOW });
    expect(byDay.rows.map((r) => [r.key, r.turns, r.costUsd])).toEqual([
      ['2026-11-23', 2, 0.0135],
      ['2026-11-24', 3, 0.0525],
    ]);
    const byModel = await buildCostReport(ledger, { by: 'model', since: SINCE, until: UNTIL, now: NOW });
    expect(byModel.rows.map((r) => [r.key, r.costUsd])).toEqual([
      ['claude-y', 0.05],
      ['gpt-x', 0.016],
      ['local-llama', null],
    ]);
    expect(byModel.series).toBeUndefined();
  });
});

describe('formatCsv', () => {
  it('produces exact RFC 4180 text (CRLF, quoting, empty cells for null)', () => {
    expect(formatCsv(report)).toBe(
      [
        'developer,turns,input_tokens,cached_tokens,cache_write_tokens,output_tokens,reasoning_tokens,cost_usd,unpriced_turns,cache_savings_usd,avg_cost_per_turn_usd,avg_tool_call_validity,avg_task_completion,scored_tool_call_validity,scored_task_completion',
        'alice,2,3000,200,50,400,40,0.062500,0,0.001000,0.031250,,,,',
        'bob,1,500,0,0,50,0,0.002500,0,0.000000,0.002500,,,,',
        `"<script>alert(""x"")</script>, & 'q'",1,10,0,0,1,0,0.001000,0,0.000000,0.001000,,,,`,
        'carol,1,100,0,0,10,0,,1,0.000000,,,,,',
        '',
      ].join('\r\n'),
    );
  });

  it('quotes fields with commas, quotes and line breaks and defuses formulas', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('=SUM(A1)')).toBe("'=SUM(A1)");
    expect(csvField('-1.5')).toBe('-1.5');
  });
});

describe('formatJson', () => {
  it('keeps numbers as numbers and unpriced costs and unknown scores (no score store) as null', () => {
    const j = JSON.parse(formatJson(report)) as CostReport;
    expect(j.by).toBe('developer');
    expect(j.ledger).toBe('memory');
    expect(j.rows[0]).toMatchObject({ key: 'alice', turns: 2, costUsd: 0.0625, avgToolCallValidity: null, avgTaskCompletion: null, scoredTurns: null });
    expect(j.rows[2]!.key).toBe(EVIL);
    expect(j.rows[3]).toMatchObject({ key: 'carol', costUsd: null, avgCostPerTurnUsd: null, unpricedTurns: 1 });
    expect(j.totals.costUsd).toBe(0.066);
    expect(j.series).toHaveLength(5);
  });
});

describe('formatTable', () => {
  it('aligns columns: keys left, numbers right, - for null costs, a totals line', () => {
    const text = formatTable(report);
    const lines = text.split('\n');
    const header = lines[0]!;
    const rows = [lines[2]!, lines[3]!, lines[4]!, lines[5]!, lines[7]!];
    expect(lines[1]).toMatch(/^-+( +-+)+$/);
    expect(rows.map((l) => l.split(/ {2,}/)[0])).toEqual(['alice', 'bob', EVIL, 'carol', 'TOTAL']);
    for (const h of ['turns', 'input_tokens', 'cost_usd', 'unpriced_turns', 'avg_cost_per_turn_usd']) {
      const end = header.indexOf(h) + h.length;
      for (const row of rows) {
        expect(row[end - 1], `${h} in ${JSON.stringify(row)}`).toMatch(/\S/);
        expect(row[end] ?? ' ', `${h} in ${JSON.stringify(row)}`).toBe(' ');
      }
    }
    const costEnd = header.indexOf('cost_usd') + 'cost_usd'.length;
    expect(lines[5]!.slice(costEnd - 8, costEnd)).toBe('       -');
    expect(lines[2]!.slice(costEnd - 8, costEnd)).toBe('0.062500');
    expect(lines[7]!.slice(costEnd - 8, costEnd)).toBe('0.066000');
    expect(text).toContain("avg_* = mean evaluation score (0..1) over the scored_* turns; '-' = none scored.");
  });

  it('shows control characters in names as ?', async () => {
    const l = new MemoryLedger({ now: () => NOW });
    await l.add({ at: NOW, developer: 'x\u001b[31my', route: 'r', provider: 'p', model: 'm', tokens: { input: 1, cached: 0, cacheWrite: 0, output: 1, reasoning: 0 }, costUsd: 0.1, turns: 1 });
    const t = formatTable(await buildCostReport(l, { by: 'developer', since: NOW, now: NOW }));
    expect(t).not.toContain('\u001b');
    expect(t).toContain('x?[31my');
  });
});

describe('formatHtml', () => {
  it('is self-contained: no scripts, no external URLs, a CSP forbidding them', () => {
    const html = formatHtml(report);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/\b(src|href)=/i);
    const urls = html.match(/https?:\/\/[^\s"'<>]+/g) ?? [];
    expect(urls.every((u) => u === 'http://www.w3.org/2000/svg')).toBe(true);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
  });

  it('escapes user-supplied names everywhere', () => {
    const html = formatHtml(report);
    expect(html).not.toContain(EVIL);
    expect(html).not.toContain('alert("x")');
    expect(html).toContain('<td>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;, &amp; &#39;q&#39;</td>');
    expect(html).toContain('data-developer="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;, &amp; &#39;q&#39;"');
  });

  it('draws one segment per priced (day, developer, model), height proportional to cost', () => {
    const html = formatHtml(report);
    const rects = [...html.matchAll(/<rect class="seg"([^>]*)>/g)].map((m) => {
      const a = Object.fromEntries([...m[1]!.matchAll(/([\w-]+)="([^"]*)"/g)].map((x) => [x[1], x[2]]));
      return { key: `${a['data-day']}|${a['data-developer']}|${a['data-model']}`, h: Number(a.height), cost: Number(a['data-cost']) };
    });
    expect(rects.map((r) => r.key).sort()).toEqual(
      ['2026-11-23|alice|gpt-x', '2026-11-23|&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;, &amp; &#39;q&#39;|gpt-x', '2026-11-24|alice|claude-y', '2026-11-24|bob|gpt-x'].sort(),
    );
    const ratio = rects[0]!.h / rects[0]!.cost;
    for (const r of rects) expect(Math.abs(r.h / r.cost - ratio) / ratio).toBeLessThan(1e-3);
    expect(Math.max(...rects.map((r) => r.h))).toBeCloseTo(240, 2);
    expect(html).toContain('1 unpriced turn(s) are not in the chart.');
  });

  it('renders an empty range without a chart error', async () => {
    const empty = await buildCostReport(new MemoryLedger({ now: () => NOW }), { by: 'developer', since: SINCE, now: NOW, series: true });
    const html = formatHtml(empty);
    expect(html).toContain('No priced usage in this range.');
    expect(html).not.toContain('NaN');
  });
});
