// Backtest: replay each recorded turn under the current and the proposed policy, and for
// the turns whose route changes, estimate cost and quality under the new route from what
// that route showed in the same input-token bucket.
import type { LoadedConfig } from '../src/config/types.js';
import { inputTokenBucket, recordInputTokens } from '../src/records/input-token-bucket.js';
import { evaluateRules } from '../src/routing/policy/evaluate-rules.js';
import type { OptimizeOptions } from './proposal.js';
import type { ScoredTurn } from './read-scored-turns.js';
import { policyContextFromRecord } from './record-policy-context.js';
import { turnCost, turnQuality } from './optimize-routing-policy.js';

export interface BacktestRuleResult {
  // The first rule (index in the current policy) where the two policies decide differently;
  // null: the default.
  ruleIndex: number | null;
  expression: string | null;
  proposedExpression: string | null;
  changed: number;
  costDeltaUsd: number;
  qualityDelta: number | null;
}

export interface BacktestResult {
  turns: number;
  changed: number;
  withEvidence: number;
  withoutEvidence: number;
  costBeforeUsd: number;
  costAfterUsd: number;
  costDeltaUsd: number;
  // Mean quality per turn (turns with a quality, or an estimate of it).
  qualityBefore: number | null;
  qualityAfter: number | null;
  qualityDelta: number | null;
  perRule?: BacktestRuleResult[];
}

export interface BacktestInput {
  current: LoadedConfig;
  proposed: LoadedConfig;
  turns: ScoredTurn[];
  // Accepted for symmetry with the optimizer; the backtest uses every observed turn as evidence.
  options?: OptimizeOptions;
}

interface Cell {
  costSum: number;
  costN: number;
  qualitySum: number;
  qualityN: number;
  n: number;
}

// The route a policy gives a turn: explicit (non-policy) aliases stay as they were; else
// the first live rule that matches, else the default, else what the client asked for.
export function policyRoute(loaded: LoadedConfig, turn: ScoredTurn): { route: string; ruleIndex: number | null } {
  if (turn.route.by === 'alias') return { route: turn.route.alias, ruleIndex: null };
  const outcome = evaluateRules(loaded.rules, policyContextFromRecord(turn, recordInputTokens(turn)));
  if (outcome.matched) return { route: outcome.matched.route_to, ruleIndex: outcome.matched.index };
  return { route: loaded.config.routing_policy?.default ?? turn.route.requested ?? turn.route.alias, ruleIndex: null };
}

export function backtestPolicy(input: BacktestInput): BacktestResult {
  const turns = input.turns.filter((t) => t.status !== 'client_closed');
  const cells = new Map<string, Cell>();
  const key = (alias: string, bucket: number) => `${alias}\u0000${bucket}`;
  for (const t of turns) {
    const k = key(t.route.alias, inputTokenBucket(recordInputTokens(t)));
    let c = cells.get(k);
    if (!c) cells.set(k, (c = { costSum: 0, costN: 0, qualitySum: 0, qualityN: 0, n: 0 }));
    c.n++;
    const cost = turnCost(t);
    if (cost !== null) {
      c.costSum += cost;
      c.costN++;
    }
    const q = turnQuality(t);
    if (q !== null) {
      c.qualitySum += q;
      c.qualityN++;
    }
  }
  const estimate = (alias: string, bucket: number) => {
    const c = cells.get(key(alias, bucket));
    if (!c || c.n === 0) return undefined;
    return { cost: c.costN ? c.costSum / c.costN : null, quality: c.qualityN ? c.qualitySum / c.qualityN : null };
  };
  // A turn's cost and quality under `alias`: its own when it ran there, else the bucket's.
  const under = (t: ScoredTurn, alias: string, bucket: number) => {
    if (alias === t.route.alias) {
      const est = estimate(alias, bucket);
      return { cost: turnCost(t) ?? est?.cost ?? null, quality: turnQuality(t) ?? est?.quality ?? null, evidence: true };
    }
    const est = estimate(alias, bucket);
    return est ? { ...est, evidence: true } : { cost: null, quality: null, evidence: false };
  };

  const result: BacktestResult = {
    turns: turns.length,
    changed: 0,
    withEvidence: 0,
    withoutEvidence: 0,
    costBeforeUsd: 0,
    costAfterUsd: 0,
    costDeltaUsd: 0,
    qualityBefore: null,
    qualityAfter: null,
    qualityDelta: null,
  };
  let qb = 0;
  let qa = 0;
  let qn = 0;
  const perRule = new Map<number | null, { changed: number; cost: number; quality: number; qualityN: number }>();
  for (const t of turns) {
    const bucket = inputTokenBucket(recordInputTokens(t));
    const cur = policyRoute(input.current, t);
    const prop = policyRoute(input.proposed, t);
    let before = under(t, cur.route, bucket);
    if (!before.evidence) before = under(t, t.route.alias, bucket);
    let after = before;
    if (cur.route !== prop.route) {
      result.changed++;
      const est = under(t, prop.route, bucket);
      if (est.evidence) {
        result.withEvidence++;
        after = est;
      } else result.withoutEvidence++;
    }
    const cb = before.cost ?? after.cost ?? 0;
    const ca = after.cost ?? before.cost ?? 0;
    result.costBeforeUsd += cb;
    result.costAfterUsd += ca;
    const b = before.quality ?? after.quality;
    const a = after.quality ?? before.quality;
    if (b !== null && a !== null) {
      qb += b;
      qa += a;
      qn++;
    }
    if (cur.route !== prop.route) {
      const index = Math.min(cur.ruleIndex ?? Infinity, prop.ruleIndex ?? Infinity);
      const k = Number.isFinite(index) ? index : null;
      let r = perRule.get(k);
      if (!r) perRule.set(k, (r = { changed: 0, cost: 0, quality: 0, qualityN: 0 }));
      r.changed++;
      r.cost += ca - cb;
      if (b !== null && a !== null) {
        r.quality += a - b;
        r.qualityN++;
      }
    }
  }
  result.costDeltaUsd = result.costAfterUsd - result.costBeforeUsd;
  if (qn > 0) {
    result.qualityBefore = qb / qn;
    result.qualityAfter = qa / qn;
    result.qualityDelta = (qa - qb) / qn;
  }
  const curRules = input.current.config.routing_policy?.rules ?? [];
  const propRules = input.proposed.config.routing_policy?.rules ?? [];
  result.perRule = [...perRule.entries()]
    .sort(([a], [b]) => (a ?? Infinity) - (b ?? Infinity))
    .map(([ruleIndex, r]) => ({
      ruleIndex,
      expression: ruleIndex === null ? null : (curRules[ruleIndex]?.if ?? null),
      proposedExpression: ruleIndex === null ? null : (propRules[ruleIndex]?.if ?? null),
      changed: r.changed,
      costDeltaUsd: r.cost,
      // Per turn of the whole backtest, so the rows add up to qualityDelta.
      qualityDelta: qn > 0 ? r.quality / qn : null,
    }));
  return result;
}

export function renderBacktest(r: BacktestResult): string {
  const usd = (x: number) => `${x < 0 ? '-' : ''}$${Math.abs(x).toFixed(4)}`;
  const q = (x: number | null, signed = false) => (x === null ? 'n/a' : `${signed && x >= 0 ? '+' : ''}${x.toFixed(4)}`);
  const lines = [
    '| | before | after | delta |',
    '|---|---:|---:|---:|',
    `| cost | ${usd(r.costBeforeUsd)} | ${usd(r.costAfterUsd)} | ${usd(r.costDeltaUsd)} |`,
    `| quality (mean per turn) | ${q(r.qualityBefore)} | ${q(r.qualityAfter)} | ${q(r.qualityDelta, true)} |`,
    '',
    `${r.turns} turns replayed; ${r.changed} change route (${r.withEvidence} estimated from the new route's evidence in their bucket, ${r.withoutEvidence} without evidence, left as they were).`,
  ];
  if (r.perRule && r.perRule.length > 0) {
    lines.push('', '| rule | current | proposed | turns changed | cost delta | quality delta |', '|---|---|---|---:|---:|---:|');
    for (const p of r.perRule) {
      lines.push(`| ${p.ruleIndex === null ? 'default' : p.ruleIndex} | ${p.expression === null ? '' : `\`${p.expression}\``} | ${p.proposedExpression === null ? '' : `\`${p.proposedExpression}\``} | ${p.changed} | ${usd(p.costDeltaUsd)} | ${q(p.qualityDelta, true)} |`);
    }
  }
  return `${lines.join('\n')}\n`;
}
