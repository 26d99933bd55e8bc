// The optional LLM judge (config `evaluation.judge`, off by default): asks a model,
// through this very gateway, whether a task-ending turn looks like it completed the task.
//
// Why through the gateway rather than straight to a provider: the judge's own turns are
// then routed, traced, costed and budgeted like any other, and need no provider key of
// their own. They carry `x-gateway-evaluator: llm_judge` so they can be told apart.
// The gateway does not (yet) copy that header into the turn record, so they also carry
// `x-openai-subagent: llm_judge`, which it does record (as `session.requestKind`, also
// the routing rules' `request_kind`): without it the judge's own completed JSON answers
// would be task-ending records and get judged in turn, a loop bounded only by the rate
// limit.
//
// The turn record holds no prompt or answer text (privacy: only lengths, tool calls and
// the heads of tool outputs), so the judge sees only that: the tools run in the task's
// last request and what they printed, the answer's length, status and finish reason, and
// whether the user asked the same thing again. It is a weak signal by design; the
// deterministic evaluators remain the primary ones.
//
// Cost control: a per-process token bucket (`maxPerMinute`) and a sampling share. When
// the bucket is empty the turn is left unjudged (undefined), never queued for later: a
// backlog of judge calls would only lag further behind and cost as much.
import { request } from 'undici';
import type { TurnRecord } from '../src/records/turn-record.js';
import { qualifiedName } from '../src/records/turn-record.js';
import type { EvaluationContext, Evaluator, Verdict } from './evaluator.js';

export interface LlmJudgeOptions {
  // The gateway alias the judge asks.
  route: string;
  // The gateway's base URL (no `/v1`).
  gatewayUrl: string;
  // A gateway key, when gateway keys are on.
  apiKey?: string;
  // Judge calls allowed per minute (default 10).
  maxPerMinute?: number;
  // Share of task-ending turns judged, in [0, 1] (default 1).
  sample?: number;
  // Per call, headers and body included (default 30 s).
  fetchTimeoutMs?: number;
  // Injected for tests: the clock (ms) and the sampling dice.
  now?: () => number;
  random?: () => number;
}

export type LlmJudge = Evaluator & { skipped(): number };

export const LLM_JUDGE_NAME = 'llm_judge';
export const EVALUATOR_HEADER = 'x-gateway-evaluator';
// Codex's sub-agent header: the gateway records its value as the turn's request kind.
const REQUEST_KIND_HEADER = 'x-openai-subagent';

const LABELS = new Set(['completed', 'partial', 'failed']);
const EXPLANATION_LIMIT = 300;
// Keep the prompt small: the judge is called often and its context is paid for.
const MAX_OUTPUTS = 12;
const ARGUMENTS_HEAD = 400;
const OUTPUT_HEAD = 800;
// A judge answer is a short JSON object; anything far larger is not one.
const ANSWER_BODY_LIMIT = 1_000_000;

// Thrown for every failure, so the worker retries; `retryable` says whether a retry can
// help (429, 5xx, network, timeout, a malformed answer) or not (another 4xx: a wrong
// route or key needs a config change).
export class LlmJudgeError extends Error {
  readonly retryable: boolean;
  readonly status?: number;
  constructor(message: string, opts: { retryable: boolean; status?: number; cause?: unknown }) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'LlmJudgeError';
    this.retryable = opts.retryable;
    this.status = opts.status;
  }
}

export function createLlmJudge(options: LlmJudgeOptions): LlmJudge {
  const maxPerMinute = options.maxPerMinute ?? 10;
  const sample = options.sample ?? 1;
  const timeoutMs = options.fetchTimeoutMs ?? 30_000;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  if (!options.route) throw new Error('llm_judge: route is required');
  if (!(maxPerMinute > 0)) throw new Error(`llm_judge: maxPerMinute must be > 0, got ${maxPerMinute}`);
  if (!(sample >= 0 && sample <= 1)) throw new Error(`llm_judge: sample must be in [0, 1], got ${sample}`);
  const endpoint = `${options.gatewayUrl.replace(/\/+$/, '')}/v1/chat/completions`;

  // Token bucket: holds up to maxPerMinute tokens, refilled continuously at
  // maxPerMinute per 60 s, so a burst after a quiet minute is allowed but the
  // sustained rate is capped.
  let tokens = maxPerMinute;
  let refilledAt = now();
  let skips = 0;
  const take = (): boolean => {
    const t = now();
    const elapsed = Math.max(0, t - refilledAt);
    tokens = Math.min(maxPerMinute, tokens + (elapsed * maxPerMinute) / 60_000);
    refilledAt = t;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  };

  return {
    name: LLM_JUDGE_NAME,
    skipped: () => skips,
    async evaluate(record: TurnRecord, ctx: EvaluationContext): Promise<Verdict | undefined> {
      if (!isTaskEnding(record)) return undefined;
      // The judge's own turns (see the header comment) are never judged.
      if (record.session?.requestKind === LLM_JUDGE_NAME) return undefined;
      // Sampled out turns are not skips: only the rate limit's refusals are counted.
      if (!(random() < sample)) return undefined;
      ctx.signal?.throwIfAborted();
      if (!take()) {
        skips++;
        return undefined;
      }
      const answer = await callGateway(endpoint, {
        route: options.route,
        apiKey: options.apiKey,
        timeoutMs,
        signal: ctx.signal,
        messages: buildMessages(record, ctx),
      });
      const verdict = parseVerdict(answer.content);
      return {
        name: LLM_JUDGE_NAME,
        score: verdict.score,
        label: verdict.label,
        explanation: verdict.explanation,
        details: { route: options.route, model: answer.model },
      };
    },
  };
}

// The last request of a task: it completed with text and asked for no tool call.
export function isTaskEnding(record: TurnRecord): boolean {
  return record.status === 'completed' && record.toolCalls.length === 0 && record.finalTextLength > 0;
}

const SYSTEM_PROMPT = [
  'You judge whether an AI coding agent completed the task it was given.',
  "You do not see the user's request or the agent's final answer (they are private);",
  'you see the tools the agent ran in its last step, the head of what each printed,',
  'and facts about the final answer. Judge from that evidence only: failing commands,',
  'errors or tests that did not pass suggest "failed" or "partial"; passing checks and',
  'a normal final answer suggest "completed". With little evidence, stay near 0.5.',
  'Answer with one JSON object and nothing else:',
  '{"score": <number from 0 to 1, 1 = certainly completed>, "label": "completed" | "partial" | "failed", "explanation": "<one or two sentences>"}',
].join(' ');

export function buildMessages(record: TurnRecord, ctx: EvaluationContext): { role: 'system' | 'user'; content: string }[] {
  const outputs = record.toolOutputs.slice(-MAX_OUTPUTS);
  const evidence: Record<string, unknown> = {
    status: record.status,
    finish_reason: record.finishReason ?? null,
    final_answer_chars: record.finalTextLength,
    tools_run_in_last_step: outputs.map((o) => ({
      tool: o.name ? qualifiedName({ name: o.name, namespace: o.namespace }) : '(unknown)',
      ...(o.arguments !== undefined ? { arguments: head(o.arguments, ARGUMENTS_HEAD) } : {}),
      output_head: head(o.output, OUTPUT_HEAD),
      ...(o.truncated || o.output.length > OUTPUT_HEAD ? { output_truncated: true } : {}),
    })),
  };
  if (record.toolOutputs.length > outputs.length) evidence.earlier_tool_outputs_omitted = record.toolOutputs.length - outputs.length;
  // The user sending the same prompt again is the strongest sign the task did not land.
  const retried = ctx.retriedByUser ?? (record.lastUser?.repeatsPrevious ? true : undefined);
  if (retried !== undefined) evidence.user_repeated_the_prompt = retried;
  return [
    { role: 'system', content: SYSTEM_PROMPT },
    { role: 'user', content: JSON.stringify(evidence) },
  ];
}

function head(text: string, limit: number): string {
  return text.length > limit ? `${text.slice(0, limit)}…` : text;
}

interface GatewayAnswer {
  content: string;
  model?: string;
}

async function callGateway(
  endpoint: string,
  o: { route: string; apiKey?: string; timeoutMs: number; signal?: AbortSignal; messages: unknown[] },
): Promise<GatewayAnswer> {
  const timeout = AbortSignal.timeout(o.timeoutMs);
  const signal = o.signal ? AbortSignal.any([o.signal, timeout]) : timeout;
  const headers: Record<string, string> = { 'content-type': 'application/json', [EVALUATOR_HEADER]: LLM_JUDGE_NAME, [REQUEST_KIND_HEADER]: LLM_JUDGE_NAME };
  if (o.apiKey) headers.authorization = `Bearer ${o.apiKey}`;
  const body = JSON.stringify({
    model: o.route,
    messages: o.messages,
    response_format: { type: 'json_object' },
    temperature: 0,
    stream: false,
  });

  let status: number;
  let text: string;
  try {
    const res = await request(endpoint, { method: 'POST', headers, body, signal });
    status = res.statusCode;
    text = await res.body.text();
  } catch (e) {
    // The worker's shutdown is not a judge failure: pass its abort through as it is.
    if (o.signal?.aborted) throw o.signal.reason ?? e;
    if (timeout.aborted) throw new LlmJudgeError(`llm_judge: the gateway did not answer within ${o.timeoutMs} ms (${endpoint})`, { retryable: true, cause: e });
    throw new LlmJudgeError(`llm_judge: could not reach the gateway at ${endpoint}: ${(e as Error).message}`, { retryable: true, cause: e });
  }
  if (text.length > ANSWER_BODY_LIMIT) throw new LlmJudgeError(`llm_judge: the gateway's answer is too large (${text.length} characters)`, { retryable: true, status });

  let json: any;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (status < 200 || status >= 300) {
    const err = json?.error;
    const what = [err?.code ?? err?.type, typeof err?.message === 'string' ? err.message : text.slice(0, 300)].filter(Boolean).join(': ');
    const retryable = status === 429 || status >= 500;
    throw new LlmJudgeError(`llm_judge: the gateway answered HTTP ${status}${retryable ? ' (retryable)' : ''}: ${what || '(no body)'}`, { retryable, status });
  }
  const content = json?.choices?.[0]?.message?.content;
  if (typeof content !== 'string') {
    throw new LlmJudgeError(`llm_judge: the gateway's answer has no choices[0].message.content (got ${text.slice(0, 200)})`, { retryable: true, status });
  }
  return { content, model: typeof json.model === 'string' ? json.model : undefined };
}

// Strict: JSON mode was asked for, so anything else (prose, a fenced block, missing or
// mistyped fields) is a malformed answer and thrown for a retry, never guessed at.
export function parseVerdict(content: string): { score: number; label: string; explanation: string } {
  let v: any;
  try {
    v = JSON.parse(content);
  } catch {
    throw new LlmJudgeError(`llm_judge: the judge's answer is not JSON: ${JSON.stringify(content.slice(0, 200))}`, { retryable: true });
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new LlmJudgeError(`llm_judge: the judge's answer is not a JSON object: ${content.slice(0, 200)}`, { retryable: true });
  }
  if (typeof v.score !== 'number' || !Number.isFinite(v.score)) {
    throw new LlmJudgeError(`llm_judge: malformed judge answer: "score" must be a number, got ${JSON.stringify(v.score)}`, { retryable: true });
  }
  if (typeof v.label !== 'string' || !LABELS.has(v.label)) {
    throw new LlmJudgeError(`llm_judge: malformed judge answer: "label" must be completed, partial or failed, got ${JSON.stringify(v.label)}`, { retryable: true });
  }
  if (typeof v.explanation !== 'string') {
    throw new LlmJudgeError(`llm_judge: malformed judge answer: "explanation" must be a string, got ${JSON.stringify(v.explanation)}`, { retryable: true });
  }
  const explanation = v.explanation.length > EXPLANATION_LIMIT ? `${v.explanation.slice(0, EXPLANATION_LIMIT - 1)}…` : v.explanation;
  return { score: Math.min(1, Math.max(0, v.score)), label: v.label, explanation };
}
