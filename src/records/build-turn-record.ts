// Builds the turn record from what the pipeline knows when a turn ends: its summary,
// the canonical request (absent when it was never decoded) and the observed answer.
// Pure: the same inputs give the same record (tests build records from Codex captures).
import { createHash } from 'node:crypto';
import type { ContentPart, Item, Request, ToolOutput } from '../canonical/types.js';
import type { TurnSummary } from '../pipeline/turn.js';
import type { ObservedOutput } from './observe-output.js';
import { OUTPUT_TEXT_LIMIT, TURN_RECORD_VERSION, type OfferedTool, type RecordedToolOutput, type TurnRecord } from './turn-record.js';

export function buildTurnRecord(summary: TurnSummary, request: Request | undefined, observed: ObservedOutput | undefined, at: Date = new Date()): TurnRecord {
  const identity = summary.identity ?? {};
  const toolCalls = observed?.toolCalls ?? [];
  const called = new Set(toolCalls.map((c) => `${c.namespace ?? ''}\u0000${c.name}`));
  const record: TurnRecord = {
    v: TURN_RECORD_VERSION,
    id: summary.id,
    at: at.toISOString(),
    dialect: summary.dialect,
    stream: summary.stream,
    ...(summary.trace ? { trace: summary.trace } : {}),
    ...(identity.sessionId || identity.turnId || identity.requestKind
      ? { session: pick({ id: identity.sessionId, turnId: identity.turnId, requestKind: identity.requestKind }) }
      : {}),
    identity: pick({ developer: identity.developer, team: identity.team, repo: identity.repo, key: identity.key }),
    route: pick({
      requested: summary.decision?.requested,
      alias: summary.alias,
      by: summary.decision ? summary.decision.by : summary.passthrough ? 'alias' : undefined,
      rule: summary.decision?.rule?.expression,
      exploration: summary.decision?.exploration,
    }) as TurnRecord['route'],
    provider: summary.provider,
    model: summary.upstreamModel,
    status: summary.status,
    httpStatus: summary.httpStatus,
    ...(summary.errorCode ? { errorCode: summary.errorCode } : {}),
    ...(summary.usage ? { usage: summary.usage } : {}),
    ...(summary.decision && summary.decision.estimate.tokens > 0 ? { inputTokensEstimate: summary.decision.estimate.tokens } : {}),
    ...(summary.cost ? { costUsd: summary.cost.usd } : {}),
    latencyMs: summary.latencyMs,
    ...(summary.ttftMs !== undefined ? { ttftMs: summary.ttftMs } : {}),
    ...(observed?.responseId ? { responseId: observed.responseId } : {}),
    ...(observed?.finishReason ? { finishReason: observed.finishReason } : {}),
    toolsOffered: (request?.tools ?? []).map((t): OfferedTool => {
      const offered: OfferedTool = { type: t.type, name: t.name };
      if (t.type === 'function') {
        if (t.namespace) offered.namespace = t.namespace;
        if (called.has(`${t.namespace ?? ''}\u0000${t.name}`)) offered.parameters = t.parameters;
      } else if (called.has(`\u0000${t.name}`)) offered.format = t.format?.type === 'grammar' ? `grammar:${t.format.syntax}` : 'text';
      return offered;
    }),
    toolCalls,
    toolOutputs: request ? trailingToolOutputs(request.items) : [],
    finalTextLength: observed?.textLength ?? 0,
    ...(request ? lastUserOf(request.items) : {}),
    outputObserved: observed !== undefined,
    removedTools: summary.removedTools,
    warnings: summary.warnings,
  };
  if (summary.decision?.shadow.length) record.route.shadow = summary.decision.shadow.map((s) => ({ rule: s.expression, routeTo: s.route_to }));
  return record;
}

// The outputs at the end of the input (after the last message): the client's results
// for the calls the previous turn made, each with its call when the input holds it.
export function trailingToolOutputs(items: Item[]): RecordedToolOutput[] {
  let start = items.length;
  while (start > 0 && items[start - 1].type !== 'message') start--;
  const outputs: RecordedToolOutput[] = [];
  for (const item of items.slice(start)) {
    if (item.type !== 'function_call_output' && item.type !== 'custom_tool_call_output') continue;
    const kind = item.type === 'function_call_output' ? 'function' : 'custom';
    const text = outputText(item.output);
    const out: RecordedToolOutput = { callId: item.callId, kind, output: text.slice(0, OUTPUT_TEXT_LIMIT) };
    if (text.length > OUTPUT_TEXT_LIMIT) out.truncated = true;
    const call = findCall(items, item.callId);
    if (call?.type === 'function_call') Object.assign(out, pick({ name: call.name, namespace: call.namespace, arguments: call.arguments }));
    else if (call?.type === 'custom_tool_call') Object.assign(out, { name: call.name, arguments: call.input });
    outputs.push(out);
  }
  return outputs;
}

function findCall(items: Item[], callId: string): Item | undefined {
  for (let i = items.length - 1; i >= 0; i--) {
    const it = items[i];
    if ((it.type === 'function_call' || it.type === 'custom_tool_call') && it.callId === callId) return it;
  }
  return undefined;
}

function outputText(output: ToolOutput): string {
  return typeof output === 'string' ? output : output.map((p) => (p.type === 'text' ? p.text : `[${p.type}]`)).join('');
}

// Codex sends context as user messages too (`<environment_context>…`): those are not prompts.
const CONTEXT_MESSAGE = /^\s*<([a-z_]+)>[\s\S]*<\/\1>\s*$/;

// Walks back from the end: Codex resends the whole history, and only the last two
// prompts matter.
function lastUserOf(items: Item[]): Pick<TurnRecord, 'lastUser'> {
  const prompts: string[] = [];
  let endsWithPrompt = true;
  for (let i = items.length - 1; i >= 0 && prompts.length < 2; i--) {
    const item = items[i];
    const isPrompt = item.type === 'message' && item.role === 'user' && !CONTEXT_MESSAGE.test(messageText(item.content));
    if (isPrompt) prompts.push(messageText(item.content));
    // Anything the model or a tool produced after the last prompt: the input ends in a turn, not a prompt.
    else if (prompts.length === 0 && (item.type !== 'message' || item.role === 'assistant')) endsWithPrompt = false;
  }
  if (prompts.length === 0) return {};
  const [last, previous] = prompts;
  return {
    lastUser: {
      hash: createHash('sha256').update(last).digest('hex').slice(0, 16),
      repeatsPrevious: endsWithPrompt && previous !== undefined && previous.trim() === last.trim(),
    },
  };
}

function messageText(content: ContentPart[]): string {
  return content.map((p) => (p.type === 'text' ? p.text : '')).join('');
}

function pick<T extends Record<string, unknown>>(o: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined && v !== '') (out as any)[k] = v;
  return out;
}
