// The LLM judge against the real gateway: it asks the gateway itself (Chat Completions,
// JSON mode) on a loopback port, and the gateway asks a fake OpenAI-compatible upstream
// whose answers each test scripts. Gateway keys are on, so the judge's key is exercised.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeChatUpstream, chatTextChunks, type ChatReply, type FakeChatUpstream } from '../support/fake-chat-upstream.js';
import { startTestGateway, type TestGateway } from '../support/gateway.js';
import { createLlmJudge, LlmJudgeError } from '../../evaluators/llm-judge.js';
import { llmJudgeFromConfig } from '../../evaluators/llm-judge-from-config.js';
import { parseConfig } from '../../src/config/load-config.js';
import type { TurnRecord } from '../../src/records/turn-record.js';
import type { EvaluationContext } from '../../evaluators/evaluator.js';

const KEY = 'gw-judge-key-0123456789';
const UPSTREAM_MODEL = 'judge-upstream-model';

// `auto` with the evaluator header goes to `judge` by rule; without it there is no
// default, so the gateway answers 404: a request routed by that rule proves the header
// reached the gateway.
const CONFIG = (upstreamUrl: string) =>
  [
    'routes:',
    '  - alias: "judge"',
    '    provider: openai_compatible',
    `    model: "${UPSTREAM_MODEL}"`,
    `    base_url: "${upstreamUrl}"`,
    'routing_policy:',
    '  rules:',
    `    - if: "header('x-gateway-evaluator') == 'llm_judge'"`,
    '      route_to: "judge"',
    'retries:',
    '  attempts: 1',
    '  base_delay_ms: 1',
    '  max_delay_ms: 2',
    'auth:',
    '  keys:',
    '    - id: "judge"',
    '      key_ref: "JUDGE_GATEWAY_KEY"',
    'evaluation:',
    '  judge:',
    '    route: "judge"',
    '    api_key_ref: "JUDGE_GATEWAY_KEY"',
    '    max_per_minute: 5',
    '',
  ].join('\n');

let upstream: FakeChatUpstream;
let gw: TestGateway;
let next: (req: { body: any }) => ChatReply;

beforeAll(async () => {
  upstream = await startFakeChatUpstream({ script: (req) => next(req) });
  gw = await startTestGateway(CONFIG(upstream.url), { env: { JUDGE_GATEWAY_KEY: KEY } });
});

afterAll(async () => {
  await gw?.close();
  await upstream?.close();
});

beforeEach(() => {
  next = () => answer({ score: 0.9, label: 'completed', explanation: 'The tests ran and passed.' });
});

// The upstream's JSON-mode answer, as text chunks (the gateway always streams upstream).
function answer(verdict: unknown): ChatReply {
  return { stream: chatTextChunks(typeof verdict === 'string' ? verdict : JSON.stringify(verdict), { usage: { prompt_tokens: 50, completion_tokens: 20 } }) };
}

const ctx: EvaluationContext = { outcomes: new Map() };

// A task-ending record: the last request carried the output of `npm test`, and the
// model answered with text and no further call.
function taskEnding(overrides: Partial<TurnRecord> = {}): TurnRecord {
  return {
    v: 1,
    id: 'turn-1',
    at: '2025-01-01T00:00:00.000Z',
    dialect: 'responses',
    stream: true,
    session: { id: 'sess-1', turnId: 'task-1', requestKind: 'turn' },
    identity: { developer: 'dev@example.com', repo: 'acme/api' },
    route: { requested: 'local-coder', alias: 'local-coder', by: 'alias' },
    provider: 'openai_compatible',
    model: 'fake-model',
    status: 'completed',
    httpStatus: 200,
    usage: { inputTokens: 1200, cachedInputTokens: 0, cacheWriteTokens: 0, outputTokens: 80, reasoningTokens: 0 },
    latencyMs: 900,
    finishReason: 'stop',
    toolsOffered: [{ type: 'function', name: 'shell' }],
    toolCalls: [],
    toolOutputs: [
      {
        callId: 'call_1',
        kind: 'function',
        name: 'shell',
        arguments: '{"command":["npm","test"]}',
        output: 'Exit code: 0\nOutput:\n Test Files  12 passed (12)\n      Tests  87 passed (87)\n',
      },
    ],
    finalTextLength: 412,
    outputObserved: true,
    removedTools: [],
    warnings: [],
    ...overrides,
  };
}

// What a judge call rejected with (undefined when it resolved).
async function rejection(p: unknown): Promise<unknown> {
  return Promise.resolve(p).then(
    () => undefined,
    (e: unknown) => e,
  );
}

function judge(opts: Partial<Parameters<typeof createLlmJudge>[0]> = {}) {
  return createLlmJudge({ route: 'judge', gatewayUrl: gw.url, apiKey: KEY, ...opts });
}

describe('llm_judge through the gateway', () => {
  it('returns the judge’s verdict and asks the route’s model in JSON mode', async () => {
    const before = upstream.requests.length;
    const verdict = await judge().evaluate(taskEnding(), ctx);
    expect(verdict).toEqual({
      name: 'llm_judge',
      score: 0.9,
      label: 'completed',
      explanation: 'The tests ran and passed.',
      // The gateway answers with the alias as the model.
      details: { route: 'judge', model: 'judge' },
    });
    expect(upstream.requests.length).toBe(before + 1);
    const sent = upstream.requests.at(-1)!.body;
    expect(sent).toMatchObject({ model: UPSTREAM_MODEL, response_format: { type: 'json_object' }, temperature: 0 });
    expect(sent.messages.map((m: any) => m.role)).toEqual(['system', 'user']);
    // The evidence is what the record holds: the tool run and the head of its output.
    const evidence = JSON.parse(sent.messages[1].content);
    expect(evidence).toMatchObject({ status: 'completed', finish_reason: 'stop', final_answer_chars: 412 });
    expect(evidence.tools_run_in_last_step).toEqual([
      { tool: 'shell', arguments: '{"command":["npm","test"]}', output_head: expect.stringContaining('87 passed') },
    ]);
    // The gateway recorded the judge's turn as the judge's (its request kind).
    const turn = gw.turns.at(-1)!;
    expect(turn).toMatchObject({ alias: 'judge', status: 'completed', httpStatus: 200 });
    expect(turn.identity?.requestKind).toBe('llm_judge');
    expect(turn.identity?.key).toBe('judge');
  });

  it('sends x-gateway-evaluator to the gateway (a rule on that header routes `auto` to the judge)', async () => {
    const verdict = await judge({ route: 'auto' }).evaluate(taskEnding(), ctx);
    expect(verdict).toMatchObject({ score: 0.9, label: 'completed' });
    expect(gw.turns.at(-1)!.decision).toMatchObject({ requested: 'auto', by: 'rule', candidates: ['judge'] });
    expect(upstream.requests.at(-1)!.body.model).toBe(UPSTREAM_MODEL);
  });

  it('clamps the score and truncates the explanation', async () => {
    next = () => answer({ score: 1.7, label: 'partial', explanation: 'x'.repeat(1000) });
    const verdict = await judge().evaluate(taskEnding(), ctx);
    expect(verdict?.score).toBe(1);
    expect(verdict?.label).toBe('partial');
    expect(verdict?.explanation.length).toBe(300);
  });

  it('does not judge a task still in progress, a failed turn, an empty answer or its own turns', async () => {
    const before = upstream.requests.length;
    const j = judge();
    const inProgress = taskEnding({ toolCalls: [{ callId: 'call_2', kind: 'function', name: 'shell', arguments: '{"command":["ls"]}' }], finalTextLength: 0, finishReason: 'tool_calls' });
    expect(await j.evaluate(inProgress, ctx)).toBeUndefined();
    expect(await j.evaluate(taskEnding({ toolCalls: inProgress.toolCalls }), ctx)).toBeUndefined();
    expect(await j.evaluate(taskEnding({ status: 'incomplete' }), ctx)).toBeUndefined();
    expect(await j.evaluate(taskEnding({ finalTextLength: 0 }), ctx)).toBeUndefined();
    expect(await j.evaluate(taskEnding({ session: { requestKind: 'llm_judge' } }), ctx)).toBeUndefined();
    expect(upstream.requests.length).toBe(before);
    expect(j.skipped()).toBe(0);
  });

  it('rate limit: past maxPerMinute a turn is left unjudged and counted; a minute later one is allowed again', async () => {
    let t = 1_000_000;
    const j = judge({ maxPerMinute: 2, now: () => t });
    const before = upstream.requests.length;
    expect(await j.evaluate(taskEnding(), ctx)).toBeDefined();
    expect(await j.evaluate(taskEnding(), ctx)).toBeDefined();
    expect(await j.evaluate(taskEnding(), ctx)).toBeUndefined();
    expect(j.skipped()).toBe(1);
    expect(upstream.requests.length).toBe(before + 2);
    t += 60_000;
    expect(await j.evaluate(taskEnding(), ctx)).toMatchObject({ name: 'llm_judge', score: 0.9 });
    expect(upstream.requests.length).toBe(before + 3);
    expect(j.skipped()).toBe(1);
  });

  it('sampling: sample 0 never calls; a roll at or above the share skips without counting a rate-limit skip', async () => {
    const before = upstream.requests.length;
    const never = judge({ sample: 0 });
    for (let i = 0; i < 5; i++) expect(await never.evaluate(taskEnding(), ctx)).toBeUndefined();
    const half = judge({ sample: 0.5, random: () => 0.5 });
    expect(await half.evaluate(taskEnding(), ctx)).toBeUndefined();
    expect(upstream.requests.length).toBe(before);
    expect(never.skipped() + half.skipped()).toBe(0);
    expect(await judge({ sample: 0.5, random: () => 0.49 }).evaluate(taskEnding(), ctx)).toBeDefined();
  });

  it('a judge answer that is not JSON rejects, saying so', async () => {
    next = () => answer('The task looks done to me.');
    await expect(judge().evaluate(taskEnding(), ctx)).rejects.toThrow(/not JSON/);
  });

  it('a JSON answer without a valid label or score rejects as malformed', async () => {
    next = () => answer({ score: 0.5, label: 'maybe', explanation: '?' });
    await expect(judge().evaluate(taskEnding(), ctx)).rejects.toThrow(/malformed judge answer: "label"/);
    next = () => answer({ score: '0.5', label: 'failed', explanation: '?' });
    await expect(judge().evaluate(taskEnding(), ctx)).rejects.toThrow(/malformed judge answer: "score"/);
  });

  it('an unknown judge route: the gateway’s 404 rejects naming the status and its message', async () => {
    const before = upstream.requests.length;
    const err = await rejection(judge({ route: 'no-such-route' }).evaluate(taskEnding(), ctx));
    expect(err).toBeInstanceOf(LlmJudgeError);
    expect((err as Error).message).toMatch(/HTTP 404: model_not_found: The model 'no-such-route' does not exist/);
    expect((err as LlmJudgeError).retryable).toBe(false);
    expect(upstream.requests.length).toBe(before);
  });

  it('a wrong gateway key: the 401 rejects naming the status', async () => {
    await expect(judge({ apiKey: 'wrong-key' }).evaluate(taskEnding(), ctx)).rejects.toThrow(/HTTP 401: invalid_api_key/);
  });

  it('an upstream failure the gateway passes on as 5xx rejects as retryable', async () => {
    next = () => ({ json: { error: { message: 'overloaded', type: 'server_error', param: null, code: null } }, status: 503 });
    const err = (await rejection(judge().evaluate(taskEnding(), ctx))) as LlmJudgeError;
    expect(err.message).toMatch(/HTTP 5\d\d \(retryable\)/);
    expect(err.retryable).toBe(true);
  });

  it('the worker’s abort signal stops the call', async () => {
    next = () => ({ hang: 'before-headers' });
    const ac = new AbortController();
    const pending = judge().evaluate(taskEnding(), { outcomes: new Map(), signal: ac.signal });
    await upstream.waitForRequest(upstream.requests.length);
    ac.abort(new Error('worker shutting down'));
    await expect(pending).rejects.toThrow('worker shutting down');
  });

  it('the timeout stops a call the gateway does not answer', async () => {
    next = () => ({ hang: 'before-headers' });
    await expect(judge({ fetchTimeoutMs: 200 }).evaluate(taskEnding(), ctx)).rejects.toThrow(/did not answer within 200 ms/);
  });
});

describe('llmJudgeFromConfig', () => {
  const config = () => parseConfig(CONFIG('http://127.0.0.1:1/v1')).config;

  it('is undefined without evaluation.judge', () => {
    expect(llmJudgeFromConfig({ routes: [] }, {})).toBeUndefined();
    expect(llmJudgeFromConfig({ routes: [], evaluation: { retention_days: 3 } }, {})).toBeUndefined();
  });

  it('refuses a named key variable that is unset or empty, naming it', () => {
    expect(() => llmJudgeFromConfig(config(), {})).toThrow(/JUDGE_GATEWAY_KEY/);
    expect(() => llmJudgeFromConfig(config(), { JUDGE_GATEWAY_KEY: '' })).toThrow(/JUDGE_GATEWAY_KEY/);
  });

  it('finds the gateway by $GATEWAY_URL, else by $PORT on loopback, and judges with the key', async () => {
    const byUrl = llmJudgeFromConfig(config(), { GATEWAY_URL: gw.url, JUDGE_GATEWAY_KEY: KEY })!;
    expect(byUrl.name).toBe('llm_judge');
    expect(await byUrl.evaluate(taskEnding(), ctx)).toMatchObject({ score: 0.9, details: { route: 'judge' } });
    const port = new URL(gw.url).port;
    const byPort = llmJudgeFromConfig(config(), { PORT: port, JUDGE_GATEWAY_KEY: KEY })!;
    expect(await byPort.evaluate(taskEnding(), ctx)).toMatchObject({ label: 'completed' });
  });

  it('takes max_per_minute from the config', async () => {
    const j = llmJudgeFromConfig(config(), { GATEWAY_URL: gw.url, JUDGE_GATEWAY_KEY: KEY })!;
    // max_per_minute: 5 — a burst of 6 leaves exactly one unjudged.
    const results = [];
    for (let i = 0; i < 6; i++) results.push(await j.evaluate(taskEnding(), ctx));
    expect(results.filter((r) => r === undefined)).toHaveLength(1);
    expect(j.skipped()).toBe(1);
  });
});
