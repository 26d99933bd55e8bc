// The weekly job: `gateway worker` registers a BullMQ job scheduler (cron; default Monday
// 06:00 UTC) whose jobs run the optimizer over the last window of scored turns and write
// the proposal files; optionally POST a summary to a webhook and commit the proposal on a
// new branch of a git work tree (no push). `upsertJobScheduler` is keyed by a fixed id,
// so every worker start, on every replica, leaves exactly one schedule.
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { GatewayConfig } from '../src/config/types.js';
import { postWebhook } from '../src/usage/send-alert.js';
import { commitProposalBranch } from './commit-proposal-branch.js';
import { runOptimizer } from './optimize-command.js';
import type { ProposalFiles } from './write-proposal-files.js';

export const OPTIMIZER_QUEUE = 'optimizer';
export const SCHEDULER_ID = 'weekly-routing-optimizer';
export const DEFAULT_SCHEDULE = '0 6 * * 1';

export type OptimizerConfig = NonNullable<GatewayConfig['optimizer']>;

export function optimizerSchedule(config: GatewayConfig): { pattern: string; tz: string } | undefined {
  const o = config.optimizer ?? {};
  if (o.enabled === false) return undefined;
  return { pattern: o.schedule ?? DEFAULT_SCHEDULE, tz: o.timezone ?? 'UTC' };
}

// Idempotent: the same id replaces the schedule (a changed cron takes effect on restart).
export async function registerOptimizerSchedule(queue: Queue, schedule: { pattern: string; tz: string }): Promise<void> {
  await queue.upsertJobScheduler(SCHEDULER_ID, { pattern: schedule.pattern, tz: schedule.tz }, {
    name: 'optimize',
    data: {},
    opts: { attempts: 2, backoff: { type: 'fixed', delay: 60_000 }, removeOnComplete: { count: 52 }, removeOnFail: { count: 52 } },
  });
}

export interface ScheduledRunResult {
  changed: boolean;
  files: ProposalFiles;
  summary: string;
  webhook?: boolean;
  branch?: string;
}

// One run, as the scheduled job does it (also callable directly).
export async function runScheduledOptimization(opts: { configFile: string; env: NodeJS.ProcessEnv; logger: Pick<Logger, 'info' | 'warn' | 'error'>; now?: Date }): Promise<ScheduledRunResult> {
  const text = readFileSync(opts.configFile, 'utf8');
  const { parseConfig } = await import('../src/config/load-config.js');
  const config = parseConfig(text, opts.configFile).config;
  const o = config.optimizer ?? {};
  const base = dirname(resolve(opts.configFile));
  const workTree = o.git?.work_tree ? resolve(base, o.git.work_tree) : undefined;
  const outDir = resolve(workTree ?? base, o.out_dir ?? 'proposals');
  const lines: string[] = [];
  const { result, files } = await runOptimizer({
    configFile: opts.configFile,
    env: opts.env,
    since: o.since ?? '7d',
    outDir,
    ...(o.target_quality !== undefined ? { targetQuality: o.target_quality } : {}),
    ...(o.min_samples !== undefined ? { minSamples: o.min_samples } : {}),
    ...(o.tolerance !== undefined ? { tolerance: o.tolerance } : {}),
    now: opts.now,
    log: (line) => lines.push(line),
  });
  const changed = result.proposals.some((p) => p.proposedThreshold !== null);
  const summary = summarize(result, changed);
  const out: ScheduledRunResult = { changed, files, summary };
  opts.logger.info({ changed, files }, `optimizer: ${summary}`);
  if (o.webhook_url) out.webhook = await postWebhook(o.webhook_url, `${summary}\n${lines.join('\n')}`, opts.logger);
  if (changed && workTree && files.diff) {
    const date = result.generatedAt.slice(0, 10);
    const inRepo = (p: string) => relative(workTree, isAbsolute(p) ? p : resolve(p)).split('\\').join('/');
    const { applyRoutesDiff } = await import('./routes-diff.js');
    const diffText = readFileSync(files.diff, 'utf8');
    const commitFiles: Record<string, string> = {
      [inRepo(resolve(opts.configFile))]: applyRoutesDiff(text, diffText),
      [inRepo(files.markdown)]: readFileSync(files.markdown, 'utf8'),
      [inRepo(files.diff)]: diffText,
    };
    const branch = `${o.git?.branch_prefix ?? 'routing-proposal/'}${date}`;
    try {
      const committed = await commitProposalBranch({ workTree, branch, message: `Routing policy: ${summary}\n\nSee ${inRepo(files.markdown)} for the evidence.`, files: commitFiles });
      out.branch = committed.branch;
      opts.logger.info({ branch, commit: committed.commit }, 'optimizer: proposal committed on a new branch (not pushed)');
    } catch (err) {
      opts.logger.warn({ err: (err as Error).message, branch }, 'optimizer: could not commit the proposal branch');
    }
  }
  return out;
}

function summarize(result: Awaited<ReturnType<typeof runOptimizer>>['result'], changed: boolean): string {
  if (!changed) return `no routing change proposed (${result.window.scoredTurns} scored turns since ${result.window.since.slice(0, 10)})`;
  const parts = result.proposals
    .filter((p) => p.proposedThreshold !== null)
    .map((p) => {
      const saving = p.projectedWeeklySavingsUsd === null ? '' : `, ${p.projectedWeeklySavingsUsd >= 0 ? 'saves' : 'costs'} ~$${Math.abs(p.projectedWeeklySavingsUsd).toFixed(2)}/week`;
      return `rule ${p.ruleIndex} (${p.route}): ${p.threshold} → ${p.proposedThreshold}${saving}`;
    });
  return `routing change proposed: ${parts.join('; ')}`;
}

export interface OptimizerWorker {
  queue: Queue;
  worker: Worker;
  close(): Promise<void>;
}

// Registers the schedule and consumes its jobs (one at a time).
export async function startOptimizerWorker(opts: { redisUrl: string; prefix: string; configFile: string; env: NodeJS.ProcessEnv; logger: Logger; config: GatewayConfig }): Promise<OptimizerWorker | undefined> {
  const schedule = optimizerSchedule(opts.config);
  if (!schedule) {
    opts.logger.info('optimizer: weekly schedule disabled (optimizer.enabled: false)');
    return undefined;
  }
  const client = new Redis(opts.redisUrl, { maxRetriesPerRequest: null });
  client.on('error', () => {});
  const queue = new Queue(OPTIMIZER_QUEUE, { connection: client, prefix: opts.prefix });
  queue.on('error', () => {});
  await registerOptimizerSchedule(queue, schedule);
  const worker = new Worker(
    OPTIMIZER_QUEUE,
    async (_job: Job) => runScheduledOptimization({ configFile: opts.configFile, env: opts.env, logger: opts.logger }),
    { connection: client, prefix: opts.prefix, concurrency: 1 },
  );
  worker.on('failed', (job, err) => opts.logger.warn({ job: job?.id, err: err.message }, 'optimizer: run failed'));
  worker.on('error', (err) => opts.logger.warn({ err: err.message }, 'optimizer worker error'));
  opts.logger.info({ cron: schedule.pattern, tz: schedule.tz }, 'optimizer: weekly run scheduled');
  return {
    queue,
    worker,
    async close() {
      await worker.close();
      await queue.close();
      client.disconnect();
    },
  };
}
