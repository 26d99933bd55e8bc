// Secret scan: a whole session through the gateway with distinctive keys (a provider key
// per family, a gateway key, an admin key), every way a key can come near an output —
// credential headers from the client, identity templates naming them, upstreams that
// fail and echo the key they were sent (verbatim and in base64, before and inside the
// stream), tracing with content capture, metrics, cost reports, turn records and
// verdicts — and then every output is searched for every key: the log stream (level
// trace, the production logger's options), every response to the client (status line
// headers and body), the OTLP spans (attributes, events, resource), /metrics, the
// reports in json/csv/html, and the turn records with their verdicts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGateway, type RunningGateway } from '../../src/server.js';
import { createLogger } from '../../src/logger.js';
import { startFakeChatUpstream, chatTextChunks, type FakeChatUpstream } from '../support/fake-chat-upstream.js';
import { startFakeAnthropicUpstream, anthropicEvents, anthropicErrorBody, type FakeAnthropicUpstream } from '../support/fake-anthropic-upstream.js';
import { startFakeGeminiUpstream, geminiTextChunks, type FakeGeminiUpstream } from '../support/fake-gemini-upstream.js';
import { startFakeResponsesUpstream, responsesMessageEvents, type FakeResponsesUpstream } from '../support/fake-responses-upstream.js';
import { startOtlpReceiver, type OtlpReceiver } from '../support/otlp-receiver.js';

const OPENAI_KEY = 'sk-proj-SECRETOPENAIKEY-4f9a1c2e7b3d';
const ANTHROPIC_KEY = 'sk-ant-SECRETPROVIDERKEY-8c1d5e0f2a6b';
const GEMINI_KEY = 'AIzaSECRETGEMINIKEY-9b2c6d1e3f7a';
const GATEWAY_KEY = 'gw-SECRETGATEWAYKEY-3e8f0a4b9c1d';
const ADMIN_KEY = 'adm-SECRETADMINKEY-7d2e5f8a1b4c';
const SECRETS = { OPENAI_KEY, ANTHROPIC_KEY, GEMINI_KEY, GATEWAY_KEY, ADMIN_KEY };

// Each secret in the forms a leak might take: verbatim, base64 (padded or not), base64url,
// and the distinctive middle part alone (a truncated or masked echo keeps it).
function needles(): { name: string; needle: string }[] {
  const out: { name: string; needle: string }[] = [];
  for (const [name, s] of Object.entries(SECRETS)) {
    out.push({ name, needle: s });
    out.push({ name: `${name} (base64)`, needle: Buffer.from(s).toString('base64').replace(/=+$/, '') });
    out.push({ name: `${name} (base64url)`, needle: Buffer.from(s).toString('base64url') });
    out.push({ name: `${name} (marker)`, needle: /SECRET[A-Z]+KEY/.exec(s)![0] });
  }
  return out;
}

const echo = (headers: Record<string, string | string[] | undefined>) => {
  const all = ['authorization', 'x-api-key', 'x-goog-api-key'].map((h) => headers[h]).filter(Boolean).join(' ');
  return `${all} (base64: ${Buffer.from(all).toString('base64')})`;
};

let chat: FakeChatUpstream;
let anthropic: FakeAnthropicUpstream;
let gemini: FakeGeminiUpstream;
let responses: FakeResponsesUpstream;
let receiver: OtlpReceiver;
let gw: RunningGateway;
const logLines: string[] = [];
const outputs: { what: string; text: string }[] = [];

function config(): string {
  return `
auth:
  admin_key_ref: GATEWAY_ADMIN_KEY
  keys:
    - id: dev1-key
      key_ref: GW_KEY_DEV1
      team: core
observability:
  capture_content: true
retries:
  attempts: 0
attributes:
  fi.attributes.user.id: "\${headers.x-developer-email}"
  leak.authorization: "\${headers.authorization}"
  leak.x_api_key: "\${headers.x-api-key}"
  leak.goog: "\${headers.x-goog-api-key}"
  leak.mixed: "dev-\${headers.x-developer-email}-\${headers.authorization}"
  fi.attributes.repo: "\${headers.x-repo}"
routes:
  - alias: compat
    provider: openai_compatible
    model: fake-model
    base_url: "${chat.url}"
    api_key_ref: openai_key
  - alias: compat-fail
    provider: openai_compatible
    model: fail-model
    base_url: "${chat.url}"
    api_key_ref: openai_key
  - alias: claude
    provider: anthropic
    model: claude-sonnet-4-5-20250929
    base_url: "${anthropic.url}"
    api_key_ref: anthropic_key
  - alias: claude-fail
    provider: anthropic
    model: claude-fail
    base_url: "${anthropic.url}"
    api_key_ref: anthropic_key
  - alias: claude-stream-fail
    provider: anthropic
    model: claude-stream-fail
    base_url: "${anthropic.url}"
    api_key_ref: anthropic_key
  - alias: gemini
    provider: google
    model: gemini-2.5-flash
    base_url: "${gemini.url}"
    api_key_ref: gemini_key
  - alias: gemini-fail
    provider: google
    model: gemini-fail
    base_url: "${gemini.url}"
    api_key_ref: gemini_key
  - alias: openai-pass
    provider: openai
    model: gpt-5
    translation: passthrough
    base_url: "${responses.url}"
    api_key_ref: openai_key
  - alias: openai-pass-fail
    provider: openai
    model: gpt-fail
    translation: passthrough
    base_url: "${responses.url}"
    api_key_ref: openai_key
`;
}

// Records a client-facing response: status, headers and body.
async function call(what: string, path: string, init: RequestInit = {}): Promise<{ status: number; text: string }> {
  const res = await fetch(`${gw.url}${path}`, init);
  const text = await res.text();
  const headers = [...res.headers.entries()].map(([k, v]) => `${k}: ${v}`).join('\n');
  outputs.push({ what: `response ${what}`, text: `${res.status}\n${headers}\n\n${text}` });
  return { status: res.status, text };
}

const clientHeaders = {
  'content-type': 'application/json',
  authorization: `Bearer ${GATEWAY_KEY}`,
  // Keys a client should not send, but might: never copied, never forwarded.
  'x-api-key': ANTHROPIC_KEY,
  'x-goog-api-key': GEMINI_KEY,
  'x-developer-email': 'dev1@example.com',
  'x-repo': `https://bot:${OPENAI_KEY}@github.com/acme/app.git`,
  'session-id': 'sess-secret-scan',
};

function turn(model: string, stream: boolean, dialect: 'responses' | 'chat' = 'responses') {
  const body =
    dialect === 'responses'
      ? { model, stream, input: 'What is six times seven?' }
      : { model, stream, messages: [{ role: 'user', content: 'What is six times seven?' }] };
  return call(`${dialect} ${model} stream=${stream}`, dialect === 'responses' ? '/v1/responses' : '/v1/chat/completions', {
    method: 'POST',
    headers: clientHeaders,
    body: JSON.stringify(body),
  });
}

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  chat = await startFakeChatUpstream({
    script: ({ body, headers }) =>
      body.model === 'fail-model'
        ? { status: 401, json: { error: { message: `Incorrect API key provided: ${echo(headers)}`, type: 'invalid_request_error', param: null, code: 'invalid_api_key' } } }
        : { stream: chatTextChunks('Forty-two.', { usage: { prompt_tokens: 12, completion_tokens: 3 } } as any) },
    usage: 'always',
  });
  anthropic = await startFakeAnthropicUpstream({
    apiKey: ANTHROPIC_KEY,
    script: ({ body, headers }) => {
      if (body.model === 'claude-fail') return { status: 500, json: anthropicErrorBody('api_error', `Internal error for key ${echo(headers)}`) };
      if (body.model === 'claude-stream-fail')
        return { events: [...anthropicEvents({ text: 'Forty', usage: { input_tokens: 9, output_tokens: 1 } }).slice(0, 3), { type: 'error', error: { type: 'overloaded_error', message: `Overloaded; your key ${echo(headers)}` } }] };
      return { events: anthropicEvents({ text: 'Forty-two.', usage: { input_tokens: 11, output_tokens: 3 } }) };
    },
  });
  gemini = await startFakeGeminiUpstream({
    script: ({ model, headers }) =>
      model === 'gemini-fail'
        ? { status: 401, json: { error: { code: 401, message: `API key not valid. Please pass a valid API key: ${echo(headers)}`, status: 'UNAUTHENTICATED' } } }
        : { chunks: geminiTextChunks('Forty-two.') },
  });
  responses = await startFakeResponsesUpstream({
    script: ({ body, headers }) =>
      body.model === 'gpt-fail'
        ? { status: 500, json: { error: { message: `upstream proxy saw ${echo(headers)} at https://proxy.example/?key=${OPENAI_KEY}`, type: 'server_error', param: null, code: null } } }
        : { events: responsesMessageEvents({ text: 'Forty-two.', model: 'gpt-5' }) },
  });

  gw = await startGateway({
    configText: config(),
    port: 0,
    host: '127.0.0.1',
    logger: createLogger('trace', { write: (s: string) => void logLines.push(s) }),
    env: {
      OPENAI_KEY,
      ANTHROPIC_KEY,
      GEMINI_KEY,
      GW_KEY_DEV1: GATEWAY_KEY,
      GATEWAY_ADMIN_KEY: ADMIN_KEY,
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_BSP_SCHEDULE_DELAY: '50',
      OTEL_SERVICE_NAME: 'secret-scan',
    },
  });

  // The session: every family, streamed and not, both dialects, passthrough, and failures.
  const results: Record<string, number> = {};
  for (const [model, stream, dialect] of [
    ['compat', true, 'responses'],
    ['compat', false, 'chat'],
    ['claude', true, 'responses'],
    ['claude', false, 'chat'],
    ['gemini', true, 'responses'],
    ['gemini', false, 'responses'],
    ['openai-pass', true, 'responses'],
    ['compat-fail', true, 'responses'],
    ['compat-fail', false, 'chat'],
    ['claude-fail', false, 'responses'],
    ['claude-stream-fail', true, 'responses'],
    ['claude-stream-fail', false, 'chat'],
    ['gemini-fail', true, 'chat'],
    ['openai-pass-fail', false, 'responses'],
  ] as const) {
    results[`${model}/${dialect}/${stream}`] = (await turn(model, stream, dialect)).status;
  }
  // Refused keys, presented every way.
  await call('wrong gateway key', '/v1/responses', { method: 'POST', headers: { ...clientHeaders, authorization: `Bearer ${ADMIN_KEY}` }, body: '{}' });
  await call('gateway key as x-api-key on admin', '/metrics', { headers: { 'x-api-key': GATEWAY_KEY } });
  await call('bad json', '/v1/responses', { method: 'POST', headers: clientHeaders, body: `{"model": "${GATEWAY_KEY}"` });
  await call('unknown model', '/v1/responses', { method: 'POST', headers: clientHeaders, body: JSON.stringify({ model: 'nope', input: 'hi' }) });
  await call('models', '/v1/models', { headers: clientHeaders });
  await call('healthz', '/healthz');
  await call('readyz', '/readyz');
  expect(results).toMatchObject({ 'compat/responses/true': 200, 'claude/chat/false': 200, 'gemini/responses/true': 200, 'openai-pass/responses/true': 200, 'compat-fail/chat/false': 401, 'claude-fail/responses/false': 500 });

  // Wait for the in-process scoring of every record.
  const admin = { authorization: `Bearer ${ADMIN_KEY}` };
  const deadline = Date.now() + 10_000;
  let records: unknown[] = [];
  while (Date.now() < deadline) {
    records = [];
    for await (const r of gw.scores!.listTurns(new Date(0), new Date(Date.now() + 60_000))) records.push(r);
    if (records.length >= 14) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  outputs.push({ what: 'turn records and verdicts (listTurns)', text: JSON.stringify(records) });
  for (const r of records as { record: { id: string } }[]) outputs.push({ what: `verdicts ${r.record.id}`, text: JSON.stringify(await gw.scores!.getVerdicts(r.record.id)) });

  await call('metrics', '/metrics', { headers: admin });
  for (const format of ['json', 'csv', 'html']) {
    for (const by of ['developer', 'team', 'repo', 'route', 'model']) await call(`cost report ${format} by ${by}`, `/admin/reports/cost?format=${format}&by=${by}&since=1d`, { headers: admin });
  }
  await call('token estimates', '/gateway/token-estimates', { headers: admin });
  await gw.close(); // flushes the span batch
  await receiver.waitFor((s) => s.some((x) => x.kind === 2), 10_000);
  outputs.push({ what: 'OTLP spans', text: JSON.stringify(receiver.spans) });
  outputs.push({ what: 'log stream', text: logLines.join('') });
}, 60_000);

afterAll(async () => {
  await chat?.close();
  await anthropic?.close();
  await gemini?.close();
  await responses?.close();
  await receiver?.close();
});

describe('secret scan', () => {
  it('captured every kind of output', () => {
    const kinds = outputs.map((o) => o.what);
    expect(kinds.some((k) => k.startsWith('response'))).toBe(true);
    expect(kinds).toEqual(expect.arrayContaining(['log stream', 'OTLP spans', 'response metrics', 'response cost report html by developer', 'turn records and verdicts (listTurns)']));
    expect(logLines.length).toBeGreaterThan(10);
    expect(receiver.spans.length).toBeGreaterThan(10);
    // Content capture was on: the prompt is in the spans, the turn line in the log.
    expect(JSON.stringify(receiver.spans)).toContain('six times seven');
    expect(logLines.some((l) => l.includes('"msg":"turn"'))).toBe(true);
    // The failing upstreams did echo the keys they were sent (what the gateway must not pass on).
    expect(JSON.stringify(chat.requests.map((r) => r.headers))).toContain(OPENAI_KEY);
    expect(JSON.parse(outputs.find((o) => o.what === 'turn records and verdicts (listTurns)')!.text).length).toBeGreaterThanOrEqual(10);
  });

  it('no output contains any key, nor its base64', () => {
    const leaks: string[] = [];
    for (const { what, text } of outputs) {
      for (const { name, needle } of needles()) {
        const at = text.indexOf(needle);
        if (at >= 0) leaks.push(`${name} in ${what}: …${text.slice(Math.max(0, at - 120), at + needle.length + 40)}…`);
      }
    }
    expect(leaks).toEqual([]);
  });

  it("upstreams get their own key only, never the gateway key or another family's key", () => {
    const seen = (reqs: { headers: Record<string, unknown> }[]) => JSON.stringify(reqs.map((r) => r.headers));
    const chatH = seen(chat.requests);
    const anthropicH = seen(anthropic.requests);
    const geminiH = seen(gemini.requests);
    const responsesH = seen(responses.requests);
    expect(chatH).toContain(OPENAI_KEY);
    expect(anthropicH).toContain(ANTHROPIC_KEY);
    expect(geminiH).toContain(GEMINI_KEY);
    expect(responsesH).toContain(OPENAI_KEY);
    for (const h of [chatH, anthropicH, geminiH, responsesH]) {
      expect(h).not.toContain(GATEWAY_KEY);
      expect(h).not.toContain(ADMIN_KEY);
    }
    expect(chatH).not.toContain(ANTHROPIC_KEY);
    expect(chatH).not.toContain(GEMINI_KEY);
    expect(anthropicH).not.toContain(GEMINI_KEY);
    expect(geminiH).not.toContain(ANTHROPIC_KEY);
    expect(responsesH).not.toContain(ANTHROPIC_KEY);
  });
});
