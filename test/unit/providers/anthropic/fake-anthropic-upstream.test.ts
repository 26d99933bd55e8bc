// The fake Anthropic upstream refuses what the real Messages API refuses, in Anthropic's
// error shape, so tests that pass against it pass against requests the real API accepts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { anthropicEvents, startFakeAnthropicUpstream, validateAnthropicRequest, type FakeAnthropicUpstream } from '../../../support/fake-anthropic-upstream.js';
import { parseSseText } from '../../../support/sse-text.js';

let fake: FakeAnthropicUpstream;
beforeAll(async () => {
  fake = await startFakeAnthropicUpstream({
    apiKey: 'sk-ant-test',
    script: ({ index }) => (index === 0 ? { events: anthropicEvents({ thinking: 'Think.', text: 'Hi', toolUses: [{ id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } }] }) } : { events: anthropicEvents({ text: 'Done' }) }),
  });
});
afterAll(() => fake?.close());

const H = { 'anthropic-version': '2023-06-01' };
const tools = [{ name: 'get_weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } }];
const ok = { model: 'claude-sonnet-4-5-20250929', max_tokens: 4000, messages: [{ role: 'user', content: 'hi' }] };
const msg = (role: string, content: unknown) => ({ role, content });
const use = (id: string) => ({ type: 'tool_use', id, name: 'get_weather', input: { city: 'Paris' } });
const result = (id: string) => ({ type: 'tool_result', tool_use_id: id, content: 'sunny' });
const text = (t: string) => ({ type: 'text', text: t });
const check = (body: object, headers: Record<string, string> = H) => validateAnthropicRequest(body, headers)?.message ?? null;

async function post(body: object, headers: Record<string, string>) {
  const res = await fetch(`${fake.url}/v1/messages`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: res.status, text: await res.text() };
}

describe('the fake over HTTP', () => {
  it('streams named SSE events and remembers the thinking it handed out; an unchanged block is accepted back, an altered one refused', async () => {
    const first = await post({ ...ok, tools, stream: true }, { ...H, 'x-api-key': 'sk-ant-test' });
    expect(first.status).toBe(200);
    const frames = parseSseText(first.text);
    expect(frames.every((f) => f.event === JSON.parse(f.data).type)).toBe(true);
    const sig = frames.map((f) => JSON.parse(f.data)).find((e) => e.delta?.type === 'signature_delta').delta.signature;
    const turn2 = (thinking: string) => ({
      ...ok,
      tools,
      thinking: { type: 'enabled', budget_tokens: 1024 },
      messages: [msg('user', 'hi'), msg('assistant', [{ type: 'thinking', thinking, signature: sig }, use('toolu_1')]), msg('user', [result('toolu_1')])],
    });
    const altered = await post(turn2('Think!'), { ...H, 'x-api-key': 'sk-ant-test' });
    expect(altered.status).toBe(400);
    expect(JSON.parse(altered.text)).toEqual({ type: 'error', error: { type: 'invalid_request_error', message: 'messages.1.content.0: Invalid `signature` in `thinking` block' }, request_id: expect.any(String) });
    expect((await post(turn2('Think.'), { ...H, 'x-api-key': 'sk-ant-test' })).status).toBe(200);
  });

  it('refuses a missing or wrong x-api-key (401) and a missing or unknown anthropic-version (400)', async () => {
    expect((await post(ok, H)).status).toBe(401);
    expect((await post(ok, { ...H, 'x-api-key': 'nope' })).status).toBe(401);
    expect(await post(ok, { 'x-api-key': 'sk-ant-test' })).toMatchObject({ status: 400, text: expect.stringContaining('anthropic-version: header is required') });
    expect((await post(ok, { 'x-api-key': 'sk-ant-test', 'anthropic-version': '2099-01-01' })).status).toBe(400);
    expect(fake.requests.filter((r) => r.rejection).length).toBeGreaterThanOrEqual(5);
  });
});

describe('validateAnthropicRequest: what the real API refuses', () => {
  it('accepts a plain request', () => expect(check(ok)).toBeNull());
  it('missing max_tokens', () => expect(check({ ...ok, max_tokens: undefined })).toBe('max_tokens: Field required'));
  it('an unknown top-level field', () => expect(check({ ...ok, reasoning_effort: 'high' })).toContain('Extra inputs are not permitted'));
  it('a role other than user or assistant', () => expect(check({ ...ok, messages: [msg('system', 'x')] })).toContain("Input should be 'user' or 'assistant'"));
  it('an empty text block', () => expect(check({ ...ok, messages: [msg('user', [text('')])] })).toContain('non-empty'));
  it('a tool name that does not match ^[a-zA-Z0-9_-]{1,128}$', () => expect(check({ ...ok, tools: [{ ...tools[0], name: 'ns.tool' }] })).toContain('String should match pattern'));
  it('tool blocks without tools', () =>
    expect(check({ ...ok, messages: [msg('user', 'q'), msg('assistant', [use('t1')]), msg('user', [result('t1')])] })).toContain('must define tools'));
  it('a tool_use without its tool_result in the very next user message', () =>
    expect(check({ ...ok, tools, messages: [msg('user', 'q'), msg('assistant', [use('t1'), use('t2')]), msg('user', [result('t1')])] })).toContain(
      '`tool_use` ids were found without `tool_result` blocks immediately after: t2',
    ));
  it('tool_result blocks that do not come first', () =>
    expect(check({ ...ok, tools, messages: [msg('user', 'q'), msg('assistant', [use('t1')]), msg('user', [text('x'), result('t1')])] })).toContain('at the beginning of this message'));
  it('a tool_result with no tool_use just before', () =>
    expect(check({ ...ok, tools, messages: [msg('user', [result('t9')])] })).toContain('unexpected `tool_use_id`'));
  it('thinking with budget_tokens >= max_tokens, or below 1024', () => {
    expect(check({ ...ok, thinking: { type: 'enabled', budget_tokens: 1000 } })).toContain('greater than or equal to 1024');
    expect(check({ ...ok, thinking: { type: 'enabled', budget_tokens: 1000 }, max_tokens: 1000 })).toContain('greater than or equal to 1024');
    expect(check({ ...ok, thinking: { type: 'enabled', budget_tokens: 2000 }, max_tokens: 2000 })).toContain('`max_tokens` must be greater than `thinking.budget_tokens`');
  });
  it('thinking on while the tool turn in progress starts with something other than a thinking block', () => {
    const body = { ...ok, tools, thinking: { type: 'enabled', budget_tokens: 1024 }, messages: [msg('user', 'q'), msg('assistant', [text('Let me check.'), use('t1')]), msg('user', [result('t1')])] };
    expect(check(body)).toContain('messages.1.content.0.type: Expected `thinking` or `redacted_thinking`, but found `text`');
  });
  it('thinking on with forced tool use, or a changed temperature', () => {
    const thinking = { type: 'enabled', budget_tokens: 1024 };
    expect(check({ ...ok, tools, thinking, tool_choice: { type: 'any' } })).toContain('tool_choice forces tool use');
    expect(check({ ...ok, thinking, temperature: 0.5 })).toContain('`temperature` may only be set to 1');
  });
  it('budget thinking or sampling parameters on Opus 4.7', () => {
    expect(check({ ...ok, model: 'claude-opus-4-7', thinking: { type: 'enabled', budget_tokens: 1024 } })).toContain('"thinking.type.enabled" is not supported for this model');
    expect(check({ ...ok, model: 'claude-opus-4-7', temperature: 0.5 })).toContain('`temperature` is deprecated for this model');
  });
  it('temperature with top_p on Claude 4.5', () => expect(check({ ...ok, temperature: 0.5, top_p: 0.9 })).toContain('cannot both be specified'));
  it('more than 4 cache_control blocks', () => {
    const cc = { type: 'ephemeral' };
    const blocks = [1, 2, 3, 4, 5].map((n) => ({ type: 'text', text: `t${n}`, cache_control: cc }));
    expect(check({ ...ok, messages: [msg('user', blocks)] })).toBe('A maximum of 4 blocks with cache_control may be provided. Found 5.');
  });
  it('an image of a type Anthropic does not read', () =>
    expect(check({ ...ok, messages: [msg('user', [{ type: 'image', source: { type: 'base64', media_type: 'image/tiff', data: 'AA' } }])] })).toContain('media_type'));
});
