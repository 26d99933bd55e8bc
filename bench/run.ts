// `npm run bench`: added latency (p50/p99) and throughput of the gateway beside a direct
// call to the same loopback upstream. Upstream, gateway and load run in three processes.
// Bounded: a fixed number of requests per scenario, loopback only.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent, request } from 'undici';

const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const WARMUP = 200;
const LATENCY_REQUESTS = Number(process.env.BENCH_LATENCY_REQUESTS ?? 1000);

async function startChild(args: string[], env: NodeJS.ProcessEnv, ready: RegExp): Promise<{ child: ChildProcess; match: RegExpMatchArray }> {
  // TypeScript children (the mock) run through tsx; the gateway runs its build, as `npm start` does.
  const loader = args[0].endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = spawn(process.execPath, [...loader, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  let buf = '';
  for await (const chunk of child.stdout!) {
    buf += chunk.toString();
    const m = buf.match(ready);
    if (m) {
      child.stdout!.resume();
      return { child, match: m };
    }
  }
  throw new Error(`child ${args.join(' ')} exited before it was ready`);
}

const agent = new Agent({ keepAliveTimeout: 60_000, connections: CONCURRENCY * 2 });

async function one(url: string, body: string): Promise<number> {
  const t0 = performance.now();
  const res = await request(url, { method: 'POST', body, headers: { 'content-type': 'application/json' }, dispatcher: agent });
  // Read the whole stream: latency is to the last byte, as a client waits for it.
  for await (const _ of res.body) {
    /* drain */
  }
  if (res.statusCode !== 200) throw new Error(`${url} → ${res.statusCode}`);
  return performance.now() - t0;
}

// Latency is measured one request at a time (the gateway's own cost, no queueing);
// throughput with CONCURRENCY requests in flight.
async function scenario(url: string, body: object): Promise<{ p50: number; p99: number; rps: number }> {
  const payload = JSON.stringify(body);
  for (let i = 0; i < WARMUP; i++) await one(url, payload);
  const latencies: number[] = [];
  for (let i = 0; i < LATENCY_REQUESTS; i++) latencies.push(await one(url, payload));
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < REQUESTS) {
        next++;
        await one(url, payload);
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  return { p50: q(0.5), p99: q(0.99), rps: REQUESTS / elapsed };
}

// Throughput only, for the tracing on/off pair measured alternately (less drift between them).
async function throughput(url: string, body: object): Promise<number> {
  const payload = JSON.stringify(body);
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < REQUESTS) {
        next++;
        await one(url, payload);
      }
    }),
  );
  return REQUESTS / ((performance.now() - t0) / 1000);
}

async function main() {
  const upstream = await startChild(['bench/mock-upstream.ts'], {}, /LISTENING (\d+)/);
  const up = `http://127.0.0.1:${upstream.match[1]}/v1`;
  const dir = mkdtempSync(join(tmpdir(), 'gw-bench-'));
  const configFile = join(dir, 'routes.yaml');
  writeFileSync(
    configFile,
    `routes:\n  - alias: translated\n    provider: openai_compatible\n    model: bench\n    base_url: "${up}"\n  - alias: passthrough\n    provider: openai\n    model: bench\n    base_url: "${up}"\n    translation: passthrough\n`,
  );
  // The gateway logs one line per turn, as in production; the pipe is drained.
  const gateway = await startChild(['dist/src/cli.js', 'serve', '--config', configFile, '--port', '0'], { LOG_LEVEL: 'info' }, /listening on (http:\/\/[\d.:]+)/);
  const gw = gateway.match[1];
  // The same gateway with tracing on, exporting OTLP/HTTP to a loopback receiver that
  // answers 200 to every batch (what a collector does), in this process. The gateway's
  // default encoding, http/protobuf, gets an empty protobuf response; http/json gets `{}`.
  let exported = 0;
  const receiver = createServer((req, res) => {
    req.on('data', (c: Buffer) => (exported += c.length));
    req.on('end', () =>
      String(req.headers['content-type']).startsWith('application/json')
        ? res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
        : res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end(),
    );
  });
  await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
  const otlp = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  const traced = await startChild(
    ['dist/src/cli.js', 'serve', '--config', configFile, '--port', '0'],
    { LOG_LEVEL: 'info', OTEL_EXPORTER_OTLP_ENDPOINT: otlp, OTEL_SERVICE_NAME: 'codex-gateway-bench' },
    /listening on (http:\/\/[\d.:]+)/,
  );
  const gwTraced = traced.match[1];

  const input = [{ role: 'user', content: [{ type: 'input_text', text: 'Say twenty words.' }] }];
  const rows: [string, Awaited<ReturnType<typeof scenario>>][] = [];
  rows.push(['direct  chat/completions (upstream alone)', await scenario(`${up}/chat/completions`, { model: 'bench', stream: true, messages: [{ role: 'user', content: 'Say twenty words.' }] })]);
  rows.push(['gateway responses → chat (translated)', await scenario(`${gw}/v1/responses`, { model: 'translated', stream: true, input })]);
  rows.push(['gateway responses → chat, tracing on (OTLP to a loopback receiver)', await scenario(`${gwTraced}/v1/responses`, { model: 'translated', stream: true, input })]);
  rows.push(['direct  responses (upstream alone)', await scenario(`${up}/responses`, { model: 'bench', stream: true, input })]);
  rows.push(['gateway responses passthrough', await scenario(`${gw}/v1/responses`, { model: 'passthrough', stream: true, input })]);

  const fmt = (n: number) => n.toFixed(2).padStart(8);
  console.log(`\nStreamed requests, 20 text deltas each. Latency: ${LATENCY_REQUESTS} sequential requests, to the last byte. Throughput: ${REQUESTS} requests, ${CONCURRENCY} in flight. Node ${process.version}, upstream, gateway and load generator share this machine's cores.\n`);
  console.log(`| scenario | p50 ms | p99 ms | req/s |\n|---|---:|---:|---:|`);
  for (const [name, r] of rows) console.log(`| ${name} | ${fmt(r.p50)} | ${fmt(r.p99)} | ${r.rps.toFixed(0)} |`);
  const added = (a: number, b: number) => `${(rows[a][1].p50 - rows[b][1].p50).toFixed(2)} ms p50, ${(rows[a][1].p99 - rows[b][1].p99).toFixed(2)} ms p99`;
  console.log(`\nadded by the gateway, translated:  ${added(1, 0)}`);
  console.log(`added by the gateway, passthrough: ${added(4, 3)}`);
  // The single pass above is at the mercy of this machine's noise: alternate off/on rounds too.
  const translated = { model: 'translated', stream: true, input };
  const ratios: number[] = [];
  for (let round = 0; round < 4; round++) {
    const off = await throughput(`${gw}/v1/responses`, translated);
    const on = await throughput(`${gwTraced}/v1/responses`, translated);
    ratios.push(on / off);
  }
  ratios.sort((a, b) => a - b);
  console.log(
    `tracing on / off, translated: ${(rows[2][1].rps / rows[1][1].rps).toFixed(2)}× req/s in the table; over 4 alternating rounds ${ratios.map((r) => r.toFixed(2)).join(', ')} (median ${((ratios[1] + ratios[2]) / 2).toFixed(2)}×); ${(exported / 1024).toFixed(0)} KiB of OTLP exported`,
  );

  gateway.child.kill();
  // The traced gateway flushes its last spans on exit: keep the receiver until it has.
  traced.child.kill();
  await once(traced.child, 'exit');
  receiver.close();
  upstream.child.kill();
  rmSync(dir, { recursive: true, force: true });
  await agent.close();
}

await main();
