// Which routing rules the optimizer can move: `input_tokens <op> N`, alone or joined with
// other conditions by `and` (none of which mentions input_tokens). Private to the
// optimizer (src/routing/policy/threshold-of.ts may offer the same for the rest).
import { parsePolicyExpression, type PolicyNode } from '../src/routing/policy/parse-policy-expression.js';
import { UNRECORDED_POLICY_NAMES } from './record-policy-context.js';

export type ThresholdOp = '<' | '<=' | '>' | '>=';

export interface ThresholdRule {
  // Normalised to `input_tokens <op> value` (a literal on the left is flipped).
  op: ThresholdOp;
  value: number;
  // Where the number is in the source, to rewrite only it.
  numberPos: number;
  numberText: string;
  // Other conjuncts exist (the rule applies to part of the traffic).
  combined: boolean;
  // Names the condition uses that turn records do not keep.
  unrecorded: string[];
}

const FLIP: Record<ThresholdOp, ThresholdOp> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

export function analyzeThresholdRule(source: string): ThresholdRule | { reason: string } {
  let tree: PolicyNode;
  try {
    tree = parsePolicyExpression(source);
  } catch (err) {
    return { reason: `cannot parse the condition (${(err as Error).message})` };
  }
  const conjuncts: PolicyNode[] = [];
  const collect = (n: PolicyNode) => {
    if (n.kind === 'logical' && n.op === 'and') {
      collect(n.left);
      collect(n.right);
    } else conjuncts.push(n);
  };
  collect(tree);
  const thresholds: { node: Extract<PolicyNode, { kind: 'compare' }>; op: ThresholdOp; literal: Extract<PolicyNode, { kind: 'literal' }> }[] = [];
  for (const c of conjuncts) {
    if (c.kind === 'compare' && c.op !== '==' && c.op !== '!=') {
      const { left, right } = c;
      if (left.kind === 'variable' && left.name === 'input_tokens' && right.kind === 'literal' && typeof right.value === 'number') {
        thresholds.push({ node: c, op: c.op, literal: right });
        continue;
      }
      if (right.kind === 'variable' && right.name === 'input_tokens' && left.kind === 'literal' && typeof left.value === 'number') {
        thresholds.push({ node: c, op: FLIP[c.op], literal: left });
        continue;
      }
    }
    if (mentions(c, 'input_tokens')) {
      return { reason: 'input_tokens appears other than as `input_tokens <op> number` joined by `and` (e.g. under `or` or `not`); the optimizer moves only a single threshold' };
    }
  }
  if (thresholds.length === 0) return { reason: 'no `input_tokens <op> number` threshold joined by `and`; nothing to move' };
  if (thresholds.length > 1) return { reason: 'more than one input_tokens comparison (a range); the optimizer moves only a single threshold' };
  const [t] = thresholds;
  const numberText = rawNumber(source, t.literal.pos);
  const unrecorded = UNRECORDED_POLICY_NAMES.filter((name) => conjuncts.some((c) => mentions(c, name)));
  return { op: t.op, value: t.literal.value as number, numberPos: t.literal.pos, numberText, combined: conjuncts.length > 1, unrecorded };
}

// The source with only the threshold's number replaced.
export function replaceThreshold(source: string, rule: ThresholdRule, value: number): string {
  const text = rule.numberText.includes('_') ? groupDigits(value) : String(value);
  return source.slice(0, rule.numberPos) + text + source.slice(rule.numberPos + rule.numberText.length);
}

function groupDigits(v: number): string {
  const [int, frac] = String(v).split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, '_');
  return frac ? `${grouped}.${frac}` : grouped;
}

function rawNumber(source: string, pos: number): string {
  const m = /\d+(?:_\d+)*(?:\.\d+(?:_\d+)*)?/y;
  m.lastIndex = pos;
  return m.exec(source)?.[0] ?? '';
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
  switch (op) {
    case '<': return value - 1;
    case '<=': return value;
    case '>': return value + 1;
    case '>=': return value;
  }
}
