// A rule's input-token threshold: the single `input_tokens <op> <number>` comparison in a
// condition that is an and-chain (`tools_include('apply_patch') and input_tokens > 30000`).
// Exploration uses it to find the turns just outside a rule's threshold; the optimizer
// uses it to read a threshold and to write a moved one back into the rule's source.
//
// There is no threshold — `thresholdOf` answers undefined — when input_tokens appears
// more than once (`input_tokens > 1000 and input_tokens < 8000`), under `or` or `not`,
// inside another comparison (`input_tokens != 0`), or is not compared with a number.
import { parsePolicyExpression, type PolicyNode } from './parse-policy-expression.js';

export type ThresholdOp = '<' | '<=' | '>' | '>=';

export interface Threshold {
  // Normalised to `input_tokens <op> value`: `8000 > input_tokens` reads as `<` 8000.
  op: ThresholdOp;
  value: number;
}

const FLIP: Record<ThresholdOp, ThresholdOp> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=' };
const NUMBER = /\d+(?:_\d+)*(?:\.\d+(?:_\d+)*)?/y;

interface Located extends Threshold {
  // Where the number literal is in the source, and its text (`30_000`).
  numberPos: number;
  numberText: string;
}

// Throws the parser's PolicyExpressionError when the source does not parse.
export function thresholdOf(expressionSource: string): Threshold | undefined {
  const found = locate(expressionSource);
  return found && { op: found.op, value: found.value };
}

// The same source with the threshold's number replaced, every other byte unchanged, in
// the source's style (digit groups kept):
// withThreshold("tools_include('apply_patch') and input_tokens > 30_000", 32000)
//   → "tools_include('apply_patch') and input_tokens > 32_000".
// Throws when the source has no threshold, or the value is not a plain non-negative number.
export function withThreshold(expressionSource: string, newValue: number): string {
  const found = locate(expressionSource);
  if (!found) throw new Error(`no single input_tokens threshold in an and-chain to rewrite in: ${expressionSource}`);
  const plain = String(newValue);
  if (!Number.isFinite(newValue) || newValue < 0 || !/^\d+(?:\.\d+)?$/.test(plain))
    throw new Error(`a threshold must be a plain non-negative number, not ${plain}`);
  const text = found.numberText.includes('_') ? groupDigits(plain) : plain;
  return expressionSource.slice(0, found.numberPos) + text + expressionSource.slice(found.numberPos + found.numberText.length);
}

// The value `input_tokens` must take for the threshold's comparison to hold, as close to
// the threshold as tokens (whole numbers) allow: `< 8000` → 7999, `>= 30000` → 30000.
export function insideValue({ op, value }: Threshold): number {
  switch (op) {
    case '<': return Number.isInteger(value) ? value - 1 : Math.floor(value);
    case '<=': return Math.floor(value);
    case '>': return Math.floor(value) + 1;
    case '>=': return Math.ceil(value);
  }
}

// Whether `tokens` is just outside the threshold: it fails the comparison and lies within
// `band` (a fraction of the threshold) of it. `< N`: N ≤ tokens < N·(1+band);
// `<= N`: N < tokens < N·(1+band); `> N`: N·(1−band) < tokens ≤ N; `>= N`: N·(1−band) < tokens < N.
export function justOutside({ op, value }: Threshold, band: number, tokens: number): boolean {
  switch (op) {
    case '<': return tokens >= value && tokens < value * (1 + band);
    case '<=': return tokens > value && tokens < value * (1 + band);
    case '>': return tokens <= value && tokens > value * (1 - band);
    case '>=': return tokens < value && tokens > value * (1 - band);
  }
}

function locate(source: string): Located | undefined {
  const tree = parsePolicyExpression(source);
  if (countInputTokens(tree) !== 1) return undefined;
  for (const node of conjuncts(tree)) {
    if (node.kind !== 'compare' || node.op === '==' || node.op === '!=') continue;
    let op: ThresholdOp = node.op;
    let literal: PolicyNode;
    if (isInputTokens(node.left)) literal = node.right;
    else if (isInputTokens(node.right)) {
      literal = node.left;
      op = FLIP[op];
    } else continue;
    if (literal.kind !== 'literal' || typeof literal.value !== 'number') return undefined;
    NUMBER.lastIndex = literal.pos;
    const numberText = NUMBER.exec(source)?.[0];
    if (numberText === undefined) return undefined;
    return { op, value: literal.value, numberPos: literal.pos, numberText };
  }
  // The one input_tokens is somewhere other than a top-level comparison.
  return undefined;
}

function groupDigits(plain: string): string {
  const [int, frac] = plain.split('.');
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, '_');
  return frac ? `${grouped}.${frac}` : grouped;
}

// The input_tokens comparisons and other mentions in a condition (the optimizer says why
// a rule has no threshold with these).
export function inputTokensMentions(expressionSource: string): number {
  return countInputTokens(parsePolicyExpression(expressionSource));
}

function conjuncts(node: PolicyNode): PolicyNode[] {
  return node.kind === 'logical' && node.op === 'and' ? [...conjuncts(node.left), ...conjuncts(node.right)] : [node];
}

function isInputTokens(node: PolicyNode): boolean {
  return node.kind === 'variable' && node.name === 'input_tokens';
}

function countInputTokens(node: PolicyNode): number {
  switch (node.kind) {
    case 'variable': return node.name === 'input_tokens' ? 1 : 0;
    case 'literal': return 0;
    case 'call': return node.args.reduce((n, a) => n + countInputTokens(a), 0);
    case 'not': return countInputTokens(node.operand);
    case 'logical':
    case 'compare': return countInputTokens(node.left) + countInputTokens(node.right);
  }
}
