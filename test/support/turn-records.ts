// Builds turn records from Codex captures the way the pipeline does: decode the body,
// fill a TurnSummary with the capture's session, turn and request kind, add the
// observed answer (what the model "said" in reply to this request), build the record.
import type { Item } from '../../src/canonical/types.js';
import { decodeResponsesRequest } from '../../src/dialects/responses/decode-request.js';
import type { TurnSummary } from '../../src/pipeline/turn.js';
import { buildTurnRecord } from '../../src/records/build-turn-record.js';
import type { ObservedOutput } from '../../src/records/observe-output.js';
import type { RecordedToolCall, TurnRecord } from '../../src/records/turn-record.js';
import { readCodexRequest } from './fixtures.js';

export interface RecordOptions {
  status?: TurnSummary['status'];
  httpStatus?: number;
  errorCode?: string;
  // The answer: calls made and characters of text (default: no calls, no text).
  toolCalls?: RecordedToolCall[];
  textLength?: number;
  finishReason?: string;
  // Rewrites the decoded input (e.g. a failing output in place of the captured one).
  editItems?: (items: Item[]) => Item[];
}

export function recordFromCapture(name: string, opts: RecordOptions = {}): TurnRecord {
  const { headers, body } = readCodexRequest(name);
  const request = decodeResponsesRequest(body);
  if (opts.editItems) request.items = opts.editItems(request.items);
  const metadata = JSON.parse(headers['x-codex-turn-metadata'] ?? '{}') as { session_id?: string; turn_id?: string; request_kind?: string };
  const summary: TurnSummary = {
    id: `turn-${name}`,
    dialect: 'responses',
    alias: String(body.model),
    provider: 'fake',
    upstreamModel: String(body.model),
    passthrough: false,
    stream: true,
    status: opts.status ?? 'completed',
    httpStatus: opts.httpStatus ?? (opts.status === 'failed' ? 502 : 200),
    ...(opts.errorCode ? { errorCode: opts.errorCode } : {}),
    latencyMs: 120,
    removedTools: request.removedTools,
    warnings: [],
    identity: { sessionId: headers['session-id'] ?? metadata.session_id, turnId: metadata.turn_id, requestKind: metadata.request_kind ?? 'turn' },
  };
  const observed: ObservedOutput = {
    toolCalls: opts.toolCalls ?? [],
    textLength: opts.textLength ?? 0,
    responseId: `resp-${name}`,
    ...(opts.finishReason ? { finishReason: opts.finishReason } : {}),
  };
  return buildTurnRecord(summary, request, observed, new Date('2026-11-24T12:00:00Z'));
}

// The tool calls a later capture's history shows the model made in reply to an earlier one.
export function callsInHistory(name: string): RecordedToolCall[] {
  const request = decodeResponsesRequest(readCodexRequest(name).body);
  const calls: RecordedToolCall[] = [];
  for (const item of request.items) {
    if (item.type === 'function_call') calls.push({ callId: item.callId, kind: 'function', name: item.name, ...(item.namespace ? { namespace: item.namespace } : {}), arguments: item.arguments });
    else if (item.type === 'custom_tool_call') calls.push({ callId: item.callId, kind: 'custom', name: item.name, arguments: item.input });
  }
  return calls;
}

// Replaces the output text of the trailing tool output answering `callId`.
export function withOutput(callId: string, output: string): (items: Item[]) => Item[] {
  return (items) =>
    items.map((it) => ((it.type === 'function_call_output' || it.type === 'custom_tool_call_output') && it.callId === callId ? { ...it, output } : it));
}
