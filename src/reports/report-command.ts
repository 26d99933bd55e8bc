// `gateway report`: reads the ledger named by the environment (Redis with REDIS_URL,
// else this process's empty memory ledger) and, with REDIS_URL, the evaluation scores
// the worker keeps there; renders, writes to stdout or --out.
import { writeFileSync } from 'node:fs';
import { pino } from 'pino';
import { openScoreStore } from '../../evaluators/store/open-score-store.js';
import { createLedger, type UsageEnv } from '../usage/create-usage.js';
import { ReportQueryError } from './parse-report-query.js';
import { renderCostReport } from './render-cost-report.js';

export interface ReportCommandOptions {
  by?: string;
  since?: string;
  until?: string;
  format?: string;
  out?: string;
}

// Returns the exit code: 0, 2 on bad options, 1 when the ledger or the scores cannot be read.
export async function runReportCommand(opts: ReportCommandOptions, env: UsageEnv & NodeJS.ProcessEnv): Promise<number> {
  // Logs go to stderr so stdout carries only the report.
  const logger = pino({ level: env.LOG_LEVEL ?? 'warn', base: { service: 'gateway' } }, pino.destination(2));
  if (!env.REDIS_URL) console.error('warning: REDIS_URL is not set; the in-memory ledger of this process is empty, so the report is empty.');
  const ledger = createLedger(env, { logger });
  // Redis with REDIS_URL (same prefix as the worker), else none: the averages are null.
  const scores = openScoreStore(env);
  try {
    const { body } = await renderCostReport(ledger, opts, { defaultFormat: 'table', scores });
    if (opts.out) writeFileSync(opts.out, body);
    else process.stdout.write(body);
    return 0;
  } catch (err) {
    if (err instanceof ReportQueryError) {
      console.error(`gateway report: ${err.message}`);
      return 2;
    }
    console.error(`gateway report: cannot read the usage ledger or the scores: ${(err as Error).message}`);
    return 1;
  } finally {
    await ledger.close();
    await scores?.close();
  }
}
