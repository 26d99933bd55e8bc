// The real Codex CLI 0.169.0 runs its agent loop through the gateway to a loopback
// OpenAI-compatible (vLLM-shaped) upstream that refuses what vLLM would refuse.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startFakeChatUpstream, chatTextChunks, chatToolCallChunks, type FakeChatUpstream, type ChatReply } from '../support/fake-chat-upstream.js';
import { startTestGateway, compatRoute, type TestGateway } from '../support/gateway.js';
import { modelCatalogFor, runCodexExec } from '../support/run-codex.js';

let upstream: FakeChatUpstream;
let gw: TestGateway;
let script: (req: { body: any; index: number }) => ChatReply;
let workdir: string;

beforeAll(async () => {
  upstream = await startFakeChatUpstream({ script: (req) => script(req), apiKey: 'sk-local-vllm' });
  gw = await startTestGateway(`routes:\n${compatRoute('qwen-via-gateway', upstream.url, '    api_key_ref: vllm_key\n')}`, {
    env: { VLLM_KEY: 'sk-local-vllm' },
  });
});

afterAll(async () => {
  await gw?.close();
  await upstream?.close();
});

const hasToolResult = (body: any) => body.messages.some((m: any) => m.role === 'tool');

describe('Codex CLI through the gateway to an OpenAI-compatible upstream', () => {
  it('completes an exec_command loop: the file exists and Codex exits 0', async () => {
    workdir = await mkdtemp(join(tmpdir(), 'codex-e2e-'));
    const first = upstream.requests.length;
    script = ({ body }) =>
      hasToolResult(body)
        ? { stream: chatTextChunks('Done: the file is written.', { splitInto: 3 }) }
        : { stream: chatToolCallChunks({ id: 'call_exec_1', name: 'exec_command', arguments: JSON.stringify({ cmd: 'echo hello > out.txt' }), splitInto: 5 }) };
    const run = await runCodexExec({
      baseUrl: `${gw.url}/v1`,
      model: 'qwen-via-gateway',
      prompt: 'Run this exact shell command in the current directory: echo hello > out.txt. Then reply done.',
      workdir,
      apiKey: 'codex-user-key',
    });
    expect(run.code, run.stderr.slice(-2000)).toBe(0);
    expect(await readFile(join(workdir, 'out.txt'), 'utf8')).toBe('hello\n');
    expect(run.stdout).toContain('Done: the file is written.');

    const sent = upstream.requests.slice(first);
    expect(sent).toHaveLength(2);
    expect(sent.map((r) => r.rejection)).toEqual([undefined, undefined]);
    // Turn 2 carries the call and its result as one assistant message + a tool message.
    const msgs = sent[1].body.messages;
    const assistant = msgs.find((m: any) => m.tool_calls);
    expect(assistant.tool_calls[0]).toMatchObject({ id: 'call_exec_1', function: { name: 'exec_command' } });
    expect(msgs.at(-1)).toMatchObject({ role: 'tool', tool_call_id: 'call_exec_1' });
    // Namespaced Codex tools reach the upstream flattened to names it accepts.
    expect(sent[0].body.tools.map((t: any) => t.function.name)).toContain('multi_agent_v1__spawn_agent');
    expect(gw.turns.slice(-2).map((t) => [t.status, t.removedTools])).toEqual([
      ['completed', ['web_search']],
      ['completed', ['web_search']],
    ]);
    await rm(workdir, { recursive: true, force: true });
  });

  it('completes an apply_patch loop: the freeform tool goes out as a one-string function and comes back as a custom_tool_call', async () => {
    workdir = await mkdtemp(join(tmpdir(), 'codex-e2e-'));
    const first = upstream.requests.length;
    const patch = '*** Begin Patch\n*** Add File: patched.txt\n+patched through the gateway\n*** End Patch\n';
    script = ({ body }) =>
      hasToolResult(body)
        ? { stream: chatTextChunks('Patched.') }
        : { stream: chatToolCallChunks({ id: 'call_patch_1', name: 'apply_patch', arguments: JSON.stringify({ input: patch }), splitInto: 7 }) };
    const run = await runCodexExec({
      baseUrl: `${gw.url}/v1`,
      model: 'qwen-via-gateway',
      prompt: 'Create patched.txt containing "patched through the gateway" using apply_patch.',
      workdir,
      modelCatalogJson: modelCatalogFor('qwen-via-gateway'),
    });
    expect(run.code, run.stderr.slice(-2000)).toBe(0);
    expect(await readFile(join(workdir, 'patched.txt'), 'utf8')).toBe('patched through the gateway\n');

    const sent = upstream.requests.slice(first);
    expect(sent.map((r) => r.rejection)).toEqual([undefined, undefined]);
    const tool = sent[0].body.tools.find((t: any) => t.function.name === 'apply_patch');
    expect(tool.function.parameters).toMatchObject({ type: 'object', required: ['input'] });
    // Codex sent the call back as custom_tool_call; the upstream sees it re-wrapped as JSON arguments.
    const assistant = sent[1].body.messages.find((m: any) => m.tool_calls);
    expect(JSON.parse(assistant.tool_calls[0].function.arguments)).toEqual({ input: patch });
    await rm(workdir, { recursive: true, force: true });
  });
});
