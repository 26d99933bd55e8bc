// Without REDIS_URL the gateway runs the same processor in its own process: the Codex
// loop is scored with no worker and no Redis.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeChatUpstream, chatTextChunks, chatToolCallChunks, type FakeChatUpstream } from '../support/fake-chat-upstream.js';
import { startTestGateway, compatRoute, type TestGateway } from '../support/gateway.js';
import { readCodexRequest } from '../support/fixtures.js';

let upstream: FakeChatUpstream;
let gw: TestGateway;

beforeAll(async () => {
  upstream = await startFakeChatUpstream({
    script: ({ body }) =>
      body.messages.at(-1)?.role === 'tool'
        ? { stream: chatTextChunks('Done.') }
        : { stream: chatToolCallChunks({ id: 'call_fake_0001', name: 'exec_command', arguments: '{"cmd": 42}' }) },
  });
  gw = await startTestGateway(`routes:\n${compatRoute('codex-model', upstream.url)}`);
});

afterAll(async () => {
  await gw?.close();
  await upstream?.close();
});

describe('eval loop in process (no REDIS_URL)', () => {
  it('scores each turn in the gateway process: a schema violation is invalid, the finished task completed', async () => {
    for (const name of ['turn1-request.json', 'turn2-request.json']) {
      const { headers, body } = readCodexRequest(name);
      const res = await fetch(`${gw.url}/v1/responses`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'session-id': headers['session-id'], 'x-codex-turn-metadata': headers['x-codex-turn-metadata'] },
        body: JSON.stringify({ ...body, model: 'codex-model' }),
      });
      expect(res.status).toBe(200);
      await res.text();
    }
    expect(gw.records.stats().mode).toBe('in-process');
    const [t1, t2] = gw.turns.map((t) => t.id);
    const deadline = Date.now() + 10_000;
    while (!(await gw.scores!.getVerdicts(t2)).task_completion && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const v1 = await gw.scores!.getVerdicts(t1);
    expect(v1.tool_call_validity).toMatchObject({ score: 0, label: 'invalid' });
    expect(v1.tool_call_validity.explanation).toMatch(/exec_command: arguments do not match the schema: arguments\/cmd must be string/);
    expect((await gw.scores!.getVerdicts(t2)).task_completion).toMatchObject({ score: 1, label: 'completed' });
  });
});
