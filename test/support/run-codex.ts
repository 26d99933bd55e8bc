// Runs the real Codex CLI (`@openai/codex`, a devDependency) non-interactively
// against a loopback Responses endpoint, in an isolated HOME and CODEX_HOME.
//
// Codex 0.169.0 reaches the network on its own unless told not to (measured
// with strace and RUST_LOG=debug, see test/e2e/codex-harness.test.ts):
// - `features.plugins = false` stops the curated-plugins sync (`git ls-remote
//   https://github.com/openai/plugins.git`, https://api.github.com/repos/openai/plugins,
//   https://chatgpt.com/backend-api/plugins/export/curated);
// - `analytics.enabled = false` stops the OTLP metrics export to
//   https://ab.chatgpt.com/otlp/v1/metrics.
// With both, the only sockets Codex opens are TCP connections to the
// provider's base_url (one new connection per request) and no DNS lookup.
// `OPENAI_BASE_URL` is ignored by this version; the custom provider below is
// what points it at the gateway.
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface RunCodexOptions {
  /** The Responses API base, e.g. `http://127.0.0.1:4000/v1`; Codex posts to `{baseUrl}/responses`. */
  baseUrl: string;
  model: string;
  prompt: string;
  /** Codex's working directory (and its workspace-write root). */
  workdir: string;
  /** Sent as `Authorization: Bearer <apiKey>` (via `env_key = "GATEWAY_API_KEY"`). */
  apiKey?: string;
  /**
   * Extra `-c key=value` overrides; the value part is parsed as TOML by Codex.
   * Useful: `model_providers.gateway.request_max_retries=0` and
   * `model_providers.gateway.stream_max_retries=0` (fail in ~0.3 s instead of
   * ~25 s when the endpoint errors), `model_providers.gateway.stream_idle_timeout_ms=5000`,
   * `web_search="disabled"` (drops the hosted web_search tool from requests).
   */
  extraConfig?: string[];
  /** Static headers on every request (`http_headers`), e.g. `{ 'x-developer-email': 'dev1@example.com', 'x-repo': 'acme/app' }`. */
  httpHeaders?: Record<string, string>;
  /** Extra CLI arguments placed before the prompt (e.g. `--json`, `--output-schema file`). */
  extraArgs?: string[];
  /**
   * A Codex model catalog (`{ models: [ModelInfo, ...] }`); written to
   * `$CODEX_HOME/model-catalog.json` and referenced by `model_catalog_json`.
   * See {@link modelCatalogFor} for one that gives any alias the freeform apply_patch tool.
   */
  modelCatalogJson?: object;
  /** Kill the whole process group after this long (default 90 s). */
  timeoutMs?: number;
  /** Extra environment variables for Codex (applied last). */
  env?: Record<string, string>;
  /** `RUST_LOG` for Codex, e.g. `debug` or `codex_http_client=trace`; unset by default. */
  rustLog?: string;
  /** Keep the temporary HOME/CODEX_HOME (session rollouts, logs) for inspection; call `cleanup()` later. */
  keepCodexHome?: boolean;
}

export interface RunCodexResult {
  /** Exit code; null when killed by a signal (e.g. on timeout). */
  code: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** Codex exec prints the final agent message on stdout and the transcript and logs on stderr. */
  stdout: string;
  stderr: string;
  /** The temporary CODEX_HOME; already removed unless `keepCodexHome` was set. */
  codexHome: string;
  durationMs: number;
  /** Removes the temporary HOME/CODEX_HOME (a no-op when already removed). */
  cleanup(): Promise<void>;
}

/** The CLI's npm entry point, run with the current Node like `npx codex` would. */
export const CODEX_JS = fileURLToPath(
  new URL('../../node_modules/@openai/codex/bin/codex.js', import.meta.url),
);

/** Environment variables from the parent that must not leak into Codex. */
const SCRUBBED_ENV = /^(OPENAI_|CODEX_|AZURE_OPENAI|RUST_LOG$|RUST_BACKTRACE$|GATEWAY_API_KEY$)|_proxy$/i;

const live = new Set<number>();
let exitHookInstalled = false;
function killGroup(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // If the test process dies first, do not leave Codex process groups behind.
  process.once('exit', () => {
    for (const pid of live) killGroup(pid);
  });
}

function tomlString(value: string): string {
  // A JSON string literal is a valid TOML basic string for everything we write here.
  return JSON.stringify(value);
}

/** The config.toml the harness writes; exported so tests and docs can show it. */
export function codexConfigToml(opts: {
  baseUrl: string;
  model: string;
  modelCatalogPath?: string;
  httpHeaders?: Record<string, string>;
}): string {
  const headers = Object.entries(opts.httpHeaders ?? {});
  const lines = [
    `model = ${tomlString(opts.model)}`,
    `model_provider = "gateway"`,
    ...(opts.modelCatalogPath ? [`model_catalog_json = ${tomlString(opts.modelCatalogPath)}`] : []),
    // Only the TUI checks for updates; set anyway so an interactive run stays offline too.
    `check_for_update_on_startup = false`,
    ``,
    `[model_providers.gateway]`,
    `name = "Gateway"`,
    `base_url = ${tomlString(opts.baseUrl)}`,
    `env_key = "GATEWAY_API_KEY"`,
    `wire_api = "responses"`,
    ...(headers.length
      ? [`http_headers = { ${headers.map(([k, v]) => `${tomlString(k)} = ${tomlString(v)}`).join(', ')} }`]
      : []),
    ``,
    `[analytics]`,
    `enabled = false`,
    ``,
    `[features]`,
    `plugins = false`,
    `unbounded_connection_retries = false`,
    ``,
    `[otel]`,
    `exporter = "none"`,
    `metrics_exporter = "none"`,
    `trace_exporter = "none"`,
    ``,
  ];
  return lines.join('\n');
}

/**
 * A model catalog entry (Codex `ModelInfo`) that makes `slug` a known model:
 * base instructions become the first developer message, and
 * `apply_patch_tool_type: "freeform"` advertises the `apply_patch` custom tool.
 */
export function modelCatalogFor(
  slug: string,
  overrides: Record<string, unknown> = {},
): { models: Record<string, unknown>[] } {
  return {
    models: [
      {
        slug,
        display_name: slug,
        description: `${slug} via the gateway`,
        default_reasoning_level: null,
        supported_reasoning_levels: [],
        shell_type: 'unified_exec',
        visibility: 'list',
        supported_in_api: true,
        priority: 1,
        upgrade: null,
        base_instructions: 'You are a coding agent. Use the tools to complete the task.',
        supports_reasoning_summaries: false,
        support_verbosity: false,
        default_verbosity: null,
        apply_patch_tool_type: 'freeform',
        truncation_policy: { mode: 'bytes', limit: 10000 },
        supports_parallel_tool_calls: true,
        context_window: 200000,
        experimental_supported_tools: [],
        ...overrides,
      },
    ],
  };
}

/**
 * Runs `codex exec --skip-git-repo-check -s workspace-write <prompt>` with stdin
 * closed, against `baseUrl`, and resolves when it exits (never rejects for a
 * non-zero exit; check `code`). About 2.5 s for a two-request run on this machine.
 */
export async function runCodexExec(opts: RunCodexOptions): Promise<RunCodexResult> {
  const root = await mkdtemp(join(tmpdir(), 'codex-run-'));
  const home = join(root, 'home');
  const codexHome = join(home, '.codex');
  await mkdir(codexHome, { recursive: true });
  let removed = false;
  const cleanup = async (): Promise<void> => {
    if (removed) return;
    removed = true;
    await rm(root, { recursive: true, force: true });
  };

  try {
    let modelCatalogPath: string | undefined;
    if (opts.modelCatalogJson) {
      modelCatalogPath = join(codexHome, 'model-catalog.json');
      await writeFile(modelCatalogPath, JSON.stringify(opts.modelCatalogJson, null, 2));
    }
    await writeFile(
      join(codexHome, 'config.toml'),
      codexConfigToml({ baseUrl: opts.baseUrl, model: opts.model, modelCatalogPath, httpHeaders: opts.httpHeaders }),
    );

    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) {
      if (v !== undefined && !SCRUBBED_ENV.test(k)) env[k] = v;
    }
    env.HOME = home;
    env.CODEX_HOME = codexHome;
    env.XDG_CONFIG_HOME = join(home, '.config');
    env.XDG_CACHE_HOME = join(home, '.cache');
    env.XDG_DATA_HOME = join(home, '.local', 'share');
    env.GATEWAY_API_KEY = opts.apiKey ?? 'sk-codex-harness';
    env.NO_COLOR = '1';
    if (opts.rustLog) env.RUST_LOG = opts.rustLog;
    Object.assign(env, opts.env ?? {});

    const args = [
      CODEX_JS,
      'exec',
      '--skip-git-repo-check',
      '--strict-config',
      '--color',
      'never',
      '-s',
      'workspace-write',
      ...(opts.extraConfig ?? []).flatMap((kv) => ['-c', kv]),
      ...(opts.extraArgs ?? []),
      '--',
      opts.prompt,
    ];

    const started = Date.now();
    const child = spawn(process.execPath, args, {
      cwd: opts.workdir,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      // Own process group, so a timeout kills the wrapper, the native binary
      // and any sandboxed command it started.
      detached: true,
    });
    installExitHook();
    if (child.pid !== undefined) live.add(child.pid);

    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (b: Buffer) => out.push(b));
    child.stderr!.on('data', (b: Buffer) => err.push(b));

    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid !== undefined) killGroup(child.pid);
    }, opts.timeoutMs ?? 90_000);

    const { code, signal } = await new Promise<{ code: number | null; signal: NodeJS.Signals | null }>(
      (resolve, reject) => {
        child.once('error', reject);
        // 'close' (not 'exit') so that stdout/stderr are fully read.
        child.once('close', (c, s) => resolve({ code: c, signal: s }));
      },
    ).finally(() => {
      clearTimeout(timer);
      if (child.pid !== undefined) {
        // Reap stragglers in the group (e.g. a background command Codex left running).
        killGroup(child.pid);
        live.delete(child.pid);
      }
    });

    const result: RunCodexResult = {
      code,
      signal,
      timedOut,
      stdout: Buffer.concat(out).toString('utf8'),
      stderr: Buffer.concat(err).toString('utf8'),
      codexHome,
      durationMs: Date.now() - started,
      cleanup,
    };
    if (!opts.keepCodexHome) await cleanup();
    return result;
  } catch (e) {
    await cleanup();
    throw e;
  }
}
