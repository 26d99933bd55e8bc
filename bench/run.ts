// `npm run bench`: the gateway beside a direct call to the same loopback upstream, per scenario.
//
// Three processes: the mock upstream (bench/mock-upstream.ts, pre-serialised answers), the
// built gateway (dist/, as `npm start` runs it) and this one (autocannon and the samplers).
// For each scenario, both through the gateway and straight at the mock:
//   - throughput and latency to the last byte: autocannon, BENCH_CONNECTIONS (50) connections
//     for BENCH_DURATION seconds (10), after BENCH_WARMUP seconds (1) unmeasured;
//   - time to first byte: BENCH_TTFB_SAMPLES (500) sequential requests on one keep-alive
//     connection (undici), time to the response headers and to the first body chunk;
//   - the gateway's peak RSS during the scenario (/proc/<pid>/status VmHWM, reset before
//     each scenario through /proc/<pid>/clear_refs, and VmRSS sampled every 100 ms).
// Then tracing on vs off: a second gateway exporting OTLP/HTTP to the mock's /v1/traces sink,
// alternating rounds against the untraced one on the Responses → Anthropic scenario.
//
// Other knobs: BENCH_CHUNKS (20 stream chunks per answer), BENCH_CHUNK_DELAY_MS (0),
// BENCH_TRACING_ROUNDS (2), BENCH_SCENARIOS (comma-separated ids to run, default all:
// passthrough,anthropic,gemini,codex100k,tracing), BENCH_CODEX_FRESH_SAMPLES (50).
// BENCH_PROFILE=1 (or a scenario id) runs only that scenario (default anthropic) against a
// gateway started with `node --cpu-prof`, writes bench/profiles/*.cpuprofile and prints its
// top self-time functions (bench/summarize-profile.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { Agent, request } from 'undici';
import { codexBody, historyItems } from './codex-body.js';
import { formatSummary, summarizeProfile, type CpuProfile } from './summarize-profile.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const num = (name: string, dflt: number) => (process.env[name] !== undefined && process.env[name] !== '' ? Number(process.env[name]) : dflt);
const DURATION = num('BENCH_DURATION', 10);
const WARMUP = num('BENCH_WARMUP', 1);
const CONNECTIONS = num('BENCH_CONNECTIONS', 50);
const TTFB_SAMPLES = num('BENCH_TTFB_SAMPLES', 500);
const TTFB_WARMUP = Math.min(100, Math.ceil(TTFB_SAMPLES / 5));
const CHUNKS = num('BENCH_CHUNKS', 20);
const CHUNK_DELAY_MS = num('BENCH_CHUNK_DELAY_MS', 0);
const TRACING_ROUNDS = num('BENCH_TRACING_ROUNDS', 2);
const CODEX_FRESH_SAMPLES = num('BENCH_CODEX_FRESH_SAMPLES', 50);
const PROFILE = process.env.BENCH_PROFILE && process.env.BENCH_PROFILE !== '0' ? (process.env.BENCH_PROFILE === '1' ? 'anthropic' : process.env.BENCH_PROFILE) : undefined;
const ONLY = process.env.BENCH_SCENARIOS ? new Set(process.env.BENCH_SCENARIOS.split(',').map((s) => s.trim())) : undefined;

const TARGETS = { addedTtfbP50Ms: 0.5, anthropicRps: 5000, rssMb: 200, tracingRatio: 0.85 };

// ---------------------------------------------------------------------------
// Processes

interface Child {
  child: ChildProcess;
  match: RegExpMatchArray;
}

// Starts a node child and resolves on the first stdout line matching `ready`; its stdout is
// drained (the gateway logs a line per turn, as in production) and stderr shown.
function startChild(args: string[], env: NodeJS.ProcessEnv, ready: RegExp, nodeArgs: string[] = []): Promise<Child> {
  const loader = args[0].endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = spawn(process.execPath, [...nodeArgs, ...loader, ...args], { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let buf = '';
    let done = false;
    child.stdout!.on('data', (chunk: Buffer) => {
      if (done) return;
      buf += chunk.toString();
      const m = buf.match(ready);
      if (m) {
        done = true;
        resolve({ child, match: m });
      } else if (buf.length > 1e6) buf = buf.slice(-1e5);
    });
    child.once('exit', (code) => {
      if (!done) reject(new Error(`${args.join(' ')} exited (${code}) before it was ready:\n${buf.slice(-4000)}`));
    });
  });
}

async function stopChild(c: Child | undefined, timeoutMs = 10_000): Promise<void> {
  if (!c || c.child.exitCode !== null || c.child.signalCode !== null) return;
  const exited = once(c.child, 'exit');
  c.child.kill('SIGTERM');
  const timer = setTimeout(() => c.child.kill('SIGKILL'), timeoutMs);
  await exited;
  clearTimeout(timer);
}

function procStatusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
    return m ? Number(m[1]) : NaN;
  } catch {
    return NaN;
  }
}

// Peak RSS over a stretch of work: VmHWM reset at the start when the kernel lets us (writing
// 5 to clear_refs), and VmRSS sampled meanwhile as a floor when it does not.
class RssWatch {
  private max = 0;
  private timer: NodeJS.Timeout;
  readonly reset: boolean;
  constructor(private pid: number) {
    try {
      writeFileSync(`/proc/${pid}/clear_refs`, '5');
      this.reset = true;
    } catch {
      this.reset = false;
    }
    this.timer = setInterval(() => (this.max = Math.max(this.max, procStatusKb(pid, 'VmRSS') || 0)), 100);
  }
  stopMb(): number {
    clearInterval(this.timer);
    const hwm = this.reset ? procStatusKb(this.pid, 'VmHWM') : NaN;
    return Math.max(this.max, Number.isNaN(hwm) ? 0 : hwm) / 1024;
  }
}

// ---------------------------------------------------------------------------
// Load and samplers

interface Target {
  url: string;
  body: string;
  headers: Record<string, string>;
}

interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
}

async function load(t: Target, seconds: number): Promise<LoadResult> {
  const r = await autocannon({
    url: t.url,
    method: 'POST',
    body: t.body,
    headers: { 'content-type': 'application/json', ...t.headers },
    connections: CONNECTIONS,
    pipelining: 1,
    duration: seconds,
    timeout: 30,
  });
  return { rps: r.requests.total / r.duration, p50: r.latency.p50, p99: r.latency.p99, requests: r.requests.total, non2xx: r.non2xx, errors: r.errors + r.timeouts };
}

interface TtfbResult {
  headersP50: number;
  headersP99: number;
  p50: number; // first body chunk
  p99: number;
  lastP50: number;
}

const quantile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];

// Sequential requests on one keep-alive connection: no queueing, so what is left is the
// server's own time to answer (and the loopback). `headersFor` can vary headers per request.
async function ttfb(t: Target, samples: number, warmup: number, headersFor?: (i: number) => Record<string, string>): Promise<TtfbResult> {
  const agent = new Agent({ connections: 1, keepAliveTimeout: 60_000, pipelining: 1 });
  const h: number[] = [];
  const f: number[] = [];
  const l: number[] = [];
  try {
    for (let i = 0; i < warmup + samples; i++) {
      const headers = { 'content-type': 'application/json', ...t.headers, ...headersFor?.(i) };
      const t0 = performance.now();
      const res = await request(t.url, { method: 'POST', body: t.body, headers, dispatcher: agent });
      const t1 = performance.now();
      let t2 = 0;
      for await (const _ of res.body) if (t2 === 0) t2 = performance.now();
      const t3 = performance.now();
      if (res.statusCode !== 200) throw new Error(`${t.url} → ${res.statusCode}`);
      if (i < warmup) continue;
      h.push(t1 - t0);
      f.push((t2 || t3) - t0);
      l.push(t3 - t0);
    }
  } finally {
    await agent.close();
  }
  for (const xs of [h, f, l]) xs.sort((a, b) => a - b);
  return { headersP50: quantile(h, 0.5), headersP99: quantile(h, 0.99), p50: quantile(f, 0.5), p99: quantile(f, 0.99), lastP50: quantile(l, 0.5) };
}

// One request, checked: a scenario that answers an error would otherwise bench the error path.
async function check(t: Target, expect: RegExp): Promise<void> {
  const res = await request(t.url, { method: 'POST', body: t.body, headers: { 'content-type': 'application/json', ...t.headers } });
  const text = await res.body.text();
  if (res.statusCode !== 200 || !expect.test(text)) throw new Error(`${t.url}: ${res.statusCode}, expected ${expect}; events: ${[...text.matchAll(/^event: (.*)$/gm)].map((m) => m[1]).join(' ')}\n${(text.match(/"error":\{[^}]*\}/) ?? [text.slice(-1500)])[0]}`);
}

// ---------------------------------------------------------------------------
// Scenarios

interface Scenario {
  id: string;
  title: string;
  gateway: (gw: string) => Target;
  direct: (up: string) => Target;
  expect: RegExp; // in the gateway's answer
  // Extra TTFB rows through the gateway (e.g. the Codex request from a new session).
  extraTtfb?: { label: string; samples: number; headersFor: (i: number) => Record<string, string> }[];
}

const USER_TEXT = 'List the files under src/ and tell me which one starts the server.';
const EXEC_TOOL_PARAMS = {
  type: 'object',
  properties: {
    cmd: { type: 'string', description: 'The shell command to run.' },
    workdir: { type: 'string', description: 'Working directory.' },
    max_output_tokens: { type: 'number', description: 'Truncate the output to this many tokens.' },
  },
  required: ['cmd'],
  additionalProperties: false,
};

function scenarios(): Scenario[] {
  const json = (o: unknown) => JSON.stringify(o);
  const responsesInput = [{ type: 'message', role: 'user', content: [{ type: 'input_text', text: USER_TEXT }] }];
  const capture = codexBody(historyItems(1));
  // The capture's Codex headers, without the hop-by-hop ones and the redacted key.
  const codexHeaders = Object.fromEntries(Object.entries(capture.headers).filter(([k]) => !['host', 'content-length', 'authorization', 'content-type'].includes(k)));
  const codexGatewayBody = json({ ...capture.body, model: 'codex-anthropic' });
  const list: Scenario[] = [
    {
      id: 'passthrough',
      title: 'Responses passthrough (OpenAI Responses, streamed)',
      gateway: (gw) => ({ url: `${gw}/v1/responses`, headers: {}, body: json({ model: 'responses-passthrough', stream: true, input: responsesInput }) }),
      direct: (up) => ({ url: `${up}/v1/responses`, headers: {}, body: json({ model: 'gpt-5.1-bench', stream: true, input: responsesInput }) }),
      expect: /response\.completed/,
    },
    {
      id: 'anthropic',
      title: 'Responses → Anthropic Messages, streamed, with a tool_use block',
      gateway: (gw) => ({
        url: `${gw}/v1/responses`,
        headers: {},
        body: json({
          model: 'responses-to-anthropic',
          stream: true,
          input: responsesInput,
          tools: [{ type: 'function', name: 'exec_command', description: 'Runs a shell command and returns its output.', strict: false, parameters: EXEC_TOOL_PARAMS }],
        }),
      }),
      direct: (up) => ({
        url: `${up}/v1/messages`,
        headers: { 'anthropic-version': '2023-06-01', 'x-api-key': 'bench-key' },
        body: json({
          model: 'claude-sonnet-4-5-20250929',
          max_tokens: 32000,
          stream: true,
          messages: [{ role: 'user', content: [{ type: 'text', text: USER_TEXT }] }],
          tools: [{ name: 'exec_command', description: 'Runs a shell command and returns its output.', input_schema: EXEC_TOOL_PARAMS }],
        }),
      }),
      expect: /response\.function_call_arguments\.done[\s\S]*response\.completed/,
    },
    {
      id: 'gemini',
      title: 'Chat Completions → Gemini streamGenerateContent (alt=sse)',
      gateway: (gw) => ({ url: `${gw}/v1/chat/completions`, headers: {}, body: json({ model: 'chat-to-gemini', stream: true, messages: [{ role: 'user', content: USER_TEXT }] }) }),
      direct: (up) => ({
        url: `${up}/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse`,
        headers: { 'x-goog-api-key': 'bench-key' },
        body: json({ contents: [{ role: 'user', parts: [{ text: USER_TEXT }] }] }),
      }),
      expect: /"finish_reason":"stop"[\s\S]*\[DONE\]/,
    },
    {
      id: 'codex100k',
      title: `Codex-shaped ~100k-token request (${(codexGatewayBody.length / 1024).toFixed(0)} KiB JSON) → routing policy → Anthropic`,
      gateway: (gw) => ({ url: `${gw}/v1/responses`, headers: codexHeaders, body: codexGatewayBody }),
      // The same bytes to the mock: what moving the body costs without the gateway.
      direct: (up) => ({ url: `${up}/v1/messages`, headers: { 'anthropic-version': '2023-06-01' }, body: codexGatewayBody }),
      expect: /response\.completed/,
      extraTtfb: [
        {
          // A new session id per request: no per-session memo (the shared item memo still helps).
          label: 'gateway, a new session id per request',
          samples: CODEX_FRESH_SAMPLES,
          headersFor: () => ({ 'session-id': randomUUID() }),
        },
      ],
    },
  ];
  return list;
}

function gatewayConfig(up: string): string {
  return `# written by bench/run.ts
routes:
  - alias: responses-passthrough
    provider: openai
    model: gpt-5.1-bench
    base_url: "${up}/v1"
    translation: passthrough
  - alias: responses-to-anthropic
    provider: anthropic
    model: claude-sonnet-4-5-20250929
    base_url: "${up}"
    api_key_ref: bench_anthropic_key
  - alias: chat-to-gemini
    provider: google
    model: gemini-2.5-flash
    base_url: "${up}"
    api_key_ref: bench_gemini_key
  - alias: codex-anthropic
    provider: anthropic
    model: claude-sonnet-4-5-20250929
    base_url: "${up}"
    api_key_ref: bench_anthropic_key
routing_policy:
  default: codex-anthropic
  rules:
    - if: "input_tokens < 8000"
      route_to: chat-to-gemini
    - if: "tools_include('apply_patch') and input_tokens > 30000"
      route_to: codex-anthropic
`;
}

const GATEWAY_ENV = { LOG_LEVEL: 'info', BENCH_ANTHROPIC_KEY: 'bench-key', BENCH_GEMINI_KEY: 'bench-key' };
const LISTENING = /listening on (http:\/\/[\d.:]+)/;

function startGateway(configFile: string, env: NodeJS.ProcessEnv = {}, nodeArgs: string[] = []): Promise<Child> {
  return startChild(['dist/src/cli.js', 'serve', '--config', configFile, '--port', '0'], { ...GATEWAY_ENV, ...env }, LISTENING, nodeArgs);
}

// ---------------------------------------------------------------------------
// Report

interface ScenarioResult {
  scenario: Scenario;
  gw: LoadResult;
  direct: LoadResult;
  gwTtfb: TtfbResult;
  directTtfb: TtfbResult;
  extra: { label: string; ttfb: TtfbResult }[];
  rssMb: number;
}

const f2 = (x: number) => x.toFixed(2);
const sign = (x: number) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(2)}`;
const rps = (x: number) => Math.round(x).toLocaleString('en-US');
const errs = (r: LoadResult) => (r.non2xx || r.errors ? ` ⚠ ${r.non2xx} non-2xx, ${r.errors} errors` : '');

function scenarioTable(r: ScenarioResult): string {
  const lines = [
    `### ${r.scenario.title}`,
    '',
    '| | req/s | latency p50 ms | latency p99 ms | TTFB p50 ms | TTFB p99 ms | headers p50 ms | peak RSS MB |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
    `| gateway | ${rps(r.gw.rps)}${errs(r.gw)} | ${f2(r.gw.p50)} | ${f2(r.gw.p99)} | ${f2(r.gwTtfb.p50)} | ${f2(r.gwTtfb.p99)} | ${f2(r.gwTtfb.headersP50)} | ${r.rssMb.toFixed(0)} |`,
    `| direct (mock alone) | ${rps(r.direct.rps)}${errs(r.direct)} | ${f2(r.direct.p50)} | ${f2(r.direct.p99)} | ${f2(r.directTtfb.p50)} | ${f2(r.directTtfb.p99)} | ${f2(r.directTtfb.headersP50)} | |`,
    `| added by the gateway | ${(r.gw.rps / r.direct.rps).toFixed(2)}× | ${sign(r.gw.p50 - r.direct.p50)} | ${sign(r.gw.p99 - r.direct.p99)} | ${sign(r.gwTtfb.p50 - r.directTtfb.p50)} | ${sign(r.gwTtfb.p99 - r.directTtfb.p99)} | ${sign(r.gwTtfb.headersP50 - r.directTtfb.headersP50)} | |`,
  ];
  for (const e of r.extra) lines.push(`| ${e.label} (TTFB only) | | | | ${f2(e.ttfb.p50)} | ${f2(e.ttfb.p99)} | ${f2(e.ttfb.headersP50)} | |`);
  return lines.join('\n');
}

// ---------------------------------------------------------------------------

async function runScenario(s: Scenario, gw: string, up: string, gwPid: number, log: (s: string) => void): Promise<ScenarioResult> {
  const g = s.gateway(gw);
  const d = s.direct(up);
  await check(g, s.expect);
  const watch = new RssWatch(gwPid);
  // TTFB first, on an otherwise idle machine; then the load.
  const gwTtfb = await ttfb(g, TTFB_SAMPLES, TTFB_WARMUP);
  const directTtfb = await ttfb(d, TTFB_SAMPLES, TTFB_WARMUP);
  const extra = [];
  for (const e of s.extraTtfb ?? []) extra.push({ label: e.label, ttfb: await ttfb(g, e.samples, 5, e.headersFor) });
  if (WARMUP > 0) await load(g, WARMUP);
  const gwLoad = await load(g, DURATION);
  const rssMb = watch.stopMb();
  if (WARMUP > 0) await load(d, WARMUP);
  const directLoad = await load(d, DURATION);
  const r = { scenario: s, gw: gwLoad, direct: directLoad, gwTtfb, directTtfb, extra, rssMb };
  log(scenarioTable(r) + '\n');
  return r;
}

async function profileRun(s: Scenario, up: string, configFile: string): Promise<void> {
  const dir = join(root, 'bench/profiles');
  mkdirSync(dir, { recursive: true });
  const name = `gateway-${s.id}-${new Date().toISOString().replace(/[:.]/g, '-')}.cpuprofile`;
  const gateway = await startGateway(configFile, {}, ['--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-name', name]);
  const g = s.gateway(gateway.match[1]);
  await check(g, s.expect);
  console.log(`profiling the gateway (node --cpu-prof) under "${s.title}": ${CONNECTIONS} connections, ${WARMUP} s warm-up + ${DURATION} s`);
  if (WARMUP > 0) await load(g, WARMUP);
  const r = await load(g, DURATION);
  console.log(`under the profiler: ${rps(r.rps)} req/s, p50 ${f2(r.p50)} ms, p99 ${f2(r.p99)} ms${errs(r)}`);
  await stopChild(gateway, 30_000);
  const file = join(dir, name);
  if (!readdirSync(dir).includes(name)) throw new Error(`no profile written at ${file}`);
  console.log(`\nwrote ${file.slice(root.length + 1)}\n`);
  console.log(formatSummary(summarizeProfile(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, 15)));
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const upstream = await startChild(['bench/mock-upstream.ts'], { BENCH_CHUNKS: String(CHUNKS), BENCH_CHUNK_DELAY_MS: String(CHUNK_DELAY_MS) }, /LISTENING (\d+)([^\n]*)/);
  const up = `http://127.0.0.1:${upstream.match[1]}`;
  const dir = mkdtempSync(join(tmpdir(), 'gw-bench-'));
  const configFile = join(dir, 'routes.yaml');
  writeFileSync(configFile, gatewayConfig(up));
  let gateway: Child | undefined;
  let traced: Child | undefined;
  try {
    const all = scenarios();
    if (PROFILE) {
      const s = all.find((x) => x.id === PROFILE);
      if (!s) throw new Error(`BENCH_PROFILE=${PROFILE}: no such scenario (${all.map((x) => x.id).join(', ')})`);
      await profileRun(s, up, configFile);
      return;
    }
    const out: string[] = [];
    const log = (s: string) => {
      console.log(s);
      out.push(s);
    };
    gateway = await startGateway(configFile);
    const gw = gateway.match[1];
    const pid = gateway.child.pid!;
    log(
      `## Bench: gateway vs direct, ${new Date().toISOString().slice(0, 10)}\n\nNode ${process.version}, ${cpus().length} CPUs (${cpus()[0]?.model.trim()}); mock upstream, gateway and load generator share them. ` +
        `Mock:${upstream.match[2]}. Load: autocannon, ${CONNECTIONS} connections, ${DURATION} s after ${WARMUP} s warm-up; latency is to the last byte. ` +
        `TTFB: ${TTFB_SAMPLES} sequential requests on one keep-alive connection (undici), to the first body chunk. Peak RSS: the gateway process during the scenario.\n`,
    );
    const results: ScenarioResult[] = [];
    for (const s of all) if (!ONLY || ONLY.has(s.id)) results.push(await runScenario(s, gw, up, pid, log));

    // Tracing on vs off, alternating, on the Responses → Anthropic scenario.
    let tracing: { off: number[]; on: number[]; ttfbOn?: TtfbResult; ttfbOff?: TtfbResult; rssMb: number; otlp: { otlpRequests: number; otlpBytes: number } } | undefined;
    if (!ONLY || ONLY.has('tracing')) {
      const s = all.find((x) => x.id === 'anthropic')!;
      traced = await startGateway(configFile, { OTEL_EXPORTER_OTLP_ENDPOINT: up, OTEL_SERVICE_NAME: 'codex-gateway-bench' });
      const on = s.gateway(traced.match[1]);
      const off = s.gateway(gw);
      await check(on, s.expect);
      const watch = new RssWatch(traced.child.pid!);
      const ttfbOff = await ttfb(off, TTFB_SAMPLES, TTFB_WARMUP);
      const ttfbOn = await ttfb(on, TTFB_SAMPLES, TTFB_WARMUP);
      tracing = { off: [], on: [], ttfbOff, ttfbOn, rssMb: 0, otlp: { otlpRequests: 0, otlpBytes: 0 } };
      if (WARMUP > 0) await load(on, WARMUP);
      for (let round = 0; round < TRACING_ROUNDS; round++) {
        tracing.off.push((await load(off, DURATION)).rps);
        tracing.on.push((await load(on, DURATION)).rps);
      }
      tracing.rssMb = watch.stopMb();
      await stopChild(traced); // flushes its last spans to the sink
      traced = undefined;
      tracing.otlp = (await (await request(`${up}/stats`)).body.json()) as typeof tracing.otlp;
      const ratios = tracing.on.map((x, i) => x / tracing!.off[i]);
      log(
        [
          `### Tracing on vs off (Responses → Anthropic; OTLP/HTTP protobuf to a loopback sink)`,
          '',
          '| round | off req/s | on req/s | on / off |',
          '|---:|---:|---:|---:|',
          ...ratios.map((x, i) => `| ${i + 1} | ${rps(tracing!.off[i])} | ${rps(tracing!.on[i])} | ${x.toFixed(2)}× |`),
          `| all | ${rps(mean(tracing.off))} | ${rps(mean(tracing.on))} | ${(mean(tracing.on) / mean(tracing.off)).toFixed(2)}× |`,
          '',
          `TTFB p50 off ${f2(ttfbOff.p50)} ms, on ${f2(ttfbOn.p50)} ms (${sign(ttfbOn.p50 - ttfbOff.p50)}); traced gateway peak RSS ${tracing.rssMb.toFixed(0)} MB; ` +
            `${tracing.otlp.otlpRequests} OTLP exports, ${(tracing.otlp.otlpBytes / 1024).toFixed(0)} KiB received by the sink.\n`,
        ].join('\n'),
      );
    }

    // Against the targets.
    const rows: string[] = ['### Against the targets', '', '| target | measured | |', '|---|---|---|'];
    const mark = (ok: boolean) => (ok ? 'met' : '**missed**');
    const small = results.filter((r) => r.scenario.id !== 'codex100k');
    if (small.length) {
      const worst = Math.max(...small.map((r) => r.gwTtfb.p50 - r.directTtfb.p50));
      rows.push(
        `| added TTFB p50 ≤ ${TARGETS.addedTtfbP50Ms} ms | ${small.map((r) => `${r.scenario.id} ${sign(r.gwTtfb.p50 - r.directTtfb.p50)} ms`).join(', ')} | ${mark(worst <= TARGETS.addedTtfbP50Ms)} |`,
      );
    }
    const a = results.find((r) => r.scenario.id === 'anthropic');
    if (a) rows.push(`| Responses → Anthropic streaming ≥ ${rps(TARGETS.anthropicRps)} req/s | ${rps(a.gw.rps)} req/s (direct: ${rps(a.direct.rps)}) | ${mark(a.gw.rps >= TARGETS.anthropicRps)} |`);
    const rss = [...results.map((r) => ({ id: r.scenario.id, mb: r.rssMb })), ...(tracing ? [{ id: 'tracing on', mb: tracing.rssMb }] : [])];
    if (rss.length) {
      const peak = Math.max(...rss.map((x) => x.mb));
      rows.push(`| RSS ≤ ${TARGETS.rssMb} MB | peak ${peak.toFixed(0)} MB (${rss.map((x) => `${x.id} ${x.mb.toFixed(0)}`).join(', ')}) | ${mark(peak <= TARGETS.rssMb)} |`);
    }
    if (tracing) {
      const ratio = mean(tracing.on) / mean(tracing.off);
      rows.push(`| tracing on ≥ ${TARGETS.tracingRatio}× off | ${ratio.toFixed(2)}× (rounds: ${tracing.on.map((x, i) => (x / tracing!.off[i]).toFixed(2)).join(', ')}) | ${mark(ratio >= TARGETS.tracingRatio)} |`);
    }
    log(rows.join('\n'));
    log(`\n(bench took ${((performance.now() - t0) / 1000).toFixed(0)} s)`);
    mkdirSync(join(root, 'bench/results'), { recursive: true });
    writeFileSync(join(root, 'bench/results/last-run.md'), out.join('\n') + '\n');
  } finally {
    await stopChild(traced);
    await stopChild(gateway);
    await stopChild(upstream);
    rmSync(dir, { recursive: true, force: true });
  }
}

function mean(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0) / xs.length;
}

await main();
