// Gateway keys (auth.keys) and the admin key over real HTTP: the openai SDK and fetch
// against the gateway, an OpenAI-compatible fake upstream behind it, and the gateway's
// pino output captured to prove keys never reach the log.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import OpenAI from 'openai';
import { pino } from 'pino';
import { startFakeChatUpstream, chatTextChunks, type FakeChatUpstream } from '../support/fake-chat-upstream.js';
import { compatRoute, startTestGateway } from '../support/gateway.js';
import { startGateway, type RunningGateway } from '../../src/server.js';
import { OpenBindError } from '../../src/auth/gateway-keys.js';
import type { TurnSummary } from '../../src/pipeline/turn.js';

const KEY1 = 'sk-gw-dev1-0123456789abcdef';
const KEY2 = 'sk-gw-dev2-fedcba9876543210';
const ADMIN = 'sk-gw-admin-5555';
const WRONG = 'sk-gw-wrong-0000';
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const SECRETS = [KEY1, KEY2, ADMIN, WRONG, sha(KEY1), sha(KEY2), sha(ADMIN)];

let upstream: FakeChatUpstream;
let gw: RunningGateway;
const turns: TurnSummary[] = [];
const logLines: string[] = [];

function authConfig(upstreamUrl: string, admin = true): string {
  return [
    'attributes:',
    '  developer: "${headers.x-developer}"',
    '  team: "${headers.x-team}"',
    'routes:',
    compatRoute('local-coder', upstreamUrl),
    'auth:',
    '  keys:',
    `    - id: "dev1-laptop"`,
    `      key_sha256: "${sha(KEY1)}"`,
    '      developer: "dev1@example.com"',
    '      team: "payments"',
    '    - id: "dev2-ci"',
    '      key_ref: "DEV2_GATEWAY_KEY"',
    '      developer: "dev2@example.com"',
    '      team: "search"',
    ...(admin ? ['  admin_key_ref: "GATEWAY_ADMIN_KEY"'] : []),
    '',
  ].join('\n');
}

beforeAll(async () => {
  upstream = await startFakeChatUpstream({
    script: () => ({ stream: chatTextChunks('ok', { usage: { prompt_tokens: 3, completion_tokens: 1 } }) }),
  });
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logLines.push(String(chunk));
      cb();
    },
  });
  gw = await startGateway({
    configText: authConfig(upstream.url),
    port: 0,
    host: '127.0.0.1',
    logger: pino({ level: 'trace' }, sink),
    onTurn: (t) => turns.push(t),
    env: { DEV2_GATEWAY_KEY: KEY2, GATEWAY_ADMIN_KEY: ADMIN },
  });
});

afterAll(async () => {
  await gw?.close();
  await upstream?.close();
});

const client = (apiKey: string, headers: Record<string, string> = {}) =>
  new OpenAI({ baseURL: `${gw.url}/v1`, apiKey, maxRetries: 0, defaultHeaders: headers });

async function get(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any; text: string }> {
  const res = await fetch(`${gw.url}${path}`, { headers });
  const text = await res.text();
  let body: any;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  return { status: res.status, body, text };
}

async function post(path: string, headers: Record<string, string>): Promise<{ status: number; body: any; text: string }> {
  const res = await fetch(`${gw.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model: 'local-coder', input: 'hi' }),
  });
  const text = await res.text();
  return { status: res.status, body: JSON.parse(text), text };
}

describe('gateway keys (auth.keys)', () => {
  it('a request without a key gets 401 missing_api_key in OpenAI shape', async () => {
    const r = await post('/v1/responses', {});
    expect(r.status).toBe(401);
    expect(r.body).toEqual({ error: { message: expect.stringMatching(/^Missing gateway key/), type: 'authentication_error', code: 'missing_api_key', param: null } });
    // The unprefixed alias is guarded too.
    expect((await post('/responses', {})).status).toBe(401);
    expect((await post('/chat/completions', {})).status).toBe(401);
  });

  it('the openai SDK with a wrong key gets 401 invalid_api_key', async () => {
    const err = await client(WRONG)
      .responses.create({ model: 'local-coder', input: 'hi' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    const e = err as InstanceType<typeof OpenAI.AuthenticationError>;
    expect(e.status).toBe(401);
    expect(e.error).toMatchObject({ type: 'authentication_error', code: 'invalid_api_key', param: null });
  });

  it('the right key via Bearer (openai SDK) is served and the turn is the key owner’s, over header templates', async () => {
    const before = turns.length;
    const res = await client(KEY1, { 'x-developer': 'spoofed@example.com', 'x-team': 'spoof' }).responses.create({ model: 'local-coder', input: 'hi' });
    expect(res.output_text).toBe('ok');
    const turn = turns.slice(before).at(-1)!;
    expect(turn.identity).toMatchObject({ developer: 'dev1@example.com', team: 'payments', key: 'dev1-laptop' });
    // The gateway key is not forwarded upstream.
    expect(JSON.stringify(upstream.requests.at(-1)!.headers)).not.toContain(KEY1);
  });

  it('a key_ref key via x-api-key is served and the turn is its owner’s', async () => {
    const before = turns.length;
    const r = await post('/v1/responses', { 'x-api-key': KEY2 });
    expect(r.status).toBe(200);
    expect(turns.slice(before).at(-1)!.identity).toMatchObject({ developer: 'dev2@example.com', team: 'search', key: 'dev2-ci' });
  });

  it('/v1/models needs a key; /healthz and /readyz stay open', async () => {
    expect((await get('/v1/models')).status).toBe(401);
    expect((await get('/v1/models', { authorization: `Bearer ${WRONG}` })).status).toBe(401);
    const ok = await get('/v1/models', { authorization: `Bearer ${KEY1}` });
    expect(ok.status).toBe(200);
    expect(ok.body.data.map((m: any) => m.id)).toEqual(['local-coder']);
    expect((await get('/healthz')).status).toBe(200);
    expect((await get('/readyz')).status).toBe(200);
  });

  it('admin endpoints need the admin key (a gateway key is not enough)', async () => {
    for (const path of ['/metrics', '/gateway/token-estimates', '/admin/reports/cost']) {
      expect((await get(path)).status, path).toBe(401);
      expect((await get(path, { authorization: `Bearer ${KEY1}` })).status, path).toBe(401);
      expect((await get(path, { 'x-api-key': WRONG })).body.error.type, path).toBe('authentication_error');
    }
    expect((await get('/metrics', { authorization: `Bearer ${ADMIN}` })).status).toBe(200);
    expect((await get('/gateway/token-estimates', { 'x-api-key': ADMIN })).status).toBe(200);
    // Authenticated, the admin key reaches the cost report.
    expect((await get('/admin/reports/cost', { authorization: `Bearer ${ADMIN}` })).status).toBe(200);
  });

  it('keys and their hashes never appear in logs or error bodies', async () => {
    const bodies: string[] = [];
    bodies.push((await post('/v1/responses', { authorization: `Bearer ${WRONG}` })).text);
    bodies.push((await post('/v1/responses', { 'x-api-key': WRONG })).text);
    bodies.push((await get('/metrics', { authorization: `Bearer ${KEY1}` })).text);
    bodies.push((await get('/gateway/token-estimates', { authorization: `Bearer ${WRONG}` })).text);
    // A served request (its turn is logged at trace level).
    bodies.push((await post('/v1/responses', { authorization: `Bearer ${KEY1}` })).text);
    const all = bodies.join('\n') + '\n' + logLines.join('');
    expect(logLines.length).toBeGreaterThan(0);
    for (const s of SECRETS) expect(all).not.toContain(s);
  });
});

describe('admin endpoints without admin_key_ref', () => {
  it('with gateway keys they answer 401 telling to set admin_key_ref', async () => {
    const g = await startTestGateway(authConfig(upstream.url, false), { env: { DEV2_GATEWAY_KEY: KEY2 } });
    try {
      const r = await fetch(`${g.url}/metrics`, { headers: { authorization: `Bearer ${KEY1}` } });
      expect(r.status).toBe(401);
      const body = (await r.json()) as any;
      expect(body.error).toMatchObject({ type: 'authentication_error', code: 'admin_key_required' });
      expect(body.error.message).toContain('admin_key_ref');
    } finally {
      await g.close();
    }
  });

  it('in open mode (no keys) they are served on loopback, as is /v1', async () => {
    const g = await startTestGateway(`routes:\n${compatRoute('local-coder', upstream.url)}`);
    try {
      expect((await fetch(`${g.url}/metrics`)).status).toBe(200);
      expect((await fetch(`${g.url}/gateway/token-estimates`)).status).toBe(200);
      expect((await fetch(`${g.url}/v1/models`)).status).toBe(200);
    } finally {
      await g.close();
    }
  });
});

describe('open mode binds loopback only', () => {
  const openConfig = () => `routes:\n${compatRoute('local-coder', upstream.url)}`;

  it('startGateway with no keys and host 0.0.0.0 refuses to start', async () => {
    const logger = pino({ level: 'silent' });
    await expect(startGateway({ configText: openConfig(), port: 0, host: '0.0.0.0', logger, env: {} })).rejects.toBeInstanceOf(OpenBindError);
    await expect(startGateway({ configText: openConfig(), port: 0, host: '::', logger, env: {} })).rejects.toThrow(/loopback/);
  });

  it('with no keys on loopback it starts and says once that it is open on loopback', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info' }, new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }));
    const g = await startGateway({ configText: openConfig(), port: 0, host: '127.0.0.1', logger, env: {} });
    try {
      const open = lines.filter((l) => l.includes('the gateway is open'));
      expect(open).toHaveLength(1);
      expect(open[0]).toContain('loopback');
    } finally {
      await g.close();
    }
  });

  it('with keys it may bind 0.0.0.0', async () => {
    const g = await startGateway({ configText: authConfig(upstream.url), port: 0, host: '0.0.0.0', logger: pino({ level: 'silent' }), env: { DEV2_GATEWAY_KEY: KEY2 } });
    try {
      const port = new URL(g.url).port;
      expect((await fetch(`http://127.0.0.1:${port}/v1/models`)).status).toBe(401);
    } finally {
      await g.close();
    }
  });

  it('`gateway serve` with no keys and HOST=0.0.0.0 exits 2 with a clear message', async () => {
    const dir = await import('node:fs/promises').then((fs) => fs.mkdtemp('/tmp/gw-auth-'));
    const file = `${dir}/routes.yaml`;
    await import('node:fs/promises').then((fs) => fs.writeFile(file, openConfig()));
    const err = await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve', '--config', file, '--port', '0'], {
      env: { ...process.env, HOST: '0.0.0.0', OTEL_EXPORTER_OTLP_ENDPOINT: '', REDIS_URL: '' },
      timeout: 20_000,
    }).catch((e: unknown) => e as { code?: number; stdout?: string; stderr?: string });
    expect((err as { code?: number }).code).toBe(2);
    expect(String((err as { stdout?: string }).stdout)).toContain('refusing to listen on 0.0.0.0');
  }, 30_000);
});
