// The gateway configured only by OTEL_* variables exports its spans over OTLP/HTTP to a
// loopback receiver (test/support/otlp-receiver.ts), which decodes them: identity from
// headers and from Codex's turn metadata, usage, content only when asked, and no key in
// any attribute. The default encoding is http/protobuf (the spec's default); one test sets
// OTEL_EXPORTER_OTLP_PROTOCOL=http/json. The Codex request replays test/fixtures/codex/turn1-request.json.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anthropicEvents, startFakeAnthropicUpstream, type FakeAnthropicUpstream } from '../support/fake-anthropic-upstream.js';
import { startTestGateway } from '../support/gateway.js';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../support/otlp-receiver.js';

const MODEL = 'claude-sonnet-4-5-20250929';
const UPSTREAM_KEY = 'sk-ant-upstream-secret-1234';
const GATEWAY_KEY = 'gw-key-secret-5678';
const REMOTE_TOKEN = 'ghp_remotetoken9999';
const SECRETS = [UPSTREAM_KEY, GATEWAY_KEY, REMOTE_TOKEN];
const codex = JSON.parse(readFileSync(new URL('../fixtures/codex/turn1-request.json', import.meta.url), 'utf8'));

let upstream: FakeAnthropicUpstream;
let receiver: OtlpReceiver;

const config = (extra = '') =>
  `routes:\n  - alias: claude\n    provider: anthropic\n    model: ${MODEL}\n    api_key_ref: anthropic_key\n    base_url: "${upstream.url}"\n` +
  `attributes:\n  fi.attributes.user.id: "\${headers.x-developer-email}"\n  fi.attributes.repo: "\${headers.x-repo}"\n${extra}`;

const env = () => ({
  ANTHROPIC_KEY: UPSTREAM_KEY,
  OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
  OTEL_EXPORTER_OTLP_HEADERS: 'x-otlp-tenant=acme',
  OTEL_SERVICE_NAME: 'gateway-under-test',
  OTEL_BSP_SCHEDULE_DELAY: '50',
});

async function post(url: string, body: object, headers: Record<string, string>) {
  const res = await fetch(`${url}/v1/responses`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  await res.text();
  expect(res.status).toBe(200);
}

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  upstream = await startFakeAnthropicUpstream({
    apiKey: UPSTREAM_KEY,
    script: () => ({
      events: anthropicEvents({
        text: 'The answer is 42.',
        toolUses: [{ id: 'toolu_1', name: 'exec_command', input: { cmd: 'ls' } }],
        usage: { input_tokens: 11, output_tokens: 7, cache_read_input_tokens: 5, cache_creation_input_tokens: 3 },
      }),
    }),
  });
});

afterAll(async () => {
  await upstream?.close();
  await receiver?.close();
});

const rootsOf = (spans: ReceivedSpan[]) => spans.filter((s) => s.kind === 2 /* SERVER */);
const childOf = (spans: ReceivedSpan[], root: ReceivedSpan, name: string) => spans.find((s) => s.parentSpanId === root.spanId && s.name === name)!;

describe('OTLP/HTTP export, configured by OTEL_* variables', () => {
  let spans: ReceivedSpan[] = [];

  beforeAll(async () => {
    const gw = await startTestGateway(config(), { env: env() });
    // A request tagged by headers (with the gateway key and a provider-style key the client should not send, but might).
    await post(
      gw.url,
      { model: 'claude', stream: true, input: 'What is six times seven? The secret word is pineapple.' },
      { authorization: `Bearer ${GATEWAY_KEY}`, 'x-api-key': UPSTREAM_KEY, 'x-developer-email': 'dev1@example.com', 'x-repo': 'github.com/acme/app', 'session-id': 'sess-plain' },
    );
    // A Codex request: identity from x-codex-turn-metadata, the repo from its workspace remote (with credentials in it).
    const metadata = JSON.parse(codex.headers['x-codex-turn-metadata']);
    metadata.workspaces = { '/home/dev/payments': { associated_remote_urls: { origin: `https://bot:${REMOTE_TOKEN}@github.com/acme/payments.git` }, latest_git_commit_hash: 'abc123', has_changes: false } };
    const { host: _h, 'content-length': _l, authorization: _a, ...headers } = codex.headers;
    await post(gw.url, { ...codex.body, model: 'claude' }, { ...headers, authorization: `Bearer ${GATEWAY_KEY}`, 'x-codex-turn-metadata': JSON.stringify(metadata), 'x-developer-email': 'dev2@example.com' });
    await gw.close(); // flushes the batch
    spans = await receiver.waitFor((s) => rootsOf(s).length >= 2);
  });

  it('exports the tree with the service name, the developer, repo, conversation id and usage', () => {
    expect(receiver.exports[0]['x-otlp-tenant']).toBe('acme');
    // No protocol variable: http/protobuf, the spec's default.
    for (const e of receiver.exports) expect(e['content-type']).toBe('application/x-protobuf');
    const [plain, fromCodex] = rootsOf(spans);
    expect(plain.resource['service.name']).toBe('gateway-under-test');
    expect(plain.attributes).toMatchObject({
      'user.id': 'dev1@example.com',
      'fi.attributes.user.id': 'dev1@example.com',
      'fi.attributes.repo': 'github.com/acme/app',
      'gateway.repo': 'github.com/acme/app',
      'gen_ai.conversation.id': 'sess-plain',
    });
    const chat = childOf(spans, plain, `chat ${MODEL}`);
    expect(chat.attributes).toMatchObject({
      'fi.attributes.user.id': 'dev1@example.com',
      'gen_ai.usage.input_tokens': 19,
      'gen_ai.usage.output_tokens': 7,
      'gen_ai.usage.cache_read.input_tokens': 5,
      'gen_ai.usage.cache_write.input_tokens': 3,
    });
    expect(chat.events.map((e) => e.attributes['gen_ai.tool.call.id'])).toEqual(['toolu_1']);
    expect(childOf(spans, plain, 'gateway.route')).toBeDefined();

    const meta = JSON.parse(codex.headers['x-codex-turn-metadata']);
    expect(fromCodex.attributes).toMatchObject({
      'user.id': 'dev2@example.com',
      'gateway.repo': 'github.com/acme/payments',
      'gen_ai.conversation.id': codex.headers['session-id'],
      'codex.turn.id': meta.turn_id,
      'codex.request_kind': 'turn',
    });
    expect(childOf(spans, fromCodex, `chat ${MODEL}`).attributes['gen_ai.usage.output_tokens']).toBe(7);
  });

  it('records no prompt or completion content by default', () => {
    const all = JSON.stringify(spans.map((s) => [s.attributes, s.events]));
    expect(all).not.toContain('pineapple');
    expect(all).not.toContain('The answer is 42');
  });

  it('records content with observability.capture_content, and OpenInference names with semconv: both', async () => {
    const before = receiver.spans.length;
    const gw = await startTestGateway(config('observability:\n  capture_content: true\n  semconv: both\n'), { env: env() });
    await post(gw.url, { model: 'claude', stream: true, input: 'The secret word is pineapple.' }, { 'x-developer-email': 'dev3@example.com', 'session-id': 'sess-oi', authorization: `Bearer ${GATEWAY_KEY}` });
    await gw.close();
    const got = (await receiver.waitFor((s) => rootsOf(s.slice(before)).length >= 1)).slice(before);
    const chat = got.find((s) => s.name === `chat ${MODEL}`)!;
    expect(JSON.parse(chat.attributes['gen_ai.input.messages'] as string)).toEqual([{ role: 'user', parts: [{ type: 'text', content: 'The secret word is pineapple.' }] }]);
    expect(JSON.parse(chat.attributes['gen_ai.output.messages'] as string)).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'The answer is 42.' }, { type: 'tool_call', id: 'toolu_1', name: 'exec_command', arguments: '{"cmd":"ls"}' }] },
    ]);
    expect(chat.attributes).toMatchObject({
      'openinference.span.kind': 'LLM',
      'llm.model_name': MODEL,
      'llm.token_count.prompt': 19,
      'llm.token_count.completion': 7,
      'session.id': 'sess-oi',
      'user.id': 'dev3@example.com',
    });
    expect(chat.attributes['input.value']).toContain('pineapple');
    spans = receiver.spans;
  });

  it('no provider key or gateway key appears in any exported span', () => {
    expect(spans.length).toBeGreaterThanOrEqual(9);
    for (const s of spans) {
      const text = JSON.stringify([s.name, s.attributes, s.events, s.resource]);
      for (const secret of SECRETS) expect(text).not.toContain(secret);
      expect(text).not.toMatch(/Bearer /);
    }
  });

  it('exports the OTLP/JSON encoding with OTEL_EXPORTER_OTLP_PROTOCOL=http/json', async () => {
    const before = receiver.exports.length;
    const spansBefore = receiver.spans.length;
    const gw = await startTestGateway(config(), { env: { ...env(), OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' } });
    await post(gw.url, { model: 'claude', stream: true, input: 'Hi' }, { authorization: `Bearer ${GATEWAY_KEY}`, 'x-developer-email': 'dev4@example.com', 'x-repo': 'github.com/acme/json' });
    await gw.close();
    const got = (await receiver.waitFor((s) => rootsOf(s.slice(spansBefore)).length >= 1)).slice(spansBefore);
    expect(receiver.exports.slice(before).map((e) => e['content-type'])).toEqual(receiver.exports.slice(before).map(() => 'application/json'));
    const [root] = rootsOf(got);
    expect(root.attributes).toMatchObject({ 'user.id': 'dev4@example.com', 'gateway.repo': 'github.com/acme/json' });
    expect(childOf(got, root, `chat ${MODEL}`).attributes['gen_ai.usage.output_tokens']).toBe(7);
  });
});
