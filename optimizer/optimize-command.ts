// `gateway optimize`: reads scored turns (a `gateway export-turns` JSONL file, or the
// Redis score store the worker writes), runs the threshold analysis on the routes file's
// policy, and writes the proposal (diff, pull-request body, JSON). --apply writes the
// proposed routes file after it passes the same loader the gateway uses; --backtest
// replays the turns under a proposal's diff and prints what it would have changed.
// Also run by the weekly job (weekly-optimizer.ts) through runOptimizer.
import { execFile } from 'node:child_process';
import { readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { basename, dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { ConfigError, defaultConfigPath, loadConfigFile, parseConfig } from '../src/config/load-config.js';
import { parseWhen, ReportQueryError } from '../src/reports/parse-report-query.js';
import { openScoreStore } from '../evaluators/store/open-score-store.js';
import { backtestPolicy, renderBacktest, type BacktestResult } from './backtest.js';
import { optimizeRoutingPolicy } from './optimize-routing-policy.js';
import type { OptimizationResult, OptimizeOptions } from './proposal.js';
import { readScoredTurnsFromStore, readScoredTurnsJsonl, type ScoredTurn } from './read-scored-turns.js';
import { applyRoutesDiff } from './routes-diff.js';
import { proposedRoutesText, writeProposalFiles, type ProposalFiles } from './write-proposal-files.js';

const execFileAsync = promisify(execFile);

// Bad options or inputs the user can fix: the CLI exits 2 with the message.
export class OptimizeUsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OptimizeUsageError';
  }
}

// --apply refused to write the routes file (the proposed file does not load, or the file
// changed while the optimizer ran): the CLI exits 2; the routes file is untouched.
export class ApplyRefusedError extends Error {
  constructor(
    message: string,
    readonly configError?: ConfigError,
  ) {
    super(message);
    this.name = 'ApplyRefusedError';
  }
}

export interface TurnSource {
  env: NodeJS.ProcessEnv;
  // A JSONL file of scored turns (`gateway export-turns --out`); else the Redis store.
  from?: string;
}

export interface RunOptimizerOptions extends TurnSource {
  configFile: string;
  // 7d, 24h, 2w or YYYY-MM-DD (default 7d); until defaults to now, a date is inclusive.
  since?: string;
  until?: string;
  outDir?: string;
  apply?: boolean;
  targetQuality?: number;
  minSamples?: number;
  tolerance?: number;
  confidence?: number;
  now?: Date;
  log?: (line: string) => void;
}

export interface RunOptimizerResult {
  result: OptimizationResult;
  files: ProposalFiles;
  applied: boolean;
}

export async function runOptimizer(opts: RunOptimizerOptions): Promise<RunOptimizerResult> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const now = opts.now ?? new Date();
  const { since, until } = resolveWindow(opts.since, opts.until, now);
  // Loaded first: a routes file that does not load is refused before any turn is read.
  const loaded = loadConfigFile(opts.configFile);
  const routesText = readFileSync(opts.configFile, 'utf8');
  const turns = await readTurns(opts, since, until);
  const options: OptimizeOptions = {};
  if (opts.targetQuality !== undefined) options.targetQuality = opts.targetQuality;
  if (opts.minSamples !== undefined) options.minSamples = opts.minSamples;
  if (opts.tolerance !== undefined) options.tolerance = opts.tolerance;
  if (opts.confidence !== undefined) options.confidence = opts.confidence;
  const result = optimizeRoutingPolicy({ loaded, turns, since, until, options, now });
  const files = await writeProposalFiles({
    result,
    routesText,
    routesPathInRepo: await routesPathInRepo(opts.configFile),
    outDir: opts.outDir ?? 'proposals',
  });
  for (const line of summaryLines(result, files, turns.length)) log(line);
  let applied = false;
  if (opts.apply) {
    applied = applyProposal({ configFile: opts.configFile, routesText, result });
    log(applied ? `applied: ${opts.configFile} rewritten (the gateway reloads it on change or SIGHUP)` : `nothing to apply: ${opts.configFile} unchanged`);
  }
  return { result, files, applied };
}

// Writes the proposed routes file, only if it loads (the gateway's own loader, so a
// refusal names the file, the line and the reason) and the file still holds the text the
// proposal was made from. Returns false when the result changes nothing.
export function applyProposal(input: { configFile: string; routesText: string; result: OptimizationResult }): boolean {
  const { changes, text } = proposedRoutesText(input.result, input.routesText);
  if (changes.length === 0 || text === input.routesText) return false;
  try {
    parseConfig(text, input.configFile);
  } catch (err) {
    if (err instanceof ConfigError) throw new ApplyRefusedError(`refusing to apply: the proposed routes file does not load: ${err.message}`, err);
    throw err;
  }
  let current: string;
  try {
    current = readFileSync(input.configFile, 'utf8');
  } catch (err) {
    throw new ApplyRefusedError(`refusing to apply: cannot read ${input.configFile} (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  if (current !== input.routesText) throw new ApplyRefusedError(`refusing to apply: ${input.configFile} changed while the optimizer ran; run it again`);
  // In place (not rename): keeps the file's mode, owner and any symlink.
  writeFileSync(input.configFile, text);
  return true;
}

export interface RunBacktestOptions extends TurnSource {
  configFile: string;
  diffFile: string;
  since?: string;
  until?: string;
  now?: Date;
  log?: (line: string) => void;
}

export async function runBacktest(opts: RunBacktestOptions): Promise<{ result: BacktestResult; proposedText: string }> {
  const log = opts.log ?? ((line: string) => console.log(line));
  const { since, until } = resolveWindow(opts.since, opts.until, opts.now ?? new Date());
  const current = loadConfigFile(opts.configFile);
  const text = readFileSync(opts.configFile, 'utf8');
  let diffText: string;
  try {
    diffText = readFileSync(opts.diffFile, 'utf8');
  } catch (err) {
    throw new OptimizeUsageError(`--backtest ${opts.diffFile}: cannot read the file (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  let proposedText: string;
  try {
    proposedText = applyRoutesDiff(text, diffText);
  } catch (err) {
    throw new OptimizeUsageError(`--backtest ${opts.diffFile}: ${(err as Error).message}`);
  }
  // The proposed policy must load as the gateway would load it (a ConfigError names why).
  const proposed = parseConfig(proposedText, opts.configFile);
  const all = await readTurns(opts, since, until);
  const turns = inWindow(all, since, until);
  const result = backtestPolicy({ current, proposed, turns });
  log(`backtest of ${opts.diffFile} on ${opts.configFile}: ${turns.length} turns from ${since.toISOString()} to ${until.toISOString()}`);
  log('');
  log(renderBacktest(result).trimEnd());
  return { result, proposedText };
}

// The CLI's options as commander gives them (strings), see src/cli.ts.
export interface OptimizeCliOptions {
  since?: string;
  until?: string;
  from?: string;
  targetQuality?: string;
  minSamples?: string;
  tolerance?: string;
  confidence?: string;
  out?: string;
  apply?: boolean;
  backtest?: string;
  config?: string;
}

// Returns the exit code: 0; 2 for bad options, a routes file or diff that does not load,
// no source of turns, or a refused --apply; 1 when the turns cannot be read.
export async function runOptimizeCommand(cli: OptimizeCliOptions, env: NodeJS.ProcessEnv): Promise<number> {
  const configFile = cli.config ?? defaultConfigPath(env);
  try {
    if (cli.apply && cli.backtest) throw new OptimizeUsageError('--apply and --backtest do not go together: backtest a proposal first, then apply it');
    if (cli.backtest) {
      await runBacktest({ configFile, diffFile: cli.backtest, since: cli.since, until: cli.until, from: cli.from, env });
      return 0;
    }
    await runOptimizer({
      configFile,
      env,
      since: cli.since,
      until: cli.until,
      from: cli.from,
      outDir: cli.out,
      apply: cli.apply === true,
      targetQuality: numberOption('--target-quality', cli.targetQuality, { min: 0, max: 1 }),
      minSamples: numberOption('--min-samples', cli.minSamples, { min: 1, integer: true }),
      tolerance: numberOption('--tolerance', cli.tolerance, { min: 0, max: 1 }),
      confidence: numberOption('--confidence', cli.confidence, { min: 0, max: 1, exclusive: true }),
    });
    return 0;
  } catch (err) {
    if (err instanceof ConfigError || err instanceof ReportQueryError || err instanceof OptimizeUsageError || err instanceof ApplyRefusedError) {
      console.error(`gateway optimize: ${err.message}`);
      return 2;
    }
    console.error(`gateway optimize: ${(err as Error).message}`);
    return 1;
  }
}

function numberOption(name: string, text: string | undefined, range: { min: number; max?: number; integer?: boolean; exclusive?: boolean }): number | undefined {
  if (text === undefined) return undefined;
  const s = text.trim();
  const value = /^\d+(?:\.\d+)?$|^\.\d+$/.test(s) ? Number(s) : Number.NaN;
  const bad =
    !Number.isFinite(value) ||
    (range.integer === true && !Number.isInteger(value)) ||
    (range.exclusive ? value <= range.min : value < range.min) ||
    (range.max !== undefined && (range.exclusive ? value >= range.max : value > range.max));
  if (bad) {
    const what = range.integer ? `a whole number of at least ${range.min}` : `a number ${range.exclusive ? 'strictly ' : ''}between ${range.min} and ${range.max}`;
    throw new OptimizeUsageError(`${name} ${JSON.stringify(text)}: expected ${what}`);
  }
  return value;
}

export function resolveWindow(sinceText: string | undefined, untilText: string | undefined, now: Date): { since: Date; until: Date } {
  const since = parseWhen(sinceText ?? '7d', '--since', now);
  let until = untilText ? parseWhen(untilText, '--until', now) : now;
  // --until names a day: include it (as export-turns does).
  if (untilText && /^\d{4}-\d{2}-\d{2}$/.test(untilText.trim())) until = new Date(until.getTime() + 86_400_000);
  if (since.getTime() >= until.getTime()) throw new OptimizeUsageError(`--since ${since.toISOString()} is not before --until ${until.toISOString()}`);
  return { since, until };
}

async function readTurns(src: TurnSource, since: Date, until: Date): Promise<ScoredTurn[]> {
  if (src.from) {
    try {
      return await readScoredTurnsJsonl(src.from);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') throw new OptimizeUsageError(`--from ${src.from}: cannot read the file (${code})`);
      // A line that is not a scored turn: the reader names the file and line.
      throw new OptimizeUsageError(`--from: ${(err as Error).message}`);
    }
  }
  const store = openScoreStore(src.env);
  if (!store)
    throw new OptimizeUsageError(
      'no scored turns to read: set REDIS_URL to read the score store `gateway worker` writes, or export them with `gateway export-turns --out turns.jsonl` and pass --from turns.jsonl',
    );
  try {
    return await readScoredTurnsFromStore(store, since, until);
  } finally {
    await store.close();
  }
}

function inWindow(turns: ScoredTurn[], since: Date, until: Date): ScoredTurn[] {
  return turns.filter((t) => {
    const at = Date.parse(t.at);
    return at >= since.getTime() && at < until.getTime();
  });
}

// The routes file's path as the diff names it: relative to the git top-level when the
// file is in a work tree (so `git apply` from the repository root finds it), else
// relative to the working directory, else its base name.
export async function routesPathInRepo(configFile: string, cwd: string = process.cwd()): Promise<string> {
  const real = (p: string) => {
    try {
      return realpathSync(p);
    } catch {
      return p;
    }
  };
  const abs = real(resolve(cwd, configFile));
  const inside = (rel: string) => rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
  try {
    const { stdout } = await execFileAsync('git', ['rev-parse', '--show-toplevel'], { cwd: dirname(abs), timeout: 10_000 });
    const top = stdout.trim();
    if (top) {
      const rel = relative(real(top), abs);
      if (inside(rel)) return rel.split(sep).join('/');
    }
  } catch {
    /* not a work tree, or no git: fall back */
  }
  const rel = relative(real(cwd), abs);
  return inside(rel) ? rel.split(sep).join('/') : basename(abs);
}

function summaryLines(result: OptimizationResult, files: ProposalFiles, read: number): string[] {
  const w = result.window;
  const lines = [`${result.routesFile}: ${w.turns} turns (${w.scoredTurns} scored) from ${w.since} to ${w.until}`];
  if (w.turns === 0 && read > 0) lines.push(`note: ${read} turns were read but none is in the window; widen it with --since/--until`);
  for (const p of result.proposals) {
    const head = `rule ${p.ruleIndex} (${p.expression} → ${p.route}, vs ${p.alternative})`;
    if (p.proposedThreshold === null) {
      lines.push(`${head}: no change: ${p.reason}`);
      continue;
    }
    const saving =
      p.projectedWeeklySavingsUsd === null
        ? 'savings unknown'
        : `${p.projectedWeeklySavingsUsd >= 0 ? 'saves' : 'costs'} ~$${Math.abs(p.projectedWeeklySavingsUsd).toFixed(2)}/week`;
    const quality = p.projectedQualityDelta === null ? '' : `, quality ${p.projectedQualityDelta >= 0 ? '+' : ''}${p.projectedQualityDelta.toFixed(3)} per turn`;
    lines.push(`${head}: ${p.threshold} → ${p.proposedThreshold} (${p.turnsMoved} turns change route, ${saving}${quality})`);
    for (const r of p.risks) lines.push(`  risk: ${r}`);
  }
  for (const s of result.skipped) lines.push(`rule ${s.ruleIndex} (${s.expression}): not analysed: ${s.reason}`);
  if (result.proposals.length === 0 && result.skipped.length === 0) lines.push('the routing policy has no rules');
  if (files.diff) lines.push(`diff: ${files.diff}`);
  else lines.push('no routing change proposed');
  lines.push(`pull-request body: ${files.markdown}`, `json: ${files.json}`);
  return lines;
}
