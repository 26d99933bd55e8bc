import { describe, expect, it } from 'vitest';
import { compilePolicyExpression, type CompiledExpression } from '../../../../src/routing/policy/compile-policy-expression.js';
import { evaluateRules, type CompiledRule } from '../../../../src/routing/policy/evaluate-rules.js';
import type { PolicyContext } from '../../../../src/routing/policy/policy-vocabulary.js';

const ctx = (input_tokens: number, tools: string[] = []): PolicyContext => ({
  input_tokens,
  model: 'gpt-5.1',
  request_kind: 'turn',
  developer: '',
  team: '',
  repo: '',
  tools_count: tools.length,
  has_images: false,
  reasoning_effort: null,
  stream: true,
  tools: new Set(tools),
  headers: {},
});

const rule = (source: string, route_to: string, shadow?: boolean): CompiledRule => ({ if: compilePolicyExpression(source), route_to, ...(shadow ? { shadow } : {}) });

// The seed's policy (config/routes.example.yaml) plus DESIGN.md's apply_patch rule.
const seed = [
  rule('input_tokens < 8000', 'gemini-2.5-pro-via-gateway'),
  rule("tools_include('apply_patch') and input_tokens > 30000", 'claude-opus-4-7-via-gateway'),
];

describe('evaluateRules', () => {
  it('a short request matches the input_tokens < 8000 rule', () => {
    expect(evaluateRules(seed, ctx(5000, ['apply_patch']))).toEqual({ matched: { index: 0, route_to: 'gemini-2.5-pro-via-gateway' }, shadow: [] });
  });

  it('an apply_patch request over 30k tokens matches the Claude rule', () => {
    expect(evaluateRules(seed, ctx(45_000, ['exec_command', 'apply_patch'])).matched).toEqual({ index: 1, route_to: 'claude-opus-4-7-via-gateway' });
  });

  it('no match leaves the choice to the default', () => {
    expect(evaluateRules(seed, ctx(20_000, ['apply_patch']))).toEqual({ shadow: [] });
    expect(evaluateRules([], ctx(1))).toEqual({ shadow: [] });
  });

  it('the first matching live rule wins', () => {
    const rules = [rule('input_tokens > 10', 'a'), rule('input_tokens > 5', 'b')];
    expect(evaluateRules(rules, ctx(100)).matched).toEqual({ index: 0, route_to: 'a' });
  });

  it('a shadow rule that matches before the winner is recorded, never applied', () => {
    const rules = [rule('input_tokens < 100000', 'cheap-candidate', true), ...seed];
    expect(evaluateRules(rules, ctx(5000))).toEqual({
      matched: { index: 1, route_to: 'gemini-2.5-pro-via-gateway' },
      shadow: [{ index: 0, route_to: 'cheap-candidate' }],
    });
  });

  it('a matching shadow rule alone changes nothing: the default still applies', () => {
    const rules = [rule('input_tokens > 0', 'x', true), rule('input_tokens > 1', 'y', true)];
    expect(evaluateRules(rules, ctx(10))).toEqual({ shadow: [{ index: 0, route_to: 'x' }, { index: 1, route_to: 'y' }] });
  });

  it('shadow rules after the winner are not evaluated (they could never have fired)', () => {
    let calls = 0;
    const spy: CompiledExpression = { source: 'spy', evaluate: () => (calls++, true) };
    const rules: CompiledRule[] = [rule('input_tokens > 0', 'live'), { if: spy, route_to: 'late', shadow: true }];
    expect(evaluateRules(rules, ctx(10))).toEqual({ matched: { index: 0, route_to: 'live' }, shadow: [] });
    expect(calls).toBe(0);
  });

  it('non-matching shadow rules are not recorded', () => {
    const rules = [rule('input_tokens > 999999', 'never', true), rule('input_tokens > 0', 'live')];
    expect(evaluateRules(rules, ctx(10))).toEqual({ matched: { index: 1, route_to: 'live' }, shadow: [] });
  });
});
