// The policy's rules in order: the first live rule whose condition holds picks the route.
//
// Shadow rules (`shadow: true`) are evaluated and recorded, never applied. A shadow rule
// records what it would have done had it been live at its position, so only shadow rules
// BEFORE the winning rule are evaluated: one after the winner could never have fired, and
// is not evaluated or recorded. To try a candidate rule against all traffic, put it first.
import type { CompiledExpression } from './compile-policy-expression.js';
import type { PolicyContext } from './policy-vocabulary.js';

export interface CompiledRule {
  if: CompiledExpression;
  route_to: string;
  shadow?: boolean;
}

export interface RuleChoice {
  // The rule's index in routing_policy.rules.
  index: number;
  route_to: string;
}

export interface RulesOutcome {
  // The winning live rule; absent when none matched (the policy's default applies).
  matched?: RuleChoice;
  // Shadow rules that matched before the winner, in order.
  shadow: RuleChoice[];
}

export function evaluateRules(rules: readonly CompiledRule[], ctx: PolicyContext): RulesOutcome {
  const shadow: RuleChoice[] = [];
  for (let index = 0; index < rules.length; index++) {
    const rule = rules[index];
    if (!rule.if.evaluate(ctx)) continue;
    if (rule.shadow) {
      shadow.push({ index, route_to: rule.route_to });
      continue;
    }
    return { matched: { index, route_to: rule.route_to }, shadow };
  }
  return { shadow };
}
