// Compiles a rule's `if:` once, at config load: parse, check names, arity and types, and
// build a tree of closures, so that a request evaluates it with no parsing and no eval.
import { PolicyExpressionError } from './policy-expression-error.js';
import { parsePolicyExpression, type PolicyNode } from './parse-policy-expression.js';
import {
  POLICY_FUNCTIONS,
  POLICY_VARIABLES,
  isPolicyVariable,
  policyFunction,
  type PolicyContext,
  type PolicyType,
} from './policy-vocabulary.js';

export interface CompiledExpression {
  readonly source: string;
  evaluate(ctx: PolicyContext): boolean;
}

type Evaluator = (ctx: PolicyContext) => unknown;
interface Typed {
  type: PolicyType;
  fn: Evaluator;
  // Set for literals, so comparisons and functions can specialise on a constant.
  constant?: { value: unknown };
}

export function compilePolicyExpression(source: string): CompiledExpression {
  const tree = parsePolicyExpression(source);
  const { type, fn } = compile(tree);
  if (type !== 'boolean') {
    throw new PolicyExpressionError(0, `a rule's condition must be true or false, but this is ${article(type)}; compare it, e.g. input_tokens < 8000`);
  }
  return { source, evaluate: (ctx) => fn(ctx) === true };
}

function compile(node: PolicyNode): Typed {
  switch (node.kind) {
    case 'literal': {
      const value = node.value;
      const type: PolicyType = value === null ? 'null' : typeof value === 'number' ? 'number' : typeof value === 'string' ? 'string' : 'boolean';
      return { type, fn: () => value, constant: { value } };
    }
    case 'variable': {
      if (!isPolicyVariable(node.name)) {
        const hint = policyFunction(node.name) ? `; ${node.name} is a function: ${signature(node.name)}` : '';
        throw new PolicyExpressionError(node.pos, `unknown variable '${node.name}'${hint}; known: ${Object.keys(POLICY_VARIABLES).join(', ')}`);
      }
      const v = POLICY_VARIABLES[node.name];
      return { type: v.type, fn: v.read };
    }
    case 'call': {
      const f = policyFunction(node.name);
      if (!f) {
        const hint = isPolicyVariable(node.name) ? `; ${node.name} is a variable, not a function` : '';
        throw new PolicyExpressionError(node.pos, `unknown function '${node.name}'${hint}; known: ${Object.keys(POLICY_FUNCTIONS).map(signature).join(', ')}`);
      }
      if (node.args.length !== f.params.length) {
        throw new PolicyExpressionError(node.pos, `${signature(node.name)} takes ${f.params.length} argument${f.params.length === 1 ? '' : 's'}, got ${node.args.length}`);
      }
      const args = node.args.map((arg, i) => expect(arg, [f.params[i]], `${signature(node.name)} takes ${article(f.params[i])}`));
      // Every function takes one argument today.
      return { type: f.returns, fn: f.bind(args[0].fn, args[0].constant) };
    }
    case 'not': {
      const { fn } = expect(node.operand, ['boolean'], "'not' needs true or false");
      return { type: 'boolean', fn: (c) => !fn(c) };
    }
    case 'logical': {
      const what = `'${node.op}' needs true or false on both sides`;
      const l = expect(node.left, ['boolean'], what).fn;
      const r = expect(node.right, ['boolean'], what).fn;
      return { type: 'boolean', fn: node.op === 'and' ? (c) => l(c) === true && r(c) === true : (c) => l(c) === true || r(c) === true };
    }
    case 'compare':
      return compileComparison(node);
  }
}

function compileComparison(node: Extract<PolicyNode, { kind: 'compare' }>): Typed {
  const { op } = node;
  if (op !== '==' && op !== '!=') {
    const what = `'${op}' compares numbers`;
    const l = expect(node.left, ['number'], what);
    const r = expect(node.right, ['number'], what);
    return { type: 'boolean', fn: ordering(op, l, r) };
  }
  const left = compile(node.left);
  const right = compile(node.right);
  if (!comparable(left.type, right.type)) {
    const culprit = node.left.kind === 'literal' ? node.left : node.right;
    throw new PolicyExpressionError(culprit.pos, `'${op}' cannot compare ${article(left.type)} with ${article(right.type)}`);
  }
  const l = left.fn;
  const eq: Evaluator = right.constant
    ? ((k) => (c: PolicyContext) => l(c) === k)(right.constant.value)
    : (c) => l(c) === right.fn(c);
  return { type: 'boolean', fn: op === '==' ? eq : (c) => !eq(c) };
}

function ordering(op: '<' | '<=' | '>' | '>=', l: Typed, r: Typed): Evaluator {
  const a = l.fn;
  // The seed's rules compare a variable with a number: specialise on the constant.
  if (r.constant) {
    const k = r.constant.value as number;
    switch (op) {
      case '<': return (c) => (a(c) as number) < k;
      case '<=': return (c) => (a(c) as number) <= k;
      case '>': return (c) => (a(c) as number) > k;
      case '>=': return (c) => (a(c) as number) >= k;
    }
  }
  const b = r.fn;
  switch (op) {
    case '<': return (c) => (a(c) as number) < (b(c) as number);
    case '<=': return (c) => (a(c) as number) <= (b(c) as number);
    case '>': return (c) => (a(c) as number) > (b(c) as number);
    case '>=': return (c) => (a(c) as number) >= (b(c) as number);
  }
}

function expect(node: PolicyNode, types: PolicyType[], what: string): Typed {
  const typed = compile(node);
  if (!types.includes(typed.type)) throw new PolicyExpressionError(node.pos, `${what}; ${describeNode(node)} is ${article(typed.type)}`);
  return typed;
}

// Equality makes sense between the same types, and between null and a nullable string.
function comparable(a: PolicyType, b: PolicyType): boolean {
  const stringish = (t: PolicyType) => t === 'string' || t === 'string?';
  if (a === b) return true;
  if (stringish(a) && stringish(b)) return true;
  return (a === 'null' && b === 'string?') || (a === 'string?' && b === 'null');
}

function describeNode(node: PolicyNode): string {
  switch (node.kind) {
    case 'literal': return JSON.stringify(node.value);
    case 'variable': return node.name;
    case 'call': return `${node.name}(…)`;
    default: return 'this';
  }
}

function article(type: PolicyType): string {
  switch (type) {
    case 'number': return 'a number';
    case 'string': return 'a string';
    case 'string?': return 'a string or null';
    case 'boolean': return 'true/false';
    case 'null': return 'null';
  }
}

function signature(name: string): string {
  return `${name}(${POLICY_FUNCTIONS[name].params.join(', ')})`;
}
