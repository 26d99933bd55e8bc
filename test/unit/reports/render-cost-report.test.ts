// Option parsing (strict) and renderCostReport, the endpoint's entry point.
import { describe, expect, it } from 'vitest';
import { parseReportOptions, parseWhen, ReportQueryError } from '../../../src/reports/parse-report-query.js';
import { renderCostReport } from '../../../src/reports/render-cost-report.js';
import { MemoryLedger } from '../../../src/usage/memory-ledger.js';
import { fill, NOW } from './report-fixtures.js';

describe('parseWhen', () => {
  it('accepts durations and UTC dates', () => {
    expect(parseWhen('7d', 'since', NOW).toISOString()).toBe('2026-11-17T12:00:00.000Z');
    expect(parseWhen('24h', 'since', NOW).toISOString()).toBe('2026-11-23T12:00:00.000Z');
    expect(parseWhen('2w', 'since', NOW).toISOString()).toBe('2026-11-10T12:00:00.000Z');
    expect(parseWhen('2026-11-01', 'since', NOW).toISOString()).toBe('2026-11-01T00:00:00.000Z');
  });

  it.each(['7', '7days', 'd', '0d', '-1d', '1.5d', '7D', '2026-02-30', '2026-1-01', 'yesterday', '', '2026-11-01T00:00:00Z'])('rejects %j with a clear error', (bad) => {
    expect(() => parseWhen(bad, 'since', NOW)).toThrow(ReportQueryError);
    expect(() => parseWhen(bad, 'since', NOW)).toThrow(/since/);
  });

  it('rejects an unknown dimension or format, repeated values and until before since', () => {
    expect(() => parseReportOptions({ by: 'user' }, NOW)).toThrow(/expected one of developer, team, repo, route, model, day/);
    expect(() => parseReportOptions({ format: 'xml' }, NOW)).toThrow(/table, csv, json, html/);
    expect(() => parseReportOptions({ since: ['7d', '1d'] }, NOW)).toThrow(/single value/);
    expect(() => parseReportOptions({ since: '1d', until: '7d' }, NOW)).toThrow(/until is before since/);
    expect(parseReportOptions({}, NOW)).toMatchObject({ by: 'developer', format: 'table', until: undefined });
  });
});

describe('renderCostReport', () => {
  it('answers each format with its content type (default json)', async () => {
    const ledger = new MemoryLedger({ now: () => NOW });
    await fill(ledger);
    const q = { by: 'team', since: '2026-11-23' };
    const json = await renderCostReport(ledger, q, { now: NOW });
    expect(json.contentType).toBe('application/json; charset=utf-8');
    expect((JSON.parse(json.body) as { rows: { key: string; costUsd: number }[] }).rows.map((r) => [r.key, r.costUsd])).toEqual([
      ['core', 0.0635],
      ['infra', 0.0025],
    ]);
    expect((await renderCostReport(ledger, { ...q, format: 'csv' }, { now: NOW })).contentType).toMatch(/^text\/csv/);
    expect((await renderCostReport(ledger, { ...q, format: 'table' }, { now: NOW })).contentType).toMatch(/^text\/plain/);
    const html = await renderCostReport(ledger, { ...q, format: 'html' }, { now: NOW });
    expect(html.contentType).toBe('text/html; charset=utf-8');
    expect(html.body).toContain('<svg id="cost-chart"');
    await expect(renderCostReport(ledger, { since: 'soon' }, { now: NOW })).rejects.toMatchObject({ name: 'ReportQueryError', status: 400 });
  });
});
