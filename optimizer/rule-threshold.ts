// Which routing rules the optimizer can move: a single `input_tokens <op> N`, alone or
// joined with other conditions by `and` (src/routing/policy/threshold-of.ts reads and
// rewrites it, as exploration does). What is added here: why a rule cannot be moved,
// whether it has other conditions, and which names it uses that records do not keep.
import { parsePolicyExpression, type PolicyNode } from '../src/routing/policy/parse-policy-expression.js';
import { inputTokensMentions, insideValue, thresholdOf, withThreshold, type ThresholdOp } from '../src/routing/policy/threshold-of.js';
import { UNRECORDED_POLICY_NAMES } from './record-policy-context.js';

export type { ThresholdOp };

export interface ThresholdRule {
  // Normalised to `input_tokens <op> value` (a literal on the left is flipped).
  op: ThresholdOp;
  value: number;
  // Other conjuncts exist (the rule applies to part of the traffic).
  combined: boolean;
  // Names the condition uses that turn records do not keep.
  unrecorded: string[];
}

export function analyzeThresholdRule(source: string): ThresholdRule | { reason: string } {
  let tree: PolicyNode;
  let threshold;
  try {
    tree = parsePolicyExpression(source);
    threshold = thresholdOf(source);
  } catch (err) {
    return { reason: `cannot parse the condition (${(err as Error).message})` };
  }
  if (!threshold) {
    const mentions = inputTokensMentions(source);
    if (mentions === 0) return { reason: 'no `input_tokens <op> number` threshold joined by `and`; nothing to move' };
    if (mentions > 1) return { reason: 'more than one input_tokens comparison (a range); the optimizer moves only a single threshold' };
    return { reason: 'input_tokens appears other than as `input_tokens <op> number` joined by `and` (e.g. under `or` or `not`); the optimizer moves only a single threshold' };
  }
  const conjuncts = andChain(tree);
  const unrecorded = UNRECORDED_POLICY_NAMES.filter((name) => conjuncts.some((c) => mentions(c, name)));
  return { ...threshold, combined: conjuncts.length > 1, unrecorded };
}

// The source with only the threshold's number replaced.
export function replaceThreshold(source: string, _rule: ThresholdRule, value: number): string {
  return withThreshold(source, value);
}

// True when `tokens` falls on the rule's side of its threshold.
export function onRuleSide(tokens: number, op: ThresholdOp, value: number): boolean {
  switch (op) {
    case '<': return tokens < value;
    case '<=': return tokens <= value;
    case '>': return tokens > value;
    case '>=': return tokens >= value;
  }
}

// An input-token count on the rule's side of the threshold (to test the other conjuncts).
export function tokensOnRuleSide(op: ThresholdOp, value: number): number {
  return insideValue({ op, value });
}

function andChain(n: PolicyNode): PolicyNode[] {
  return n.kind === 'logical' && n.op === 'and' ? [...andChain(n.left), ...andChain(n.right)] : [n];
}

function mentions(n: PolicyNode, name: string): boolean {
  switch (n.kind) {
    case 'literal':
      return false;
    case 'variable':
      return n.name === name;
    case 'call':
      return n.name === name || n.args.some((a) => mentions(a, name));
    case 'not':
      return mentions(n.operand, name);
    case 'logical':
    case 'compare':
      return mentions(n.left, name) || mentions(n.right, name);
  }
}
