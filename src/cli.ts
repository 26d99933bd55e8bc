#!/usr/bin/env node
// `gateway`: serve, worker, export-turns, check-config, report and optimize.
import { Command } from 'commander';
import { PricingConfigError } from './pricing/parse-price-overrides.js';
import { ConfigError, defaultConfigPath, loadConfigFile } from './config/load-config.js';
import { startGateway } from './server.js';
import { createLogger } from './logger.js';
import { OpenBindError } from './auth/gateway-keys.js';
import type { OptimizeCliOptions } from '../optimizer/optimize-command.js';

const program = new Command();
program.name('gateway').description('An observability-first AI gateway for coding agents.');

program
  .command('serve')
  .description(
    'Serve the OpenAI-compatible API (PORT, HOST and GATEWAY_CONFIG from the environment). The config file is reloaded when it changes and on SIGHUP; an invalid edit is refused and the running config kept.',
  )
  .option('-c, --config <file>', 'config file (default: $GATEWAY_CONFIG, else config/routes.yaml, else config/routes.example.yaml)')
  .option('-p, --port <port>', 'port (default: $PORT or 4000)')
  .option('-H, --host <host>', 'host to bind (default: $HOST or 127.0.0.1)')
  .action(async (opts: { config?: string; port?: string; host?: string }) => {
    const logger = createLogger();
    const file = opts.config ?? defaultConfigPath();
    try {
      // The file is watched (edits and rename-replaces) and reloaded on SIGHUP; an
      // invalid edit is logged and the running config kept.
      const gw = await startGateway({
        configFile: file,
        port: Number(opts.port ?? process.env.PORT ?? 4000),
        host: opts.host ?? process.env.HOST ?? '127.0.0.1',
        logger,
      });
      logger.info({ url: gw.url, config: file, routes: [...gw.config.routesByAlias.keys()] }, `gateway listening on ${gw.url}`);
      const reload = () => {
        gw.reload?.('SIGHUP');
      };
      process.on('SIGHUP', reload);
      // SIGTERM/SIGINT: drain (new requests get 503 shutting_down, those in flight finish
      // within server.shutdown_grace_ms, then are ended), flush, exit 0. A second signal
      // stops at once.
      let stopping = false;
      const stop = (signal: NodeJS.Signals) => {
        process.off('SIGHUP', reload);
        if (stopping) {
          logger.warn({ signal }, 'second signal: stopping now');
          void gw.close().finally(() => process.exit(0));
          return;
        }
        stopping = true;
        logger.info({ signal }, 'shutting down: draining requests in flight');
        void gw
          .drain()
          .then(() => gw.close())
          .then(
            () => {
              logger.info('shut down');
              process.exit(0);
            },
            (err: unknown) => {
              logger.error({ err }, 'shutdown failed');
              process.exit(1);
            },
          );
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    } catch (err) {
      if (err instanceof ConfigError || err instanceof PricingConfigError) {
        logger.fatal(`invalid config: ${err.message}`);
        process.exit(2);
      }
      if (err instanceof OpenBindError) {
        logger.fatal(err.message);
        process.exit(2);
      }
      throw err;
    }
  });

program
  .command('check-config')
  .description('Validate a config file without serving; exits 0 if valid, 2 with file:line and reason if not.')
  .argument('[file]', 'config file', defaultConfigPath())
  .action((file: string) => {
    try {
      const loaded = loadConfigFile(file);
      for (const w of loaded.warnings) console.warn(`warning: ${w}`);
      console.log(`${file}: OK (${loaded.routesByAlias.size} routes: ${[...loaded.routesByAlias.keys()].join(', ')})`);
    } catch (err) {
      if (err instanceof ConfigError) {
        console.error(err.message);
        process.exit(2);
      }
      throw err;
    }
  });

program
  .command('report')
  .description(
    'Cost report from the usage ledger (Redis when REDIS_URL is set; without it the in-memory ledger is per process, so the report is empty). --since/--until: 7d, 24h, 2w or a UTC date YYYY-MM-DD, rounded down to the UTC day. With REDIS_URL, rows also carry the mean evaluation scores (tool_call_validity, task_completion) by developer, repo, route or day; team, model and key have no score aggregates, so their averages are empty/null.',
  )
  .option('--by <dimension>', 'developer|team|repo|route|model|day|key', 'developer')
  .option('--since <when>', 'start: 7d, 24h, 2w or YYYY-MM-DD', '7d')
  .option('--until <when>', 'end (inclusive; default: now)')
  .option('--format <format>', 'table|csv|json|html', 'table')
  .option('--out <file>', 'write to a file instead of stdout')
  .action(async (opts: { by?: string; since?: string; until?: string; format?: string; out?: string }) => {
    const { runReportCommand } = await import('./reports/report-command.js');
    process.exitCode = await runReportCommand(opts, process.env);
  });

program
  .command('worker')
  .description(
    'Score turn records from the BullMQ queue (needs REDIS_URL): tool-call validity, task completion, the LLM judge when configured and your evaluators; verdicts to Redis and, with OTEL_EXPORTER_OTLP_ENDPOINT, as spans under each turn. SIGTERM lets active jobs finish, then exits 0.',
  )
  .option('-c, --config <file>', 'config file (default: $GATEWAY_CONFIG, else config/routes.yaml, else config/routes.example.yaml)')
  .option('--concurrency <n>', 'jobs scored at once (default: $GATEWAY_WORKER_CONCURRENCY, else evaluation.concurrency, else 4)')
  .action(async (opts: { config?: string; concurrency?: string }) => {
    const logger = createLogger();
    const { runWorkerCommand } = await import('../evaluators/worker-command.js');
    try {
      await runWorkerCommand({ config: opts.config ?? defaultConfigPath(), concurrency: opts.concurrency }, process.env, logger);
    } catch (err) {
      if (err instanceof ConfigError) {
        logger.fatal(`invalid config: ${err.message}`);
        process.exit(2);
      }
      throw err;
    }
  });

program
  .command('export-turns')
  .description('Scored turn records as JSON Lines (record + `scores`), oldest first, from Redis (REDIS_URL). --since/--until: 7d, 24h, 2w or a UTC date YYYY-MM-DD.')
  .option('--since <when>', 'start: 7d, 24h, 2w or YYYY-MM-DD', '7d')
  .option('--until <when>', 'end (a date is inclusive; default: now)')
  .option('--out <file>', 'write to a file instead of stdout')
  .action(async (opts: { since?: string; until?: string; out?: string }) => {
    const { runExportTurnsCommand } = await import('../evaluators/export-turns-command.js');
    process.exitCode = await runExportTurnsCommand(opts, process.env);
  });

program
  .command('optimize')
  .description(
    'Propose new input-token thresholds for the routing policy\'s rules from scored turns (REDIS_URL, or --from a `gateway export-turns` file): writes <out>/<date>-routing.diff (a unified diff of the routes file, for `git apply`), .md (the pull-request body with the evidence) and .json. --apply also rewrites the routes file, only if the result loads (exit 2 and the reason if not). --backtest <diff> replays the turns under a proposal and prints the cost and quality before and after. Exits 0; 2 on bad options, a config or diff that does not load, or a refused --apply; 1 when the turns cannot be read.',
  )
  .option('-c, --config <file>', 'routes file (default: $GATEWAY_CONFIG, else config/routes.yaml, else config/routes.example.yaml)')
  .option('--since <when>', 'start of the evidence window: 7d, 24h, 2w or YYYY-MM-DD', '7d')
  .option('--until <when>', 'end (a date is inclusive; default: now)')
  .option('--from <file>', 'read scored turns from this JSONL file (`gateway export-turns --out`) instead of Redis')
  .option('--target-quality <q>', 'absolute quality floor in [0,1] for the cheaper route per bucket (default: none)')
  .option('--min-samples <n>', 'turns needed per route per bucket before it counts as evidence (default: 30)')
  .option('--tolerance <d>', 'how much lower the cheaper route\'s quality may be than the stronger\'s (default: 0.05)')
  .option('--confidence <p>', 'one-sided confidence for the comparison (default: 0.95)')
  .option('--out <dir>', 'directory for the proposal files', 'proposals')
  .option('--apply', 'also write the proposed routes file (after it passes the config loader)')
  .option('--backtest <diff>', 'instead of proposing: replay the turns under this proposal diff and print the effect')
  .action(async (opts: OptimizeCliOptions) => {
    const { runOptimizeCommand } = await import('../optimizer/optimize-command.js');
    process.exitCode = await runOptimizeCommand(opts, process.env);
  });

await program.parseAsync(process.argv);
