// tool_call_validity on records built from the real Codex captures: the model's call
// of turn 1 (seen in turn 2's history), judged first from the record, then with the
// outcome turn 2's tool output reported; and constructed broken calls.
import { describe, expect, it } from 'vitest';
import type { EvaluationContext, ToolOutcome, Verdict } from '../../../evaluators/evaluator.js';
import { classifyToolOutput } from '../../../evaluators/classify-tool-output.js';
import { toolCallValidity } from '../../../evaluators/tool-call-validity.js';
import type { RecordedToolCall, TurnRecord } from '../../../src/records/turn-record.js';
import { callsInHistory, recordFromCapture, withOutput } from '../../support/turn-records.js';

const noOutcomes: EvaluationContext = { outcomes: new Map() };

function evaluate(record: TurnRecord, ctx: EvaluationContext = noOutcomes): Verdict {
  const v = toolCallValidity.evaluate(record, ctx) as Verdict | undefined;
  if (!v) throw new Error('expected a verdict');
  return v;
}

// What the next request of the session says about the previous turn's calls.
function outcomesOf(record: TurnRecord): Map<string, ToolOutcome> {
  return new Map(record.toolOutputs.map((o) => [o.callId, classifyToolOutput(o)]));
}

const callDetails = (v: Verdict) => (v.details as { calls: { callId: string; name: string; valid: boolean; reasons: string[]; outcome?: ToolOutcome }[] }).calls;

const exec = (args: string, callId = 'call_x'): RecordedToolCall => ({ callId, kind: 'function', name: 'exec_command', arguments: args });
const turn1With = (...toolCalls: RecordedToolCall[]) => recordFromCapture('turn1-request.json', { toolCalls });

describe('tool_call_validity: Codex exec_command capture', () => {
  const turn1 = recordFromCapture('turn1-request.json', { toolCalls: callsInHistory('turn2-request.json') });

  it("turn 1's exec_command call is valid", () => {
    expect(turn1.toolCalls).toEqual([{ callId: 'call_fake_0001', kind: 'function', name: 'exec_command', arguments: '{"cmd":"echo hello > out.txt"}' }]);
    const v = evaluate(turn1);
    expect(v).toMatchObject({ name: 'tool_call_validity', score: 1, label: 'valid', explanation: '1 of 1 call valid' });
    expect(callDetails(v)).toEqual([{ callId: 'call_fake_0001', name: 'exec_command', valid: true, reasons: [] }]);
  });

  it("turn 2 reports exit code 0: turn 1 stays valid and carries the outcome", () => {
    const outcomes = outcomesOf(recordFromCapture('turn2-request.json', { textLength: 4 }));
    expect(outcomes.get('call_fake_0001')).toEqual({ ok: true, reason: 'exit code 0', exitCode: 0 });
    const v = evaluate(turn1, { outcomes });
    expect(v).toMatchObject({ score: 1, label: 'valid' });
    expect(callDetails(v)[0].outcome).toEqual({ ok: true, reason: 'exit code 0', exitCode: 0 });
  });

  it('a failing output (exit code 2) makes turn 1 invalid', () => {
    const failing = 'Chunk ID: 1\nWall time: 0.0 seconds\nProcess exited with code 2\nOriginal token count: 3\nOutput:\nsh: 1: bad\n';
    const outcomes = outcomesOf(recordFromCapture('turn2-request.json', { editItems: withOutput('call_fake_0001', failing) }));
    const v = evaluate(turn1, { outcomes });
    expect(v).toMatchObject({ score: 0, label: 'invalid', explanation: '0 of 1 call valid; exec_command: next request reported exit code 2' });
    expect(callDetails(v)[0]).toMatchObject({ valid: false, reasons: ['next request reported exit code 2'], outcome: { ok: false, exitCode: 2 } });
  });

  it('an output that says nothing (ok null) changes nothing', () => {
    const v = evaluate(turn1, { outcomes: new Map([['call_fake_0001', { ok: null, reason: 'output does not report an outcome' }]]) });
    expect(v).toMatchObject({ score: 1, label: 'valid' });
  });
});

describe('tool_call_validity: Codex apply_patch capture', () => {
  const turn1 = recordFromCapture('apply-patch-catalog-turn1-request.json', { toolCalls: callsInHistory('apply-patch-catalog-turn2-request.json') });

  it("turn 1's apply_patch input is a valid patch, and turn 2 reports Exit code 0", () => {
    expect(turn1.toolCalls[0]).toMatchObject({ kind: 'custom', name: 'apply_patch' });
    expect(evaluate(turn1)).toMatchObject({ score: 1, label: 'valid' });
    const outcomes = outcomesOf(recordFromCapture('apply-patch-catalog-turn2-request.json', { textLength: 4 }));
    expect(outcomes.get('call_fake_0001')).toEqual({ ok: true, reason: 'exit code 0', exitCode: 0 });
    expect(evaluate(turn1, { outcomes })).toMatchObject({ score: 1, label: 'valid' });
  });

  it('apply_patch verification failure reported by the next request', () => {
    const outcomes = outcomesOf(
      recordFromCapture('apply-patch-catalog-turn2-request.json', { editItems: withOutput('call_fake_0001', 'apply_patch verification failed: Failed to find expected lines in patched.txt') }),
    );
    expect(evaluate(turn1, { outcomes })).toMatchObject({ score: 0, label: 'invalid', explanation: '0 of 1 call valid; apply_patch: next request reported apply_patch verification failed' });
  });

  const patchCall = (input: string): RecordedToolCall => ({ callId: 'call_p', kind: 'custom', name: 'apply_patch', arguments: input });
  const patchTurn = (input: string) => recordFromCapture('apply-patch-catalog-turn1-request.json', { toolCalls: [patchCall(input)] });

  it('a patch missing End Patch is invalid', () => {
    const v = evaluate(patchTurn('*** Begin Patch\n*** Add File: a.txt\n+x\n'));
    expect(v).toMatchObject({ score: 0, label: 'invalid' });
    expect(callDetails(v)[0].reasons).toEqual(["apply_patch input is not a valid patch: missing '*** End Patch' on the last line"]);
  });

  it('an Update File with no hunk is invalid', () => {
    const v = evaluate(patchTurn('*** Begin Patch\n*** Update File: a.txt\n*** End Patch\n'));
    expect(callDetails(v)[0].reasons).toEqual(["apply_patch input is not a valid patch: Update File 'a.txt' at line 2 has no hunks"]);
  });

  it('apply_patch called as a function is an unknown tool', () => {
    const v = evaluate(recordFromCapture('apply-patch-catalog-turn1-request.json', { toolCalls: [{ callId: 'c', kind: 'function', name: 'apply_patch', arguments: '{}' }] }));
    expect(v).toMatchObject({ score: 0, label: 'invalid' });
    expect(callDetails(v)[0].reasons).toEqual(['unknown tool: apply_patch was offered as a custom tool, called as function']);
  });
});

describe('tool_call_validity: constructed calls', () => {
  it('no calls: nothing to judge', () => {
    expect(toolCallValidity.evaluate(recordFromCapture('turn1-request.json', { textLength: 5 }), noOutcomes)).toBeUndefined();
  });

  it('arguments that are not JSON', () => {
    const v = evaluate(turn1With(exec('{"cmd": "ls"')));
    expect(v).toMatchObject({ score: 0, label: 'invalid' });
    expect(callDetails(v)[0].reasons[0]).toMatch(/^arguments are not valid JSON: .+/);
    expect(v.explanation).toMatch(/^0 of 1 call valid; exec_command: arguments are not valid JSON/);
  });

  it('arguments that are JSON but not an object', () => {
    expect(callDetails(evaluate(turn1With(exec('"ls"'))))[0].reasons).toEqual(['arguments are not valid JSON: expected an object, got string']);
  });

  it("arguments missing exec_command's required `cmd` (the capture's schema)", () => {
    const record = turn1With(exec('{"command":"ls"}'));
    expect(record.toolsOffered.find((t) => t.name === 'exec_command')?.parameters).toMatchObject({ required: ['cmd'], additionalProperties: false });
    const reasons = callDetails(evaluate(record))[0].reasons;
    expect(reasons).toEqual(["arguments do not match the schema: arguments must have required property 'cmd'; arguments must NOT have additional properties"]);
  });

  it('an argument of the wrong type', () => {
    expect(callDetails(evaluate(turn1With(exec('{"cmd":5,"tty":"yes"}'))))[0].reasons).toEqual([
      'arguments do not match the schema: arguments/cmd must be string; arguments/tty must be boolean',
    ]);
  });

  it('keeps the first 3 schema errors', () => {
    const reason = callDetails(evaluate(turn1With(exec('{"cmd":1,"tty":1,"login":1,"workdir":1}'))))[0].reasons[0];
    expect(reason.split('; ')).toHaveLength(3);
  });

  it('an unknown tool', () => {
    const v = evaluate(turn1With({ callId: 'c', kind: 'function', name: 'shell', arguments: '{"command":["ls"]}' }));
    expect(v).toMatchObject({ score: 0, label: 'invalid', explanation: '0 of 1 call valid; shell: unknown tool: shell was not offered' });
  });

  it('a namespaced function is matched with its namespace', () => {
    const ok: RecordedToolCall = { callId: 'a', kind: 'function', name: 'close_agent', namespace: 'multi_agent_v1', arguments: '{"target":"agent-1"}' };
    const bare: RecordedToolCall = { callId: 'b', kind: 'function', name: 'close_agent', arguments: '{"target":"agent-1"}' };
    const v = evaluate(turn1With(ok, bare));
    expect(callDetails(v).map((c) => [c.name, c.valid])).toEqual([['multi_agent_v1.close_agent', true], ['close_agent', false]]);
  });

  it('other custom tools accept any input', () => {
    const record = turn1With({ callId: 'c', kind: 'custom', name: 'notes', arguments: 'anything' });
    record.toolsOffered.push({ type: 'custom', name: 'notes', format: 'text' });
    expect(evaluate(record)).toMatchObject({ score: 1, label: 'valid' });
  });

  it('a function offered without parameters skips the schema check', () => {
    const record = turn1With({ callId: 'c', kind: 'function', name: 'free', arguments: '{"x":1}' });
    record.toolsOffered.push({ type: 'function', name: 'free' });
    expect(evaluate(record)).toMatchObject({ score: 1, label: 'valid' });
  });

  it('a schema that does not compile is not held against the model', () => {
    const record = turn1With({ callId: 'c', kind: 'function', name: 'odd', arguments: '{}' });
    record.toolsOffered.push({ type: 'function', name: 'odd', parameters: { type: 'object', properties: { a: { $ref: '#/nowhere' } } } });
    expect(evaluate(record)).toMatchObject({ score: 1, label: 'valid' });
  });

  it('mixed calls: partially valid, the failed exit code named', () => {
    const v = evaluate(turn1With(exec('{"cmd":"ls"}', 'c1'), exec('{"cmd":"make"}', 'c2'), exec('nope', 'c3')), {
      outcomes: new Map<string, ToolOutcome>([
        ['c1', { ok: true, reason: 'exit code 0', exitCode: 0 }],
        ['c2', { ok: false, reason: 'exit code 2', exitCode: 2 }],
      ]),
    });
    expect(v.score).toBeCloseTo(1 / 3);
    expect(v.label).toBe('partially_valid');
    expect(v.explanation).toMatch(/^1 of 3 calls valid; exec_command: next request reported exit code 2; exec_command: arguments are not valid JSON/);
  });
});
