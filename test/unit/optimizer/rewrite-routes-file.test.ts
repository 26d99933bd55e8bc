// rewriteRuleConditions changes only the condition's scalar: every comment, blank line,
// key order and quoting elsewhere in the routes file stays byte-identical (reviewers read
// the diff; a reformatted file would bury the one-line change).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config/load-config.js';
import { rewriteRuleConditions } from '../../../optimizer/rewrite-routes-file.js';

// Comments above, beside and below the rules; odd spacing, flow collections and long
// lines the yaml serialiser would re-fold if the whole document were re-emitted.
const ROUTES = `# Routes for the team.   Keep this comment exactly.
routes:
  - alias: cheap
    provider: openai
    model: cheap-model          # aligned comment
  - {alias: strong, provider: openai, model: strong-model}

routing_policy:
  default:   strong
  rules:
    # Small turns go to the cheap model.
    - if: "input_tokens < 8000"   # inline: measured 2026-11
      route_to: cheap
      # between keys
    - if: tools_include('apply_patch') and input_tokens > 30000
      route_to: strong
    - route_to: strong
      if: 'request_kind == ''review'''
# below the rules
attributes:
  fi.attributes.repo: "\${headers.x-repo}"   # a long line that a serialiser might want to fold because it goes on and on and on past eighty columns
`;

function changedLines(a: string, b: string): [number, string, string][] {
  const x = a.split('\n');
  const y = b.split('\n');
  expect(y.length).toBe(x.length);
  return x.flatMap((line, i) => (line === y[i] ? [] : [[i, line, y[i]!] as [number, string, string]]));
}

describe('rewriteRuleConditions', () => {
  it('changes one double-quoted condition and nothing else', () => {
    const out = rewriteRuleConditions(ROUTES, [{ ruleIndex: 0, newExpression: 'input_tokens < 12000' }]);
    expect(changedLines(ROUTES, out)).toEqual([[11, '    - if: "input_tokens < 8000"   # inline: measured 2026-11', '    - if: "input_tokens < 12000"   # inline: measured 2026-11']]);
    // The comments above, beside and below are there, unchanged.
    for (const c of ['# Routes for the team.   Keep this comment exactly.', '    # Small turns go to the cheap model.', '      # between keys', '# below the rules'])
      expect(out.split('\n')).toContain(c);
    expect(parseConfig(out, 'routes.yaml').config.routing_policy?.rules?.[0]?.if).toBe('input_tokens < 12000');
  });

  it('keeps a plain scalar plain and a single-quoted one single-quoted', () => {
    const out = rewriteRuleConditions(ROUTES, [
      { ruleIndex: 1, newExpression: "tools_include('apply_patch') and input_tokens > 32000" },
      { ruleIndex: 2, newExpression: "request_kind == 'compact'" },
    ]);
    expect(changedLines(ROUTES, out)).toEqual([
      [14, "    - if: tools_include('apply_patch') and input_tokens > 30000", "    - if: tools_include('apply_patch') and input_tokens > 32000"],
      [17, "      if: 'request_kind == ''review'''", "      if: 'request_kind == ''compact'''"],
    ]);
    const rules = parseConfig(out, 'routes.yaml').config.routing_policy!.rules!;
    expect(rules.map((r) => r.if)).toEqual(['input_tokens < 8000', "tools_include('apply_patch') and input_tokens > 32000", "request_kind == 'compact'"]);
  });

  it('falls back to double quotes when the new value cannot be written plain', () => {
    const text = 'routing_policy:\n  rules:\n    - if: input_tokens < 8000 # plain\n      route_to: cheap\n';
    for (const v of ['# not a comment', 'a: b', 'true', 'input_tokens < ', ' leading']) {
      const out = rewriteRuleConditions(text, [{ ruleIndex: 0, newExpression: v }]);
      expect(out).toBe(`routing_policy:\n  rules:\n    - if: ${JSON.stringify(v)} # plain\n      route_to: cheap\n`);
    }
  });

  it('handles flow mappings, block scalars and multi-line scalars', () => {
    const flow = 'routing_policy: {rules: [{if: input_tokens < 8000, route_to: cheap}]}  # flow\n';
    expect(rewriteRuleConditions(flow, [{ ruleIndex: 0, newExpression: 'input_tokens < 12000' }])).toBe(
      'routing_policy: {rules: [{if: input_tokens < 12000, route_to: cheap}]}  # flow\n',
    );
    // A comma cannot be plain inside a flow collection.
    expect(rewriteRuleConditions(flow, [{ ruleIndex: 0, newExpression: "tools_include('a', 'b')" }])).toBe(
      `routing_policy: {rules: [{if: "tools_include('a', 'b')", route_to: cheap}]}  # flow\n`,
    );
    const block = 'routing_policy:\n  rules:\n    - if: >-\n        input_tokens\n        < 8000\n      route_to: cheap\n# end\n';
    expect(rewriteRuleConditions(block, [{ ruleIndex: 0, newExpression: 'input_tokens < 12000' }])).toBe(
      'routing_policy:\n  rules:\n    - if: "input_tokens < 12000"\n      route_to: cheap\n# end\n',
    );
    const folded = 'routing_policy:\n  rules:\n    - if: "input_tokens\n        < 8000"   # c\n      route_to: cheap\n';
    expect(rewriteRuleConditions(folded, [{ ruleIndex: 0, newExpression: 'input_tokens < 12000' }])).toBe(
      'routing_policy:\n  rules:\n    - if: "input_tokens < 12000"   # c\n      route_to: cheap\n',
    );
  });

  it('keeps CRLF line ends and a missing final newline', () => {
    const crlf = 'routing_policy:\r\n  rules:\r\n    - if: "input_tokens < 8000"\r\n      route_to: cheap';
    expect(rewriteRuleConditions(crlf, [{ ruleIndex: 0, newExpression: 'input_tokens < 9000' }])).toBe(crlf.replace('8000', '9000'));
  });

  it('config/routes.example.yaml: one rule changed, every other line identical', () => {
    const text = readFileSync(join(process.cwd(), 'config', 'routes.example.yaml'), 'utf8');
    const rules = parseConfig(text, 'routes.example.yaml').config.routing_policy?.rules ?? [];
    expect(rules.length).toBeGreaterThan(0);
    const i = rules.findIndex((r) => /input_tokens/.test(r.if));
    expect(i).toBeGreaterThanOrEqual(0);
    const newExpression = rules[i]!.if.replace(/\d+/, (n) => String(Number(n) + 4000));
    const out = rewriteRuleConditions(text, [{ ruleIndex: i, newExpression }]);
    const diff = changedLines(text, out);
    expect(diff).toHaveLength(1);
    expect(diff[0]![2]).toBe(diff[0]![1].replace(rules[i]!.if, newExpression));
    // Every comment line of the example is still there, in order.
    const comments = (s: string) => s.split('\n').filter((l) => l.includes('#'));
    expect(comments(out)).toEqual(comments(text));
    expect(parseConfig(out, 'routes.example.yaml').config.routing_policy?.rules?.[i]?.if).toBe(newExpression);
  });

  it('no changes: the same text; a missing rule or a non-string condition: an Error naming it', () => {
    expect(rewriteRuleConditions(ROUTES, [])).toBe(ROUTES);
    expect(() => rewriteRuleConditions(ROUTES, [{ ruleIndex: 7, newExpression: 'x' }])).toThrow(/routing_policy\.rules\[7\]: no such rule/);
    expect(() => rewriteRuleConditions('routing_policy:\n  rules:\n    - route_to: x\n', [{ ruleIndex: 0, newExpression: 'x' }])).toThrow(/rules\[0\]\.if: not a string/);
    expect(() => rewriteRuleConditions('routes: []\n', [{ ruleIndex: 0, newExpression: 'x' }])).toThrow(/no routing_policy\.rules/);
    expect(() => rewriteRuleConditions('a: [\n', [{ ruleIndex: 0, newExpression: 'x' }])).toThrow(/does not parse as YAML/);
  });
});
