import { describe, expect, it } from 'vitest';
import { compilePolicyExpression } from '../../../../src/routing/policy/compile-policy-expression.js';
import { formatPolicyExpressionError, PolicyExpressionError } from '../../../../src/routing/policy/policy-expression-error.js';
import type { PolicyContext } from '../../../../src/routing/policy/policy-vocabulary.js';

function ctx(over: Partial<PolicyContext> = {}): PolicyContext {
  return {
    input_tokens: 1000,
    model: 'gpt-5.1',
    request_kind: 'turn',
    developer: 'dev1@example.com',
    team: 'payments',
    repo: 'acme/api',
    tools_count: 9,
    has_images: false,
    reasoning_effort: 'medium',
    stream: true,
    tools: new Set(['exec_command', 'apply_patch']),
    headers: { 'x-repo': 'acme/api' },
    ...over,
  };
}

const run = (source: string, over: Partial<PolicyContext> = {}) => compilePolicyExpression(source).evaluate(ctx(over));

function errorOf(source: string): PolicyExpressionError {
  try {
    compilePolicyExpression(source);
  } catch (err) {
    expect(err).toBeInstanceOf(PolicyExpressionError);
    return err as PolicyExpressionError;
  }
  throw new Error(`expected ${source} to fail`);
}

describe('the seed expressions (config/routes.example.yaml, DESIGN.md)', () => {
  it('input_tokens < 8000', () => {
    const rule = compilePolicyExpression('input_tokens < 8000');
    expect(rule.source).toBe('input_tokens < 8000');
    expect(rule.evaluate(ctx({ input_tokens: 7999 }))).toBe(true);
    expect(rule.evaluate(ctx({ input_tokens: 8000 }))).toBe(false);
  });

  it("tools_include('apply_patch') and input_tokens > 30000", () => {
    const rule = compilePolicyExpression("tools_include('apply_patch') and input_tokens > 30000");
    expect(rule.evaluate(ctx({ input_tokens: 30001 }))).toBe(true);
    expect(rule.evaluate(ctx({ input_tokens: 30000 }))).toBe(false);
    expect(rule.evaluate(ctx({ input_tokens: 90000, tools: new Set(['exec_command']) }))).toBe(false);
  });
});

describe('operators and precedence', () => {
  it('not binds tighter than and, and tighter than or: not a or b and c', () => {
    const rule = compilePolicyExpression("not has_images or stream and tools_include('x')");
    for (const a of [false, true])
      for (const b of [false, true])
        for (const c of [false, true]) {
          const got = rule.evaluate(ctx({ has_images: a, stream: b, tools: new Set(c ? ['x'] : []) }));
          expect(got, `a=${a} b=${b} c=${c}`).toBe(!a || (b && c));
        }
  });

  it('not negates a whole comparison, as in Python', () => {
    expect(run('not input_tokens < 5', { input_tokens: 10 })).toBe(true);
    expect(run('not not stream')).toBe(true);
  });

  it('parentheses override precedence', () => {
    const c = { has_images: true, stream: true, tools: new Set<string>() };
    expect(run("not has_images or stream and tools_include('x')", c)).toBe(false);
    expect(run("(not has_images or stream) and tools_include('x')", c)).toBe(false);
    expect(run("not (has_images or stream)", c)).toBe(false);
    expect(run("not (has_images and tools_include('x'))", c)).toBe(true);
  });

  it.each([
    ['input_tokens < 1000', false],
    ['input_tokens <= 1000', true],
    ['input_tokens > 999', true],
    ['input_tokens >= 1001', false],
    ['input_tokens == 1000', true],
    ['input_tokens != 1000', false],
    ['tools_count > 8 and tools_count < 10', true],
    ["model == 'gpt-5.1'", true],
    ["model != 'gpt-5.1'", false],
    ["'payments' == team", true],
    ['stream == true', true],
    ['has_images != false', false],
    ['stream or has_images', true],
    ['stream and has_images', false],
    ["reasoning_effort == 'medium'", true],
    ['reasoning_effort == null', false],
    ["request_kind == 'turn' and developer == 'dev1@example.com' and repo == 'acme/api'", true],
    ['input_tokens < 1_000.5', true],
    ['input_tokens > 0.5', true],
    ['true', true],
    ['false or null == reasoning_effort', false],
  ])('%s → %s', (source, expected) => {
    expect(run(source)).toBe(expected);
  });

  it('null matches a request without reasoning effort', () => {
    expect(run('reasoning_effort == null', { reasoning_effort: null })).toBe(true);
    expect(run("reasoning_effort != 'high'", { reasoning_effort: null })).toBe(true);
  });

  it('header(name) is case-insensitive, empty when absent, joined when repeated', () => {
    expect(run("header('X-Repo') == 'acme/api'")).toBe(true);
    expect(run("header('x-missing') == ''")).toBe(true);
    expect(run("header('x-tag') == 'a, b'", { headers: { 'x-tag': ['a', 'b'] } })).toBe(true);
    expect(run("header(repo) == ''")).toBe(true);
  });

  it('string literals: both quotes and every escape', () => {
    const rule = (s: string) => compilePolicyExpression(`header('x') == ${s}`);
    const value = (s: string, v: string) => rule(s).evaluate(ctx({ headers: { x: v } }));
    expect(value(`'it\\'s'`, "it's")).toBe(true);
    expect(value(`"say \\"hi\\""`, 'say "hi"')).toBe(true);
    expect(value(`"it's"`, "it's")).toBe(true);
    expect(value(`'a\\\\b'`, 'a\\b')).toBe(true);
    expect(value(`'l1\\nl2\\tx\\r'`, 'l1\nl2\tx\r')).toBe(true);
    expect(value(`'caf\\u00e9'`, 'café')).toBe(true);
  });

  it('spreads over lines and spaces', () => {
    expect(run("\n  tools_include('apply_patch')\n  and input_tokens > 10\n")).toBe(true);
  });
});

describe('errors at load, with the position to point at', () => {
  it.each([
    // [source, position, message fragment]
    ['input_tokens < ', 15, "expected a value after '<', got the end"],
    ['', 0, 'expected a value, got the end'],
    ['input_tokenz < 5', 0, "unknown variable 'input_tokenz'; known: input_tokens, model, request_kind, developer, team, repo, tools_count, has_images, reasoning_effort, stream"],
    ['stream and tokens > 5', 11, "unknown variable 'tokens'"],
    ["tool_include('x')", 0, "unknown function 'tool_include'; known: tools_include(string), header(string)"],
    ['tools_include == 5', 0, "unknown variable 'tools_include'; tools_include is a function: tools_include(string)"],
    ["model('x')", 0, 'model is a variable, not a function'],
    ['constructor < 5', 0, "unknown variable 'constructor'"],
    ["toString('x')", 0, "unknown function 'toString'"],
    ['tools_include()', 0, 'tools_include(string) takes 1 argument, got 0'],
    ["header('a', 'b')", 0, 'header(string) takes 1 argument, got 2'],
    ["input_tokens < 'x'", 15, `'<' compares numbers; "x" is a string`],
    ['tools_include(3)', 14, 'tools_include(string) takes a string; 3 is a number'],
    ['model == 5', 9, "'==' cannot compare a string with a number"],
    ['stream == null', 10, "'==' cannot compare true/false with null"],
    ['input_tokens and stream', 0, "'and' needs true or false on both sides; input_tokens is a number"],
    ['not model', 4, "'not' needs true or false; model is a string"],
    ['input_tokens', 0, "a rule's condition must be true or false, but this is a number"],
    ["header('x')", 0, "a rule's condition must be true or false, but this is a string"],
    ['a < b < c', 6, "comparisons do not chain; join them with 'and'"],
    ['input_tokens && stream', 13, "use 'and' instead of '&&'"],
    ['stream || has_images', 7, "use 'or' instead of '||'"],
    ['!stream', 0, "use 'not' instead of '!'"],
    ['input_tokens = 5', 13, "use '==' to compare"],
    ['input_tokens < 8k', 16, "unexpected 'k' in number '8'"],
    ['input_tokens < 8__000', 16, "unexpected '_' in number '8'"],
    ['input_tokens < 8000_', 19, "unexpected '_' in number '8000'"],
    ["model == 'gpt", 9, "unterminated string: no closing '"],
    ["model == 'a\\qb'", 11, "unknown escape '\\q'"],
    ['(input_tokens < 5', 17, "expected ')' to close the '(' at position 0, got the end"],
    ['input_tokens < 5)', 16, "expected 'and', 'or' or the end, got ')'"],
    ['input_tokens < 5 6', 17, "expected 'and', 'or' or the end, got '6'"],
    ["tools_include('a' 'b')", 18, "expected ',' or ')' in the call to tools_include(), got ''b''"],
    ['stream and', 10, "expected a value after 'and', got the end"],
    ['input_tokens < -5', 15, "unexpected character '-'"],
    ['input_tokens + 1 > 5', 13, "unexpected character '+'"],
    ['repo.name == 1', 4, "unexpected character '.'"],
  ])('%j → position %i', (source, position, message) => {
    const err = errorOf(source);
    expect(err.message).toContain(message);
    expect(err.position).toBe(position);
  });

  it('formats the error with a caret under its position', () => {
    const source = 'input_tokenz < 5';
    expect(formatPolicyExpressionError(source, errorOf(source))).toBe(
      "input_tokenz < 5\n^ unknown variable 'input_tokenz'; known: input_tokens, model, request_kind, developer, team, repo, tools_count, has_images, reasoning_effort, stream",
    );
    expect(formatPolicyExpressionError('stream and', errorOf('stream and')).split('\n')[1]).toBe("          ^ expected a value after 'and', got the end");
  });
});
