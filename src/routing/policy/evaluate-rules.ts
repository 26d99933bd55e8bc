// The policy's rules in order: the first live rule whose condition holds picks the route.
//
// Shadow rules (`shadow: true`) are evaluated and recorded, never applied. A shadow rule
// records what it would have done had it been live at its position, so only shadow rules
// BEFORE the winning rule are evaluated: one after the winner could never have fired, and
// is not evaluated or recorded. To try a candidate rule against all traffic, put it first.
//
// Exploration (a live rule's `explore`, `explore_to`, `explore_band`): when the rule's
// draw (src/routing/exploration.ts) is below `explore`, a turn the rule matches goes to
// `explore_to` instead, and a turn just outside the rule's input_tokens threshold (within
// the band, every other condition of the rule holding) goes to the rule's own route_to —
// at the rule's position, as if its threshold were that much wider. Shadow rules never explore.
import type { CompiledExpression } from './compile-policy-expression.js';
import type { PolicyContext } from './policy-vocabulary.js';
import { insideValue, justOutside, type Threshold } from './threshold-of.js';

export interface RuleExploration {
  // The share of sessions explored, in [0, 1].
  share: number;
  // Where matched turns of an explored session go.
  to: string;
  // How far outside the threshold (a fraction of it) turns are sent to the rule's route.
  band: number;
  // The rule's input_tokens threshold, when its condition has one (thresholdOf).
  threshold?: Threshold;
}

export interface CompiledRule {
  if: CompiledExpression;
  route_to: string;
  shadow?: boolean;
  explore?: RuleExploration;
}

export interface RuleChoice {
  // The rule's index in routing_policy.rules.
  index: number;
  route_to: string;
  // Set when the turn is explored: the alias it goes to (route_to repeats it), either the
  // rule's explore_to or, just outside the threshold, the rule's own route_to.
  exploration?: string;
}

export interface RulesOutcome {
  // The winning live rule; absent when none matched (the policy's default applies).
  matched?: RuleChoice;
  // Shadow rules that matched before the winner, in order.
  shadow: RuleChoice[];
}

// `draw(index)` is the rule's exploration draw in [0, 1); without it nothing is explored.
export function evaluateRules(rules: readonly CompiledRule[], ctx: PolicyContext, draw?: (ruleIndex: number) => number): RulesOutcome {
  const shadow: RuleChoice[] = [];
  for (let index = 0; index < rules.length; index++) {
    const rule = rules[index];
    const explore = !rule.shadow && draw ? rule.explore : undefined;
    if (!rule.if.evaluate(ctx)) {
      if (explore?.threshold && explore.share > 0 && justOutside(explore.threshold, explore.band, ctx.input_tokens)) {
        // The rule's other conditions hold if it matches with input_tokens just inside.
        const inside = { ...ctx, input_tokens: insideValue(explore.threshold) };
        if (rule.if.evaluate(inside) && draw!(index) < explore.share) return { matched: { index, route_to: rule.route_to, exploration: rule.route_to }, shadow };
      }
      continue;
    }
    if (rule.shadow) {
      shadow.push({ index, route_to: rule.route_to });
      continue;
    }
    if (explore && explore.to !== rule.route_to && explore.share > 0 && draw!(index) < explore.share)
      return { matched: { index, route_to: explore.to, exploration: explore.to }, shadow };
    return { matched: { index, route_to: rule.route_to }, shadow };
  }
  return { shadow };
}
