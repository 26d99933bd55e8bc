// A strict validator for one OpenAI Responses API event stream (the parsed
// `data:` payloads of one `POST /v1/responses` with `stream: true`).
//
// What it demands is the union of what the real clients need and what the real
// API sends: the Codex CLI (test/fixtures/codex/README.md) reads finished items
// from `response.output_item.done` and the terminal `response.completed`; the
// openai npm SDK's `ResponseStream` rebuilds a snapshot by pushing each
// `output_item.added` and `content_part.added` onto arrays and then indexing
// them with `output_index` / `content_index`, so those indexes must be dense and
// in order; and live OpenAI recordings (test/fixtures/openai-responses) always
// close every delta stream with its `.done` event before the item's
// `output_item.done`.
//
// Every violation reads `#<index> <type>: [rule N <name>] <what is wrong>`.
// The rule numbers are the ones listed in RULES below.

export interface ValidateOptions {
  // The gateway sends extra `response.in_progress` events as heartbeats while
  // the upstream is silent (only `data:` events reset Codex's idle timer).
  // Default true; pass false to demand the plain OpenAI sequence.
  allowHeartbeats?: boolean;
}

export const RULES = {
  start: 'rule 1 start',
  sequence: 'rule 2 sequence_number',
  terminal: 'rule 3 terminal',
  itemRefs: 'rule 4 item references',
  itemDone: 'rule 5 output_item.done',
  parts: 'rule 6 content parts',
  finalOutput: 'rule 7 final output',
  textAgreement: 'rule 8 text agreement',
  eventShape: 'rule 9 event shape',
} as const;
type Rule = (typeof RULES)[keyof typeof RULES];

const TERMINAL_TYPES = new Set(['response.completed', 'response.failed', 'response.incomplete']);

// Events about the response as a whole; every other known event is about one
// output item and must carry `item_id` and `output_index`.
const RESPONSE_LEVEL_TYPES = new Set([
  'response.created',
  'response.queued',
  'response.in_progress',
  'response.completed',
  'response.failed',
  'response.incomplete',
  'error',
  'response.audio.delta',
  'response.audio.done',
  'response.audio.transcript.delta',
  'response.audio.transcript.done',
]);

// The `ResponseStreamEvent` union of openai@6 (resources/responses/responses.d.ts),
// plus `apply_patch_call_operation_diff.*`, which the live API sends
// (openai-apply-patch-tool.1) but that SDK version does not list yet. Anything
// else is most likely a typo in the gateway's encoder.
const KNOWN_TYPES = new Set([
  ...RESPONSE_LEVEL_TYPES,
  'response.output_item.added',
  'response.output_item.done',
  'response.content_part.added',
  'response.content_part.done',
  'response.output_text.delta',
  'response.output_text.done',
  'response.output_text.annotation.added',
  'response.refusal.delta',
  'response.refusal.done',
  'response.function_call_arguments.delta',
  'response.function_call_arguments.done',
  'response.custom_tool_call_input.delta',
  'response.custom_tool_call_input.done',
  'response.reasoning_summary_part.added',
  'response.reasoning_summary_part.done',
  'response.reasoning_summary_text.delta',
  'response.reasoning_summary_text.done',
  'response.reasoning_text.delta',
  'response.reasoning_text.done',
  'response.web_search_call.in_progress',
  'response.web_search_call.searching',
  'response.web_search_call.completed',
  'response.file_search_call.in_progress',
  'response.file_search_call.searching',
  'response.file_search_call.completed',
  'response.code_interpreter_call.in_progress',
  'response.code_interpreter_call.interpreting',
  'response.code_interpreter_call.completed',
  'response.code_interpreter_call_code.delta',
  'response.code_interpreter_call_code.done',
  'response.image_generation_call.in_progress',
  'response.image_generation_call.generating',
  'response.image_generation_call.partial_image',
  'response.image_generation_call.completed',
  'response.mcp_call.in_progress',
  'response.mcp_call.completed',
  'response.mcp_call.failed',
  'response.mcp_call_arguments.delta',
  'response.mcp_call_arguments.done',
  'response.mcp_list_tools.in_progress',
  'response.mcp_list_tools.completed',
  'response.mcp_list_tools.failed',
  'response.apply_patch_call_operation_diff.delta',
  'response.apply_patch_call_operation_diff.done',
]);

// One text stream: a content part, a summary part, or a tool call's
// arguments/input. `text` is the concatenation of the deltas seen so far.
interface TextStream {
  kind: string; // part type (`output_text`, `refusal`, `summary_text`, `reasoning_text`) or `arguments`/`input`
  text: string;
  textDone: boolean; // the `*.done` event for the text arrived
  partDone: boolean; // `content_part.done` / `reasoning_summary_part.done` arrived
}

interface ItemState {
  id: string;
  type: string;
  outputIndex: number;
  content: TextStream[]; // message content parts, or reasoning_text parts of a reasoning item
  summary: TextStream[]; // reasoning summary parts
  call?: TextStream; // function_call arguments or custom_tool_call input
  done: boolean;
  doneItem?: any;
}

interface State {
  events: any[];
  opts: Required<ValidateOptions>;
  violations: { index: number; text: string }[];
  responseId?: string;
  items: Map<number, ItemState>; // by declared output_index
  addedCount: number;
  ids: Set<string>;
  terminalIndex?: number;
  errorEventIndex?: number;
}

export function validateResponsesStream(events: any[], opts: ValidateOptions = {}): string[] {
  const state: State = {
    events,
    opts: { allowHeartbeats: opts.allowHeartbeats ?? true },
    violations: [],
    items: new Map(),
    addedCount: 0,
    ids: new Set(),
  };
  if (events.length === 0) return [`#- (no events): [${RULES.start}] the stream is empty`];
  checkSequenceNumbers(state);
  checkStart(state);
  events.forEach((event, i) => visit(state, event, i));
  checkEnd(state);
  // Checks run in passes; read back in stream order (sort is stable).
  return state.violations.sort((a, b) => a.index - b.index).map((v) => v.text);
}

export function assertValidResponsesStream(events: any[], opts: ValidateOptions = {}): void {
  const violations = validateResponsesStream(events, opts);
  if (violations.length === 0) return;
  throw new Error(
    `Invalid Responses stream (${violations.length} violation${violations.length === 1 ? '' : 's'}):\n` +
      violations.map((v) => `  - ${v}`).join('\n') +
      `\nEvents:\n${dumpEventTypes(events)}`,
  );
}

// Splits recordings that hold several responses back to back (the Codex
// `sse-full-*` captures, openai-reasoning-encrypted-content.1) before each
// `response.created`.
export function splitResponses(events: any[]): any[][] {
  const responses: any[][] = [];
  for (const event of events) {
    if (event?.type === 'response.created' || responses.length === 0) responses.push([]);
    responses[responses.length - 1].push(event);
  }
  return responses;
}

// One line per event: index, sequence_number, type and the item it concerns.
export function dumpEventTypes(events: any[]): string {
  return events
    .map((e, i) => {
      const where =
        e?.item !== undefined
          ? ` ${e.item?.type} ${e.item?.id} @${e.output_index}`
          : e?.item_id !== undefined || e?.output_index !== undefined
            ? ` ${e.item_id} @${e.output_index}${describeSubIndex(e)}`
            : '';
      return `  #${i} seq=${e?.sequence_number} ${e?.type}${where}`;
    })
    .join('\n');
}

function describeSubIndex(e: any): string {
  if (e.content_index !== undefined) return ` c${e.content_index}`;
  if (e.summary_index !== undefined) return ` s${e.summary_index}`;
  return '';
}

// ---------------------------------------------------------------------------
// Reporting and small predicates

function report(state: State, index: number, rule: Rule, message: string): void {
  const type = state.events[index]?.type ?? '(no type)';
  state.violations.push({ index, text: `#${index} ${type}: [${rule}] ${message}` });
}

function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function isIndex(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0;
}

function parsesAsJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------
// Rule 2: sequence_number 0, 1, 2, … Each number is compared with the one
// before it, so a gap (a trimmed recording) is reported once, not once for
// every later event, and a single wrong number is reported on both sides.

function checkSequenceNumbers(state: State): void {
  let expected = 0;
  state.events.forEach((event, i) => {
    const seq = event?.sequence_number;
    if (seq === undefined) {
      report(state, i, RULES.sequence, `missing sequence_number (expected ${expected})`);
    } else if (!Number.isInteger(seq)) {
      report(state, i, RULES.sequence, `sequence_number ${JSON.stringify(seq)} is not an integer`);
    } else if (seq !== expected) {
      const why = i === 0 ? 'numbering starts at 0' : `one more than the previous ${expected - 1}`;
      report(state, i, RULES.sequence, `sequence_number ${seq}, expected ${expected} (${why})`);
      expected = seq;
    }
    expected += 1;
  });
}

// ---------------------------------------------------------------------------
// Rule 1: response.created, then response.in_progress.

function checkStart(state: State): void {
  const [first] = state.events;
  if (first?.type !== 'response.created') {
    report(state, 0, RULES.start, 'the first event must be response.created');
  } else {
    checkCreated(state, first);
  }
  // `response.queued` may sit between the two (background responses).
  let next = 1;
  while (state.events[next]?.type === 'response.queued') next += 1;
  if (state.events[next]?.type !== 'response.in_progress') {
    const index = Math.min(next, state.events.length - 1);
    report(state, index, RULES.start, `expected response.in_progress right after response.created`);
  }
}

function checkCreated(state: State, event: any): void {
  const response = event.response;
  if (!isObject(response)) {
    report(state, 0, RULES.start, 'response.created has no response object');
    return;
  }
  if (!isNonEmptyString(response.id)) report(state, 0, RULES.start, 'response.created.response.id is missing');
  else state.responseId = response.id;
  if (response.status !== 'in_progress' && response.status !== 'queued') {
    report(state, 0, RULES.start, `response.created status ${JSON.stringify(response.status)}, expected "in_progress" or "queued"`);
  }
  // The openai SDK keeps this object as its snapshot and pushes each added
  // item onto `output`, so it must be an empty array.
  if (!Array.isArray(response.output) || response.output.length !== 0) {
    report(state, 0, RULES.start, 'response.created.response.output must be an empty array');
  }
}

// ---------------------------------------------------------------------------
// The walk: one dispatch per event.

function visit(state: State, event: any, i: number): void {
  if (!isObject(event) || typeof event.type !== 'string') {
    report(state, i, RULES.eventShape, 'event is not an object with a string type');
    return;
  }
  if (state.terminalIndex !== undefined) {
    const terminal = state.events[state.terminalIndex].type;
    report(state, i, RULES.terminal, `event after the terminal ${terminal} at #${state.terminalIndex}`);
    return;
  }
  if (!KNOWN_TYPES.has(event.type)) {
    report(state, i, RULES.eventShape, 'unknown event type');
    return;
  }
  // The openai SDK throws an APIError on any payload with a truthy top-level
  // `error`, so only the `error` event itself may carry one.
  if (event.type !== 'error' && event.error) {
    report(state, i, RULES.eventShape, 'top-level "error" field (the openai SDK throws on it)');
  }
  if (RESPONSE_LEVEL_TYPES.has(event.type)) visitResponseLevel(state, event, i);
  else visitItemLevel(state, event, i);
}

function visitResponseLevel(state: State, event: any, i: number): void {
  switch (event.type) {
    case 'response.created':
      if (i !== 0) report(state, i, RULES.start, 'a second response.created (split multi-response recordings first)');
      return;
    case 'response.queued':
      if (state.events.slice(0, i).some((e) => e?.type === 'response.in_progress')) {
        report(state, i, RULES.start, 'response.queued after response.in_progress');
      }
      return;
    case 'response.in_progress':
      visitInProgress(state, event, i);
      return;
    case 'error':
      visitErrorEvent(state, event, i);
      return;
    case 'response.completed':
    case 'response.failed':
    case 'response.incomplete':
      state.terminalIndex = i;
      visitTerminal(state, event, i);
      return;
  }
}

function visitInProgress(state: State, event: any, i: number): void {
  const isFirst = !state.events.slice(0, i).some((e) => e?.type === 'response.in_progress');
  if (!isFirst && !state.opts.allowHeartbeats) {
    report(state, i, RULES.start, 'extra response.in_progress (heartbeats not allowed)');
  }
  if (state.responseId !== undefined && event.response?.id !== state.responseId) {
    report(state, i, RULES.start, `response.id ${JSON.stringify(event.response?.id)} differs from response.created's ${state.responseId}`);
  }
}

// OpenAI sends an `error` event just before `response.failed`
// (openai-error.1). Codex ignores it; the openai SDK throws on it.
function visitErrorEvent(state: State, event: any, i: number): void {
  state.errorEventIndex ??= i;
  const message = event.message ?? event.error?.message;
  if (!isNonEmptyString(message)) report(state, i, RULES.eventShape, 'error event without a message');
}

// ---------------------------------------------------------------------------
// Rule 3: the terminal event and its response object.

function visitTerminal(state: State, event: any, i: number): void {
  const response = event.response;
  if (!isObject(response)) {
    report(state, i, RULES.terminal, 'no response object');
    return;
  }
  if (state.responseId !== undefined && response.id !== state.responseId) {
    report(state, i, RULES.terminal, `response.id ${JSON.stringify(response.id)} differs from response.created's ${state.responseId}`);
  }
  const expectedStatus = event.type.slice('response.'.length);
  if (response.status !== expectedStatus) {
    report(state, i, RULES.terminal, `response.status ${JSON.stringify(response.status)}, expected "${expectedStatus}"`);
  }
  if (state.errorEventIndex !== undefined && event.type !== 'response.failed') {
    report(state, i, RULES.terminal, `an error event (#${state.errorEventIndex}) must end in response.failed`);
  }
  if (event.type === 'response.completed') checkCompleted(state, response, i);
  if (event.type === 'response.incomplete') checkIncomplete(state, response, i);
  if (event.type === 'response.failed') checkFailed(state, response, i);
}

function checkCompleted(state: State, response: any, i: number): void {
  checkUsage(state, response.usage, i);
  checkAllItemsDone(state, i);
  checkFinalOutput(state, response.output, i);
}

// Codex uses these five numbers for context accounting.
function checkUsage(state: State, usage: any, i: number): void {
  if (!isObject(usage)) {
    report(state, i, RULES.terminal, 'response.usage is missing');
    return;
  }
  const fields: [string, unknown][] = [
    ['input_tokens', usage.input_tokens],
    ['output_tokens', usage.output_tokens],
    ['total_tokens', usage.total_tokens],
    ['input_tokens_details.cached_tokens', usage.input_tokens_details?.cached_tokens],
    ['output_tokens_details.reasoning_tokens', usage.output_tokens_details?.reasoning_tokens],
  ];
  for (const [name, value] of fields) {
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      report(state, i, RULES.terminal, `response.usage.${name} is not a number`);
    }
  }
}

function checkIncomplete(state: State, response: any, i: number): void {
  if (!isNonEmptyString(response.incomplete_details?.reason)) {
    report(state, i, RULES.terminal, 'response.incomplete_details.reason is missing');
  }
  checkAllItemsDone(state, i);
  checkFinalOutput(state, response.output, i);
}

// Items may stay open before response.failed: an upstream that dies mid-item
// cannot be closed honestly, and Codex discards the turn anyway.
function checkFailed(state: State, response: any, i: number): void {
  const error = response.error;
  if (!isNonEmptyString(error?.code)) report(state, i, RULES.terminal, 'response.error.code is missing');
  if (!isNonEmptyString(error?.message)) report(state, i, RULES.terminal, 'response.error.message is missing');
}

function checkEnd(state: State): void {
  if (state.terminalIndex === undefined) {
    report(
      state,
      state.events.length - 1,
      RULES.terminal,
      'the stream ends without response.completed, response.failed or response.incomplete',
    );
  }
}

// ---------------------------------------------------------------------------
// Rules 4 and 5: output items.

function visitItemLevel(state: State, event: any, i: number): void {
  if (event.type === 'response.output_item.added') return visitItemAdded(state, event, i);
  if (event.type === 'response.output_item.done') return visitItemDone(state, event, i);
  const item = resolveItem(state, event, i);
  if (item) visitItemEvent(state, item, event, i);
}

function visitItemAdded(state: State, event: any, i: number): void {
  const item = event.item;
  if (!isObject(item) || !isNonEmptyString(item.id) || !isNonEmptyString(item.type)) {
    report(state, i, RULES.itemRefs, 'item must be an object with a string id and type');
    return;
  }
  // The openai SDK pushes the item and later looks it up by output_index.
  if (event.output_index !== state.addedCount) {
    report(state, i, RULES.itemRefs, `output_index ${JSON.stringify(event.output_index)}, expected ${state.addedCount} (0,1,2… in order of output_item.added)`);
  }
  state.addedCount += 1;
  if (state.ids.has(item.id)) report(state, i, RULES.itemRefs, `item id ${item.id} was already used`);
  state.ids.add(item.id);
  if (!isIndex(event.output_index)) return;
  if (state.items.has(event.output_index)) {
    report(state, i, RULES.itemRefs, `output_index ${event.output_index} was already added`);
    return;
  }
  // The openai SDK pushes content parts onto the added message's `content`.
  if (item.type === 'message' && (!Array.isArray(item.content) || item.content.length !== 0)) {
    report(state, i, RULES.parts, 'an added message must have content: [] (parts arrive in content_part.added)');
  }
  state.items.set(event.output_index, {
    id: item.id,
    type: item.type,
    outputIndex: event.output_index,
    content: [],
    summary: [],
    call: startCallStream(item),
    done: false,
  });
}

// The openai SDK's snapshot of a call is the added item's `arguments` plus
// the deltas, so that is what the done events must repeat.
function startCallStream(item: any): TextStream | undefined {
  const field = CALL_FIELD[item.type];
  if (!field) return undefined;
  const initial = typeof item[field] === 'string' ? item[field] : '';
  return { kind: field, text: initial, textDone: false, partDone: false };
}

const CALL_FIELD: Record<string, string> = { function_call: 'arguments', custom_tool_call: 'input' };

// Finds the item an event refers to, by output_index, and checks that item_id
// names the same item. Returns undefined when the event cannot be attributed.
function resolveItem(state: State, event: any, i: number): ItemState | undefined {
  if (!isIndex(event.output_index)) {
    report(state, i, RULES.itemRefs, `output_index ${JSON.stringify(event.output_index)} is not a non-negative integer`);
    return undefined;
  }
  const item = state.items.get(event.output_index);
  if (!item) {
    report(state, i, RULES.itemRefs, `no response.output_item.added for output_index ${event.output_index} before this event`);
    return undefined;
  }
  if (event.item_id !== item.id) {
    report(state, i, RULES.itemRefs, `item_id ${JSON.stringify(event.item_id)} but the item at output_index ${item.outputIndex} is ${item.id}`);
  }
  if (item.done) {
    report(state, i, RULES.itemDone, `event for item ${item.id} after its output_item.done`);
    return undefined;
  }
  return item;
}

function visitItemDone(state: State, event: any, i: number): void {
  const doneItem = event.item;
  if (!isObject(doneItem)) {
    report(state, i, RULES.itemDone, 'item must be an object');
    return;
  }
  const item = isIndex(event.output_index) ? state.items.get(event.output_index) : undefined;
  if (!item) {
    report(state, i, RULES.itemRefs, `no response.output_item.added for output_index ${JSON.stringify(event.output_index)} before its output_item.done`);
    return;
  }
  if (item.done) {
    report(state, i, RULES.itemDone, `a second output_item.done for item ${item.id}`);
    return;
  }
  if (doneItem.id !== item.id) report(state, i, RULES.itemDone, `item.id ${JSON.stringify(doneItem.id)} differs from the added item's ${item.id}`);
  if (doneItem.type !== item.type) report(state, i, RULES.itemDone, `item.type ${JSON.stringify(doneItem.type)} differs from the added item's ${item.type}`);
  checkStreamsClosed(state, item, i);
  checkDoneItemShape(state, doneItem, i);
  checkDoneItemText(state, item, doneItem, i);
  item.done = true;
  item.doneItem = doneItem;
}

// Rule 6: every sub-stream of the item ends before the item does. The live API
// always sends `function_call_arguments.done` / `custom_tool_call_input.done`,
// even for a call whose arguments came in one delta.
function checkStreamsClosed(state: State, item: ItemState, i: number): void {
  item.content.forEach((part, k) => {
    if (!part.partDone) report(state, i, RULES.parts, `content part ${k} of ${item.id} was never closed by response.content_part.done`);
  });
  item.summary.forEach((part, k) => {
    if (!part.partDone) report(state, i, RULES.parts, `summary part ${k} of ${item.id} was never closed by response.reasoning_summary_part.done`);
  });
  const doneEvent = CALL_DONE_EVENT[item.type];
  if (doneEvent && !item.call?.textDone) {
    report(state, i, RULES.parts, `${item.type} ${item.id} closed without ${doneEvent}`);
  }
}

const CALL_DONE_EVENT: Record<string, string> = {
  function_call: 'response.function_call_arguments.done',
  custom_tool_call: 'response.custom_tool_call_input.done',
};

// Rule 5: what Codex needs to act on a finished item.
function checkDoneItemShape(state: State, item: any, i: number): void {
  const problems: string[] = [];
  switch (item.type) {
    case 'function_call':
      if (!isNonEmptyString(item.call_id)) problems.push('call_id is missing');
      if (!isNonEmptyString(item.name)) problems.push('name is missing');
      if (typeof item.arguments !== 'string') problems.push('arguments is not a string');
      else if (!parsesAsJson(item.arguments)) problems.push(`arguments is not JSON: ${JSON.stringify(item.arguments.slice(0, 80))}`);
      break;
    case 'custom_tool_call':
      if (!isNonEmptyString(item.call_id)) problems.push('call_id is missing');
      if (!isNonEmptyString(item.name)) problems.push('name is missing');
      if (typeof item.input !== 'string') problems.push('input is not a string');
      break;
    case 'message':
      if (item.role !== 'assistant') problems.push(`role ${JSON.stringify(item.role)}, expected "assistant"`);
      if (!Array.isArray(item.content)) problems.push('content is not an array');
      break;
    case 'reasoning':
      if (!Array.isArray(item.summary)) problems.push('summary is not an array');
      break;
  }
  for (const problem of problems) report(state, i, RULES.itemDone, `${item.type} ${item.id}: ${problem}`);
}

// Rule 8: the finished item says the same as the deltas did.
function checkDoneItemText(state: State, item: ItemState, doneItem: any, i: number): void {
  const field = CALL_FIELD[item.type];
  if (field && item.call && doneItem[field] !== item.call.text) {
    report(state, i, RULES.textAgreement, `item.${field} ${JSON.stringify(doneItem[field])} differs from the streamed ${JSON.stringify(item.call.text)}`);
  }
  if (item.type === 'message') compareParts(state, i, `${item.id} content`, doneItem.content, item.content);
  if (item.type === 'reasoning') {
    compareParts(state, i, `${item.id} summary`, doneItem.summary, item.summary);
    // reasoning_text parts are optional; only compare what was streamed.
    if (item.content.length > 0) compareParts(state, i, `${item.id} content`, doneItem.content, item.content);
  }
}

function compareParts(state: State, i: number, what: string, finished: unknown, streamed: TextStream[]): void {
  if (!Array.isArray(finished)) return; // reported by checkDoneItemShape
  if (finished.length !== streamed.length) {
    report(state, i, RULES.textAgreement, `${what} has ${finished.length} part(s) but ${streamed.length} were streamed`);
    return;
  }
  streamed.forEach((part, k) => {
    const got = finished[k];
    if (got?.type !== part.kind) {
      report(state, i, RULES.textAgreement, `${what}[${k}].type ${JSON.stringify(got?.type)}, streamed as ${part.kind}`);
    } else if (partText(got) !== part.text) {
      report(state, i, RULES.textAgreement, `${what}[${k}] text ${JSON.stringify(partText(got))} differs from the streamed ${JSON.stringify(part.text)}`);
    }
  });
}

// A refusal part keeps its text in `refusal`; every other part in `text`.
function partText(part: any): unknown {
  return part?.type === 'refusal' ? part.refusal : part?.text;
}

function checkAllItemsDone(state: State, i: number): void {
  for (const item of state.items.values()) {
    if (!item.done) report(state, i, RULES.itemDone, `item ${item.id} (output_index ${item.outputIndex}) never got output_item.done`);
  }
}

// ---------------------------------------------------------------------------
// Rule 7: the terminal response's output repeats the finished items. Compared
// on the fields clients act on, not deep-equal: live OpenAI sends a different
// reasoning `encrypted_content` in output_item.done and in response.completed
// (openai-reasoning-encrypted-content.1, first response).

function checkFinalOutput(state: State, output: unknown, i: number): void {
  if (!Array.isArray(output)) {
    report(state, i, RULES.terminal, 'response.output is not an array');
    return;
  }
  const finished = [...state.items.values()]
    .filter((item) => item.done)
    .sort((a, b) => a.outputIndex - b.outputIndex)
    .map((item) => item.doneItem);
  if (output.length !== finished.length) {
    report(state, i, RULES.finalOutput, `response.output has ${output.length} item(s), but ${finished.length} output_item.done event(s) were sent`);
    return;
  }
  finished.forEach((doneItem, k) => {
    const want = JSON.stringify(projectItem(doneItem));
    const got = JSON.stringify(projectItem(output[k]));
    if (want !== got) report(state, i, RULES.finalOutput, `response.output[${k}] ${got} differs from its output_item.done ${want}`);
  });
}

function projectItem(item: any): Record<string, unknown> {
  const projected: Record<string, unknown> = {};
  for (const key of ['type', 'id', 'status', 'role', 'call_id', 'name', 'arguments', 'input']) {
    if (item?.[key] !== undefined) projected[key] = item[key];
  }
  const texts = (parts: unknown) =>
    Array.isArray(parts) ? parts.map((p) => ({ type: p?.type, text: partText(p) })) : parts;
  if (item?.content !== undefined) projected.content = texts(item.content);
  if (item?.summary !== undefined) projected.summary = texts(item.summary);
  return projected;
}

// ---------------------------------------------------------------------------
// Rule 6 (order of parts and deltas) and rule 8 (done texts equal the deltas).

function visitItemEvent(state: State, item: ItemState, event: any, i: number): void {
  switch (event.type) {
    case 'response.content_part.added':
      return addPart(state, item.content, contentPartKinds(item), event.content_index, event.part, i);
    case 'response.reasoning_summary_part.added':
      if (item.type !== 'reasoning') return wrongItemType(state, item, 'reasoning', i);
      return addPart(state, item.summary, ['summary_text'], event.summary_index, event.part, i);
    case 'response.output_text.delta':
      return appendDelta(state, findPart(state, item.content, event.content_index, 'output_text', i), event, i);
    case 'response.refusal.delta':
      return appendDelta(state, findPart(state, item.content, event.content_index, 'refusal', i), event, i);
    case 'response.reasoning_text.delta':
      return appendDelta(state, findPart(state, item.content, event.content_index, 'reasoning_text', i), event, i);
    case 'response.reasoning_summary_text.delta':
      return appendDelta(state, findPart(state, item.summary, event.summary_index, 'summary_text', i), event, i);
    case 'response.output_text.done':
      return finishText(state, findPart(state, item.content, event.content_index, 'output_text', i), event.text, i);
    case 'response.refusal.done':
      return finishText(state, findPart(state, item.content, event.content_index, 'refusal', i), event.refusal, i);
    case 'response.reasoning_text.done':
      return finishText(state, findPart(state, item.content, event.content_index, 'reasoning_text', i), event.text, i);
    case 'response.reasoning_summary_text.done':
      return finishText(state, findPart(state, item.summary, event.summary_index, 'summary_text', i), event.text, i);
    case 'response.output_text.annotation.added':
      findPart(state, item.content, event.content_index, 'output_text', i);
      return;
    case 'response.content_part.done':
      return finishPart(state, item.content, event.content_index, event.part, i);
    case 'response.reasoning_summary_part.done':
      return finishPart(state, item.summary, event.summary_index, event.part, i);
    case 'response.function_call_arguments.delta':
      return appendDelta(state, callStream(state, item, 'function_call', i), event, i);
    case 'response.function_call_arguments.done':
      return finishText(state, callStream(state, item, 'function_call', i), event.arguments, i);
    case 'response.custom_tool_call_input.delta':
      return appendDelta(state, callStream(state, item, 'custom_tool_call', i), event, i);
    case 'response.custom_tool_call_input.done':
      return finishText(state, callStream(state, item, 'custom_tool_call', i), event.input, i);
  }
  // Hosted-tool progress events (web_search_call.*, …) only need a live item.
}

// Part types the openai SDK accepts in content_part.added for this item type.
function contentPartKinds(item: ItemState): string[] {
  if (item.type === 'message') return ['output_text', 'refusal'];
  if (item.type === 'reasoning') return ['reasoning_text'];
  return [];
}

function wrongItemType(state: State, item: ItemState, expected: string, i: number): void {
  report(state, i, RULES.parts, `item ${item.id} is a ${item.type}, not a ${expected}`);
}

// The SDK appends each added part, so indexes must be 0,1,2… per item.
function addPart(state: State, parts: TextStream[], kinds: string[], index: unknown, part: any, i: number): void {
  if (index !== parts.length) {
    report(state, i, RULES.parts, `part index ${JSON.stringify(index)}, expected ${parts.length} (0,1,2… in order of addition)`);
  }
  if (!kinds.includes(part?.type)) {
    report(state, i, RULES.parts, `part.type ${JSON.stringify(part?.type)} is not one of ${kinds.join(', ') || '(none: this item has no parts)'}`);
  }
  // Like the openai SDK, start from the text the added part already holds.
  const initial = typeof partText(part) === 'string' ? (partText(part) as string) : '';
  parts.push({ kind: part?.type, text: initial, textDone: false, partDone: false });
}

// The open part a delta/done/annotation refers to, or undefined (reported).
function findPart(state: State, parts: TextStream[], index: unknown, kind: string, i: number): TextStream | undefined {
  const part = isIndex(index) ? parts[index] : undefined;
  if (!part) {
    report(state, i, RULES.parts, `no part added at index ${JSON.stringify(index)} before this event`);
    return undefined;
  }
  if (part.kind !== kind) {
    report(state, i, RULES.parts, `part ${index} is ${part.kind}, not ${kind}`);
    return undefined;
  }
  if (part.partDone) {
    report(state, i, RULES.parts, `part ${index} was already closed by its part.done`);
    return undefined;
  }
  return part;
}

// The arguments/input stream of a tool call (started by output_item.added).
function callStream(state: State, item: ItemState, type: string, i: number): TextStream | undefined {
  if (item.type !== type) {
    wrongItemType(state, item, type, i);
    return undefined;
  }
  return item.call;
}

function appendDelta(state: State, stream: TextStream | undefined, event: any, i: number): void {
  if (!stream) return;
  if (typeof event.delta !== 'string') {
    report(state, i, RULES.eventShape, 'delta is not a string');
    return;
  }
  if (stream.textDone) {
    report(state, i, RULES.parts, `delta after the ${stream.kind} was done`);
    return;
  }
  stream.text += event.delta;
}

function finishText(state: State, stream: TextStream | undefined, finalText: unknown, i: number): void {
  if (!stream) return;
  if (stream.textDone) {
    report(state, i, RULES.parts, `a second done event for this ${stream.kind}`);
    return;
  }
  stream.textDone = true;
  if (finalText !== stream.text) {
    report(state, i, RULES.textAgreement, `final ${JSON.stringify(finalText)} differs from the concatenated deltas ${JSON.stringify(stream.text)}`);
  }
}

function finishPart(state: State, parts: TextStream[], index: unknown, part: any, i: number): void {
  const stream = isIndex(index) ? parts[index] : undefined;
  if (!stream) {
    report(state, i, RULES.parts, `no part added at index ${JSON.stringify(index)} before this event`);
    return;
  }
  if (stream.partDone) {
    report(state, i, RULES.parts, `part ${index} was already closed`);
    return;
  }
  if (!stream.textDone) report(state, i, RULES.parts, `part ${index} closed before its ${stream.kind} done event`);
  stream.partDone = true;
  if (part?.type !== stream.kind) {
    report(state, i, RULES.parts, `part.type ${JSON.stringify(part?.type)}, but the part was added as ${stream.kind}`);
  } else if (partText(part) !== stream.text) {
    report(state, i, RULES.textAgreement, `part text ${JSON.stringify(partText(part))} differs from the streamed ${JSON.stringify(stream.text)}`);
  }
}
