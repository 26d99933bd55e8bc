// `gateway report` as a child process against the real Redis on 127.0.0.1:6379: a
// RedisLedger under a unique prefix is filled with known entries, the CLI reads it (and,
// under another prefix, the scores a RedisScoreStore holds).
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RedisLedger } from '../../src/usage/redis-ledger.js';
import { RedisScoreStore } from '../../evaluators/store/redis-score-store.js';
import { EVIL, fill, fillScores } from '../unit/reports/report-fixtures.js';

const run = promisify(execFile);
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = `test-report-cli-${process.pid}-${randomUUID()}`;
const RANGE = ['--since', '2026-11-23', '--until', '2026-11-24'];
let redis: Redis;
const dir = mkdtempSync(join(tmpdir(), 'report-cli-'));

async function gatewayReport(args: string[], env: Record<string, string | undefined> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'report', ...args], {
      cwd: process.cwd(),
      env: { ...process.env, REDIS_URL, GATEWAY_REDIS_PREFIX: PREFIX, LOG_LEVEL: 'warn', ...env },
      timeout: 30_000,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

beforeAll(async () => {
  redis = new Redis(REDIS_URL);
  await fill(new RedisLedger({ redis, prefix: PREFIX }));
});

afterAll(async () => {
  const keys = await redis.keys(`${PREFIX}:*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
  rmSync(dir, { recursive: true, force: true });
});

describe('gateway report (CLI, Redis ledger)', () => {
  it('--format csv prints the exact CSV', async () => {
    const r = await gatewayReport(['--by', 'developer', ...RANGE, '--format', 'csv']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(
      [
        'developer,turns,input_tokens,cached_tokens,cache_write_tokens,output_tokens,reasoning_tokens,cost_usd,unpriced_turns,cache_savings_usd,avg_cost_per_turn_usd,avg_tool_call_validity,avg_task_completion,scored_tool_call_validity,scored_task_completion',
        // The score store (Redis, same prefix) has no scores: empty averages over 0 turns.
        'alice,2,3000,200,50,400,40,0.062500,0,0.001000,0.031250,,,0,0',
        'bob,1,500,0,0,50,0,0.002500,0,0.000000,0.002500,,,0,0',
        `"<script>alert(""x"")</script>, & 'q'",1,10,0,0,1,0,0.001000,0,0.000000,0.001000,,,0,0`,
        'carol,1,100,0,0,10,0,,1,0.000000,,,,0,0',
        '',
      ].join('\r\n'),
    );
  });

  it('--format json --by model', async () => {
    const r = await gatewayReport(['--by', 'model', ...RANGE, '--format', 'json']);
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout) as { ledger: string; rows: { key: string; turns: number; costUsd: number | null }[] };
    expect(j.ledger).toBe('redis');
    expect(j.rows.map((x) => [x.key, x.turns, x.costUsd])).toEqual([
      ['claude-y', 1, 0.05],
      ['gpt-x', 3, 0.016],
      ['local-llama', 1, null],
    ]);
  });

  it('--format table (default) --by day, and --out writes a file', async () => {
    const out = join(dir, 'by-day.txt');
    const r = await gatewayReport(['--by', 'day', ...RANGE, '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    const lines = readFileSync(out, 'utf8').split('\n');
    expect(lines[0]).toMatch(/^day +turns +input_tokens/);
    expect(lines[2]).toMatch(/^2026-11-23 +2 +1010 /);
    expect(lines[3]).toMatch(/^2026-11-24 +3 +2600 /);
    expect(lines[5]).toMatch(/^TOTAL +5 +3610 .* 0\.066000 /);
  });

  it('--format html --out writes the escaped page', async () => {
    const out = join(dir, 'report.html');
    const r = await gatewayReport(['--by', 'developer', ...RANGE, '--format', 'html', '--out', out]);
    expect(r.code, r.stderr).toBe(0);
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('<svg id="cost-chart"');
    expect(html).not.toContain(EVIL);
  });

  it('rejects bad options with exit code 2 and a clear message', async () => {
    const r = await gatewayReport(['--since', '7days']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('since "7days": expected a duration such as 7d, 24h or 2w, or a UTC date YYYY-MM-DD');
    const b = await gatewayReport(['--by', 'user']);
    expect(b.code).toBe(2);
    expect(b.stderr).toContain('expected one of developer, team, repo, route, model, day');
  });

  it('without REDIS_URL says the in-memory report is empty', async () => {
    const r = await gatewayReport(['--format', 'csv'], { REDIS_URL: '' });
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('REDIS_URL is not set');
    expect(r.stdout.trim().split('\r\n')).toHaveLength(1);
  });
});

describe('gateway report (CLI, Redis scores)', () => {
  // Its own prefix: the ledger and the worker's scores, as `gateway worker` leaves them.
  const SCORED_PREFIX = `test-report-cli-scores-${process.pid}-${randomUUID()}`;
  let conn: Redis;

  beforeAll(async () => {
    conn = new Redis(REDIS_URL);
    await fill(new RedisLedger({ redis: conn, prefix: SCORED_PREFIX }));
    await fillScores(new RedisScoreStore({ redis: conn, prefix: SCORED_PREFIX }));
  });

  afterAll(async () => {
    const keys = await conn.keys(`${SCORED_PREFIX}:*`);
    if (keys.length) await conn.del(...keys);
    await conn.quit();
  });

  it('--by developer --format json: the rows and totals carry the average scores', async () => {
    const r = await gatewayReport(['--by', 'developer', ...RANGE, '--format', 'json'], { GATEWAY_REDIS_PREFIX: SCORED_PREFIX });
    expect(r.code, r.stderr).toBe(0);
    type Row = { key: string; costUsd: number | null; avgToolCallValidity: number | null; avgTaskCompletion: number | null; scoredTurns: unknown };
    const j = JSON.parse(r.stdout) as { rows: Row[]; totals: Row };
    expect(j.rows.map((x) => [x.key, x.costUsd, x.avgToolCallValidity, x.avgTaskCompletion, x.scoredTurns])).toEqual([
      ['alice', 0.0625, 0.75, 0.5, { toolCallValidity: 2, taskCompletion: 2 }],
      ['bob', 0.0025, 0.333, null, { toolCallValidity: 1, taskCompletion: 0 }],
      [EVIL, 0.001, null, null, { toolCallValidity: 0, taskCompletion: 0 }],
      ['carol', null, null, null, { toolCallValidity: 0, taskCompletion: 0 }],
    ]);
    expect(j.totals).toMatchObject({ avgToolCallValidity: 0.611, avgTaskCompletion: 0.5, scoredTurns: { toolCallValidity: 3, taskCompletion: 2 } });
  });

  it('--by day --format csv, and --by team with null averages', async () => {
    const day = await gatewayReport(['--by', 'day', ...RANGE, '--format', 'csv'], { GATEWAY_REDIS_PREFIX: SCORED_PREFIX });
    expect(day.code, day.stderr).toBe(0);
    const lines = day.stdout.split('\r\n');
    expect(lines[1]).toMatch(/^2026-11-23,.*,1\.000,1\.000,1,1$/);
    expect(lines[2]).toMatch(/^2026-11-24,.*,0\.417,0\.000,2,1$/);
    const team = await gatewayReport(['--by', 'team', ...RANGE, '--format', 'json'], { GATEWAY_REDIS_PREFIX: SCORED_PREFIX });
    expect(team.code, team.stderr).toBe(0);
    const rows = (JSON.parse(team.stdout) as { rows: { avgToolCallValidity: unknown; scoredTurns: unknown }[] }).rows;
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect([row.avgToolCallValidity, row.scoredTurns]).toEqual([null, null]);
  });
});
