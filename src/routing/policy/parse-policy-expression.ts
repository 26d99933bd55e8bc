// The policy language's parser: source text → syntax tree with character positions.
//
//   expr       := or
//   or         := and ('or' and)*
//   and        := not ('and' not)*
//   not        := 'not' not | comparison
//   comparison := primary (('<' | '<=' | '>' | '>=' | '==' | '!=') primary)?
//   primary    := NUMBER | STRING | 'true' | 'false' | 'null'
//               | NAME | NAME '(' (expr (',' expr)*)? ')' | '(' expr ')'
//   NUMBER     := digits with optional '_' between digits and an optional fraction: 8000, 8_000, 0.5
//   STRING     := '…' or "…" with escapes \\ \' \" \n \r \t \uXXXX
//
// As in Python, `not` binds looser than a comparison (`not input_tokens < 5` negates the
// comparison) and comparisons do not chain. Hand-written rather than jsep: jsep's tree has
// no positions (needed to point at an unknown name or a type error), it is configured
// through a process-wide singleton, its unary `not` would bind tighter than `<`, and it
// accepts JavaScript this language must refuse (members, `this`, arithmetic).
import { PolicyExpressionError } from './policy-expression-error.js';

export type CompareOp = '<' | '<=' | '>' | '>=' | '==' | '!=';

export type PolicyNode =
  | { kind: 'literal'; value: string | number | boolean | null; pos: number }
  | { kind: 'variable'; name: string; pos: number }
  | { kind: 'call'; name: string; args: PolicyNode[]; pos: number }
  | { kind: 'not'; operand: PolicyNode; pos: number }
  | { kind: 'logical'; op: 'and' | 'or'; left: PolicyNode; right: PolicyNode; pos: number }
  | { kind: 'compare'; op: CompareOp; left: PolicyNode; right: PolicyNode; pos: number };

type Token =
  | { t: 'num'; value: number; pos: number }
  | { t: 'str'; value: string; pos: number }
  | { t: 'name'; value: string; pos: number }
  | { t: 'op'; value: CompareOp; pos: number }
  | { t: '(' | ')' | ',' | 'eof'; value: string; pos: number };

const NUMBER = /\d+(?:_\d+)*(?:\.\d+(?:_\d+)*)?/y;
const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const ESCAPES: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', n: '\n', r: '\r', t: '\t' };
// Operators from other languages, refused with the spelling this one uses.
const FOREIGN: [string, string][] = [['&&', "use 'and' instead of '&&'"], ['||', "use 'or' instead of '||'"]];

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') { i++; continue; }
    const pos = i;
    if (c >= '0' && c <= '9') {
      NUMBER.lastIndex = i;
      const raw = NUMBER.exec(src)![0];
      i += raw.length;
      if (i < src.length && /[A-Za-z0-9_.]/.test(src[i])) throw new PolicyExpressionError(i, `unexpected '${src[i]}' in number '${raw}'; write plain digits, optionally grouped with '_' (30_000)`);
      out.push({ t: 'num', value: Number(raw.replaceAll('_', '')), pos });
    } else if (/[A-Za-z_]/.test(c)) {
      NAME.lastIndex = i;
      const raw = NAME.exec(src)![0];
      i += raw.length;
      out.push({ t: 'name', value: raw, pos });
    } else if (c === "'" || c === '"') {
      let value = '';
      for (i++; ; i++) {
        if (i >= src.length) throw new PolicyExpressionError(pos, `unterminated string: no closing ${c}`);
        const ch = src[i];
        if (ch === c) { i++; break; }
        if (ch !== '\\') { value += ch; continue; }
        const e = src[i + 1];
        if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(src.slice(i + 2, i + 6))) { value += String.fromCharCode(parseInt(src.slice(i + 2, i + 6), 16)); i += 5; continue; }
        if (e === undefined || !(e in ESCAPES)) throw new PolicyExpressionError(i, `unknown escape '\\${e ?? ''}' in string; use \\\\ \\' \\" \\n \\r \\t or \\uXXXX`);
        value += ESCAPES[e];
        i++;
      }
      out.push({ t: 'str', value, pos });
    } else if (c === '(' || c === ')' || c === ',') {
      out.push({ t: c, value: c, pos });
      i++;
    } else {
      const two = src.slice(i, i + 2);
      const foreign = FOREIGN.find(([op]) => op === two);
      if (foreign) throw new PolicyExpressionError(pos, foreign[1]);
      if (two === '<=' || two === '>=' || two === '==' || two === '!=') { out.push({ t: 'op', value: two, pos }); i += 2; continue; }
      if (c === '<' || c === '>') { out.push({ t: 'op', value: c, pos }); i++; continue; }
      if (c === '!') throw new PolicyExpressionError(pos, "use 'not' instead of '!'");
      if (c === '=') throw new PolicyExpressionError(pos, "use '==' to compare");
      throw new PolicyExpressionError(pos, `unexpected character '${c}'`);
    }
  }
  out.push({ t: 'eof', value: '', pos: src.length });
  return out;
}

export function parsePolicyExpression(src: string): PolicyNode {
  const tokens = tokenize(src);
  let k = 0;
  const peek = () => tokens[k];
  const isWord = (w: string) => peek().t === 'name' && peek().value === w;
  const describe = (tok: Token) => (tok.t === 'eof' ? 'the end' : `'${src.slice(tok.pos, tokens[k + 1]?.pos ?? src.length).trim()}'`);

  function binary(op: 'and' | 'or', next: () => PolicyNode): PolicyNode {
    let left = next();
    while (isWord(op)) {
      const pos = tokens[k++].pos;
      left = { kind: 'logical', op, left, right: next(), pos };
    }
    return left;
  }
  const or = (): PolicyNode => binary('or', and);
  const and = (): PolicyNode => binary('and', not);
  function not(): PolicyNode {
    if (!isWord('not')) return comparison();
    const pos = tokens[k++].pos;
    return { kind: 'not', operand: not(), pos };
  }
  function comparison(): PolicyNode {
    const left = primary();
    const op = peek();
    if (op.t !== 'op') return left;
    k++;
    const node: PolicyNode = { kind: 'compare', op: op.value, left, right: primary(), pos: op.pos };
    if (peek().t === 'op') throw new PolicyExpressionError(peek().pos, "comparisons do not chain; join them with 'and'");
    return node;
  }
  function primary(): PolicyNode {
    const tok = tokens[k];
    const after = k > 0 ? ` after '${src.slice(tokens[k - 1].pos, tok.pos).trim()}'` : '';
    if (tok.t === 'num' || tok.t === 'str') { k++; return { kind: 'literal', value: tok.value, pos: tok.pos }; }
    if (tok.t === '(') {
      k++;
      const inner = or();
      if (peek().t !== ')') throw new PolicyExpressionError(peek().pos, `expected ')' to close the '(' at position ${tok.pos}, got ${describe(peek())}`);
      k++;
      return inner;
    }
    if (tok.t !== 'name' || tok.value === 'and' || tok.value === 'or' || tok.value === 'not') {
      throw new PolicyExpressionError(tok.pos, `expected a value${after}, got ${describe(tok)}`);
    }
    k++;
    if (tok.value === 'true' || tok.value === 'false') return { kind: 'literal', value: tok.value === 'true', pos: tok.pos };
    if (tok.value === 'null') return { kind: 'literal', value: null, pos: tok.pos };
    if (peek().t !== '(') return { kind: 'variable', name: tok.value, pos: tok.pos };
    k++;
    const args: PolicyNode[] = [];
    if (peek().t !== ')') {
      args.push(or());
      while (peek().t === ',') { k++; args.push(or()); }
    }
    if (peek().t !== ')') throw new PolicyExpressionError(peek().pos, `expected ',' or ')' in the call to ${tok.value}(), got ${describe(peek())}`);
    k++;
    return { kind: 'call', name: tok.value, args, pos: tok.pos };
  }

  const tree = or();
  if (peek().t !== 'eof') throw new PolicyExpressionError(peek().pos, `expected 'and', 'or' or the end, got ${describe(peek())}`);
  return tree;
}
