// What the optimizer concludes for one routes file: per threshold rule, a proposed new
// threshold (or why none), with the evidence behind it. Written as a unified diff of the
// routes file, a pull-request body (Markdown) and this object as JSON.

// One scored turn as the optimizer reads it: a line of `gateway export-turns` (the turn
// record plus `scores`), or the same from the score store.
export type { ScoredTurn } from './read-scored-turns.js';

export interface OptimizeOptions {
  // Required quality of the cheaper route relative to the stronger one, per bucket:
  // cheap − strong ≥ −tolerance, at `confidence` (one-sided). Defaults 0.05 and 0.95.
  tolerance?: number;
  confidence?: number;
  // Absolute quality floor for the cheaper route in a bucket (--target-quality; default none).
  targetQuality?: number;
  // Turns needed per route per bucket before it counts as evidence (default 30).
  minSamples?: number;
  // The window the evidence covers, in days (for the weekly savings projection; default 7).
  windowDays?: number;
}

export interface RouteEvidence {
  route: string;
  n: number;
  // Mean quality in [0,1] and its confidence interval (per turn: the mean of the
  // built-in scores it has: tool_call_validity, task_completion).
  quality: number | null;
  qualityLow: number | null;
  qualityHigh: number | null;
  // Per metric, for the evidence table.
  toolCallValidity: { n: number; mean: number | null };
  taskCompletion: { n: number; mean: number | null };
  // Mean cost per priced turn (USD), null when none is priced.
  costPerTurnUsd: number | null;
}

export interface BucketEvidence {
  // Input tokens in [from, to).
  from: number;
  to: number;
  cheap: RouteEvidence;
  strong: RouteEvidence;
  // cheap − strong quality and its lower confidence bound; null without evidence.
  difference: number | null;
  differenceLow: number | null;
  verdict: 'cheap_ok' | 'cheap_worse' | 'insufficient';
}

export interface RuleProposal {
  // routing_policy.rules[index]
  ruleIndex: number;
  expression: string;
  // The rule's route and the alternative it is compared with (the policy default, or
  // the rule's explore_to), and which of the two is the cheaper.
  route: string;
  alternative: string;
  cheap: string;
  strong: string;
  operator: '<' | '<=' | '>' | '>=';
  threshold: number;
  // null: no change proposed (see `reason`).
  proposedThreshold: number | null;
  newExpression: string | null;
  reason: string;
  buckets: BucketEvidence[];
  // Turns in the window that would change route, and the projected savings per week
  // (positive: cheaper) and quality change, from the buckets' evidence.
  turnsMoved: number;
  projectedWeeklySavingsUsd: number | null;
  projectedQualityDelta: number | null;
  risks: string[];
}

export interface OptimizationResult {
  generatedAt: string;
  routesFile: string;
  window: { since: string; until: string; turns: number; scoredTurns: number };
  options: Required<Omit<OptimizeOptions, 'targetQuality'>> & { targetQuality: number | null };
  proposals: RuleProposal[];
  // Rules not of the form the optimizer understands, and why.
  skipped: { ruleIndex: number; expression: string; reason: string }[];
}
