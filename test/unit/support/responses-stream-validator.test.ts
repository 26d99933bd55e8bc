import { describe, it, expect } from 'vitest';
import OpenAI from 'openai';
import { chunksToSseFrames, readChunks, readFixture } from '../../support/fixtures.js';
import { checkResponsesSseFraming, parseResponsesSse, parseSseText } from '../../support/sse-text.js';
import {
  RULES,
  assertValidResponsesStream,
  splitResponses,
  validateResponsesStream,
} from '../../support/responses-stream-validator.js';

// ---------------------------------------------------------------------------
// A synthetic, valid stream with one item of each kind Codex acts on. Tests
// break one thing at a time and expect exactly the matching rule to fire.

const RID = 'resp_test_1';

function reasoningItem(index: number, deltas: string[]): any[] {
  const id = `rs_${index}`;
  const text = deltas.join('');
  const part = { type: 'summary_text', text };
  return [
    { type: 'response.output_item.added', output_index: index, item: { id, type: 'reasoning', summary: [] } },
    { type: 'response.reasoning_summary_part.added', item_id: id, output_index: index, summary_index: 0, part: { type: 'summary_text', text: '' } },
    ...deltas.map((delta) => ({ type: 'response.reasoning_summary_text.delta', item_id: id, output_index: index, summary_index: 0, delta })),
    { type: 'response.reasoning_summary_text.done', item_id: id, output_index: index, summary_index: 0, text },
    { type: 'response.reasoning_summary_part.done', item_id: id, output_index: index, summary_index: 0, part },
    { type: 'response.output_item.done', output_index: index, item: { id, type: 'reasoning', summary: [part], encrypted_content: 'sealed' } },
  ];
}

function messageItem(index: number, deltas: string[]): any[] {
  const id = `msg_${index}`;
  const text = deltas.join('');
  const part = { type: 'output_text', text, annotations: [] };
  const at = { item_id: id, output_index: index, content_index: 0 };
  return [
    { type: 'response.output_item.added', output_index: index, item: { id, type: 'message', status: 'in_progress', role: 'assistant', content: [] } },
    { type: 'response.content_part.added', ...at, part: { type: 'output_text', text: '', annotations: [] } },
    ...deltas.map((delta) => ({ type: 'response.output_text.delta', ...at, delta })),
    { type: 'response.output_text.done', ...at, text },
    { type: 'response.content_part.done', ...at, part },
    { type: 'response.output_item.done', output_index: index, item: { id, type: 'message', status: 'completed', role: 'assistant', content: [part] } },
  ];
}

function functionCallItem(index: number, deltas: string[]): any[] {
  const id = `fc_${index}`;
  const base = { id, type: 'function_call', call_id: `call_${index}`, name: 'exec_command' };
  const args = deltas.join('');
  return [
    { type: 'response.output_item.added', output_index: index, item: { ...base, status: 'in_progress', arguments: '' } },
    ...deltas.map((delta) => ({ type: 'response.function_call_arguments.delta', item_id: id, output_index: index, delta })),
    { type: 'response.function_call_arguments.done', item_id: id, output_index: index, arguments: args },
    { type: 'response.output_item.done', output_index: index, item: { ...base, status: 'completed', arguments: args } },
  ];
}

function customToolItem(index: number, deltas: string[]): any[] {
  const id = `ctc_${index}`;
  const base = { id, type: 'custom_tool_call', call_id: `call_${index}`, name: 'apply_patch' };
  const input = deltas.join('');
  return [
    { type: 'response.output_item.added', output_index: index, item: { ...base, status: 'in_progress', input: '' } },
    ...deltas.map((delta) => ({ type: 'response.custom_tool_call_input.delta', item_id: id, output_index: index, delta })),
    { type: 'response.custom_tool_call_input.done', item_id: id, output_index: index, input },
    { type: 'response.output_item.done', output_index: index, item: { ...base, status: 'completed', input } },
  ];
}

const USAGE = {
  input_tokens: 10,
  input_tokens_details: { cached_tokens: 0 },
  output_tokens: 5,
  output_tokens_details: { reasoning_tokens: 2 },
  total_tokens: 15,
};

function opening(): any[] {
  return [
    { type: 'response.created', response: { id: RID, object: 'response', status: 'in_progress', output: [] } },
    { type: 'response.in_progress', response: { id: RID, object: 'response', status: 'in_progress', output: [] } },
  ];
}

function completedFor(body: any[]): any {
  const output = body.filter((e) => e.type === 'response.output_item.done').map((e) => e.item);
  return { type: 'response.completed', response: { id: RID, object: 'response', status: 'completed', output, usage: USAGE } };
}

// Assigns sequence_number 0,1,2… so a mutation tests one rule only. The JSON
// round trip breaks shared references (USAGE, an item both in its
// output_item.done and in response.output), so tests can mutate one place.
function numbered(events: any[]): any[] {
  return JSON.parse(JSON.stringify(events)).map((e: any, i: number) => ({ ...e, sequence_number: i }));
}

function bodyItems(): any[] {
  return [
    ...reasoningItem(0, ['Plan', 'ning']),
    ...messageItem(1, ['Hel', 'lo']),
    ...functionCallItem(2, ['{"cmd":', '"ls"}']),
    ...customToolItem(3, ['*** Begin Patch\n', '*** End Patch\n']),
  ];
}

// A fresh deep copy each time, so tests can mutate freely.
function validStream(): any[] {
  const body = bodyItems();
  return numbered([...opening(), ...body, completedFor(body)]);
}

// Builds a stream from a body edited by `edit`, with `response.completed`
// derived from the edited body (so rule 7 stays satisfied) and renumbered.
function streamWithBody(edit: (body: any[]) => any[]): any[] {
  const body = edit(bodyItems());
  return numbered([...opening(), ...body, completedFor(body)]);
}

// Swaps the events of the item at `outputIndex` for `replacement`, in place.
function replaceItem(body: any[], outputIndex: number, replacement: any[]): any[] {
  const first = body.findIndex((e) => e.output_index === outputIndex);
  const count = body.filter((e) => e.output_index === outputIndex).length;
  body.splice(first, count, ...replacement);
  return body;
}

function indexOfType(events: any[], type: string, nth = 0): number {
  const indexes = events.flatMap((e, i) => (e.type === type ? [i] : []));
  if (indexes[nth] === undefined) throw new Error(`no ${type} #${nth}`);
  return indexes[nth];
}

function rulesOf(violations: string[]): string[] {
  return [...new Set(violations.map((v) => /\[(rule \d+ [^\]]+)\]/.exec(v)?.[1] ?? v))];
}

// Asserts the stream breaks `rule` (and only it) with a message matching `pattern`.
function expectOnly(events: any[], rule: string, pattern: RegExp, opts?: { allowHeartbeats?: boolean }): string[] {
  const violations = validateResponsesStream(events, opts);
  expect(rulesOf(violations), violations.join('\n')).toEqual([rule]);
  expect(violations.some((v) => pattern.test(v)), violations.join('\n')).toBe(true);
  return violations;
}

function expectIncludes(events: any[], rule: string, pattern: RegExp): string[] {
  const violations = validateResponsesStream(events);
  expect(
    violations.some((v) => v.includes(`[${rule}]`) && pattern.test(v)),
    violations.join('\n'),
  ).toBe(true);
  return violations;
}

// ---------------------------------------------------------------------------

describe('parseSseText', () => {
  it('parses LF frames with event names, comments and multi-line data', () => {
    const text = ': keep-alive\n\nevent: a\ndata: {"x":\ndata: 1}\n\ndata: plain\n\n';
    expect(parseSseText(text)).toEqual([{ event: 'a', data: '{"x":\n1}' }, { data: 'plain' }]);
  });

  it('parses CRLF framing the same way', () => {
    const text = 'event: a\r\ndata: one\r\n\r\n:comment\r\n\r\ndata: two\r\n\r\n';
    expect(parseSseText(text)).toEqual([{ event: 'a', data: 'one' }, { data: 'two' }]);
  });

  it('returns [DONE] as data and drops an unterminated last frame', () => {
    expect(parseSseText('data: [DONE]\n\ndata: cut off')).toEqual([{ data: '[DONE]' }]);
  });

  it('ignores unknown fields such as the # notes in the Codex captures', () => {
    const events = parseResponsesSse(readFixture('codex/sse-full-exec_command.txt'));
    expect(events).toHaveLength(36);
    expect(events[0].type).toBe('response.created');
  });
});

describe('parseResponsesSse', () => {
  it('returns JSON payloads and skips [DONE]', () => {
    const text = 'event: t\ndata: {"type":"t"}\n\ndata: [DONE]\n\n';
    expect(parseResponsesSse(text)).toEqual([{ type: 't' }]);
  });

  it('throws on a payload that is not JSON rather than hiding it', () => {
    expect(() => parseResponsesSse('data: {"type":\n\n')).toThrow(/not JSON/);
  });

  it('round-trips a recording framed as the wire has it (LF and CRLF)', () => {
    const name = 'openai-responses/azure-tool-call.1.chunks.txt';
    for (const crlf of [false, true]) {
      const text = chunksToSseFrames(name, { named: true, crlf }).join('');
      expect(parseResponsesSse(text)).toEqual(readChunks(name));
      expect(checkResponsesSseFraming(text)).toEqual([]);
    }
  });

  it('reports an event name that disagrees with data.type', () => {
    const text = 'event: response.created\ndata: {"type":"response.in_progress"}\n\ndata: nope\n\n';
    expect(checkResponsesSseFraming(text)).toEqual([
      'frame #0: event name "response.created" but data.type "response.in_progress"',
      'frame #1: data is not JSON: "nope"',
    ]);
  });
});

describe('validateResponsesStream on real recordings', () => {
  // Live captures (Prov. L in test/fixtures/README.md) and the Codex CLI's
  // full streams: all must pass.
  const live = [
    'azure-text.1',
    'azure-tool-call.1',
    'openai-apply-patch-tool.1',
    'openai-client-tool-search.2',
    'openai-error.1',
    'openai-local-shell-tool.1',
    'openai-shell-local-multiturn.1',
    'openai-web-search-tool.1',
  ];
  it.each(live)('%s is valid', (name) => {
    assertValidResponsesStream(readChunks(`openai-responses/${name}.chunks.txt`));
  });

  it('openai-reasoning-encrypted-content.1 holds four valid responses', () => {
    const responses = splitResponses(readChunks('openai-responses/openai-reasoning-encrypted-content.1.chunks.txt'));
    expect(responses).toHaveLength(4);
    for (const events of responses) assertValidResponsesStream(events);
  });

  it.each(['sse-full-exec_command.txt', 'sse-full-apply_patch.txt'])('codex/%s (two turns) is valid', (name) => {
    const responses = splitResponses(parseResponsesSse(readFixture(`codex/${name}`)));
    expect(responses).toHaveLength(2);
    for (const events of responses) assertValidResponsesStream(events);
  });
});

describe('validateResponsesStream on hand-made or trimmed recordings', () => {
  it('openai-custom-tool.1 (hand-written): no sequence numbers and no custom_tool_call_input.done', () => {
    const violations = validateResponsesStream(readChunks('openai-responses/openai-custom-tool.1.chunks.txt'));
    expect(rulesOf(violations)).toEqual([RULES.sequence, RULES.parts]);
    expect(violations.filter((v) => v.includes(RULES.sequence))).toHaveLength(8);
    expect(violations.filter((v) => v.includes(RULES.parts))).toEqual([
      '#6 response.output_item.done: [rule 6 content parts] custom_tool_call ct_abc123def456 closed without response.custom_tool_call_input.done',
    ]);
  });

  it('github-copilot-id-rotation.1: every violation is an id that changed', () => {
    const violations = validateResponsesStream(readChunks('openai-responses/github-copilot-id-rotation.1.chunks.txt'));
    // 62 events with a rotated item_id, 2 output_item.done with a new item.id,
    // the response id rotating on in_progress and completed, and the completed
    // output repeating the items under yet other ids.
    expect(violations).toHaveLength(68);
    expect(violations.every((v) => /item_id "capture-id-\d+" but|item\.id "capture-id-\d+" differs|response\.id "capture-id-\d+" differs|"id":"capture-id-\d+"/.test(v))).toBe(true);
    expect(rulesOf(violations).sort()).toEqual([RULES.start, RULES.terminal, RULES.itemRefs, RULES.itemDone, RULES.finalOutput].sort());
  });

  it('openai-phase.1 (trimmed): sequence gaps, the missing item 1, and deltas that no longer add up', () => {
    const violations = validateResponsesStream(readChunks('openai-responses/openai-phase.1.chunks.txt'));
    expect(rulesOf(violations).sort()).toEqual([RULES.sequence, RULES.itemRefs, RULES.textAgreement].sort());
    expect(violations.filter((v) => v.includes(RULES.sequence))).toHaveLength(3);
    expect(violations.filter((v) => v.includes(RULES.itemRefs))).toEqual([
      '#9 response.output_item.added: [rule 4 item references] output_index 2, expected 1 (0,1,2… in order of output_item.added)',
    ]);
    // output_text.done, content_part.done and output_item.done of each message.
    expect(violations.filter((v) => v.includes(RULES.textAgreement))).toHaveLength(6);
  });

  it.each(['sse-minimal-exec_command.txt', 'sse-minimal-apply_patch.txt'])(
    'codex/%s is rejected: Codex tolerates it, but it is not a full stream',
    (name) => {
      // Two turns; no response.created to split on, so cut the text at the note
      // (after the blank line that ends turn 1's last frame).
      const [turn1] = readFixture(`codex/${name}`).split('# turn 2');
      const violations = validateResponsesStream(parseResponsesSse(turn1));
      expect(violations).toEqual([
        '#0 response.output_item.done: [rule 1 start] the first event must be response.created',
        '#0 response.output_item.done: [rule 4 item references] no response.output_item.added for output_index 0 before its output_item.done',
        '#1 response.output_item.done: [rule 1 start] expected response.in_progress right after response.created',
        '#1 response.output_item.done: [rule 4 item references] no response.output_item.added for output_index 1 before its output_item.done',
        '#2 response.completed: [rule 3 terminal] response.status undefined, expected "completed"',
        '#2 response.completed: [rule 3 terminal] response.output is not an array',
      ]);
    },
  );
});

describe('validateResponsesStream on synthetic streams', () => {
  it('accepts the synthetic base stream', () => {
    expect(validateResponsesStream(validStream())).toEqual([]);
  });

  it('accepts a response with no output items', () => {
    expect(validateResponsesStream(numbered([...opening(), completedFor([])]))).toEqual([]);
  });

  describe('rule 1: created, then in_progress', () => {
    it('rejects a stream that does not start with response.created', () => {
      expectOnly(numbered(validStream().slice(1)), RULES.start, /first event must be response.created/);
    });

    it('rejects response.created without an id or with a finished status', () => {
      const events = validStream();
      delete events[0].response.id;
      expectOnly(events, RULES.start, /response\.id is missing/);
      const finished = validStream();
      finished[0].response.status = 'completed';
      expectOnly(finished, RULES.start, /status "completed", expected "in_progress" or "queued"/);
    });

    it('rejects a missing response.in_progress', () => {
      const events = validStream();
      events.splice(1, 1);
      expectOnly(numbered(events), RULES.start, /#1 response.output_item.added: .*expected response.in_progress/);
    });

    it('allows heartbeat in_progress events unless told not to', () => {
      const events = validStream();
      const at = indexOfType(events, 'response.output_text.delta');
      events.splice(at, 0, { ...events[1] });
      const withHeartbeat = numbered(events);
      expect(validateResponsesStream(withHeartbeat)).toEqual([]);
      expectOnly(withHeartbeat, RULES.start, /extra response.in_progress/, { allowHeartbeats: false });
    });

    it('rejects a second response.created', () => {
      const events = validStream();
      events.splice(3, 0, { ...events[0] });
      expectOnly(numbered(events), RULES.start, /#3 response.created: .*second response.created/);
    });
  });

  describe('rule 2: sequence_number', () => {
    it('rejects a missing sequence_number', () => {
      const events = validStream();
      delete events[4].sequence_number;
      expectOnly(events, RULES.sequence, /#4 .*missing sequence_number \(expected 4\)/);
    });

    it('rejects a start other than 0, and reports a gap once', () => {
      expectOnly(validStream().map((e) => ({ ...e, sequence_number: e.sequence_number + 1 })), RULES.sequence, /sequence_number 1, expected 0/);
      const gap = validStream().map((e, i) => ({ ...e, sequence_number: i < 5 ? i : i + 3 }));
      expect(expectOnly(gap, RULES.sequence, /#5 .*sequence_number 8, expected 5/)).toHaveLength(1);
    });

    it('rejects a repeated or non-integer sequence_number', () => {
      const repeated = validStream();
      repeated[6].sequence_number = 5;
      expectOnly(repeated, RULES.sequence, /#6 .*sequence_number 5, expected 6/);
      const text = validStream();
      text[2].sequence_number = '2';
      expectOnly(text, RULES.sequence, /#2 .*"2" is not an integer/);
    });
  });

  describe('rule 3: one terminal event, last', () => {
    it('rejects a stream without a terminal event', () => {
      expectOnly(validStream().slice(0, -1), RULES.terminal, /ends without response.completed/);
    });

    it('rejects anything after the terminal event', () => {
      const events = validStream();
      events.push({ ...events[1] });
      expectOnly(numbered(events), RULES.terminal, /event after the terminal response.completed/);
    });

    it('rejects a completed response with another id, status or incomplete usage', () => {
      const otherId = validStream();
      otherId.at(-1).response.id = 'resp_other';
      expectOnly(otherId, RULES.terminal, /response.id "resp_other" differs/);
      const status = validStream();
      status.at(-1).response.status = 'in_progress';
      expectOnly(status, RULES.terminal, /status "in_progress", expected "completed"/);
      const usage = validStream();
      delete usage.at(-1).response.usage.input_tokens_details;
      delete usage.at(-1).response.usage.output_tokens_details.reasoning_tokens;
      const violations = expectOnly(usage, RULES.terminal, /usage.input_tokens_details.cached_tokens is not a number/);
      expect(violations.join('\n')).toMatch(/usage.output_tokens_details.reasoning_tokens is not a number/);
      const noUsage = validStream();
      delete noUsage.at(-1).response.usage;
      expectOnly(noUsage, RULES.terminal, /usage is missing/);
    });

    it('accepts response.failed with a code and message, even with an item left open', () => {
      const events = numbered([
        ...opening(),
        ...messageItem(0, ['Hel']).slice(0, 3),
        { type: 'response.failed', response: { id: RID, status: 'failed', output: [], error: { code: 'server_error', message: 'upstream died' } } },
      ]);
      expect(validateResponsesStream(events)).toEqual([]);
      events.at(-1).response.error = { code: '', message: 'x' };
      expectOnly(events, RULES.terminal, /response.error.code is missing/);
    });

    it('requires incomplete_details.reason on response.incomplete', () => {
      const events = validStream();
      Object.assign(events.at(-1), { type: 'response.incomplete' });
      events.at(-1).response.status = 'incomplete';
      events.at(-1).response.incomplete_details = { reason: 'max_output_tokens' };
      expect(validateResponsesStream(events)).toEqual([]);
      events.at(-1).response.incomplete_details = null;
      expectOnly(events, RULES.terminal, /incomplete_details.reason is missing/);
    });

    it('requires an error event to end in response.failed', () => {
      const events = validStream();
      events.splice(2, 0, { type: 'error', code: 'server_error', message: 'boom' });
      expectOnly(numbered(events), RULES.terminal, /error event \(#2\) must end in response.failed/);
    });
  });

  describe('rule 4: items are added before use, with stable ids and dense output_index', () => {
    it('rejects a delta before its output_item.added', () => {
      const events = streamWithBody((body) => {
        const added = body.findIndex((e) => e.type === 'response.output_item.added' && e.item.type === 'function_call');
        const [item] = body.splice(added, 1);
        body.splice(added + 1, 0, item); // now after the first arguments delta
        return body;
      });
      // The orphaned delta is also missing from the arguments (rule 8).
      expectIncludes(events, RULES.itemRefs, /function_call_arguments.delta: .*no response.output_item.added for output_index 2/);
    });

    it('rejects an item_id that does not match the item at output_index', () => {
      const events = validStream();
      events[indexOfType(events, 'response.output_text.delta', 1)].item_id = 'msg_other';
      expectOnly(events, RULES.itemRefs, /item_id "msg_other" but the item at output_index 1 is msg_1/);
    });

    it('rejects an output_index that skips ahead', () => {
      const events = streamWithBody((body) =>
        body.map((e) => (e.output_index === 3 ? { ...e, output_index: 4 } : e)),
      );
      expectOnly(events, RULES.itemRefs, /output_index 4, expected 3/);
    });

    it('rejects a reused item id', () => {
      const events = streamWithBody((body) =>
        body.map((e) => {
          if (e.output_index !== 2) return e;
          return e.item ? { ...e, item: { ...e.item, id: 'rs_0' } } : { ...e, item_id: 'rs_0' };
        }),
      );
      expectOnly(events, RULES.itemRefs, /item id rs_0 was already used/);
    });
  });

  describe('rule 5: exactly one output_item.done per item, with the fields Codex needs', () => {
    it('rejects an item that never gets output_item.done', () => {
      const events = streamWithBody((body) => body.filter((e) => !(e.type === 'response.output_item.done' && e.output_index === 1)));
      expectOnly(events, RULES.itemDone, /item msg_1 \(output_index 1\) never got output_item.done/);
    });

    it('rejects a second output_item.done and events after it', () => {
      const events = validStream();
      const done = indexOfType(events, 'response.output_item.done', 1);
      const delta = { ...events[done - 3] }; // the message's last output_text.delta
      events.splice(done + 1, 0, { ...events[done] }, delta);
      const violations = validateResponsesStream(numbered(events));
      expect(rulesOf(violations)).toEqual([RULES.itemDone]);
      expect(violations.join('\n')).toMatch(/a second output_item.done for item msg_1/);
      expect(violations.join('\n')).toMatch(/output_text.delta: .*event for item msg_1 after its output_item.done/);
    });

    it('rejects a done item whose id or type changed', () => {
      const events = validStream();
      const done = events[indexOfType(events, 'response.output_item.done', 2)];
      done.item = { ...done.item, id: 'fc_new' };
      expectIncludes(events, RULES.itemDone, /item.id "fc_new" differs from the added item's fc_2/);
    });

    it('rejects function_call arguments that are not JSON, and missing call_id/name', () => {
      const events = streamWithBody((body) => replaceItem(body, 2, functionCallItem(2, ['{"cmd":', '"ls"'])));
      expectOnly(events, RULES.itemDone, /function_call fc_2: arguments is not JSON/);
      const noIds = validStream();
      const done = noIds[indexOfType(noIds, 'response.output_item.done', 2)];
      delete done.item.call_id;
      done.item.name = '';
      noIds.at(-1).response.output[2] = done.item;
      const violations = expectOnly(noIds, RULES.itemDone, /call_id is missing/);
      expect(violations.join('\n')).toMatch(/name is missing/);
    });

    it('rejects a message without role assistant, a reasoning item without summary, a custom call without input', () => {
      const message = validStream();
      message[indexOfType(message, 'response.output_item.done', 1)].item.role = 'user';
      expectIncludes(message, RULES.itemDone, /message msg_1: role "user", expected "assistant"/);
      const reasoning = validStream();
      delete reasoning[indexOfType(reasoning, 'response.output_item.done', 0)].item.summary;
      expectIncludes(reasoning, RULES.itemDone, /reasoning rs_0: summary is not an array/);
      const custom = validStream();
      custom[indexOfType(custom, 'response.output_item.done', 3)].item.input = { patch: 'x' };
      expectIncludes(custom, RULES.itemDone, /custom_tool_call ctc_3: input is not a string/);
    });
  });

  describe('rule 6: content parts and delta streams open and close in order', () => {
    it('rejects output_text.delta before content_part.added', () => {
      const events = validStream();
      events.splice(indexOfType(events, 'response.content_part.added'), 1);
      const violations = validateResponsesStream(numbered(events));
      expect(violations.join('\n')).toMatch(/output_text.delta: \[rule 6 content parts\] no part added at index 0/);
    });

    it('rejects content_part.done before output_text.done', () => {
      const events = validStream();
      events.splice(indexOfType(events, 'response.output_text.done'), 1);
      expectOnly(numbered(events), RULES.parts, /content_part.done: .*part 0 closed before its output_text done event/);
    });

    it('rejects a function_call closed without function_call_arguments.done', () => {
      const events = validStream();
      events.splice(indexOfType(events, 'response.function_call_arguments.done'), 1);
      expectOnly(numbered(events), RULES.parts, /function_call fc_2 closed without response.function_call_arguments.done/);
    });

    it('rejects a summary delta before reasoning_summary_part.added', () => {
      const events = validStream();
      events.splice(indexOfType(events, 'response.reasoning_summary_part.added'), 1);
      const violations = validateResponsesStream(numbered(events));
      expect(violations.join('\n')).toMatch(/reasoning_summary_text.delta: \[rule 6 content parts\] no part added at index 0/);
    });

    it('rejects a delta after its done event', () => {
      const events = validStream();
      const done = indexOfType(events, 'response.custom_tool_call_input.done');
      events.splice(done + 1, 0, { ...events[done - 1] });
      expectOnly(numbered(events), RULES.parts, /custom_tool_call_input.delta: .*delta after the input was done/);
    });

    it('rejects an output_item.done while a content part is still open', () => {
      const events = validStream();
      events.splice(indexOfType(events, 'response.content_part.done'), 1);
      expectOnly(numbered(events), RULES.parts, /content part 0 of msg_1 was never closed/);
    });

    it('rejects an added message that already holds content', () => {
      const events = validStream();
      events[indexOfType(events, 'response.output_item.added', 1)].item.content = [{ type: 'output_text', text: '' }];
      expectOnly(events, RULES.parts, /an added message must have content: \[\]/);
    });

    it('rejects a content_index that skips ahead', () => {
      const events = streamWithBody((body) => body.map((e) => (e.content_index === 0 ? { ...e, content_index: 1 } : e)));
      expectIncludes(events, RULES.parts, /part index 1, expected 0/);
    });
  });

  describe('rule 7: the terminal output repeats the finished items', () => {
    it('rejects a missing item', () => {
      const events = validStream();
      events.at(-1).response.output.pop();
      expectOnly(events, RULES.finalOutput, /response.output has 3 item\(s\), but 4 output_item.done/);
    });

    it('rejects items out of order', () => {
      const events = validStream();
      events.at(-1).response.output.reverse();
      expectOnly(events, RULES.finalOutput, /response.output\[0\] .*"id":"ctc_3".* differs from its output_item.done .*"id":"rs_0"/);
    });

    it('rejects different text or arguments', () => {
      const events = validStream();
      const output = events.at(-1).response.output;
      output[1] = { ...output[1], content: [{ type: 'output_text', text: 'Bye', annotations: [] }] };
      output[2] = { ...output[2], arguments: '{}' };
      const violations = expectOnly(events, RULES.finalOutput, /response.output\[1\]/);
      expect(violations.join('\n')).toMatch(/response.output\[2\]/);
    });

    it('ignores a different reasoning encrypted_content, as live OpenAI sends one', () => {
      const events = validStream();
      events.at(-1).response.output[0] = { ...events.at(-1).response.output[0], encrypted_content: 'resealed' };
      expect(validateResponsesStream(events)).toEqual([]);
    });
  });

  describe('rule 8: done events and finished items agree with the deltas', () => {
    it('rejects output_text.done whose text is not the concatenated deltas', () => {
      const events = validStream();
      events[indexOfType(events, 'response.output_text.done')].text = 'Help';
      expectOnly(events, RULES.textAgreement, /output_text.done: .*final "Help" differs from the concatenated deltas "Hello"/);
    });

    it('rejects function_call_arguments.done and a done item that disagree with the deltas', () => {
      const events = validStream();
      events[indexOfType(events, 'response.function_call_arguments.done')].arguments = '{"cmd":"rm"}';
      expectOnly(events, RULES.textAgreement, /final "\{\\"cmd\\":\\"rm\\"\}" differs/);
      const item = validStream();
      const done = item[indexOfType(item, 'response.output_item.done', 2)];
      done.item.arguments = '{"cmd":"pwd"}';
      item.at(-1).response.output[2] = done.item;
      expectOnly(item, RULES.textAgreement, /output_item.done: .*item.arguments .* differs from the streamed/);
    });

    it('rejects a reasoning summary or custom input that disagrees with the deltas', () => {
      const summary = validStream();
      summary[indexOfType(summary, 'response.reasoning_summary_text.done')].text = 'Plan';
      expectOnly(summary, RULES.textAgreement, /reasoning_summary_text.done: .*final "Plan" differs/);
      const input = validStream();
      input[indexOfType(input, 'response.custom_tool_call_input.done')].input = '';
      expectOnly(input, RULES.textAgreement, /custom_tool_call_input.done: .*differs from the concatenated deltas/);
    });

    it('counts the arguments of the added item, as the openai SDK does', () => {
      // Whole arguments on output_item.added and no deltas: the SDK snapshot is right.
      const whole = streamWithBody((body) =>
        replaceItem(body, 2, functionCallItem(2, []).map((e) => (e.item ? { ...e, item: { ...e.item, arguments: '{}' } } : { ...e, arguments: '{}' }))),
      );
      expect(validateResponsesStream(whole)).toEqual([]);
      // Arguments on added *and* as deltas: the SDK would hold them twice.
      const twice = validStream();
      twice[indexOfType(twice, 'response.output_item.added', 2)].item.arguments = '{"cmd":"ls"}';
      expectOnly(twice, RULES.textAgreement, /differs from the concatenated deltas "\{\\"cmd\\":\\"ls\\"\}\{\\"cmd\\":/);
    });

    it('rejects a finished message with more content than was streamed', () => {
      const events = validStream();
      const done = events[indexOfType(events, 'response.output_item.done', 1)];
      done.item.content.push({ type: 'output_text', text: 'extra', annotations: [] });
      events.at(-1).response.output[1] = done.item;
      expectOnly(events, RULES.textAgreement, /msg_1 content has 2 part\(s\) but 1 were streamed/);
    });
  });

  describe('rule 9: event shape', () => {
    it('rejects an unknown event type (e.g. a typo)', () => {
      const events = validStream();
      events[indexOfType(events, 'response.output_text.delta')].type = 'response.output_text_delta';
      const violations = validateResponsesStream(events);
      expect(violations.join('\n')).toMatch(/response.output_text_delta: \[rule 9 event shape\] unknown event type/);
    });

    it('rejects a top-level error field, which makes the openai SDK throw', () => {
      const events = validStream();
      events[2].error = { message: 'oops' };
      expectOnly(events, RULES.eventShape, /top-level "error" field/);
    });

    it('rejects a delta that is not a string', () => {
      const events = validStream();
      events[indexOfType(events, 'response.output_text.delta')].delta = null;
      expectIncludes(events, RULES.eventShape, /delta is not a string/);
    });
  });
});

describe('assertValidResponsesStream', () => {
  it('passes a valid stream', () => {
    expect(() => assertValidResponsesStream(validStream())).not.toThrow();
  });

  it('throws with every violation and a dump of the event types', () => {
    const events = validStream().slice(0, -1);
    events[3].sequence_number = 99;
    // One wrong number breaks two links of the chain: 2→99 and 99→4.
    expect(() => assertValidResponsesStream(events)).toThrow(
      /3 violations[\s\S]*#3 .*sequence_number 99, expected 3[\s\S]*#4 .*sequence_number 4, expected 100 \(one more than the previous 99\)[\s\S]*rule 3 terminal[\s\S]*Events:\n {2}#0 seq=0 response.created\n {2}#1 seq=1 response.in_progress\n {2}#2 seq=2 response.output_item.added reasoning rs_0 @0/,
    );
  });
});

// The validator claims to be at least as strict as the openai SDK's stream
// helper. Replay streams through the real SDK (a fetch stub, no network).
async function finishWithOpenAiSdk(events: any[]): Promise<number> {
  const body = events.map((e) => `event: ${e.type}\ndata: ${JSON.stringify(e)}\n\n`).join('');
  const client = new OpenAI({
    apiKey: 'test',
    baseURL: 'http://127.0.0.1:9/v1',
    maxRetries: 0,
    fetch: async () => new Response(body, { headers: { 'content-type': 'text/event-stream' } }),
  });
  const stream = client.responses.stream({ model: 'm', input: 'hi' });
  for await (const _event of stream) {
    // drain
  }
  return (await stream.finalResponse()).output.length;
}

describe('agreement with the openai SDK stream helper', () => {
  it('the SDK finishes the streams the validator accepts', async () => {
    expect(await finishWithOpenAiSdk(validStream())).toBe(4);
    const [turn1] = splitResponses(parseResponsesSse(readFixture('codex/sse-full-apply_patch.txt')));
    expect(await finishWithOpenAiSdk(turn1)).toBe(2);
  });

  it('the SDK also fails on defects the validator reports', async () => {
    const phase = readChunks('openai-responses/openai-phase.1.chunks.txt');
    await expect(finishWithOpenAiSdk(phase)).rejects.toThrow(/missing output at index 2/);
    const minimal = parseResponsesSse(readFixture('codex/sse-minimal-exec_command.txt'));
    await expect(finishWithOpenAiSdk(minimal)).rejects.toThrow(/expected 'response.created'/);
    const gap = streamWithBody((body) => body.map((e) => (e.content_index === 0 ? { ...e, content_index: 1 } : e)));
    await expect(finishWithOpenAiSdk(gap)).rejects.toThrow(/missing content at index 1/);
  });
});
