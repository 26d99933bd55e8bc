// Rewrites rule conditions (routing_policy.rules[i].if) in the text of a routes file,
// leaving every other byte as it was: comments, blank lines, key order, quoting and
// folding elsewhere. The yaml Document API would re-serialise the whole file (re-folding
// long lines, normalising flow collections and spacing), so instead the file is parsed
// only to find each condition's source range, and the new scalar is spliced into the
// original string there.
import { isMap, isScalar, isSeq, parseDocument, Scalar } from 'yaml';

export interface RuleConditionChange {
  ruleIndex: number;
  newExpression: string;
}

type Style = 'plain' | 'single' | 'double';

interface Edit extends RuleConditionChange {
  start: number;
  end: number;
  style: Style;
  // A block scalar's range ends after its last line break; the replacement keeps it.
  trailingBreak: string;
}

// Throws an Error naming the rule when the file does not parse, has no such rule, or the
// rule's `if` is not a string scalar written in the file (an alias, a missing key).
export function rewriteRuleConditions(text: string, changes: readonly RuleConditionChange[]): string {
  if (changes.length === 0) return text;
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new Error(`cannot rewrite the routes file: it does not parse as YAML (${doc.errors[0]!.message.split('\n')[0]})`);
  const rules = doc.getIn(['routing_policy', 'rules'], true);
  if (!isSeq(rules)) throw new Error('cannot rewrite the routes file: it has no routing_policy.rules list');
  const seen = new Set<number>();
  const edits: Edit[] = changes.map((c) => {
    if (seen.has(c.ruleIndex)) throw new Error(`cannot rewrite routing_policy.rules[${c.ruleIndex}]: changed twice`);
    seen.add(c.ruleIndex);
    const rule = rules.items[c.ruleIndex];
    if (!isMap(rule)) throw new Error(`cannot rewrite routing_policy.rules[${c.ruleIndex}]: no such rule (the file has ${rules.items.length})`);
    const node = rule.get('if', true);
    if (!isScalar(node) || typeof node.value !== 'string' || !node.range)
      throw new Error(`cannot rewrite routing_policy.rules[${c.ruleIndex}].if: not a string written in the file`);
    const [start, end] = node.range;
    const original = text.slice(start, end);
    const block = node.type === Scalar.BLOCK_LITERAL || node.type === Scalar.BLOCK_FOLDED;
    return {
      ...c,
      start,
      end,
      style: node.type === Scalar.PLAIN ? 'plain' : node.type === Scalar.QUOTE_SINGLE ? 'single' : 'double',
      trailingBreak: block ? (/\r?\n$/.exec(original)?.[0] ?? '') : '',
    };
  });
  for (const e of edits) if (e.style === 'single' && /\p{Cc}/u.test(e.newExpression)) e.style = 'double';
  // Plain (and single-quoted) text may not read back as the same string (`true`, `a: b`,
  // `# x`, a flow indicator inside [..]): splice, re-parse, and fall back to double
  // quotes for any condition that did not survive.
  for (let attempt = 0; attempt < 2; attempt++) {
    const out = splice(text, edits);
    const failed = misread(out, edits);
    if (failed.length === 0) return out;
    const retry = failed.filter((e) => e.style !== 'double');
    if (retry.length === 0) break;
    for (const e of retry) e.style = 'double';
  }
  const out = splice(text, edits);
  const failed = misread(out, edits);
  if (failed.length === 0) return out;
  throw new Error(`cannot rewrite routing_policy.rules[${failed[0]!.ruleIndex}].if: the new condition does not read back as written`);
}

function scalarText(e: Edit): string {
  switch (e.style) {
    case 'plain':
      return e.newExpression;
    case 'single':
      return `'${e.newExpression.replace(/'/g, "''")}'`;
    default:
      // JSON's escapes (\" \\ \n \t \uXXXX) are all YAML double-quoted escapes.
      return JSON.stringify(e.newExpression);
  }
}

function splice(text: string, edits: readonly Edit[]): string {
  let out = text;
  // From the end, so earlier offsets stay valid.
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + scalarText(e) + e.trailingBreak + out.slice(e.end);
  return out;
}

// The edits whose condition does not parse back to the new expression.
function misread(text: string, edits: readonly Edit[]): Edit[] {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) return [...edits];
  return edits.filter((e) => {
    const node = doc.getIn(['routing_policy', 'rules', e.ruleIndex, 'if'], true);
    return !isScalar(node) || node.value !== e.newExpression;
  });
}
