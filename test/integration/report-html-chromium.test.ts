// `gateway report --by developer --format html` (CLI, real Redis ledger) loaded in
// headless Chromium (Debian's chromium package): the rendered page has the chart, one
// stacked segment per (day, developer, model) with laid-out heights proportional to
// cost. Fails (never skips) when /usr/bin/chromium is missing.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisLedger } from '../../src/usage/redis-ledger.js';
import type { LedgerEntry } from '../../src/usage/ledger-types.js';
import { ENTRIES, EVIL, fill } from '../unit/reports/report-fixtures.js';

const run = promisify(execFile);
const CHROMIUM = process.env.CHROMIUM_BIN ?? '/usr/bin/chromium';
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = `test-report-html-${process.pid}-${randomUUID()}`;
const dir = mkdtempSync(join(tmpdir(), 'report-html-'));
const reportFile = join(dir, 'report.html');
let redis: Redis;

// As root on this machine: no sandbox, no GPU, no background connections, a fresh profile.
function chromiumArgs(extra: string[]): string[] {
  return [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-dev-shm-usage',
    `--user-data-dir=${mkdtempSync(join(dir, 'profile-'))}`,
    '--window-size=1200,900',
    ...extra,
  ];
}

async function chromium(extra: string[]): Promise<string> {
  const { stdout } = await run(CHROMIUM, chromiumArgs(extra), { timeout: 60_000, maxBuffer: 32 * 1024 * 1024 });
  return stdout;
}

function decode(s: string): string {
  return s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

// More models in some bars, so stacks of two and three segments are drawn.
const more = (at: string, developer: string, model: string, costUsd: number): LedgerEntry => ({
  at: new Date(at),
  developer,
  route: 'fast',
  provider: 'test',
  model,
  tokens: { input: 10, cached: 0, cacheWrite: 0, output: 1, reasoning: 0 },
  costUsd,
  turns: 1,
});
const EXTRA: LedgerEntry[] = [
  more('2026-11-24T10:00:00Z', 'bob', 'claude-y', 0.02),
  more('2026-11-24T10:05:00Z', 'bob', 'mistral-z', 0.0075),
  more('2026-11-23T10:00:00Z', 'alice', 'claude-y', 0.004),
  more('2026-11-23T10:10:00Z', 'alice', 'gpt-x', 0.0005),
];

// Expected stacks: priced entries summed per (day, developer, model).
function expectedSegments(): Map<string, number> {
  const m = new Map<string, number>();
  for (const e of [...ENTRIES, ...EXTRA]) {
    if (e.costUsd === null) continue;
    const k = `${e.at.toISOString().slice(0, 10)}|${e.developer}|${e.model}`;
    m.set(k, (m.get(k) ?? 0) + e.costUsd);
  }
  return m;
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium package (apt-get update && apt-get install -y --no-install-recommends chromium); .ci/run does this`);
  }
  redis = new Redis(REDIS_URL);
  const ledger = new RedisLedger({ redis, prefix: PREFIX });
  await fill(ledger);
  for (const e of EXTRA) await ledger.add(e);
  await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'report', '--by', 'developer', '--since', '2026-11-23', '--until', '2026-11-24', '--format', 'html', '--out', reportFile], {
    env: { ...process.env, REDIS_URL, GATEWAY_REDIS_PREFIX: PREFIX, LOG_LEVEL: 'warn' },
    timeout: 30_000,
  });
});

afterAll(async () => {
  if (redis) {
    const keys = await redis.keys(`${PREFIX}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('HTML cost report in headless Chromium', () => {
  it('the rendered DOM has the chart: one segment per priced (day, developer, model), no script from names', async () => {
    const dom = await chromium(['--dump-dom', pathToFileURL(reportFile).href]);
    expect(dom).toContain('<svg id="cost-chart"');
    expect(dom).not.toMatch(/<script/i);
    expect(dom).toContain('Cost per developer per day, stacked by model');
    const rects = [...dom.matchAll(/<rect class="seg"([^>]*)>/g)].map((m) => Object.fromEntries([...m[1]!.matchAll(/([\w-]+)="([^"]*)"/g)].map((x) => [x[1]!, decode(x[2]!)])));
    const expected = expectedSegments();
    expect(rects.map((a) => `${a['data-day']}|${a['data-developer']}|${a['data-model']}`).sort()).toEqual([...expected.keys()].sort());
    expect(rects.some((a) => a['data-developer'] === EVIL)).toBe(true);
    // The table shows the name as text.
    expect(dom).toContain('&lt;script&gt;alert("x")&lt;/script&gt;, &amp; \'q\'');
  });

  it('after layout, segment heights are proportional to cost and stack on a common baseline', async () => {
    // A copy with a measuring script (the report itself has none and its CSP forbids one).
    const measure = `<script>
      const segs = [...document.querySelectorAll('#cost-chart rect.seg')].map((r) => {
        const b = r.getBoundingClientRect();
        return { day: r.dataset.day, developer: r.dataset.developer, model: r.dataset.model, cost: Number(r.dataset.cost), top: b.top, bottom: b.bottom, left: b.left, width: b.width, height: b.height };
      });
      const pre = document.createElement('pre');
      pre.id = 'layout';
      pre.textContent = encodeURIComponent(JSON.stringify({ segs, scripts: document.scripts.length }));
      document.body.appendChild(pre);
    </script>`;
    const html = readFileSync(reportFile, 'utf8').replace(/<meta http-equiv="Content-Security-Policy"[^>]*>/, '').replace('</body>', `${measure}</body>`);
    const measured = join(dir, 'measured.html');
    writeFileSync(measured, html);
    const dom = await chromium(['--dump-dom', pathToFileURL(measured).href]);
    const m = /<pre id="layout">([^<]*)<\/pre>/.exec(dom);
    expect(m, 'the measuring script ran').not.toBeNull();
    const { segs, scripts } = JSON.parse(decodeURIComponent(m![1]!)) as {
      scripts: number;
      segs: { day: string; developer: string; model: string; cost: number; top: number; bottom: number; left: number; width: number; height: number }[];
    };
    expect(scripts).toBe(1);
    const expected = expectedSegments();
    expect(segs).toHaveLength(expected.size);
    for (const s of segs) expect(s.cost).toBeCloseTo(expected.get(`${s.day}|${s.developer}|${s.model}`)!, 6);
    const pxPerUsd = segs[0]!.height / segs[0]!.cost;
    expect(pxPerUsd).toBeGreaterThan(0);
    for (const s of segs) {
      expect(s.width).toBeGreaterThan(0);
      expect(Math.abs(s.height - s.cost * pxPerUsd)).toBeLessThan(0.5);
    }
    // The tallest stack (alice on 2026-11-24: $0.05) fills the plot: 240 px.
    expect(Math.max(...segs.map((s) => s.height))).toBeCloseTo(240, 0);
    // Every bar stands on the same baseline; segments of one bar touch.
    const base = Math.max(...segs.map((s) => s.bottom));
    const bars = new Map<string, typeof segs>();
    for (const s of segs) bars.set(`${s.day}|${s.developer}`, [...(bars.get(`${s.day}|${s.developer}`) ?? []), s]);
    expect(bars.size).toBe(4);
    expect([...bars.values()].map((b) => b.length).sort()).toEqual([1, 1, 2, 3]);
    for (const bar of bars.values()) {
      bar.sort((a, b) => b.bottom - a.bottom);
      expect(Math.abs(bar[0]!.bottom - base)).toBeLessThan(0.5);
      for (let i = 1; i < bar.length; i++) expect(Math.abs(bar[i]!.bottom - bar[i - 1]!.top)).toBeLessThan(0.5);
      expect(new Set(bar.map((s) => s.left)).size).toBe(1);
    }
  });

  it('renders to a screenshot', async () => {
    const png = join(dir, 'report.png');
    await chromium([`--screenshot=${png}`, pathToFileURL(reportFile).href]);
    expect(existsSync(png)).toBe(true);
    expect(readFileSync(png).subarray(1, 4).toString()).toBe('PNG');
    expect(statSync(png).size).toBeGreaterThan(5_000);
  });
});
