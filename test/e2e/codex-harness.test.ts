// Proves the e2e harness: the real Codex CLI, run by runCodexExec, against a
// loopback fake Responses server; and the fake Chat Completions upstream that
// the gateway e2e tests put behind the gateway, driven by the openai SDK.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  chatTextChunks,
  chatToolCallChunks,
  startFakeChatUpstream,
  type FakeChatUpstream,
} from '../support/fake-chat-upstream.js';
import {
  responsesFunctionCallEvents,
  responsesMessageEvents,
  startFakeResponsesUpstream,
  type FakeResponsesUpstream,
  type ResponsesRequest,
} from '../support/fake-responses-upstream.js';
import { modelCatalogFor, runCodexExec } from '../support/run-codex.js';

const CODEX_TIMEOUT = 120_000;

function toolOutput(req: ResponsesRequest, type: string, callId: string): any {
  return (req.body?.input ?? []).find((i: any) => i.type === type && i.call_id === callId);
}

describe('Codex CLI harness (real codex exec against a fake Responses server)', () => {
  let workdir: string;
  let upstream: FakeResponsesUpstream | undefined;

  beforeEach(async () => {
    workdir = await mkdtemp(join(tmpdir(), 'codex-work-'));
  });
  afterEach(async () => {
    await upstream?.close();
    upstream = undefined;
    await rm(workdir, { recursive: true, force: true });
  });

  it(
    'runs exec_command from a function_call, then ends the turn on the final message',
    async () => {
      upstream = await startFakeResponsesUpstream({
        script: (req) =>
          toolOutput(req, 'function_call_output', 'call_fake_0001')
            ? { events: responsesMessageEvents({ text: 'Done. The command ran and the file was written.' }) }
            : {
                events: responsesFunctionCallEvents({
                  callId: 'call_fake_0001',
                  name: 'exec_command',
                  arguments: JSON.stringify({ cmd: 'echo hello > out.txt' }),
                }),
              },
      });

      const run = await runCodexExec({
        baseUrl: upstream.url,
        model: 'fake-model',
        prompt: 'Write hello into out.txt',
        workdir,
        apiKey: 'sk-harness-test',
      });

      expect(run.code, run.stderr).toBe(0);
      expect(await readFile(join(workdir, 'out.txt'), 'utf8')).toBe('hello\n');
      expect(run.stdout).toContain('Done. The command ran and the file was written.');

      // Exactly two requests, both POST /v1/responses: no /models, no prewarm, no compaction.
      expect(upstream.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
        'POST /v1/responses',
        'POST /v1/responses',
      ]);
      const [turn1, turn2] = upstream.requests;
      for (const r of [turn1, turn2]) {
        expect(r.headers.authorization).toBe('Bearer sk-harness-test');
        expect(r.headers.accept).toBe('text/event-stream');
        expect(r.headers.originator).toBe('codex_exec');
        expect(r.body).toMatchObject({ model: 'fake-model', stream: true, store: false, tool_choice: 'auto' });
        expect(JSON.parse(String(r.headers['x-codex-turn-metadata'])).request_kind).toBe('turn');
      }
      expect(turn1.headers['session-id']).toBe(turn2.headers['session-id']);
      // Turn 2 carries the whole history: the call, then its output.
      expect(turn2.body.input.slice(-2)).toMatchObject([
        { type: 'function_call', call_id: 'call_fake_0001', name: 'exec_command' },
        { type: 'function_call_output', call_id: 'call_fake_0001' },
      ]);
      expect(turn2.body.input.length).toBe(turn1.body.input.length + 2);
    },
    CODEX_TIMEOUT,
  );

  it(
    'gives a catalog-described alias the freeform apply_patch tool and applies its patch',
    async () => {
      const patch = '*** Begin Patch\n*** Add File: patched.txt\n+patched by apply_patch\n*** End Patch\n';
      upstream = await startFakeResponsesUpstream({
        script: (req) => {
          if (toolOutput(req, 'custom_tool_call_output', 'call_patch_1')) {
            return { events: responsesMessageEvents({ text: 'Patched.' }) };
          }
          const item = { id: 'ctc_1', type: 'custom_tool_call', status: 'completed', call_id: 'call_patch_1', name: 'apply_patch', input: patch };
          return {
            events: [
              { type: 'response.created', response: { id: 'resp_patch_1', status: 'in_progress', output: [] } },
              { type: 'response.output_item.added', output_index: 0, item: { ...item, status: 'in_progress', input: '' } },
              { type: 'response.output_item.done', output_index: 0, item },
              {
                type: 'response.completed',
                response: {
                  id: 'resp_patch_1',
                  status: 'completed',
                  output: [item],
                  usage: { input_tokens: 10, input_tokens_details: { cached_tokens: 0 }, output_tokens: 5, output_tokens_details: { reasoning_tokens: 0 }, total_tokens: 15 },
                },
              },
            ],
          };
        },
      });

      const run = await runCodexExec({
        baseUrl: upstream.url,
        model: 'my-alias-via-gateway',
        prompt: 'Create patched.txt',
        workdir,
        modelCatalogJson: modelCatalogFor('my-alias-via-gateway', { base_instructions: 'You are the harness agent.' }),
      });

      expect(run.code, run.stderr).toBe(0);
      expect(await readFile(join(workdir, 'patched.txt'), 'utf8')).toBe('patched by apply_patch\n');
      expect(upstream.requests).toHaveLength(2);
      const [turn1, turn2] = upstream.requests;
      expect(turn1.body.tools).toContainEqual(expect.objectContaining({ type: 'custom', name: 'apply_patch' }));
      expect(turn1.body.input[0]).toMatchObject({
        type: 'message',
        role: 'developer',
        content: [{ type: 'input_text', text: 'You are the harness agent.' }],
      });
      expect(turn2.body.input.slice(-2)).toMatchObject([
        { type: 'custom_tool_call', call_id: 'call_patch_1', name: 'apply_patch', input: patch },
        { type: 'custom_tool_call_output', call_id: 'call_patch_1' },
      ]);
    },
    CODEX_TIMEOUT,
  );
});

describe('fake Chat Completions upstream', () => {
  let fake: FakeChatUpstream | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  const tools = [
    { type: 'function' as const, function: { name: 'exec_command', parameters: { type: 'object', properties: { cmd: { type: 'string' } } } } },
  ];

  it('streams a tool call in fragments that the openai SDK reassembles, with usage when asked', async () => {
    fake = await startFakeChatUpstream({
      script: () => ({ stream: chatToolCallChunks({ id: 'call_1', name: 'exec_command', arguments: '{"cmd":"echo hello > out.txt"}', splitInto: 5 }) }),
    });
    const client = new OpenAI({ baseURL: fake.url, apiKey: 'k', maxRetries: 0 });
    const stream = client.chat.completions.stream({
      model: 'fake-model',
      messages: [{ role: 'user', content: 'hi' }],
      tools,
      stream_options: { include_usage: true },
    });
    const fragments: string[] = [];
    for await (const chunk of stream) {
      const args = chunk.choices[0]?.delta.tool_calls?.[0]?.function?.arguments;
      if (args) fragments.push(args);
    }
    const done = await stream.finalChatCompletion();
    expect(fragments.length).toBe(5);
    expect(done.choices[0].finish_reason).toBe('tool_calls');
    expect(done.choices[0].message.tool_calls?.[0]).toMatchObject({
      id: 'call_1',
      type: 'function',
      function: { name: 'exec_command', arguments: '{"cmd":"echo hello > out.txt"}' },
    });
    expect(done.usage?.total_tokens).toBeGreaterThan(0);
    expect(fake.requests[0].body.stream).toBe(true);
  });

  it('drops the usage chunk unless include_usage was requested, and ends with [DONE]', async () => {
    fake = await startFakeChatUpstream({ script: () => ({ stream: chatTextChunks('Hello there, world') }) });
    const res = await fetch(`${fake.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'fake-model', messages: [{ role: 'user', content: 'hi' }], stream: true }),
    });
    const text = await res.text();
    const frames = text.split('\n\n').filter(Boolean);
    expect(frames.at(-1)).toBe('data: [DONE]');
    const chunks = frames.slice(0, -1).map((f) => JSON.parse(f.slice('data: '.length)));
    expect(chunks.every((c) => c.choices.length === 1)).toBe(true);
    expect(chunks.map((c) => c.choices[0].delta.content ?? '').join('')).toBe('Hello there, world');
    expect(chunks.at(-1).choices[0].finish_reason).toBe('stop');
  });

  it('answers a non-streamed request with the aggregated completion', async () => {
    fake = await startFakeChatUpstream({ script: () => ({ stream: chatTextChunks('Plain answer.') }) });
    const client = new OpenAI({ baseURL: fake.url, apiKey: 'k', maxRetries: 0 });
    const done = await client.chat.completions.create({ model: 'fake-model', messages: [{ role: 'user', content: 'hi' }] });
    expect(done.object).toBe('chat.completion');
    expect(done.choices[0].message.content).toBe('Plain answer.');
    expect(done.usage?.prompt_tokens).toBe(100);
  });

  it('refuses what a real server refuses, with an OpenAI-shaped 400', async () => {
    fake = await startFakeChatUpstream({ script: () => ({ stream: chatTextChunks('unreachable') }) });
    const post = async (body: object) => {
      const res = await fetch(`${fake!.url}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as any };
    };
    const user = { role: 'user', content: 'hi' };
    const call = { id: 'call_a', type: 'function', function: { name: 'exec_command', arguments: '{}' } };
    const cases: [string, object, string][] = [
      ['no model', { messages: [user] }, 'model'],
      ['no messages', { model: 'm' }, 'messages'],
      ['tool reply to an unknown id', { model: 'm', messages: [user, { role: 'assistant', content: null, tool_calls: [call] }, { role: 'tool', tool_call_id: 'call_b', content: 'x' }] }, "role 'tool'"],
      ['unanswered tool call', { model: 'm', messages: [user, { role: 'assistant', content: null, tool_calls: [call] }, user] }, 'did not have response messages'],
      ['custom tool type', { model: 'm', messages: [user], tools: [{ type: 'custom', custom: { name: 'apply_patch' } }] }, "Supported values are: 'function'"],
      ['dotted tool name', { model: 'm', messages: [user], tools: [{ type: 'function', function: { name: 'multi_agent_v1.spawn' } }] }, 'does not match pattern'],
      ['empty tools', { model: 'm', messages: [user], tools: [] }, 'empty array'],
      ['parallel_tool_calls without tools', { model: 'm', messages: [user], parallel_tool_calls: true }, 'only allowed when'],
      ['Responses-style content part', { model: 'm', messages: [{ role: 'user', content: [{ type: 'input_text', text: 'hi' }] }] }, "'input_text'"],
      ['object arguments', { model: 'm', messages: [user, { role: 'assistant', tool_calls: [{ ...call, function: { name: 'x', arguments: {} } }] }, { role: 'tool', tool_call_id: 'call_a', content: 'x' }] }, 'expected a string'],
      ['Responses-only field', { model: 'm', messages: [user], instructions: 'be nice' }, 'Unrecognized request argument'],
    ];
    for (const [name, body, fragment] of cases) {
      const r = await post(body);
      expect(r.status, name).toBe(400);
      expect(r.body.error, name).toMatchObject({ type: 'invalid_request_error' });
      expect(r.body.error.message, name).toContain(fragment);
    }
    expect(fake.requests.every((r) => r.rejection?.status === 400)).toBe(true);

    // The well-formed version of a tool round trip is accepted.
    const ok = await post({ model: 'm', messages: [user, { role: 'assistant', content: null, tool_calls: [call] }, { role: 'tool', tool_call_id: 'call_a', content: 'x' }], tools, parallel_tool_calls: true });
    expect(ok.status).toBe(200);
  });

  it('lets a test see the client close a hanging stream', async () => {
    fake = await startFakeChatUpstream({ script: () => ({ hang: true }) });
    const ac = new AbortController();
    const res = await fetch(`${fake.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'fake-model', messages: [{ role: 'user', content: 'hi' }], stream: true }),
      signal: ac.signal,
    });
    const reader = res.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toMatch(/^data: \{.*"role":"assistant"/);
    const req = await fake.waitForRequest(0);
    ac.abort();
    await expect(req.closed).resolves.toEqual({ completed: false });
    expect(req.clientAborted).toBe(true);
    expect(fake.clientAborts).toBe(1);
  });
});
