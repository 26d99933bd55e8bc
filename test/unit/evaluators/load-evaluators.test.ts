// User evaluators load from the config (relative to the config file) and from
// GATEWAY_EVALUATORS; a broken module or a duplicate name stops the worker with a reason.
import { describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEvaluators } from '../../../evaluators/load-evaluators.js';
import { parseConfig } from '../../../src/config/load-config.js';
import { recordFromCapture } from '../../support/turn-records.js';

const dir = mkdtempSync(join(tmpdir(), 'evaluators-'));
writeFileSync(
  join(dir, 'no-shell-rm.mjs'),
  `export default { name: 'no_shell_rm', evaluate(record) {
     const calls = record.toolCalls.filter((c) => c.name === 'exec_command');
     if (calls.length === 0) return undefined;
     const risky = calls.filter((c) => /\\brm\\s+-rf\\b/.test(c.arguments));
     return { name: 'no_shell_rm', score: risky.length ? 0 : 1, label: risky.length ? 'risky' : 'safe', explanation: risky.length + ' risky' };
   } };`,
);
writeFileSync(join(dir, 'two.mjs'), `export default [{ name: 'a', evaluate: () => undefined }, { name: 'b', evaluate: () => undefined }];`);
writeFileSync(join(dir, 'bad.mjs'), `export default { nom: 'x' };`);
writeFileSync(join(dir, 'dup.mjs'), `export default { name: 'task_completion', evaluate: () => undefined };`);

const configIn = (evaluators: string[]) => {
  const loaded = parseConfig(`routes:\n  - alias: m\n    provider: openai\n    model: gpt-5\nevaluation:\n  evaluators: ${JSON.stringify(evaluators)}\n`, join(dir, 'routes.yaml'));
  return { ...loaded, file: join(dir, 'routes.yaml') };
};

describe('loadEvaluators', () => {
  it('runs the built-in evaluators, then config modules (relative to the config file), then GATEWAY_EVALUATORS', async () => {
    const list = await loadEvaluators(configIn(['./no-shell-rm.mjs']), { GATEWAY_EVALUATORS: join(dir, 'two.mjs') });
    expect(list.map((e) => e.name)).toEqual(['tool_call_validity', 'task_completion', 'no_shell_rm', 'a', 'b']);
    const risky = recordFromCapture('turn1-request.json', { toolCalls: [{ callId: 'c1', kind: 'function', name: 'exec_command', arguments: '{"cmd":"rm -rf /tmp/x"}' }] });
    expect(await list[2].evaluate(risky, { outcomes: new Map() })).toMatchObject({ score: 0, label: 'risky' });
  });

  it('refuses a module that does not export an evaluator, and two evaluators with one name', async () => {
    await expect(loadEvaluators(configIn(['./bad.mjs']), {})).rejects.toThrow(/bad\.mjs: its default export must be an Evaluator/);
    await expect(loadEvaluators(configIn(['./missing.mjs']), {})).rejects.toThrow(/missing\.mjs: cannot be loaded/);
    await expect(loadEvaluators(configIn(['./dup.mjs']), {})).rejects.toThrow(/two evaluators are named "task_completion"/);
  });

  it('adds the LLM judge only when configured', async () => {
    const loaded = parseConfig(`routes:\n  - alias: judge\n    provider: openai\n    model: gpt-5\nevaluation:\n  judge:\n    route: judge\n`, '<inline>');
    expect((await loadEvaluators(loaded, {})).map((e) => e.name)).toContain('llm_judge');
    expect(() => parseConfig(`routes:\n  - alias: m\n    provider: openai\n    model: gpt-5\nevaluation:\n  judge:\n    route: nope\n`, 'r.yaml')).toThrow(/r\.yaml:\d+: evaluation\.judge\.route: no route has the alias "nope"/);
  });
});
