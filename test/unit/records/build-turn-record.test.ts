// buildTurnRecord on the real Codex captures: the previous turn's calls and outputs,
// the last user prompt, the offered tools (schemas only for the ones called).
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Item } from '../../../src/canonical/types.js';
import { decodeResponsesRequest } from '../../../src/dialects/responses/decode-request.js';
import type { TurnSummary } from '../../../src/pipeline/turn.js';
import { buildTurnRecord } from '../../../src/records/build-turn-record.js';
import { OUTPUT_TEXT_LIMIT, TURN_RECORD_VERSION } from '../../../src/records/turn-record.js';
import { fixturePath, readCodexRequest } from '../../support/fixtures.js';
import { callsInHistory, recordFromCapture, withOutput } from '../../support/turn-records.js';

const captures = readdirSync(fixturePath('codex')).filter((f) => f.endsWith('-request.json'));
const userText = (text: string): Item => ({ type: 'message', role: 'user', content: [{ type: 'text', text }] });
const assistantText = (text: string): Item => ({ type: 'message', role: 'assistant', content: [{ type: 'text', text }] });
const PROMPT = 'Run this exact shell command in the current directory: echo hello > out.txt. Then reply done.';

describe('buildTurnRecord: Codex captures', () => {
  it('turn 2 carries turn 1\'s exec_command call with its output', () => {
    const record = recordFromCapture('turn2-request.json', { textLength: 4 });
    expect(record.toolOutputs).toEqual([
      {
        callId: 'call_fake_0001',
        kind: 'function',
        name: 'exec_command',
        arguments: '{"cmd":"echo hello > out.txt"}',
        output: readCodexRequest('turn2-request.json').body.input.find((i: any) => i.type === 'function_call_output').output,
      },
    ]);
    expect(record.toolOutputs[0].output).toContain('Process exited with code 0');
  });

  it('the apply_patch turn 2 carries a custom output with the patch as arguments', () => {
    const record = recordFromCapture('apply-patch-catalog-turn2-request.json');
    expect(record.toolOutputs).toEqual([
      {
        callId: 'call_fake_0001',
        kind: 'custom',
        name: 'apply_patch',
        arguments: '*** Begin Patch\n*** Add File: patched.txt\n+patched by apply_patch\n*** End Patch\n',
        output: 'Exit code: 0\nWall time: 0.1 seconds\nOutput:\nSuccess. Updated the following files:\nA patched.txt\n',
      },
    ]);
  });

  it('reasoning items between the call and its output do not hide the output', () => {
    expect(recordFromCapture('reasoning-turn2-request.json').toolOutputs.map((o) => [o.callId, o.name])).toEqual([['call_fake_0001', 'exec_command']]);
  });

  it('a first request has no tool outputs', () => {
    expect(recordFromCapture('turn1-request.json').toolOutputs).toEqual([]);
  });

  it('keeps the head of a long output and marks it truncated', () => {
    const long = 'x'.repeat(OUTPUT_TEXT_LIMIT + 10);
    const [out] = recordFromCapture('turn2-request.json', { editItems: withOutput('call_fake_0001', long) }).toolOutputs;
    expect(out.output).toHaveLength(OUTPUT_TEXT_LIMIT);
    expect(out.truncated).toBe(true);
  });

  it('session, turn and request kind come from the turn metadata', () => {
    const record = recordFromCapture('turn1-request.json');
    expect(record).toMatchObject({
      v: TURN_RECORD_VERSION,
      dialect: 'responses',
      status: 'completed',
      outputObserved: true,
      session: { id: '01a20c0d-1519-7cb0-b68e-0501ded473a5', turnId: '01a20c0d-1528-73b2-878f-0dd4a7f9491a', requestKind: 'turn' },
    });
    expect(recordFromCapture('compaction-request.json').session?.requestKind).toBe('compaction');
  });

  it.each(captures)('%s: the last user prompt does not repeat the previous one', (name) => {
    const record = recordFromCapture(name);
    expect(record.lastUser?.repeatsPrevious ?? false).toBe(false);
  });

  it('ignores Codex context messages (<environment_context>) when finding the prompt', () => {
    const a = recordFromCapture('turn1-request.json').lastUser!;
    const b = recordFromCapture('turn2-request.json').lastUser!;
    // Same prompt, same hash; the environment context before it is not the prompt.
    expect(a.hash).toMatch(/^[0-9a-f]{16}$/);
    expect(b.hash).toBe(a.hash);
  });

  it('the user repeating the prompt after the answer is seen', () => {
    const record = recordFromCapture('turn2-request.json', { editItems: (items) => [...items, assistantText('done'), userText(PROMPT)] });
    expect(record.lastUser?.repeatsPrevious).toBe(true);
    expect(record.toolOutputs).toEqual([]);
  });

  it('a repeated prompt followed by tool work is no longer "the last thing sent"', () => {
    const record = recordFromCapture('turn2-request.json', {
      editItems: (items) => [...items, assistantText('done'), userText(PROMPT), { type: 'function_call', callId: 'c9', name: 'exec_command', arguments: '{"cmd":"ls"}' }, { type: 'function_call_output', callId: 'c9', output: 'Process exited with code 0' }],
    });
    expect(record.lastUser?.repeatsPrevious).toBe(false);
  });

  it('a different follow-up prompt does not repeat', () => {
    const record = recordFromCapture('turn2-request.json', { editItems: (items) => [...items, assistantText('done'), userText('now delete it')] });
    expect(record.lastUser?.repeatsPrevious).toBe(false);
  });

  it('toolsOffered carries the schema (function) or format (custom) only for the tools called', () => {
    const record = recordFromCapture('apply-patch-catalog-turn1-request.json', { toolCalls: callsInHistory('apply-patch-catalog-turn2-request.json') });
    const withDetails = record.toolsOffered.filter((t) => t.parameters || t.format);
    expect(withDetails).toEqual([{ type: 'custom', name: 'apply_patch', format: 'grammar:lark' }]);

    const exec = recordFromCapture('turn1-request.json', { toolCalls: callsInHistory('turn2-request.json') });
    const offered = exec.toolsOffered.filter((t) => t.parameters);
    expect(offered.map((t) => t.name)).toEqual(['exec_command']);
    expect(offered[0].parameters).toMatchObject({ type: 'object', required: ['cmd'] });
    // Namespaced functions are offered with their namespace, without a schema.
    expect(exec.toolsOffered).toContainEqual({ type: 'function', name: 'close_agent', namespace: 'multi_agent_v1' });
    // Hosted tools the gateway cannot run are not offered tools.
    expect(exec.toolsOffered.some((t) => t.name === 'web_search')).toBe(false);
  });

  it('without an observed answer: no calls, outputObserved false', () => {
    const { headers, body } = readCodexRequest('turn2-request.json');
    const summary: TurnSummary = {
      id: 't',
      dialect: 'responses',
      alias: 'a',
      provider: 'p',
      upstreamModel: 'm',
      passthrough: true,
      stream: true,
      status: 'completed',
      httpStatus: 200,
      latencyMs: 1,
      removedTools: [],
      warnings: [],
      identity: { sessionId: headers['session-id'] },
    };
    const record = buildTurnRecord(summary, decodeResponsesRequest(body), undefined, new Date(0));
    expect(record).toMatchObject({ at: '1970-01-01T00:00:00.000Z', outputObserved: false, toolCalls: [], finalTextLength: 0, route: { alias: 'a', by: 'alias' } });
    expect(record.toolOutputs).toHaveLength(1);
  });
});

describe('buildTurnRecord: routing facts', () => {
  it('carries the rule, the exploration tag and what shadow rules would have chosen', () => {
    const { body } = readCodexRequest('turn1-request.json');
    const summary: TurnSummary = {
      id: 't-shadow',
      dialect: 'responses',
      alias: 'strong',
      provider: 'openai',
      upstreamModel: 'gpt-5.1',
      passthrough: false,
      stream: true,
      status: 'completed',
      httpStatus: 200,
      latencyMs: 10,
      removedTools: [],
      warnings: [],
      decision: {
        requested: 'auto',
        by: 'rule',
        rule: { index: 1, expression: 'input_tokens < 8000' },
        shadow: [{ index: 0, expression: 'input_tokens < 12000', route_to: 'cheap' }],
        estimate: { tokens: 7000, approximate: false, newItems: 3, cachedItems: 0, ms: 1 },
        overWindow: [],
        candidates: ['strong'],
        attempts: [],
        exploration: 'strong',
      },
    };
    const record = buildTurnRecord(summary, decodeResponsesRequest(body), { toolCalls: [], textLength: 3 });
    expect(record.route).toEqual({ requested: 'auto', alias: 'strong', by: 'rule', rule: 'input_tokens < 8000', exploration: 'strong', shadow: [{ rule: 'input_tokens < 12000', routeTo: 'cheap' }] });
    expect(record.inputTokensEstimate).toBe(7000);
  });
});
