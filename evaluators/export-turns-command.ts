// `gateway export-turns`: scored turn records as JSON Lines, oldest first, one object per
// turn: the record with its verdicts under `scores` (what `gateway optimize --from` reads).
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { parseWhen, ReportQueryError } from '../src/reports/parse-report-query.js';
import type { ScoreStore } from './store/score-store.js';
import { openScoreStore } from './store/open-score-store.js';

export interface ExportOptions {
  since?: string;
  until?: string;
  out?: string;
}

export async function exportTurns(store: ScoreStore, since: Date, until: Date, out: Writable): Promise<number> {
  let n = 0;
  for await (const { record, verdicts } of store.listTurns(since, until)) {
    if (!out.write(`${JSON.stringify({ ...record, scores: verdicts })}\n`)) await once(out, 'drain');
    n++;
  }
  return n;
}

// Returns the exit code.
export async function runExportTurnsCommand(opts: ExportOptions, env: NodeJS.ProcessEnv): Promise<number> {
  const now = new Date();
  let since: Date;
  let until: Date;
  try {
    since = parseWhen(opts.since ?? '7d', '--since', now);
    until = opts.until ? parseWhen(opts.until, '--until', now) : now;
    // --until names a day: include it.
    if (opts.until && /^\d{4}-\d{2}-\d{2}$/.test(opts.until.trim())) until = new Date(until.getTime() + 86_400_000);
  } catch (err) {
    if (err instanceof ReportQueryError) {
      console.error(`gateway export-turns: ${err.message}`);
      return 2;
    }
    throw err;
  }
  const store = openScoreStore(env);
  if (!store) {
    console.error('gateway export-turns: REDIS_URL is not set; scored turns are kept in Redis by `gateway worker` (in-process scores live only in the gateway).');
    return 2;
  }
  const out = opts.out ? createWriteStream(opts.out) : process.stdout;
  try {
    const n = await exportTurns(store, since, until, out);
    if (opts.out) {
      out.end();
      await once(out, 'finish');
    }
    console.error(`exported ${n} turns (${since.toISOString()} – ${until.toISOString()})`);
    return 0;
  } catch (err) {
    console.error(`gateway export-turns: cannot read the score store: ${(err as Error).message}`);
    return 1;
  } finally {
    await store.close();
  }
}
