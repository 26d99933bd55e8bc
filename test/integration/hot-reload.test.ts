// Hot reload of the config file, as an operator sees it: edits (in place, by rename,
// by a Kubernetes ConfigMap link swap) take effect without a restart; an invalid edit
// is refused with file:line and reason in the log while the old routes keep serving;
// SIGHUP reloads the real CLI; `gateway check-config` exits 2 on an invalid file.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino, type Logger } from 'pino';
import { startGateway, type RunningGateway } from '../../src/server.js';
import { startFakeChatUpstream, chatTextChunks, type FakeChatUpstream } from '../support/fake-chat-upstream.js';
import { compatRoute } from '../support/gateway.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CLI = join(ROOT, 'src', 'cli.ts');
const ENV = { GATEWAY_STATE_SECRET: 'a'.repeat(64) };

let upstream: FakeChatUpstream;
let release: (() => void) | undefined;
let dir: string;
const gateways: RunningGateway[] = [];
const children: ChildProcess[] = [];

beforeAll(async () => {
  upstream = await startFakeChatUpstream({
    script: async () => {
      // A test holds the upstream to keep a request in flight across a reload.
      if (release) await new Promise<void>((r) => (release = r));
      return { stream: chatTextChunks('served') };
    },
  });
});

afterAll(async () => {
  await upstream?.close();
});

afterEach(async () => {
  release = undefined;
  await Promise.all(gateways.splice(0).map((gw) => gw.close()));
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  dir = mkdtempSync(join(tmpdir(), 'gateway-hot-reload-'));
  return dir;
}

function configWith(aliases: string[], extra = ''): string {
  return `routes:\n${aliases.map((a) => compatRoute(a, upstream.url)).join('')}${extra}`;
}

// A pino logger whose lines the test can read.
function capturingLogger(): { logger: Logger; lines: Record<string, any>[] } {
  const lines: Record<string, any>[] = [];
  const logger = pino({ level: 'debug' }, { write: (s: string) => void lines.push(JSON.parse(s)) });
  return { logger, lines };
}

async function start(file: string, logger: Logger): Promise<RunningGateway> {
  const gw = await startGateway({ configFile: file, port: 0, host: '127.0.0.1', logger, env: ENV });
  gateways.push(gw);
  return gw;
}

async function aliases(gw: RunningGateway): Promise<string[]> {
  const res = await fetch(`${gw.url}/v1/models`);
  const body = (await res.json()) as { data: { id: string }[] };
  return body.data.map((m) => m.id);
}

// Polls until `check` returns something truthy, for at most `ms`.
async function until<T>(check: () => T | Promise<T>, ms = 3000, what = 'the condition'): Promise<NonNullable<T>> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('hot reload of a watched config file', () => {
  it('serves a valid edit to new requests without a restart, and logs what changed', async () => {
    const file = join(tempDir(), 'routes.yaml');
    writeFileSync(file, configWith(['alpha']));
    const { logger, lines } = capturingLogger();
    const gw = await start(file, logger);
    expect(await aliases(gw)).toEqual(['alpha']);

    writeFileSync(file, configWith(['alpha', 'beta']));
    await until(async () => (await aliases(gw)).includes('beta'), 3000, 'beta in /v1/models');
    expect(await aliases(gw)).toEqual(['alpha', 'beta']);
    expect(gw.config.routesByAlias.has('beta')).toBe(true);
    const info = lines.filter((l) => l.level === 30 && /config reloaded/.test(l.msg));
    expect(info).toHaveLength(1);
    expect(info[0]).toMatchObject({ reason: 'file changed', file, added: ['beta'], removed: [], rules: 0 });
    expect(info[0].msg).toBe('config reloaded (file changed): routes added: beta; 0 rules');

    // A request to the new alias is routed.
    const res = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'beta', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).choices[0].message.content).toBe('served');
  });

  it('refuses an invalid edit: the old routes keep serving and the error names file:line and reason', async () => {
    const file = join(tempDir(), 'routes.yaml');
    writeFileSync(file, configWith(['alpha']));
    const { logger, lines } = capturingLogger();
    const gw = await start(file, logger);

    writeFileSync(file, `routes:\n  - alias: "alpha"\n    provider: "nope"\n    model: m\n`);
    const error = await until(() => lines.find((l) => l.level === 50), 3000, 'the refusal in the log');
    expect(error.msg).toMatch(/^config reload \(file changed\) refused, keeping the previous config: /);
    expect(error.msg).toContain(`${file}:3: routes[0].provider: must be one of "anthropic"`);
    expect(error).toMatchObject({ file, reason: 'file changed' });
    expect(await aliases(gw)).toEqual(['alpha']);
    expect(gw.reload!('test')).toBe(false);

    // Fixing the file is picked up again.
    writeFileSync(file, configWith(['gamma']));
    await until(async () => (await aliases(gw)).includes('gamma'), 3000, 'gamma in /v1/models');
    expect(await aliases(gw)).toEqual(['gamma']);
    expect(lines.find((l) => /config reloaded/.test(l.msg))?.msg).toBe('config reloaded (file changed): routes added: gamma; routes removed: alpha; 0 rules');
  });

  it('picks up a file replaced by a rename (how editors and deploy tools write)', async () => {
    const file = join(tempDir(), 'routes.yaml');
    writeFileSync(file, configWith(['alpha']));
    const { logger } = capturingLogger();
    const gw = await start(file, logger);

    const tmp = join(dir, '.routes.yaml.swp');
    writeFileSync(tmp, configWith(['alpha', 'renamed']));
    renameSync(tmp, file);
    await until(async () => (await aliases(gw)).includes('renamed'), 3000, 'renamed in /v1/models');
    // And again: the watcher still sees the directory after the first replace.
    writeFileSync(tmp, configWith(['renamed-again']));
    renameSync(tmp, file);
    await until(async () => (await aliases(gw)).includes('renamed-again'), 3000, 'renamed-again in /v1/models');
  });

  it('picks up a Kubernetes ConfigMap update (the ..data link swapped by rename)', async () => {
    const root = tempDir();
    mkdirSync(join(root, '..v1'));
    writeFileSync(join(root, '..v1', 'routes.yaml'), configWith(['alpha']));
    symlinkSync('..v1', join(root, '..data'));
    symlinkSync(join('..data', 'routes.yaml'), join(root, 'routes.yaml'));
    const { logger } = capturingLogger();
    const gw = await start(join(root, 'routes.yaml'), logger);
    expect(await aliases(gw)).toEqual(['alpha']);

    mkdirSync(join(root, '..v2'));
    writeFileSync(join(root, '..v2', 'routes.yaml'), configWith(['alpha', 'from-configmap']));
    symlinkSync('..v2', join(root, '..data_tmp'));
    renameSync(join(root, '..data_tmp'), join(root, '..data'));
    await until(async () => (await aliases(gw)).includes('from-configmap'), 3000, 'from-configmap in /v1/models');
  });

  it('lets a request in flight finish on the config it started with', async () => {
    const file = join(tempDir(), 'routes.yaml');
    writeFileSync(file, configWith(['alpha']));
    const { logger } = capturingLogger();
    const gw = await startGateway({ configFile: file, watch: false, port: 0, host: '127.0.0.1', logger, env: ENV });
    gateways.push(gw);

    release = () => {};
    const held = upstream.requests.length;
    const inFlight = fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'alpha', messages: [{ role: 'user', content: 'hi' }] }),
    });
    await until(() => upstream.requests.length > held, 3000, 'the request to reach the upstream');

    // alpha is gone for new requests...
    writeFileSync(file, configWith(['beta']));
    expect(gw.reload!('test')).toBe(true);
    expect(await aliases(gw)).toEqual(['beta']);
    const refused = await fetch(`${gw.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'alpha', messages: [{ role: 'user', content: 'hi' }] }),
    });
    expect(refused.status).toBe(404);
    // ...but the one already routed to it completes.
    release();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).choices[0].message.content).toBe('served');
  });

  it('keeps watching when the whole directory is replaced (moved away, a new one moved in)', async () => {
    const root = tempDir();
    const cfg = join(root, 'cfg');
    mkdirSync(cfg);
    writeFileSync(join(cfg, 'routes.yaml'), configWith(['alpha']));
    const { logger } = capturingLogger();
    const gw = await start(join(cfg, 'routes.yaml'), logger);

    mkdirSync(join(root, 'next'));
    writeFileSync(join(root, 'next', 'routes.yaml'), configWith(['alpha', 'new-dir']));
    renameSync(cfg, join(root, 'old'));
    renameSync(join(root, 'next'), cfg);
    await until(async () => (await aliases(gw)).includes('new-dir'), 3000, 'new-dir in /v1/models');
    // The new directory is watched too.
    writeFileSync(join(cfg, 'routes.yaml'), configWith(['after']));
    await until(async () => (await aliases(gw)).includes('after'), 3000, 'after in /v1/models');
  });

  it('with watch: false, watches nothing; reload() still loads the file', async () => {
    const file = join(tempDir(), 'routes.yaml');
    writeFileSync(file, configWith(['alpha']));
    const { logger, lines } = capturingLogger();
    const gw = await startGateway({ configFile: file, watch: false, port: 0, host: '127.0.0.1', logger, env: ENV });
    gateways.push(gw);
    writeFileSync(file, configWith(['alpha', 'beta']));
    await new Promise((r) => setTimeout(r, 400));
    expect(await aliases(gw)).toEqual(['alpha']);
    expect(lines.some((l) => /reload/.test(l.msg))).toBe(false);
    expect(gw.reload!('asked')).toBe(true);
    expect(await aliases(gw)).toEqual(['alpha', 'beta']);
    expect(lines.find((l) => /reload/.test(l.msg))).toMatchObject({ reason: 'asked', msg: 'config reloaded (asked): routes added: beta; 0 rules' });
  });

  it('stops watching on close()', async () => {
    const file = join(tempDir(), 'routes.yaml');
    writeFileSync(file, configWith(['alpha']));
    const { logger, lines } = capturingLogger();
    const gw = await startGateway({ configFile: file, port: 0, host: '127.0.0.1', logger, env: ENV });
    await gw.close();
    writeFileSync(file, configWith(['alpha', 'beta']));
    await new Promise((r) => setTimeout(r, 400));
    expect(lines.some((l) => /reload/.test(l.msg))).toBe(false);
    expect(gw.config.routesByAlias.has('beta')).toBe(false);
  });

  it('warns on reload when a setting read only at start-up changed', async () => {
    const file = join(tempDir(), 'routes.yaml');
    writeFileSync(file, configWith(['alpha']));
    const { logger, lines } = capturingLogger();
    const gw = await startGateway({ configFile: file, watch: false, port: 0, host: '127.0.0.1', logger, env: ENV });
    gateways.push(gw);
    writeFileSync(file, configWith(['alpha'], 'server:\n  heartbeat_ms: 5000\n'));
    expect(gw.reload!('test')).toBe(true);
    expect(lines.find((l) => l.level === 40 && /^config reload:/.test(l.msg))?.msg).toBe(
      'config reload: server changed; the running server keeps the old values until it restarts',
    );
  });
});

// The real CLI in a child process, its JSON log lines collected.
function runCli(args: string[]): { child: ChildProcess; lines: Record<string, any>[]; stdout: () => string; stderr: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...ENV, LOG_LEVEL: 'info', GATEWAY_CONFIG: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let out = '';
  let err = '';
  const lines: Record<string, any>[] = [];
  child.stdout!.on('data', (d: Buffer) => {
    out += d.toString();
    const complete = out.split('\n');
    out = complete.pop()!;
    for (const l of complete) {
      try {
        lines.push(JSON.parse(l));
      } catch {
        lines.push({ msg: l });
      }
    }
  });
  let all = '';
  child.stdout!.on('data', (d: Buffer) => (all += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  return { child, lines, stdout: () => all, stderr: () => err, exited };
}

describe('the gateway CLI', () => {
  it('`gateway serve` reloads its config on SIGHUP', async () => {
    const file = join(tempDir(), 'routes.yaml');
    writeFileSync(file, configWith(['alpha']));
    const cli = runCli(['serve', '--config', file, '--port', '0']);
    const listening = await until(() => cli.lines.find((l) => /^gateway listening on http:\/\//.test(l.msg)), 30_000, 'the listening line');
    const url = /http:\/\/\S+/.exec(listening.msg)![0];

    writeFileSync(file, configWith(['alpha', 'beta']));
    // The watcher may reload first; SIGHUP then still reloads, and says why.
    await new Promise((r) => setTimeout(r, 300));
    cli.child.kill('SIGHUP');
    const reloaded = await until(() => cli.lines.find((l) => l.reason === 'SIGHUP'), 5000, 'the SIGHUP reload line');
    expect(reloaded.msg).toMatch(/^config reloaded \(SIGHUP\)/);
    const models = (await (await fetch(`${url}/v1/models`)).json()) as { data: { id: string }[] };
    expect(models.data.map((m) => m.id)).toEqual(['alpha', 'beta']);

    // An invalid file on SIGHUP: refused and logged; the process keeps serving.
    writeFileSync(file, 'routes: [\n');
    cli.child.kill('SIGHUP');
    const refused = await until(() => cli.lines.find((l) => l.reason === 'SIGHUP' && l.level === 50), 5000, 'the SIGHUP refusal');
    expect(refused.msg).toContain(`${file}:`);
    expect((await fetch(`${url}/v1/models`)).status).toBe(200);

    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  });

  it('`gateway serve` with an invalid config exits 2 naming file:line', async () => {
    const file = join(tempDir(), 'routes.yaml');
    writeFileSync(file, `routes:\n  - alias: a\n    provider: nope\n    model: m\n`);
    const cli = runCli(['serve', '--config', file, '--port', '0']);
    expect(await cli.exited).toBe(2);
    expect(cli.stdout()).toContain(`invalid config: ${file}:3: routes[0].provider: must be one of`);
  });

  it('`gateway check-config FILE` exits 0 on a valid file and 2 with file:line: reason on an invalid one', async () => {
    const good = join(tempDir(), 'good.yaml');
    writeFileSync(good, configWith(['alpha', 'beta']));
    const ok = runCli(['check-config', good]);
    expect(await ok.exited).toBe(0);
    expect(ok.stdout()).toContain(`${good}: OK (2 routes: alpha, beta)`);

    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, `routes:\n  - alias: a\n    provider: openai_compatible\n    model: m\n    colour: blue\n`);
    const refused = runCli(['check-config', bad]);
    expect(await refused.exited).toBe(2);
    expect(refused.stderr().trim()).toBe(`${bad}:5: routes[0]: unknown key "colour"`);

    const missing = runCli(['check-config', join(dir, 'missing.yaml')]);
    expect(await missing.exited).toBe(2);
    expect(missing.stderr()).toContain(`${join(dir, 'missing.yaml')}: cannot read the file (ENOENT)`);
  });
});
