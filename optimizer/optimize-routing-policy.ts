// The optimizer's analysis: for each live threshold rule of the routing policy, compare
// the rule's route with its alternative per input-token bucket over a window of scored
// turns, and propose where the threshold should be (or say why it should stay).
// Pure: reads only its arguments.
import type { LoadedConfig } from '../src/config/types.js';
import { inputTokenBucket, recordInputTokens } from '../src/records/input-token-bucket.js';
import type { BucketEvidence, OptimizationResult, OptimizeOptions, RouteEvidence, RuleProposal } from './proposal.js';
import type { ScoredTurn } from './read-scored-turns.js';
import { policyContextFromRecord } from './record-policy-context.js';
import { differenceBounds, summarize, wilsonInterval } from './quality-statistics.js';
import { analyzeThresholdRule, onRuleSide, replaceThreshold, tokensOnRuleSide, type ThresholdRule } from './rule-threshold.js';

export const BUILTIN_QUALITY_SCORES = ['tool_call_validity', 'task_completion'] as const;

export type ResolvedOptions = OptimizationResult['options'];

export function resolveOptions(options: OptimizeOptions | undefined, since: Date, until: Date): ResolvedOptions {
  const days = (until.getTime() - since.getTime()) / 86_400_000;
  return {
    tolerance: options?.tolerance ?? 0.05,
    confidence: options?.confidence ?? 0.95,
    minSamples: options?.minSamples ?? 30,
    windowDays: options?.windowDays ?? (days > 0 ? days : 7),
    targetQuality: options?.targetQuality ?? null,
  };
}

// A turn's quality: the mean of the built-in scores it has; null with neither.
export function turnQuality(turn: Pick<ScoredTurn, 'scores'>): number | null {
  let sum = 0;
  let n = 0;
  for (const name of BUILTIN_QUALITY_SCORES) {
    const s = turn.scores?.[name]?.score;
    if (typeof s === 'number' && Number.isFinite(s)) {
      sum += s;
      n++;
    }
  }
  return n === 0 ? null : sum / n;
}

export function turnCost(turn: Pick<ScoredTurn, 'costUsd'>): number | null {
  return typeof turn.costUsd === 'number' && Number.isFinite(turn.costUsd) ? turn.costUsd : null;
}

// Bucket [from, to) of the input-token buckets (src/records/input-token-bucket.ts).
export function bucketEnd(from: number): number {
  if (from < 32_000) return from + 1000;
  if (from < 128_000) return from + 8000;
  return from + 32_000;
}

// The alternative a rule is compared with: its explore_to (read defensively: the config
// type may or may not have it), else the policy default.
export function ruleAlternative(loaded: LoadedConfig, ruleIndex: number): string | undefined {
  const raw = (loaded.config.routing_policy?.rules ?? [])[ruleIndex] as unknown as Record<string, unknown> | undefined;
  if (raw) {
    if (typeof raw.explore_to === 'string' && raw.explore_to !== '') return raw.explore_to;
    const explore = raw.explore as Record<string, unknown> | undefined;
    if (explore && typeof explore === 'object') {
      for (const key of ['route_to', 'to', 'route', 'alias']) if (typeof explore[key] === 'string' && explore[key] !== '') return explore[key] as string;
    }
  }
  return loaded.config.routing_policy?.default;
}

interface Fact {
  turn: ScoredTurn;
  tokens: number;
  bucket: number;
  alias: string;
  quality: number | null;
  tcv: number | null;
  tc: number | null;
  cost: number | null;
  exploration: boolean;
}

function factOf(turn: ScoredTurn): Fact {
  const tokens = recordInputTokens(turn);
  const score = (name: string) => {
    const s = turn.scores?.[name]?.score;
    return typeof s === 'number' && Number.isFinite(s) ? s : null;
  };
  return {
    turn,
    tokens,
    bucket: inputTokenBucket(tokens),
    alias: turn.route.alias,
    quality: turnQuality(turn),
    tcv: score('tool_call_validity'),
    tc: score('task_completion'),
    cost: turnCost(turn),
    exploration: Boolean(turn.route.exploration),
  };
}

function meanOf(xs: (number | null)[]): { n: number; mean: number | null } {
  const v = xs.filter((x): x is number => x !== null);
  return { n: v.length, mean: v.length ? v.reduce((a, b) => a + b, 0) / v.length : null };
}

function routeEvidence(route: string, facts: Fact[], confidence: number): RouteEvidence {
  const q = meanOf(facts.map((f) => f.quality));
  const interval = q.mean === null ? null : wilsonInterval(q.mean, q.n, confidence);
  return {
    route,
    n: q.n,
    quality: q.mean,
    qualityLow: interval?.low ?? null,
    qualityHigh: interval?.high ?? null,
    toolCallValidity: meanOf(facts.map((f) => f.tcv)),
    taskCompletion: meanOf(facts.map((f) => f.tc)),
    costPerTurnUsd: meanOf(facts.map((f) => f.cost)).mean,
  };
}

interface BucketData {
  evidence: BucketEvidence;
  cheapFacts: Fact[];
  strongFacts: Fact[];
  // cheap − strong upper bound (for the verdict and the reasons).
  differenceHigh: number | null;
}

function bucketData(from: number, cheap: string, strong: string, facts: Fact[], o: ResolvedOptions): BucketData {
  const cheapFacts = facts.filter((f) => f.alias === cheap);
  const strongFacts = facts.filter((f) => f.alias === strong);
  const c = routeEvidence(cheap, cheapFacts, o.confidence);
  const s = routeEvidence(strong, strongFacts, o.confidence);
  const cq = summarize(cheapFacts.flatMap((f) => (f.quality === null ? [] : [f.quality])));
  const sq = summarize(strongFacts.flatMap((f) => (f.quality === null ? [] : [f.quality])));
  const bounds = differenceBounds(cq, sq, o.confidence);
  const difference = cq.mean !== null && sq.mean !== null ? cq.mean - sq.mean : null;
  let verdict: BucketEvidence['verdict'] = 'insufficient';
  if (c.n >= o.minSamples && s.n >= o.minSamples && bounds) {
    if (o.targetQuality !== null && (c.quality ?? 0) < o.targetQuality) verdict = 'cheap_worse';
    else if (bounds.low >= -o.tolerance) verdict = 'cheap_ok';
    // Worse only when the difference is beyond the tolerance at `confidence` too; an
    // interval straddling −tolerance is inconclusive (no move on noise).
    else if (bounds.high < -o.tolerance) verdict = 'cheap_worse';
  }
  return {
    evidence: { from, to: bucketEnd(from), cheap: c, strong: s, difference, differenceLow: bounds?.low ?? null, verdict },
    cheapFacts,
    strongFacts,
    differenceHigh: bounds?.high ?? null,
  };
}

function range(from: number, to: number): string {
  return `${from}–${to}`;
}

function fmt(x: number | null, digits = 2): string {
  return x === null ? 'n/a' : x.toFixed(digits);
}

// Why a bucket is not evidence either way.
function insufficientReason(b: BucketData, o: ResolvedOptions): string {
  const e = b.evidence;
  const short = [e.cheap, e.strong].filter((r) => r.n < o.minSamples);
  if (short.length > 0) {
    return `not enough evidence: bucket ${range(e.from, e.to)} has ${short.map((r) => `${r.n} turn${r.n === 1 ? '' : 's'} on ${r.route}`).join(' and ')}, ${o.minSamples} needed`;
  }
  return `not enough evidence: in bucket ${range(e.from, e.to)} the quality difference (${fmt(e.difference, 3)}, ${Math.round(o.confidence * 100)}% bounds ${fmt(e.differenceLow, 3)} to ${fmt(b.differenceHigh, 3)}) is inconclusive against the tolerance ${o.tolerance}; more turns needed`;
}

export interface OptimizeInput {
  loaded: LoadedConfig;
  turns: ScoredTurn[];
  since: Date;
  until: Date;
  options?: OptimizeOptions;
  now?: Date;
}

export function optimizeRoutingPolicy(input: OptimizeInput): OptimizationResult {
  const { loaded, since, until } = input;
  const o = resolveOptions(input.options, since, until);
  const inWindow = input.turns.filter((t) => {
    const at = Date.parse(t.at);
    return at >= since.getTime() && at < until.getTime();
  });
  const result: OptimizationResult = {
    generatedAt: (input.now ?? new Date()).toISOString(),
    routesFile: loaded.file,
    window: {
      since: since.toISOString(),
      until: until.toISOString(),
      turns: inWindow.length,
      scoredTurns: inWindow.filter((t) => t.scores && Object.keys(t.scores).length > 0).length,
    },
    options: o,
    proposals: [],
    skipped: [],
  };
  const facts = inWindow.filter((t) => t.status !== 'client_closed').map(factOf);
  const rules = loaded.config.routing_policy?.rules ?? [];
  rules.forEach((rule, ruleIndex) => {
    const skip = (reason: string) => result.skipped.push({ ruleIndex, expression: rule.if, reason });
    if (rule.shadow) return skip('a shadow rule (recorded, never applied)');
    const analysed = analyzeThresholdRule(rule.if);
    if ('reason' in analysed) return skip(analysed.reason);
    const alternative = ruleAlternative(loaded, ruleIndex);
    if (alternative === undefined) return skip('no alternative route to compare with (no explore_to and no routing_policy.default)');
    if (alternative === rule.route_to) return skip(`the rule routes to ${rule.route_to}, which is also its alternative; nothing to compare`);
    const compiled = loaded.rules[ruleIndex]?.if;
    const forced = tokensOnRuleSide(analysed.op, analysed.value);
    const considered = facts.filter((f) => (f.alias === rule.route_to || f.alias === alternative) && (!compiled || compiled.evaluate(policyContextFromRecord(f.turn, forced))));
    const costOf = (alias: string) => meanOf(considered.filter((f) => f.alias === alias).map((f) => f.cost)).mean;
    const routeCost = costOf(rule.route_to);
    const altCost = costOf(alternative);
    if (routeCost === null || altCost === null) {
      const missing = [routeCost === null ? rule.route_to : null, altCost === null ? alternative : null].filter(Boolean).join(' and ');
      return skip(`cannot tell which route is cheaper: no priced turns on ${missing} in the window`);
    }
    if (routeCost === altCost) return skip(`cannot tell which route is cheaper: ${rule.route_to} and ${alternative} cost the same per turn ($${routeCost})`);
    const routeIsCheap = routeCost < altCost;
    const cheap = routeIsCheap ? rule.route_to : alternative;
    const strong = routeIsCheap ? alternative : rule.route_to;
    result.proposals.push(proposeForRule({ ruleIndex, expression: rule.if, route: rule.route_to, alternative, cheap, strong, analysed, considered, o }));
  });
  return result;
}

interface RuleInput extends Pick<RuleProposal, 'ruleIndex' | 'expression' | 'route' | 'alternative' | 'cheap' | 'strong'> {
  analysed: ThresholdRule;
  considered: Fact[];
  o: ResolvedOptions;
}

function proposeForRule(r: RuleInput): RuleProposal {
  const { analysed, considered, o, cheap, strong } = r;
  const N = analysed.value;
  const ruleSideBelow = analysed.op === '<' || analysed.op === '<=';
  const ruleIsCheap = r.route === cheap;
  // The cheap route serves the side below the threshold, or the side above.
  const cheapBelow = ruleSideBelow === ruleIsCheap;

  const byBucket = new Map<number, Fact[]>();
  for (const f of considered) {
    let list = byBucket.get(f.bucket);
    if (!list) byBucket.set(f.bucket, (list = []));
    list.push(f);
  }
  // Every bucket from 0 to one past the last with data (and past the threshold's).
  const maxBucket = Math.max(inputTokenBucket(Math.max(0, N)), ...byBucket.keys());
  const all: BucketData[] = [];
  for (let b = 0; b <= maxBucket; b = bucketEnd(b)) all.push(bucketData(b, cheap, strong, byBucket.get(b) ?? [], o));
  all.push(bucketData(bucketEnd(maxBucket), cheap, strong, [], o));

  let proposed = N;
  let stop: BucketData | undefined;
  let lowered = false;
  let worst: BucketData | undefined;
  if (cheapBelow) {
    const worse = all.filter((b) => b.evidence.from < N && b.evidence.verdict === 'cheap_worse');
    if (worse.length > 0) {
      worst = worse[0];
      proposed = worst.evidence.from;
      lowered = true;
    } else {
      for (const b of all.filter((b) => b.evidence.to > N)) {
        if (b.evidence.verdict !== 'cheap_ok') {
          stop = b;
          break;
        }
        proposed = b.evidence.to;
      }
    }
  } else {
    const worse = all.filter((b) => b.evidence.to > N && b.evidence.verdict === 'cheap_worse');
    if (worse.length > 0) {
      worst = worse[worse.length - 1];
      proposed = worst.evidence.to;
      lowered = true;
    } else {
      for (const b of all.filter((b) => b.evidence.from < N).reverse()) {
        if (b.evidence.verdict !== 'cheap_ok') {
          stop = b;
          break;
        }
        proposed = b.evidence.from;
      }
    }
  }
  const changed = proposed !== N;

  const buckets = all.filter((b) => b.evidence.cheap.n + b.evidence.strong.n > 0 || byBucket.has(b.evidence.from)).map((b) => b.evidence);
  const base: RuleProposal = {
    ruleIndex: r.ruleIndex,
    expression: r.expression,
    route: r.route,
    alternative: r.alternative,
    cheap,
    strong,
    operator: analysed.op,
    threshold: N,
    proposedThreshold: null,
    newExpression: null,
    reason: '',
    buckets,
    turnsMoved: 0,
    projectedWeeklySavingsUsd: null,
    projectedQualityDelta: null,
    risks: [],
  };
  const risks: string[] = [];
  if (analysed.unrecorded.length > 0) {
    risks.push(`the condition uses ${analysed.unrecorded.join(', ')}, which turn records do not keep: evaluated as empty/false/null when selecting turns`);
  }
  const explorationShare = considered.length ? considered.filter((f) => f.exploration).length / considered.length : 0;

  if (!changed) {
    if (stop && stop.evidence.verdict === 'insufficient') base.reason = insufficientReason(stop, o);
    else if (stop) base.reason = `the evidence supports the current threshold: in bucket ${range(stop.evidence.from, stop.evidence.to)} ${cheap} is worse than ${strong} (difference ${fmt(stop.evidence.difference, 3)})`;
    else base.reason = 'the evidence supports the current threshold';
    addCheapSideRisks(risks, all, N, cheapBelow, o);
    if (considered.length > 0 && explorationShare < 0.05) risks.push(`exploration share is low (${(explorationShare * 100).toFixed(1)}% of ${considered.length} turns): little evidence for either route outside its current range`);
    base.risks = risks;
    return base;
  }

  base.proposedThreshold = proposed;
  base.newExpression = replaceThreshold(r.expression, analysed, proposed);
  const lo = Math.min(N, proposed);
  const hi = Math.max(N, proposed);
  base.reason =
    lowered && worst
      ? `${cheap} is worse than ${strong} beyond the tolerance in bucket ${range(worst.evidence.from, worst.evidence.to)} (difference ${fmt(worst.evidence.difference, 3)}${worst.differenceHigh !== null ? `, upper bound ${fmt(worst.differenceHigh, 3)}` : ''}${o.targetQuality !== null && (worst.evidence.cheap.quality ?? 0) < o.targetQuality ? `, below the target quality ${o.targetQuality}` : ''}): move the threshold from ${N} to ${proposed}`
      : `${cheap} is as good as ${strong} (within ${o.tolerance} at ${Math.round(o.confidence * 100)}%) in every bucket ${range(lo, hi)}: move the threshold from ${N} to ${proposed}`;

  // Turns whose route changes, and what that does to cost and quality.
  const routeFor = (tokens: number, value: number) => (onRuleSide(tokens, analysed.op, value) ? r.route : r.alternative);
  const overallCost = (alias: string) => meanOf(considered.filter((f) => f.alias === alias).map((f) => f.cost)).mean;
  const dataOf = new Map(all.map((b) => [b.evidence.from, b]));
  let moved = 0;
  let savings = 0;
  let savingsKnown = true;
  let usedFallbackCost = false;
  let qualityChange = 0;
  const missingQuality = new Set<number>();
  const crossed = new Set<number>();
  for (const f of considered) {
    const before = routeFor(f.tokens, N);
    const after = routeFor(f.tokens, proposed);
    if (before === after) continue;
    moved++;
    crossed.add(f.bucket);
    const ev = dataOf.get(f.bucket)?.evidence;
    const costIn = (alias: string) => {
      const c = ev ? (alias === cheap ? ev.cheap : ev.strong).costPerTurnUsd : null;
      if (c !== null) return c;
      usedFallbackCost = true;
      return overallCost(alias);
    };
    const cb = costIn(before);
    const ca = costIn(after);
    if (cb === null || ca === null) savingsKnown = false;
    else savings += cb - ca;
    const qIn = (alias: string) => (ev ? (alias === cheap ? ev.cheap : ev.strong).quality : null);
    const qb = qIn(before);
    const qa = qIn(after);
    if (qb === null || qa === null) missingQuality.add(f.bucket);
    else qualityChange += qa - qb;
  }
  base.turnsMoved = moved;
  base.projectedWeeklySavingsUsd = savingsKnown ? (savings * 7) / o.windowDays : null;
  base.projectedQualityDelta = considered.length ? qualityChange / considered.length : null;

  // Risks.
  const toCheap = lowered !== true;
  const crossedData = all.filter((b) => b.evidence.from < hi && b.evidence.to > lo);
  const near = all.filter((b) => b.evidence.to === proposed || b.evidence.from === proposed);
  for (const b of near) {
    const thin = [b.evidence.cheap, b.evidence.strong].filter((e) => e.n < 2 * o.minSamples);
    if (thin.length) risks.push(`thin evidence near the new threshold: bucket ${range(b.evidence.from, b.evidence.to)} has ${b.evidence.cheap.n} turns on ${cheap} and ${b.evidence.strong.n} on ${strong}`);
  }
  if (toCheap) {
    let w = 0;
    let d = 0;
    for (const b of crossedData) {
      if (b.evidence.difference === null) continue;
      const n = b.evidence.cheap.n + b.evidence.strong.n;
      w += n;
      d += b.evidence.difference * n;
    }
    if (w > 0 && d / w < 0) risks.push(`${cheap}'s quality in the moved buckets is lower than ${strong}'s by ${(-d / w).toFixed(3)} on average (within the tolerance ${o.tolerance})`);
  }
  const newRoute = toCheap ? cheap : strong;
  const newFacts = crossedData.flatMap((b) => (newRoute === cheap ? b.cheapFacts : b.strongFacts));
  if (newFacts.length > 0 && newFacts.every((f) => f.exploration)) {
    risks.push(`the evidence for ${newRoute} in the crossed buckets ${range(lo, hi)} comes only from exploration turns (${newFacts.length}): check that exploration sampled them without bias`);
  }
  if (considered.length > 0 && explorationShare < 0.05) risks.push(`exploration share is low (${(explorationShare * 100).toFixed(1)}% of ${considered.length} turns)`);
  if (usedFallbackCost) risks.push('some moved turns are in buckets without priced turns on both routes: their cost uses the route\'s mean over the whole window');
  if (!savingsKnown) risks.push('the savings cannot be projected: a route has no priced turns');
  if (missingQuality.size > 0) risks.push(`no quality evidence for one route in bucket${missingQuality.size === 1 ? '' : 's'} ${[...missingQuality].sort((a, b) => a - b).map((b) => range(b, bucketEnd(b))).join(', ')}: left out of the quality projection`);
  if (proposed <= 0 && cheapBelow) risks.push(`with the threshold at ${proposed} no turn goes to ${cheap} under this rule: consider removing the rule`);
  addCheapSideRisks(risks, all, proposed, cheapBelow, o);
  base.risks = risks;
  return base;
}

// Buckets on the cheap side where the data are there but non-inferiority is not shown.
function addCheapSideRisks(risks: string[], all: BucketData[], threshold: number, cheapBelow: boolean, o: ResolvedOptions): void {
  const inconclusive = all.filter(
    (b) =>
      (cheapBelow ? b.evidence.from < threshold : b.evidence.to > threshold) &&
      b.evidence.verdict === 'insufficient' &&
      b.evidence.cheap.n >= o.minSamples &&
      b.evidence.strong.n >= o.minSamples,
  );
  if (inconclusive.length > 0) {
    risks.push(`on the cheap side, the quality difference is inconclusive in bucket${inconclusive.length === 1 ? '' : 's'} ${inconclusive.map((b) => range(b.evidence.from, b.evidence.to)).join(', ')}`);
  }
}
