// What Codex's tool outputs say about their calls: exit codes, Codex's own refusals,
// timeouts and sandbox denials; everything else says nothing.
import { describe, expect, it } from 'vitest';
import { classifyToolOutput } from '../../../evaluators/classify-tool-output.js';
import type { RecordedToolOutput } from '../../../src/records/turn-record.js';
import { readCodexRequest } from '../../support/fixtures.js';

const fn = (output: string): RecordedToolOutput => ({ callId: 'c1', kind: 'function', name: 'exec_command', output });
const custom = (output: string): RecordedToolOutput => ({ callId: 'c1', kind: 'custom', name: 'apply_patch', output });
const captured = (name: string, type: string) => readCodexRequest(name).body.input.find((i: any) => i.type === type).output as string;

const exec = (code: number, out = '') => `Chunk ID: 9336ee\nWall time: 0.0000 seconds\nProcess exited with code ${code}\nOriginal token count: 14\nOutput:\n${out}`;

describe('classifyToolOutput: exit codes', () => {
  it('exec_command output of the turn 2 capture: exit code 0, despite a warning in the output', () => {
    const output = captured('turn2-request.json', 'function_call_output');
    expect(output).toContain('isn\'t writable');
    expect(classifyToolOutput(fn(output))).toEqual({ ok: true, reason: 'exit code 0', exitCode: 0 });
  });

  it('apply_patch output of the catalog capture: Exit code 0', () => {
    expect(classifyToolOutput(custom(captured('apply-patch-catalog-turn2-request.json', 'custom_tool_call_output')))).toEqual({ ok: true, reason: 'exit code 0', exitCode: 0 });
  });

  it('a non-zero exit code fails', () => {
    expect(classifyToolOutput(fn(exec(2, 'ls: cannot access x\n')))).toEqual({ ok: false, reason: 'exit code 2', exitCode: 2 });
    expect(classifyToolOutput(custom('Exit code: 1\nWall time: 0 seconds\nOutput:\nerror\n'))).toEqual({ ok: false, reason: 'exit code 1', exitCode: 1 });
  });

  it("reads the exit code from Codex's header, not from the program's output", () => {
    expect(classifyToolOutput(fn(exec(0, 'Process exited with code 7\n')))).toMatchObject({ ok: true, exitCode: 0 });
    expect(classifyToolOutput(fn(exec(0, 'touch: Operation not permitted\ntimed out\n')))).toMatchObject({ ok: true });
  });

  it('the older JSON output format', () => {
    expect(classifyToolOutput(fn(JSON.stringify({ output: 'hi\n', metadata: { exit_code: 0, duration_seconds: 0.1 } })))).toEqual({ ok: true, reason: 'exit code 0', exitCode: 0 });
    expect(classifyToolOutput(fn(JSON.stringify({ output: 'boom\n', metadata: { exit_code: 127 } })))).toEqual({ ok: false, reason: 'exit code 127', exitCode: 127 });
    // Without an exit code its output text is classified.
    expect(classifyToolOutput(fn(JSON.stringify({ output: 'command timed out after 10000 milliseconds', metadata: {} })))).toEqual({ ok: false, reason: 'timed out' });
  });
});

describe("classifyToolOutput: Codex's own failures", () => {
  it.each([
    ['unsupported call: foo', 'unsupported call: foo'],
    ['failed to parse function arguments: missing field `cmd` at line 1 column 2', 'failed to parse function arguments'],
    ['apply_patch verification failed: Failed to find expected lines in /home/dev/a.py', 'apply_patch verification failed'],
    ['Failed to find expected lines in /home/dev/a.py:\nfoo', 'apply_patch: failed to find expected lines'],
    ['Invalid Context 0:\nfoo', 'apply_patch: invalid context'],
    ["invalid patch: The last line of the patch must be '*** End Patch'", 'apply_patch: invalid patch'],
    ['invalid hunk at line 3, Update hunk does not contain any lines', 'apply_patch: invalid patch'],
    ['command timed out after 10000 milliseconds', 'timed out'],
    ['Process timed out', 'timed out'],
    ['sandbox denied: write outside the workspace', 'sandbox denied'],
    ['bash: /etc/hosts: Operation not permitted', 'sandbox denied'],
  ])('%j → %s', (output, reason) => {
    expect(classifyToolOutput(fn(output))).toEqual({ ok: false, reason });
  });
});

describe('classifyToolOutput: no outcome', () => {
  it.each(['', 'hello', 'Chunk ID: 1\nWall time: 10.0 seconds\nProcess running with session ID 3\nOutput:\n', '{"not": "codex"}'])('%j', (output) => {
    expect(classifyToolOutput(fn(output))).toEqual({ ok: null, reason: 'output does not report an outcome' });
  });
});
