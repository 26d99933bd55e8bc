// The real Codex CLI 0.169.0 runs its agent loop through the gateway to a loopback
// Anthropic-shaped fake that refuses what the Messages API refuses (issue 3, done-when 2a).
//
// Turn 1: the fake streams a thinking block with a signature, text and a tool_use
// (exec_command). Codex runs the command and sends its history back, reasoning item
// included with the encrypted_content the gateway sealed. Turn 2: the fake checks that the
// thinking block came back unchanged (same thinking, same signature) at the start of the
// assistant message, before the tool_use, and that the tool_result follows in the next user
// message; only then does it answer.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { anthropicErrorBody, anthropicEvents, fakeSignature, startFakeAnthropicUpstream, type AnthropicReply, type FakeAnthropicUpstream } from '../support/fake-anthropic-upstream.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { modelCatalogFor, runCodexExec } from '../support/run-codex.js';

const MODEL = 'claude-sonnet-4-5-20250929';
const ALIAS = 'claude-via-gateway';

let upstream: FakeAnthropicUpstream;
let gw: TestGateway;
let script: (body: any) => AnthropicReply;

beforeAll(async () => {
  upstream = await startFakeAnthropicUpstream({ apiKey: 'sk-ant-e2e', script: ({ body }) => script(body) });
  gw = await startTestGateway(
    `routes:\n  - alias: "${ALIAS}"\n    provider: anthropic\n    model: ${MODEL}\n    api_key_ref: anthropic_key\n    base_url: "${upstream.url}"\n`,
    { env: { ANTHROPIC_KEY: 'sk-ant-e2e', GATEWAY_STATE_SECRET: 'e2e-state-secret-0123456789abcdef' } },
  );
});

afterAll(async () => {
  await gw?.close();
  await upstream?.close();
});

const lastIsToolResult = (body: any) => body.messages.at(-1).content.some((b: any) => b.type === 'tool_result');
const fastFail = ['model_providers.gateway.request_max_retries=0', 'model_providers.gateway.stream_max_retries=0'];

describe('Codex CLI through the gateway to Anthropic', () => {
  it('completes an exec_command loop with thinking: the signed thinking block comes back unchanged before the tool_use', async () => {
    const workdir = await mkdtemp(join(tmpdir(), 'codex-anthropic-'));
    const first = upstream.requests.length;
    const thinking = 'The user wants a file. I will run echo with a redirect, then confirm.';
    const signature = fakeSignature(thinking);
    const checks: string[] = [];
    script = (body) => {
      if (!lastIsToolResult(body)) {
        return {
          events: anthropicEvents({
            thinking,
            signature,
            text: 'Running the command now.',
            toolUses: [{ id: 'toolu_exec_1', name: 'exec_command', input: { cmd: 'echo hello > out.txt' } }],
            splitInto: 4,
          }),
        };
      }
      // Turn 2: the history must carry the block verbatim, before the tool_use, and the result right after.
      const msgs = body.messages;
      const ai = msgs.findIndex((m: any) => m.role === 'assistant' && m.content.some((b: any) => b.type === 'tool_use' && b.id === 'toolu_exec_1'));
      const assistant = msgs[ai];
      if (!assistant) checks.push('no assistant message with toolu_exec_1');
      else {
        if (JSON.stringify(assistant.content[0]) !== JSON.stringify({ type: 'thinking', thinking, signature })) checks.push(`first block is not the thinking block: ${JSON.stringify(assistant.content[0]).slice(0, 200)}`);
        const types = assistant.content.map((b: any) => b.type);
        if (types.indexOf('thinking') > types.indexOf('tool_use')) checks.push(`thinking after tool_use: ${types}`);
        const next = msgs[ai + 1];
        if (next?.role !== 'user' || next.content[0]?.type !== 'tool_result' || next.content[0].tool_use_id !== 'toolu_exec_1') checks.push(`no tool_result right after: ${JSON.stringify(next).slice(0, 200)}`);
      }
      if (body.thinking?.type !== 'enabled') checks.push(`thinking not enabled on turn 2: ${JSON.stringify(body.thinking)}`);
      if (checks.length > 0) return { status: 400, json: anthropicErrorBody('invalid_request_error', checks.join('; ')) };
      return { events: anthropicEvents({ text: 'Done: the file is written.', splitInto: 3 }) };
    };

    const run = await runCodexExec({
      baseUrl: `${gw.url}/v1`,
      model: ALIAS,
      prompt: 'Run this exact shell command in the current directory: echo hello > out.txt. Then reply done.',
      workdir,
      // Codex sends `reasoning.effort` (and asks for encrypted reasoning) with this set.
      extraConfig: ['model_reasoning_effort="high"', ...fastFail],
    });
    expect(run.code, run.stderr.slice(-3000)).toBe(0);
    expect(await readFile(join(workdir, 'out.txt'), 'utf8')).toBe('hello\n');
    expect(run.stdout).toContain('Done: the file is written.');

    const sent = upstream.requests.slice(first);
    expect(sent.map((r) => r.rejection)).toEqual([undefined, undefined]);
    expect(checks).toEqual([]);
    // Thinking was on in both turns: turn 1 from Codex's effort, turn 2 because the block came back.
    expect(sent.map((r) => r.body.thinking)).toEqual([
      { type: 'enabled', budget_tokens: 16384 },
      { type: 'enabled', budget_tokens: 16384 },
    ]);
    // Codex's system prompt (its developer message) is the system prompt, cached.
    expect(sent[0].body.system[0].text).toContain('Codex');
    expect(sent[0].body.tools.map((t: any) => t.name)).toContain('multi_agent_v1__spawn_agent');
    expect(gw.turns.slice(-2).map((t) => t.status)).toEqual(['completed', 'completed']);
    await rm(workdir, { recursive: true, force: true });
  });

  it('completes an apply_patch loop: the freeform tool goes out as a one-string function and its call comes back whole', async () => {
    const workdir = await mkdtemp(join(tmpdir(), 'codex-anthropic-'));
    const first = upstream.requests.length;
    const patch = '*** Begin Patch\n*** Add File: patched.txt\n+patched through Claude\n*** End Patch\n';
    script = (body) =>
      lastIsToolResult(body)
        ? { events: anthropicEvents({ text: 'Patched.' }) }
        : { events: anthropicEvents({ toolUses: [{ id: 'toolu_patch_1', name: 'apply_patch', input: { input: patch } }], splitInto: 7 }) };
    const run = await runCodexExec({
      baseUrl: `${gw.url}/v1`,
      model: ALIAS,
      prompt: 'Create patched.txt containing "patched through Claude" using apply_patch.',
      workdir,
      modelCatalogJson: modelCatalogFor(ALIAS),
      extraConfig: fastFail,
    });
    expect(run.code, run.stderr.slice(-3000)).toBe(0);
    expect(await readFile(join(workdir, 'patched.txt'), 'utf8')).toBe('patched through Claude\n');
    const sent = upstream.requests.slice(first);
    expect(sent.map((r) => r.rejection)).toEqual([undefined, undefined]);
    expect(sent[0].body.tools.find((t: any) => t.name === 'apply_patch').input_schema).toMatchObject({ required: ['input'] });
    const turn2 = sent[1].body.messages;
    const useIndex = turn2.findIndex((m: any) => m.content.some((b: any) => b.type === 'tool_use'));
    expect(turn2[useIndex].content.find((b: any) => b.type === 'tool_use')).toEqual({ type: 'tool_use', id: 'toolu_patch_1', name: 'apply_patch', input: { input: patch } });
    expect(turn2[useIndex + 1].content[0]).toMatchObject({ type: 'tool_result', tool_use_id: 'toolu_patch_1' });
    await rm(workdir, { recursive: true, force: true });
  });
});
